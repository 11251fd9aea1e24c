using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Graph;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.GraphSimulator.Notifications;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Subscriptions;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator;

/// <summary>Composition of the simulator into an ASP.NET Core host.</summary>
internal static class GraphSimulatorExtensions
{
    public const string DefaultUrl = "https://127.0.0.1:5443";

    /// <summary>
    /// Registers the simulator. With <paramref name="options"/> null they are bound from the <c>GraphSimulator</c>
    /// section and validated at start; otherwise the given instance is validated now.
    /// </summary>
    public static WebApplicationBuilder AddGraphSimulator(this WebApplicationBuilder builder, GraphSimulatorOptions? options = null)
    {
        var services = builder.Services;
        if (options is null)
        {
            services.AddOptions<GraphSimulatorOptions>().BindConfiguration(GraphSimulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        }
        else
        {
            Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
            services.AddSingleton(Options.Create(options));
        }

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<GraphSimulatorOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<GraphSimulatorOptions>();
            return new SimulatorClock(sp.GetRequiredService<TimeProvider>(), o.FreezeClock, o.ClockStart);
        });

        var certificates = new SimulatorCertificates(TimeProvider.System, options?.CertificateAuthority ?? LoadOrCreateAuthority(builder.Configuration));
        services.TryAddSingleton(_ => certificates);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificates.ServerCertificate));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        services.AddHttpClient(ValidationHandshake.HttpClientName);
        services.TryAddSingleton<SimulatorAddress>();
        services.TryAddSingleton<SimulatorScheduler>();
        services.TryAddSingleton<SimulatorFaults>();
        services.TryAddSingleton<SimulatorCounters>();
        services.TryAddSingleton<GraphErrors>();
        services.TryAddSingleton<GraphRequestGuard>();
        services.TryAddSingleton<SimulatorDirectory>();
        services.TryAddSingleton<DirectoryEndpoints>();
        services.TryAddSingleton<PresenceStore>();
        services.TryAddSingleton<PresenceEndpoints>();
        services.TryAddSingleton<SubscriptionStore>();
        services.TryAddSingleton<ValidationHandshake>();
        services.TryAddSingleton<SubscriptionEndpoints>();
        services.TryAddSingleton<NotificationDispatcher>();
        services.TryAddSingleton<NotificationPublisher>();
        services.TryAddSingleton<LifecycleNotifier>();
        services.TryAddSingleton<PresenceGenerator>();
        services.TryAddSingleton(sp => new SimulatorControl(
            sp.GetRequiredService<SimulatorDirectory>(),
            sp.GetRequiredService<PresenceStore>(),
            sp.GetRequiredService<TokenIssuer>(),
            sp.GetRequiredService<SimulatorClock>(),
            sp.GetRequiredService<SimulatorFaults>(),
            sp.GetRequiredService<SimulatorCounters>(),
            sp.GetRequiredService<SubscriptionStore>(),
            sp.GetRequiredService<LifecycleNotifier>(),
            sp.GetRequiredService<PresenceGenerator>()));
        services.AddSimulatorIdentity();
        services.AddHostedService<SimulatorHost>();
        return builder;
    }

    /// <summary>Process mode: reuse the CA kept at CaCertificatePath + CaKeyPath, or create one and keep it there.</summary>
    private static X509Certificate2? LoadOrCreateAuthority(IConfiguration configuration)
    {
        var section = configuration.GetSection(GraphSimulatorOptions.SectionName);
        var certificatePath = section[nameof(GraphSimulatorOptions.CaCertificatePath)];
        var keyPath = section[nameof(GraphSimulatorOptions.CaKeyPath)];
        if (string.IsNullOrEmpty(certificatePath) || string.IsNullOrEmpty(keyPath))
        {
            return null;
        }

        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        var authority = SimulatorCertificates.CreateAuthority(TimeProvider.System.GetUtcNow());
        var folder = Path.GetDirectoryName(Path.GetFullPath(keyPath));
        if (!string.IsNullOrEmpty(folder))
        {
            System.IO.Directory.CreateDirectory(folder);
        }

        using var key = authority.GetRSAPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return authority;
    }

    public static IEndpointRouteBuilder MapGraphSimulator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSimulatorIdentity();
        endpoints.MapSimulatedGraph();
        endpoints.MapSimulatorControl();
        return endpoints;
    }
}
