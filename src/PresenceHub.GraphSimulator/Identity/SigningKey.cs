using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>
/// The RSA key that signs every token the simulator issues (access, id, Teams SSO and validation tokens), published
/// in the JWKS with a self-signed certificate, as Entra ID publishes its keys.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;

    public SigningKey(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var request = new CertificateRequest("CN=accounts.simulator.presencehub.local", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        KeyId = Base64Url.EncodeToString(_certificate.GetCertHash());
    }

    /// <summary>Key id, equal to the base64url SHA-1 thumbprint (<c>x5t</c>) like Entra's keys.</summary>
    public string KeyId { get; }

    public RSA PublicKey => _rsa;

    public byte[] Sign(ReadOnlySpan<byte> data) => _rsa.SignData(data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public bool Verify(byte[] data, byte[] signature) => _rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public JsonObject ToJwks()
    {
        var parameters = _rsa.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray
            {
                new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = KeyId,
                    ["x5t"] = KeyId,
                    ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                    ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                    ["x5c"] = new JsonArray { Convert.ToBase64String(_certificate.RawData) },
                },
            },
        };
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _rsa.Dispose();
    }
}
