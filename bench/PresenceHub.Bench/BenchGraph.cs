using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.GraphSimulator;

namespace PresenceHub.Bench;

/// <summary>
/// What the benchmarks that run the gateway as in production against the in-process Graph simulator set up alike:
/// PresenceHub's app registration and Teams app in a simulated tenant, the trust files, and the gateway's Graph
/// configuration (nothing but configuration differs from production).
/// </summary>
internal static class BenchGraph
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef0123456789";
    public const string ClientSecret = "bench";

    /// <summary>A tenant with PresenceHub's app registration (the application permissions the gateway uses) and its Teams app in the catalog.</summary>
    public static (string Tenant, string ClientId, string TeamsAppId) AddTenant(GraphSimulator.GraphSimulator simulator, string domain)
    {
        var tenant = simulator.Control.AddTenant(new SimulatedTenant { Domain = domain });
        var app = new SimulatedApp { DisplayName = "PresenceHub", ClientSecret = ClientSecret };
        foreach (var permission in new[] { "Presence.Read.All", "Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All" })
        {
            app.ApplicationPermissions.Add(permission);
        }

        var clientId = simulator.Control.AddApp(tenant, app);
        var teamsAppId = TeamsAppPackage.DeriveAppId(Guid.Parse(clientId)).ToString("D");
        simulator.Control.AddTeamsApp(tenant, teamsAppId, "PresenceHub", teamsAppId);
        return (tenant, clientId, teamsAppId);
    }

    /// <summary>A self-signed RSA-2048 certificate, with its private key, for Graph to encrypt rich notifications with.</summary>
    public static X509Certificate2 CreateEncryptionCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PresenceHub notifications", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    /// <summary>
    /// The gateway's configuration against <paramref name="simulator"/>: writes the simulator's CA and the encryption
    /// certificate (with its key) as PEM files into <paramref name="directory"/>, and points Graph's notifications at
    /// <paramref name="webhook"/>, and admits <paramref name="tenant"/>, the organization it serves.
    /// </summary>
    public static async Task<Dictionary<string, string?>> GatewaySettingsAsync(
        GraphSimulator.GraphSimulator simulator, string clientId, X509Certificate2 certificate, string certificateId, string directory, Uri webhook, string tenant)
    {
        var caPath = Path.Combine(directory, "simulator-ca.pem");
        await File.WriteAllTextAsync(caPath, simulator.CertificateAuthorityPem);
        var certificatePath = Path.Combine(directory, "encryption.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return new Dictionary<string, string?>
        {
            ["Graph:ClientId"] = clientId,
            ["Organizations:Allowed:0"] = tenant,
            ["Graph:ClientSecret"] = ClientSecret,
            ["Graph:AuthorityHost"] = simulator.AuthorityHost.ToString(),
            ["Graph:BaseUrl"] = simulator.GraphBaseUrl,
            ["Graph:ValidationTokenMetadataUrl"] = simulator.WellKnownUri().ToString(),
            ["Graph:TrustedCaCertificatePath"] = caPath,
            ["Graph:EncryptionCertificates:0:Id"] = certificateId,
            ["Graph:EncryptionCertificates:0:Path"] = certificatePath,
            ["Graph:NotificationUrl"] = new Uri(webhook, GraphWebhookEndpoints.NotificationsPath).ToString(),
            ["Graph:LifecycleNotificationUrl"] = new Uri(webhook, GraphWebhookEndpoints.LifecyclePath).ToString(),
            ["Admin:Key"] = AdminKey,
            // Set-up only: the benchmarks open no admin listener, so the admin API that enrols their users answers on
            // their loopback listeners, as in the demo. What they measure never goes through it.
            ["AdminConsole:LocalSignIn"] = "true",
            // The same RSA certificate protects the key ring in Redis mode; a deployment mounts a second one.
            ["DataProtection:Certificates:0:Path"] = certificatePath,
        };
    }

    /// <summary>A loopback port free right now, for a listener whose address must be configured before it starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
