namespace PresenceHub.Gateway.GraphApi;

/// <summary>A certificate with private key that decrypts rich notifications.</summary>
internal sealed class EncryptionCertificateOptions
{
    /// <summary>The <c>encryptionCertificateId</c> sent to Graph (at most 128 characters).</summary>
    public string Id { get; set; } = "";

    /// <summary>A PEM file (certificate and private key) or a PFX file, such as a mounted secret.</summary>
    public string Path { get; set; } = "";

    /// <summary>The PFX password, if any.</summary>
    public string? Password { get; set; }
}
