namespace PresenceHub.Gateway.Demo;

/// <summary>
/// Keeps the gateway's host from reacting to Ctrl+C itself: the demo stops its parts in order (generator, connector,
/// gateway, simulator), and a host that began stopping on the same signal would cut the connector's stream first.
/// </summary>
internal sealed class DemoHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
