using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.GraphSimulator.Notifications;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator;

/// <summary>
/// Starts the simulator's moving parts with the host: the scheduler, the change-to-notification wiring, the seed
/// registry from options, the CA PEM file, and the base address once Kestrel has bound.
/// </summary>
internal sealed partial class SimulatorHost(
    SimulatorScheduler scheduler,
    PresenceStore presence,
    SimulatorDirectory directory,
    NotificationPublisher publisher,
    NotificationDispatcher dispatcher,
    SimulatorCertificates certificates,
    SimulatorAddress address,
    GraphSimulatorOptions options,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<SimulatorHost> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        presence.Changed += publisher.OnPresenceChanged;
        directory.Changed += publisher.OnDirectoryChanged;
        foreach (var tenant in options.Tenants)
        {
            directory.AddTenant(tenant);
        }

        if (!string.IsNullOrEmpty(options.CaCertificatePath))
        {
            certificates.WriteAuthorityPem(options.CaCertificatePath);
        }

        scheduler.Start();
        lifetime.ApplicationStarted.Register(OnStarted);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        presence.Changed -= publisher.OnPresenceChanged;
        directory.Changed -= publisher.OnDirectoryChanged;
        dispatcher.Stop();
        await scheduler.DisposeAsync().ConfigureAwait(false);
    }

    private void OnStarted()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null)
        {
            return;
        }

        var uri = new UriBuilder(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        uri.Path = "/";
        address.Set(uri.Uri);
        LogListening(logger, uri.Uri, options.CaCertificatePath ?? "(not written)");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Graph simulator listening on {BaseAddress}; CA certificate at {CaPath}")]
    private static partial void LogListening(ILogger logger, Uri baseAddress, string caPath);
}
