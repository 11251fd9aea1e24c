using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Graph;
using Microsoft.Kiota.Serialization.Json;
using PresenceHub.Gateway.GraphIngest;
using ChangeNotificationEncryptedContent = Microsoft.Graph.Models.ChangeNotificationEncryptedContent;
using GraphPresence = Microsoft.Graph.Models.Presence;

namespace PresenceHub.Bench.E2e;

/// <summary>
/// How the webhook decrypts during a phase. Encrypted: through the Graph SDK, as in production (an RSA-OAEP unwrap
/// per item). Plain: the content key comes from a table of the driver's keys, and everything else still runs per
/// item (the HMAC check, AES-CBC decryption, Kiota deserialization), so plain = the production path minus the RSA
/// unwrap, which the run measures on its own as a baseline.
/// </summary>
internal sealed class DecryptionSwitch
{
    private static readonly JsonParseNodeFactory ParseNodes = new();

    private long _next = 0x0100_0000_0000_0000;

    public volatile bool Plain;

    /// <summary>Plain items get a fresh sequence number, so a pool of items posted again is a stream of real changes (the ingest benchmark).</summary>
    public bool FreshSequences { get; init; }

    public ConcurrentDictionary<string, byte[]> Keys { get; } = new(StringComparer.Ordinal);

    public async Task<GraphPresence> DecryptAsync(ChangeNotificationEncryptedContent content, EncryptionCertificateStore certificates)
    {
        if (!Plain)
        {
            return await content.DecryptAsync<GraphPresence>((id, thumbprint) =>
                Task.FromResult(certificates.Lease(id, thumbprint) ?? throw new CryptographicException("unknown encryption certificate")));
        }

        var key = Keys.TryGetValue(content.DataKey ?? "", out var known) ? known : throw new CryptographicException("unknown content key");
        var data = Convert.FromBase64String(content.Data!);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, data), Convert.FromBase64String(content.DataSignature!)))
        {
            throw new CryptographicException("The data signature does not match.");
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plaintext = aes.DecryptCbc(data, key.AsSpan(0, 16), PaddingMode.PKCS7);
        using var stream = new MemoryStream(plaintext);
        var node = await ParseNodes.GetRootParseNodeAsync("application/json", stream);
        var presence = node.GetObjectValue(GraphPresence.CreateFromDiscriminatorValue)!;
        if (FreshSequences)
        {
            presence.SequenceNumber = Interlocked.Increment(ref _next).ToString("X16", CultureInfo.InvariantCulture);
        }

        return presence;
    }
}
