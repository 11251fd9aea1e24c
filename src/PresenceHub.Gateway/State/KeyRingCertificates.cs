using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.State;

/// <summary>The certificates of <c>DataProtection:Certificates</c>, loaded once: the first protects new keys, all unprotect.</summary>
internal sealed class KeyRingCertificates : IDisposable
{
    public KeyRingCertificates(IOptions<KeyRingOptions> options)
    {
        All = [.. options.Value.Certificates.Select((c, i) => Load(c, $"DataProtection:Certificates:{i}:Path"))];
    }

    /// <summary>Every configured certificate, the current one first.</summary>
    public IReadOnlyList<X509Certificate2> All { get; }

    /// <summary>The certificate new keys are encrypted with, if any is configured.</summary>
    public X509Certificate2? Current => All.Count > 0 ? All[0] : null;

    public void Dispose()
    {
        foreach (var certificate in All)
        {
            certificate.Dispose();
        }
    }

    /// <summary>Loads a PEM or PFX file; fails naming <paramref name="setting"/> when it is missing or has no RSA private key.</summary>
    internal static X509Certificate2 Load(KeyProtectionCertificateOptions configured, string setting)
    {
        if (string.IsNullOrWhiteSpace(configured.Path) || !File.Exists(configured.Path))
        {
            throw new InvalidOperationException($"{setting}: file '{configured.Path}' does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(configured.Path)
                ? X509Certificate2.CreateFromPemFile(configured.Path)
                : X509CertificateLoader.LoadPkcs12FromFile(configured.Path, configured.Password);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{setting}: '{configured.Path}' is neither a PEM file with certificate and private key nor a PFX file this password opens.", ex);
        }

        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{setting}: '{configured.Path}' has no RSA private key; it cannot protect the key ring.");
        }

        return certificate;
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[11];
        using var file = File.OpenRead(path);
        var read = file.Read(head);
        return head[..read].SequenceEqual("-----BEGIN "u8);
    }
}
