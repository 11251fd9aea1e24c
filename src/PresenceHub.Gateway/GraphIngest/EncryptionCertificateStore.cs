using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// The certificates that decrypt rich notifications, loaded once at start and chosen by
/// <c>encryptionCertificateId</c>, so two certificates can be active during a rotation.
/// </summary>
internal sealed class EncryptionCertificateStore : IDisposable
{
    private readonly Dictionary<string, X509Certificate2> _byId = new(StringComparer.Ordinal);

    public EncryptionCertificateStore(IOptions<GraphOptions> options)
    {
        foreach (var configured in options.Value.EncryptionCertificates)
        {
            var certificate = Load(configured);
            if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            {
                throw new InvalidOperationException(
                    $"Graph:EncryptionCertificates '{configured.Id}' ({configured.Path}) has no RSA private key; rich notifications cannot be decrypted with it.");
            }

            _byId.Add(configured.Id, certificate);
        }

        Current = options.Value.EncryptionCertificates.Count > 0 ? (options.Value.EncryptionCertificates[0].Id, _byId[options.Value.EncryptionCertificates[0].Id]) : null;
    }

    /// <summary>The id and certificate new subscriptions are encrypted with.</summary>
    public (string Id, X509Certificate2 Certificate)? Current { get; }

    /// <summary>
    /// A certificate for the SDK's <c>DecryptAsync</c>, which disposes what it is given: each call gets its own
    /// copy. Null when the id is unknown or the thumbprint does not match.
    /// </summary>
    public X509Certificate2? Lease(string? id, string? thumbprint)
    {
        if (id is null || !_byId.TryGetValue(id, out var certificate))
        {
            return null;
        }

        if (thumbprint is not null && !string.Equals(thumbprint, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new X509Certificate2(certificate);
    }

    public void Dispose()
    {
        foreach (var certificate in _byId.Values)
        {
            certificate.Dispose();
        }
    }

    private static X509Certificate2 Load(EncryptionCertificateOptions configured)
    {
        if (!File.Exists(configured.Path))
        {
            throw new InvalidOperationException($"Graph:EncryptionCertificates '{configured.Id}': file '{configured.Path}' does not exist.");
        }

        try
        {
            return IsPem(configured.Path)
                ? X509Certificate2.CreateFromPemFile(configured.Path)
                : X509CertificateLoader.LoadPkcs12FromFile(configured.Path, configured.Password);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Graph:EncryptionCertificates '{configured.Id}': '{configured.Path}' is neither a PEM file with certificate and private key nor a PFX file this password opens.", ex);
        }
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[11];
        using var file = File.OpenRead(path);
        var read = file.Read(head);
        return head[..read].SequenceEqual("-----BEGIN "u8);
    }
}
