using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>How presence from connectors is held in Teams as PresenceHub's <c>setPresence</c> session.</summary>
internal sealed class WriteBackOptions : IValidatableObject
{
    public const string SectionName = "WriteBack";

    /// <summary>The <c>expirationDuration</c> of every session set or refreshed (Graph allows PT5M to PT4H). Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "04:00:00", ErrorMessage = "WriteBack:SessionLifetime must be between 5 minutes and 4 hours.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long before a session expires it is refreshed. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "03:00:00", ErrorMessage = "WriteBack:RefreshBefore must be between 1 minute and 3 hours.")]
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often an Available session is set again, because Teams shows an Available session as idle after 5 minutes.
    /// Default 4 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:04:50", ErrorMessage = "WriteBack:AvailableRefreshInterval must be between 1 minute and 4 minutes 50 seconds.")]
    public TimeSpan AvailableRefreshInterval { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>
    /// How long a replica owns a session it is writing. Another replica takes the session over only after this, so
    /// it must outlast one Graph call with its retries. Default 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00", ErrorMessage = "WriteBack:ClaimTimeout must be between 30 seconds and 30 minutes.")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait before the first retry of a failed write; it doubles with each further failure. Default 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "WriteBack:RetryDelay must be between 1 second and 10 minutes.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between retries of a failing write. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "WriteBack:MaxRetryDelay must be between 1 second and 1 hour.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the worker looks for due work written by other replicas (its own submissions wake it at once).
    /// Default 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00", ErrorMessage = "WriteBack:PollInterval must be between 10 ms and 5 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most sessions taken per pass. Default 200.</summary>
    [Range(1, 10_000, ErrorMessage = "WriteBack:BatchSize must be between 1 and 10,000.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>Most Graph calls in flight per replica. Default 8.</summary>
    [Range(1, 256, ErrorMessage = "WriteBack:MaxConcurrentCalls must be between 1 and 256.")]
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RefreshBefore >= SessionLifetime - TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult(
                "WriteBack:RefreshBefore must be at least 1 minute shorter than WriteBack:SessionLifetime.",
                [nameof(RefreshBefore), nameof(SessionLifetime)]);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("WriteBack:MaxRetryDelay must not be shorter than WriteBack:RetryDelay.", [nameof(MaxRetryDelay)]);
        }
    }
}
