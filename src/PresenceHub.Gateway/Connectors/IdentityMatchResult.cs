namespace PresenceHub.Gateway.Connectors;

/// <summary>How a platform identity resolved; <see cref="TeamsUserId"/> is set for a unique match.</summary>
internal sealed record IdentityMatchResult(IdentityMatchKind Kind, string? TeamsUserId)
{
    public static IdentityMatchResult None { get; } = new(IdentityMatchKind.None, null);
}
