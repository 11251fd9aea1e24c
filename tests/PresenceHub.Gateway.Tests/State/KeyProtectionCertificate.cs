using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.Gateway.Tests.State;

/// <summary>A self-signed RSA certificate for <c>DataProtection:Certificates</c>, written as a PEM file like a mounted secret.</summary>
internal static class KeyProtectionCertificate
{
    private static readonly Lazy<string> SharedPath = new(() =>
        Write(Path.Combine(Directory.CreateTempSubdirectory("presencehub-keyring-").FullName, "key-protection.pem")));

    /// <summary>One file for the whole run, for compositions that only need Redis mode's setting satisfied.</summary>
    public static string Shared => SharedPath.Value;

    /// <summary>Writes certificate and private key to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, string subject = "CN=PresenceHub key ring")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());
        return path;
    }
}
