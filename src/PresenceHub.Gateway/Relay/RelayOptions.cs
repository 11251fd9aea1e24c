using System.ComponentModel.DataAnnotations;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Relay;

/// <summary>How long the relay keeps events and last-known presence, and how it paces connectors. Where it keeps them is <see cref="StateOptions"/>.</summary>
internal sealed class RelayOptions : IValidatableObject
{
    public const string SectionName = "Relay";

    /// <summary>Most events kept per organization (trimmed approximately). Default 100,000.</summary>
    [Range(100, 100_000_000, ErrorMessage = "Relay:RetentionMaxLength must be between 100 and 100,000,000.")]
    public int RetentionMaxLength { get; set; } = 100_000;

    /// <summary>Oldest event kept, when set; events older are trimmed even below <see cref="RetentionMaxLength"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00", ErrorMessage = "Relay:RetentionMaxAge must be between 1 second and 365 days.")]
    public TimeSpan? RetentionMaxAge { get; set; }

    /// <summary>How long an event delivered to a connector instance may stay unacknowledged before another instance of the connector takes it over. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Relay:ReclaimIdle must be between 10 ms and 1 day.")]
    public TimeSpan ReclaimIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many unread events a connector may fall behind before its backlog is coalesced into a snapshot. Default 10,000.</summary>
    [Range(1, 100_000_000, ErrorMessage = "Relay:LagBound must be between 1 and 100,000,000.")]
    public int LagBound { get; set; } = 10_000;

    /// <summary>Longest a waiting reader goes without checking for events should a wake-up signal be lost. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Relay:FallbackPoll must be between 10 ms and 10 minutes.")]
    public TimeSpan FallbackPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LagBound >= RetentionMaxLength)
        {
            yield return new ValidationResult(
                "Relay:LagBound must be below Relay:RetentionMaxLength, so a slow connector coalesces before retention drops its events.",
                [nameof(LagBound), nameof(RetentionMaxLength)]);
        }
    }
}
