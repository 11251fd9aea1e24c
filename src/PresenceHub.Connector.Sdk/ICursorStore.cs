namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Keeps the cursor of the last handled event across restarts, so a restarted connector resumes where it stopped.
/// Without a store the client keeps the cursor in memory and, after a restart, the hub resumes after the last
/// cursor it received an acknowledgement for.
/// </summary>
public interface ICursorStore
{
    /// <summary>Returns the saved cursor of <paramref name="connectorId"/>, or null when there is none.</summary>
    ValueTask<string?> LoadAsync(string connectorId, CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="cursor"/> as the last handled cursor of <paramref name="connectorId"/>.</summary>
    ValueTask SaveAsync(string connectorId, string cursor, CancellationToken cancellationToken);
}
