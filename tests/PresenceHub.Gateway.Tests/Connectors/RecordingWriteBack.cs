using System.Collections.Concurrent;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Connectors;

/// <summary>Records what the connector API hands to write-back, for tests of the connector API alone.</summary>
internal sealed class RecordingWriteBack : IPresenceWriteBack
{
    public ConcurrentQueue<PresenceUpdate> Submitted { get; } = new();

    public Task SubmitAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        foreach (var update in updates)
        {
            Submitted.Enqueue(update);
        }

        return Task.CompletedTask;
    }

    public ConcurrentQueue<(OrganizationId Organization, string UserId)> Ended { get; } = new();

    public Task<bool> EndSessionAsync(OrganizationId organization, string userId, CancellationToken cancellationToken)
    {
        Ended.Enqueue((organization, userId));
        return Task.FromResult(false);
    }
}
