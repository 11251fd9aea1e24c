using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.State;

/// <summary>
/// Where every store of the gateway keeps its data: the relay, consents, connector keys, owners' tokens, the
/// directory, write-back sessions and the metadata log. Section <c>State</c>; the older keys <c>Relay:Mode</c>,
/// <c>Relay:RedisConfiguration</c>, <c>Relay:KeyPrefix</c>, <c>Relay:OperationTimeout</c> and
/// <c>Relay:LastKnownTimeToLive</c> are read as aliases.
/// </summary>
internal sealed class StateOptions : IValidatableObject
{
    public const string SectionName = "State";

    /// <summary>The section whose keys are read as aliases of this one's.</summary>
    public const string AliasSectionName = "Relay";

    /// <summary><see cref="StateMode.InMemory"/> (default: one process, nothing survives a restart) or <see cref="StateMode.Redis"/>.</summary>
    public StateMode Mode { get; set; } = StateMode.InMemory;

    /// <summary>
    /// StackExchange.Redis configuration string (e.g. <c>redis:6379,password=...</c>, or several cluster nodes).
    /// Required in Redis mode. Connect and operation timeouts not set here default to <see cref="OperationTimeout"/>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key, so several deployments can share one Redis. Default <c>ph</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "State:KeyPrefix must be 1 to 32 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "ph";

    /// <summary>How long a Redis operation or connection attempt may take before it fails. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "State:OperationTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a user's last-known state stays in Redis after it was last written: their presence per platform (the
    /// only record holding status and out-of-office texts) and their directory profile (the only one holding their
    /// name and job title). Null keeps them until the user leaves. Reconciliation and the profile refresh write them
    /// again for users still taking part. Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "State:LastKnownTimeToLive must be between 1 minute and 365 days.")]
    public TimeSpan? LastKnownTimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether replicas share this state (Redis), so per-process copies of it must not be kept.</summary>
    public bool IsShared => Mode == StateMode.Redis;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult("State:Mode must be InMemory or Redis.", [nameof(Mode)]);
        }

        if (Mode == StateMode.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult("State:Redis (or Relay:RedisConfiguration) is required when State:Mode is Redis.", [nameof(Redis)]);
        }
    }

    /// <summary>
    /// Reads the options: each key from <c>State</c>, else from its <c>Relay</c> alias. A key set in both sections
    /// to different values is an error, so a half-migrated configuration cannot silently pick one.
    /// </summary>
    internal static void Bind(StateOptions options, IConfiguration configuration)
    {
        var state = configuration.GetSection(SectionName);
        var alias = configuration.GetSection(AliasSectionName);
        if (Read(state, alias, nameof(Mode), nameof(Mode)) is { } mode)
        {
            options.Mode = Enum.TryParse<StateMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new OptionsValidationException(SectionName, typeof(StateOptions), [$"State:Mode '{mode}' must be InMemory or Redis."]);
        }

        options.Redis = Read(state, alias, nameof(Redis), "RedisConfiguration") ?? options.Redis;
        options.KeyPrefix = Read(state, alias, nameof(KeyPrefix), nameof(KeyPrefix)) ?? options.KeyPrefix;
        options.OperationTimeout = ReadTimeSpan(state, alias, nameof(OperationTimeout)) ?? options.OperationTimeout;
        if (Read(state, alias, nameof(LastKnownTimeToLive), nameof(LastKnownTimeToLive)) is not null)
        {
            options.LastKnownTimeToLive = ReadTimeSpan(state, alias, nameof(LastKnownTimeToLive));
        }
    }

    private static TimeSpan? ReadTimeSpan(IConfigurationSection state, IConfigurationSection alias, string key) =>
        Read(state, alias, key, key) is not { } text ? null
        : TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new OptionsValidationException(SectionName, typeof(StateOptions), [$"State:{key} '{text}' is not a time span (d.hh:mm:ss)."]);

    private static string? Read(IConfigurationSection state, IConfigurationSection alias, string key, string aliasKey)
    {
        var (value, old) = (state[key], alias[aliasKey]);
        if (!string.IsNullOrEmpty(value) && !string.IsNullOrEmpty(old) && !string.Equals(value, old, StringComparison.Ordinal))
        {
            throw new OptionsValidationException(SectionName, typeof(StateOptions),
                [$"State:{key} and its alias Relay:{aliasKey} are both set, to different values; keep State:{key} only."]);
        }

        return string.IsNullOrEmpty(value) ? (string.IsNullOrEmpty(old) ? null : old) : value;
    }
}
