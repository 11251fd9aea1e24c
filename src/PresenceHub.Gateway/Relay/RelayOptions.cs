using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Relay;

/// <summary>Where the relay keeps events and last-known presence, and how long.</summary>
public sealed class RelayOptions : IValidatableObject
{
    public const string SectionName = "Relay";

    /// <summary><see cref="RelayMode.InMemory"/> (default: one process, nothing survives a restart) or <see cref="RelayMode.Redis"/>.</summary>
    public RelayMode Mode { get; set; } = RelayMode.InMemory;

    /// <summary>
    /// StackExchange.Redis configuration string (e.g. <c>redis:6379,password=...</c>, or several cluster nodes).
    /// Required in Redis mode. Connect and operation timeouts not set here default to <see cref="OperationTimeout"/>.
    /// </summary>
    public string? RedisConfiguration { get; set; }

    /// <summary>Prefix of every Redis key, so several deployments can share one Redis. Default <c>ph</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Relay:KeyPrefix must be 1 to 32 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "ph";

    /// <summary>Most events kept per organization (trimmed approximately). Default 100,000.</summary>
    [Range(100, 100_000_000, ErrorMessage = "Relay:RetentionMaxLength must be between 100 and 100,000,000.")]
    public int RetentionMaxLength { get; set; } = 100_000;

    /// <summary>
    /// How long a user's last-known state stays in Redis after it was last written: their presence per platform (the
    /// only record holding status and out-of-office texts) and their directory profile (the only one holding their
    /// name and job title). Null keeps them until the user leaves. Reconciliation and the profile refresh write them
    /// again for users still taking part. Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "Relay:LastKnownTimeToLive must be between 1 minute and 365 days.")]
    public TimeSpan? LastKnownTimeToLive { get; set; } = TimeSpan.FromDays(7);

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

    /// <summary>How long a Redis operation or connection attempt may take before it fails. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Relay:OperationTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == RelayMode.Redis && string.IsNullOrWhiteSpace(RedisConfiguration))
        {
            yield return new ValidationResult(
                "Relay:RedisConfiguration is required when Relay:Mode is Redis.", [nameof(RedisConfiguration)]);
        }

        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult("Relay:Mode must be InMemory or Redis.", [nameof(Mode)]);
        }

        if (LagBound >= RetentionMaxLength)
        {
            yield return new ValidationResult(
                "Relay:LagBound must be below Relay:RetentionMaxLength, so a slow connector coalesces before retention drops its events.",
                [nameof(LagBound), nameof(RetentionMaxLength)]);
        }
    }
}
