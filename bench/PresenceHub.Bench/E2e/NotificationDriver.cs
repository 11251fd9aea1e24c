using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PresenceHub.Gateway.GraphIngest.Subscriptions;

namespace PresenceHub.Bench.E2e;

/// <summary>
/// Graph's side of the load: POSTs of change-notification batches in Graph's JSON, built when they are sent, each item
/// encrypted as Graph does (AES-256-CBC, IV = the key's first 16 bytes, HMAC-SHA256 signature, the key RSA-OAEP
/// wrapped with the subscription's certificate) with one validation token per batch. Content keys come from a small
/// pool wrapped once, so building a batch costs no RSA; the gateway still unwraps every item's key in the encrypted
/// phase. Each item's <c>sequenceNumber</c> carries the time its POST was scheduled (microseconds since the driver
/// started), so the connector can measure end-to-end latency from the schedule: a POST that starts late, a slow
/// webhook or a backed-up stream all count as delay (no coordinated omission).
/// </summary>
internal sealed class NotificationDriver
{
    public const int BatchSize = 50;
    private const int ContentKeys = 64;
    private const long Marker = 1L << 60;
    private const int BodyCapacity = 128 * 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly (string Availability, string Activity)[] States =
    [
        ("Available", "Available"), ("Busy", "InACall"), ("Busy", "InAMeeting"), ("DoNotDisturb", "Presenting"), ("Away", "Away"), ("BeRightBack", "BeRightBack"),
    ];

    [ThreadStatic]
    private static Aes? t_aes;

    private readonly E2eWorld _world;
    private readonly (string UserId, GraphSubscription Subscription)[] _users;
    private readonly (byte[] Key, string DataKey)[] _keys;
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private readonly long[] _lastPosted;
    private readonly Lock _gate = new();
    private readonly string _thumbprint;
    private long _next;
    private long _failures;

    public NotificationDriver(E2eWorld world)
    {
        _world = world;
        _users = [.. world.Subscriptions.SelectMany(s => s.UserIds.Select(u => (u.ToLowerInvariant(), s))).OrderBy(p => p.Item1, StringComparer.Ordinal)];
        _lastPosted = new long[_users.Length];
        _thumbprint = world.Certificate.Thumbprint;
        using var rsa = world.Certificate.GetRSAPublicKey()!;
        _keys = [.. Enumerable.Range(0, ContentKeys).Select(_ =>
        {
            var key = RandomNumberGenerator.GetBytes(32);
            return (key, Convert.ToBase64String(rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1)));
        })];
        foreach (var (key, dataKey) in _keys)
        {
            world.Decryption.Keys[dataKey] = key;
        }
    }

    public int UserCount => _users.Length;

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The wrapped content keys, for the raw RSA baseline.</summary>
    public IReadOnlyList<string> WrappedKeys => [.. _keys.Select(k => k.DataKey)];

    /// <summary>Microseconds since the driver started: the clock every scheduled time and latency is read on.</summary>
    public long NowMicros => (long)Stopwatch.GetElapsedTime(_epoch).TotalMicroseconds;

    /// <summary>Forgets what was posted so far (after a baseline that posted elsewhere).</summary>
    public void ResetTracking() => Array.Clear(_lastPosted);

    /// <summary>The user index of a user id, or -1.</summary>
    public int IndexOf(string userId)
    {
        userId = userId.ToLowerInvariant();
        var low = 0;
        var high = _users.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var comparison = string.CompareOrdinal(_users[middle].UserId, userId);
            if (comparison == 0)
            {
                return middle;
            }

            (low, high) = comparison < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }

    /// <summary>The scheduled time carried by a sequence number the driver wrote, or null for any other.</summary>
    public static long? ScheduledMicros(string stamp)
    {
        if (stamp.Length != 17 || stamp[0] != 's' || !long.TryParse(stamp.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence) ||
            (sequence & ~(Marker - 1)) != Marker)
        {
            return null;
        }

        return (sequence & (Marker - 1)) >> 16;
    }

    /// <summary>The driver's sequence number of a stamp, or -1.</summary>
    public static long Sequence(string stamp) =>
        ScheduledMicros(stamp) is null ? -1 : long.Parse(stamp.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>Whether the connector has every user's newest posted version: <paramref name="handled"/> holds the newest sequence handled per user.</summary>
    public bool CaughtUp(long[] handled)
    {
        for (var i = 0; i < _lastPosted.Length; i++)
        {
            if (Volatile.Read(ref handled[i]) < Volatile.Read(ref _lastPosted[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Closed loop: <paramref name="inFlight"/> POSTs at a time for <paramref name="duration"/>; each item is stamped when its POST is built.</summary>
    public async Task<PostLog> SaturateAsync(HttpClient http, TimeSpan duration, int inFlight)
    {
        var log = new PostLog();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                long n;
                long scheduled;
                lock (_gate)
                {
                    n = _next++;
                    scheduled = NowMicros;
                }

                log.Add(await PostAsync(http, n, scheduled));
            }
        }));
        log.Elapsed = Stopwatch.GetElapsedTime(started);
        return log;
    }

    /// <summary>Open loop: POST k is scheduled at start + k / rate and starts then, whether or not earlier ones were answered.</summary>
    public async Task<PostLog> PaceAsync(HttpClient http, double postsPerSecond, TimeSpan duration)
    {
        var log = new PostLog();
        var pending = new List<Task>();
        var intervalMicros = 1_000_000 / postsPerSecond;
        var start = NowMicros + 10_000;
        for (var k = 0; ; k++)
        {
            var scheduled = start + (long)(intervalMicros * k);
            if (scheduled - start >= duration.TotalMicroseconds)
            {
                break;
            }

            var wait = scheduled - NowMicros;
            if (wait > 1_000)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(wait));
            }

            long n;
            lock (_gate)
            {
                n = _next++;
            }

            pending.Add(Task.Run(async () => log.Add(await PostAsync(http, n, scheduled))));
        }

        await Task.WhenAll(pending);
        log.Elapsed = TimeSpan.FromMicroseconds(NowMicros - start);
        return log;
    }

    /// <summary>POST number <paramref name="n"/>: the next <see cref="BatchSize"/> users round robin; returns its latency from the schedule.</summary>
    private async Task<PostResult> PostAsync(HttpClient http, long n, long scheduledMicros)
    {
        // Bodies are pooled: a 60 KiB array per POST would keep the driver's own garbage collections in the figures.
        var body = ArrayPool<byte>.Shared.Rent(BodyCapacity);
        try
        {
            var length = Build(n, scheduledMicros, body);
            using var content = new ByteArrayContent(body, 0, length);
            content.Headers.ContentType = Json;
            using var response = await http.PostAsync("graph/notifications", content);
            var latency = (NowMicros - scheduledMicros) / 1000.0;
            if (response.StatusCode != HttpStatusCode.Accepted && Interlocked.Increment(ref _failures) == 1)
            {
                Console.Error.WriteLine($"first failed POST: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return new PostResult(latency, BatchSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Writes POST number <paramref name="n"/> into <paramref name="body"/>; returns its length.</summary>
    private int Build(long n, long scheduledMicros, byte[] body)
    {
        using var stream = new MemoryStream(body, 0, body.Length, writable: true, publiclyVisible: true);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("value");
            for (var i = 0; i < BatchSize; i++)
            {
                var index = (int)((n * BatchSize + i) % _users.Length);
                var (user, subscription) = _users[index];
                var sequence = Marker | (scheduledMicros << 16) | ((n * BatchSize + i) & 0xFFFF);
                InterlockedMax(ref _lastPosted[index], sequence);
                var state = States[(int)((n + i) % States.Length)];
                var resource = $"communications/presences('{user}')";
                json.WriteStartObject();
                json.WriteString("subscriptionId", subscription.Id);
                json.WriteString("clientState", subscription.ClientState);
                json.WriteString("changeType", "updated");
                json.WriteString("resource", resource);
                json.WriteString("subscriptionExpirationDateTime", subscription.ExpiresAt.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
                json.WriteStartObject("resourceData");
                json.WriteString("@odata.type", "#Microsoft.Graph.presence");
                json.WriteString("@odata.id", resource);
                json.WriteString("id", user);
                json.WriteEndObject();
                json.WriteString("tenantId", _world.Organization.TenantId);
                WriteEncrypted(json, user, state, sequence, _keys[(int)((n * BatchSize + i) % _keys.Length)]);
                json.WriteEndObject();
                json.Flush();
            }

            json.WriteEndArray();
            json.WriteStartArray("validationTokens");
            json.WriteStringValue(_world.ValidationToken);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return (int)stream.Position;
    }

    private void WriteEncrypted(Utf8JsonWriter json, string user, (string Availability, string Activity) state, long sequence, (byte[] Key, string DataKey) key)
    {
        var plain = new ArrayBufferWriter<byte>(256);
        using (var presence = new Utf8JsonWriter(plain))
        {
            presence.WriteStartObject();
            presence.WriteString("id", user);
            presence.WriteString("availability", state.Availability);
            presence.WriteString("activity", state.Activity);
            presence.WriteNull("statusMessage");
            presence.WriteStartObject("outOfOfficeSettings");
            presence.WriteNull("message");
            presence.WriteBoolean("isOutOfOffice", false);
            presence.WriteEndObject();
            presence.WriteString("sequenceNumber", sequence.ToString("X16", CultureInfo.InvariantCulture));
            presence.WriteEndObject();
        }

        var aes = t_aes ??= Aes.Create();
        aes.Key = key.Key;
        var cipher = aes.EncryptCbc(plain.WrittenSpan, key.Key.AsSpan(0, 16), PaddingMode.PKCS7);

        json.WriteStartObject("encryptedContent");
        json.WriteBase64String("data", cipher);
        json.WriteBase64String("dataSignature", HMACSHA256.HashData(key.Key, cipher));
        json.WriteString("dataKey", key.DataKey);
        json.WriteString("encryptionCertificateId", E2eWorld.CertificateId);
        json.WriteString("encryptionCertificateThumbprint", _thumbprint);
        json.WriteEndObject();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>One POST: its latency from its scheduled start to the response, and how many events it carried.</summary>
    internal readonly record struct PostResult(double LatencyMs, int Events);

    /// <summary>The POSTs of one phase.</summary>
    internal sealed class PostLog
    {
        private readonly ConcurrentBag<PostResult> _posts = [];

        public TimeSpan Elapsed { get; set; }

        public void Add(PostResult result) => _posts.Add(result);

        public long Events => _posts.Sum(p => (long)p.Events);

        public int Posts => _posts.Count;

        public double[] SortedLatencies() => [.. _posts.Select(p => p.LatencyMs).Order()];
    }
}
