using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk;

/// <summary>The last-known presence of one requested user.</summary>
/// <param name="Requested">The reference as requested.</param>
/// <param name="User">The Teams user; null when not found.</param>
/// <param name="Update">The presence with its source, origin and version; null when not found.</param>
public sealed record LastKnownPresence(UserReference Requested, TeamsUserIdentity? User, PresenceUpdate? Update)
{
    /// <summary>Whether the user is known in the connector's organization and has a presence.</summary>
    public bool Found => Update is not null;
}
