using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// Stands in for write-back while the gateway's composition registers none, so the connector API can be built. The
/// console connector only receives, so nothing is ever submitted; were something to be, it fails loudly rather than
/// dropping presence. Registered with TryAdd after the gateway's features, so the real write-back wins once composed.
/// </summary>
internal sealed class DemoWriteBackAbsent : IPresenceWriteBack
{
    public Task SubmitAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("This gateway build composes no presence write-back; the demo's console connector does not publish.");
}
