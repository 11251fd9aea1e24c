namespace PresenceHub.Gateway.Connectors;

/// <summary>How a platform identity resolved; <see cref="TeamsUserId"/> is set for a unique match.</summary>
/// <param name="Kind">How it matched.</param>
/// <param name="TeamsUserId">The Teams user, for a unique match.</param>
/// <param name="Refusal">Why the federation policy refused it, for <see cref="IdentityMatchKind.Refused"/>.</param>
internal sealed record IdentityMatchResult(IdentityMatchKind Kind, string? TeamsUserId, string? Refusal = null)
{
    public static IdentityMatchResult None { get; } = new(IdentityMatchKind.None, null);

    public static IdentityMatchResult Refused(string reason) => new(IdentityMatchKind.Refused, null, reason);
}
