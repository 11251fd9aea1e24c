using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// TLS settings for calls to Graph and Entra ID. Against Microsoft, the system's roots. Against the Graph simulator,
/// its certificate authority is trusted by configuration (<see cref="GraphOptions.TrustedCaCertificatePath"/>) while
/// chain and name validation stay on.
/// </summary>
internal static class GraphTrust
{
    public static SocketsHttpHandler CreateHandler(GraphOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.TrustedCaCertificatePath is { } path)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = ChainPolicy(path) };
        }

        return handler;
    }

    public static X509ChainPolicy ChainPolicy(string caPemPath)
    {
        if (!File.Exists(caPemPath))
        {
            throw new InvalidOperationException($"Graph:TrustedCaCertificatePath '{caPemPath}' does not exist.");
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.ImportFromPemFile(caPemPath);
        return policy;
    }
}
