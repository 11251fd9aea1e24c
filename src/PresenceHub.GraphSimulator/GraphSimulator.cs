using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PresenceHub.GraphSimulator.Identity;

namespace PresenceHub.GraphSimulator;

/// <summary>
/// A local stand-in for Microsoft Graph and Entra ID, hosted in-process on Kestrel (HTTPS, 127.0.0.1, a free port).
/// <code>
/// await using var sim = await GraphSimulator.StartAsync(new GraphSimulatorOptions());
/// var tenantId = sim.Control.AddTenant(new SimulatedTenant());
/// </code>
/// </summary>
public sealed class GraphSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorCertificates _certificates;

    private GraphSimulator(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        _certificates = app.Services.GetRequiredService<SimulatorCertificates>();
        Control = app.Services.GetRequiredService<SimulatorControl>();
    }

    /// <summary>Base address of both sides, e.g. <c>https://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Authority host for MSAL / Azure.Identity (<c>AuthorityHost</c>); the same as <see cref="BaseAddress"/>.</summary>
    public Uri AuthorityHost => BaseAddress;

    /// <summary>Graph base URL for <c>GraphServiceClient</c>, e.g. <c>https://127.0.0.1:41234/v1.0</c>.</summary>
    public string GraphBaseUrl => new Uri(BaseAddress, "v1.0").ToString();

    /// <summary>The CA certificate (public part) that issued the simulator's TLS certificate; trust it by configuration.</summary>
    public X509Certificate2 CertificateAuthority => _certificates.Authority;

    /// <summary>The CA certificate as PEM.</summary>
    public string CertificateAuthorityPem => _certificates.AuthorityPem;

    /// <summary>The control surface: registry, tokens, presence, clock, faults, statistics, generator.</summary>
    public SimulatorControl Control { get; }

    /// <summary>The host's services, for tests that need the simulator's internals (its signing key).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>The simulator clock (a <see cref="TimeProvider"/>).</summary>
    public TimeProvider Clock => Control.Clock;

    /// <summary>Authority URL of a tenant for MSAL, e.g. <c>https://127.0.0.1:41234/{tenant}</c>.</summary>
    public Uri Authority(string tenant) => new(BaseAddress, tenant);

    /// <summary>OpenID configuration URI of a tenant (v2.0), e.g. for <c>AreTokensValidAsync</c>'s wellKnownUri.</summary>
    public Uri WellKnownUri(string tenant = "common") => new(BaseAddress, $"{tenant}/v2.0/.well-known/openid-configuration");

    /// <summary>
    /// Starts the simulator on <c>https://127.0.0.1:0</c> (a free port) and waits until it listens.
    /// </summary>
    /// <param name="options">Options; null for defaults.</param>
    /// <param name="configureLogging">Logging setup; by default only warnings and errors go to the console.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<GraphSimulator> StartAsync(
        GraphSimulatorOptions? options = null,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GraphSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // In-process the host's settings come only from the options: the caller's appsettings.json, ASPNETCORE_URLS or
        // Kestrel sections must not leak into the simulator.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.WebHost.UseUrls("https://127.0.0.1:0");
        builder.AddGraphSimulator(options ?? new GraphSimulatorOptions());
        var app = builder.Build();
        app.MapGraphSimulator();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GraphSimulator(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// Creates a self-signed CA certificate with its private key. Pass it as
    /// <see cref="GraphSimulatorOptions.CertificateAuthority"/> to let several simulators (or restarts) share one CA.
    /// </summary>
    public static X509Certificate2 CreateCertificateAuthority() => SimulatorCertificates.CreateAuthority(TimeProvider.System.GetUtcNow());

    /// <summary>
    /// A handler that trusts exactly the simulator's CA for server certificates (no global trust change, no disabled
    /// validation). Use it for HttpClient, Azure.Identity's <c>HttpClientTransport</c> or the Graph client.
    /// </summary>
    public SocketsHttpHandler CreateTrustingHandler()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(_certificates.Authority);
        return handler;
    }

    /// <summary>An HttpClient with <see cref="BaseAddress"/> and <see cref="CreateTrustingHandler"/>.</summary>
    public HttpClient CreateHttpClient() => new(CreateTrustingHandler(), disposeHandler: true) { BaseAddress = BaseAddress };

    /// <summary>Stops the simulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await Control.StopPresenceGeneratorAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
