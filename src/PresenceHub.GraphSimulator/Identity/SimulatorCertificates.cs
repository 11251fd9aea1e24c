using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>
/// The simulator's own certificate authority and the TLS server certificate it issues for 127.0.0.1, ::1 and
/// localhost. Generated at every start; clients trust <see cref="Authority"/> by configuration.
/// </summary>
internal sealed class SimulatorCertificates : IDisposable
{
    /// <param name="clock">Clock for validity periods.</param>
    /// <param name="authority">A CA with its private key to issue from; null generates a fresh one.</param>
    public SimulatorCertificates(TimeProvider clock, X509Certificate2? authority)
    {
        var now = clock.GetUtcNow();
        X509Certificate2 ca;
        if (authority is not null)
        {
            if (!authority.HasPrivateKey)
            {
                throw new ArgumentException("The certificate authority needs its private key.", nameof(authority));
            }

            ca = authority;
        }
        else
        {
            ca = CreateAuthority(now);
        }

        // ECDSA for the TLS key: generating it is instant, unlike RSA, and every client stack accepts it.
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = now.AddYears(1) < ca.NotAfter ? now.AddYears(1) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var caKey = ca.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate authority must have an RSA key.", nameof(authority));
        using var issued = serverRequest.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), now.AddDays(-1), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(serverKey);

        // Reload through PKCS#12 so the TLS stack gets a persisted, exportable key on every platform.
        ServerCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        Authority = X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert));
        if (authority is null)
        {
            ca.Dispose();
        }
    }

    /// <summary>Creates a self-signed CA certificate with its private key, usable as <see cref="GraphSimulatorOptions.CertificateAuthority"/>.</summary>
    public static X509Certificate2 CreateAuthority(DateTimeOffset now)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=PresenceHub Graph Simulator CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var created = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The TLS server certificate with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    public void WriteAuthorityPem(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            System.IO.Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, AuthorityPem + "\n");
    }

    public void Dispose()
    {
        Authority.Dispose();
        ServerCertificate.Dispose();
    }
}
