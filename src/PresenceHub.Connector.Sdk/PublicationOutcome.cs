namespace PresenceHub.Connector.Sdk;

/// <summary>What the hub did with a published presence.</summary>
public enum PublicationOutcome
{
    /// <summary>The hub did not say.</summary>
    Unspecified = 0,
    /// <summary>Accepted; it will be written into Teams and relayed to other connectors.</summary>
    Accepted,
    /// <summary>Ignored: the same or a newer version was already applied (a retry is safe).</summary>
    Stale,
    /// <summary>Ignored: the platform user is not linked to a Teams user of the connector's organization.</summary>
    UnlinkedUser,
    /// <summary>Rejected as invalid; <see cref="PublishResult.Detail"/> says why.</summary>
    Rejected,
}
