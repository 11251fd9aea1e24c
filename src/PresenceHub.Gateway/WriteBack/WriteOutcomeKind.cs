namespace PresenceHub.Gateway.WriteBack;

/// <summary>The kinds of <see cref="WriteOutcome"/>.</summary>
internal enum WriteOutcomeKind
{
    Success,
    NotFound,
    Failed,
}
