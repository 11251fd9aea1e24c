using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.State;

/// <summary>
/// The Data Protection key ring that seals the secrets the gateway stores (owners' token cache, subscriptions'
/// <c>clientState</c>). Section <c>DataProtection</c>. In Redis mode the ring lives in Redis, shared by every replica,
/// and each key is encrypted at rest with the first certificate; in memory mode the ring lives in the process only.
/// </summary>
internal sealed class KeyRingOptions : IValidatableObject
{
    public const string SectionName = "DataProtection";

    /// <summary>
    /// Certificates with RSA private key that protect the ring's keys at rest. Required in Redis mode. The first
    /// encrypts new keys; the others still decrypt keys during a rotation.
    /// </summary>
    public List<KeyProtectionCertificateOptions> Certificates { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Certificates.Count; i++)
        {
            var setting = $"DataProtection:Certificates:{i}:Path";
            string? error = null;
            try
            {
                KeyRingCertificates.Load(Certificates[i], setting).Dispose();
            }
            catch (InvalidOperationException ex)
            {
                error = ex.Message;
            }

            if (error is not null)
            {
                yield return new ValidationResult(error, [nameof(Certificates)]);
            }
        }
    }
}

/// <summary>A certificate with RSA private key that protects the Data Protection keys at rest.</summary>
internal sealed class KeyProtectionCertificateOptions
{
    /// <summary>A PEM file (certificate and private key) or a PFX file, such as a mounted secret.</summary>
    public string Path { get; set; } = "";

    /// <summary>The PFX password, if any.</summary>
    public string? Password { get; set; }
}
