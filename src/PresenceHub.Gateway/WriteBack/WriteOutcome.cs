namespace PresenceHub.Gateway.WriteBack;

/// <summary>How one setPresence or clearPresence call ended.</summary>
/// <param name="Kind">Success, the user does not exist, or a failure worth retrying.</param>
/// <param name="Reason">For failures, a short reason (HTTP status or exception type); never a response body.</param>
internal sealed record WriteOutcome(WriteOutcomeKind Kind, string Reason)
{
    public static WriteOutcome Success { get; } = new(WriteOutcomeKind.Success, "success");

    public static WriteOutcome NotFound { get; } = new(WriteOutcomeKind.NotFound, "not-found");
}
