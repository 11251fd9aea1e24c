using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The format of hub-issued connector keys: <c>phk_{id}_{secret}</c>, where the id (16 hex digits) finds the stored
/// record and the secret (43 base64url characters, 256 random bits) is compared by hash in constant time.
/// </summary>
internal static class ConnectorKeys
{
    public const string Prefix = "phk_";
    private const int IdLength = 16;
    private const int SecretLength = 43;

    /// <summary>Creates a key; returns the full key (shown once) and its id and secret hash to store.</summary>
    public static (string Key, string Id, byte[] SecretHash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{id}_{secret}", id, Hash(secret));
    }

    /// <summary>Whether the token looks like a connector key (rather than an Entra token).</summary>
    public static bool LooksLikeKey(string token) => token.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Splits a key into id and secret; false when it is malformed.</summary>
    public static bool TryParse(string key, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? secret)
    {
        id = null;
        secret = null;
        if (key.Length != Prefix.Length + IdLength + 1 + SecretLength || !LooksLikeKey(key) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        var idPart = key.Substring(Prefix.Length, IdLength);
        if (!idPart.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        id = idPart;
        secret = key[(Prefix.Length + IdLength + 1)..];
        return true;
    }

    /// <summary>Whether <paramref name="secret"/> matches the stored hash, in constant time.</summary>
    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
