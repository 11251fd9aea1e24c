using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>
/// Encrypts resource data as Graph documents it: a fresh 32-byte key per item; AES-256-CBC with PKCS7 padding and
/// IV = the key's first 16 bytes; HMAC-SHA256(key, ciphertext) as dataSignature; the key RSA-OAEP (SHA-1) encrypted
/// with the subscription's certificate as dataKey.
/// </summary>
internal static class NotificationEncryptor
{
    public static JsonObject Encrypt(JsonObject resourceData, X509Certificate2 certificate, string certificateId)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            byte[] cipher;
            using (var aes = Aes.Create())
            {
                aes.Key = key;
                cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(resourceData.ToJsonString()), key.AsSpan(0, 16), PaddingMode.PKCS7);
            }

            var signature = HMACSHA256.HashData(key, cipher);
            using var rsa = certificate.GetRSAPublicKey() ?? throw new InvalidOperationException("The encryption certificate has no RSA key.");
            var dataKey = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1);
            return new JsonObject
            {
                ["data"] = Convert.ToBase64String(cipher),
                ["dataSignature"] = Convert.ToBase64String(signature),
                ["dataKey"] = Convert.ToBase64String(dataKey),
                ["encryptionCertificateId"] = certificateId,
                ["encryptionCertificateThumbprint"] = certificate.Thumbprint,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
