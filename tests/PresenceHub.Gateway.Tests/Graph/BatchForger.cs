using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.GraphSimulator.Notifications;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Builds notification batches from a real one the simulator sent: one presence item for one user, its content
/// encrypted (as anyone holding the public certificate can) with the simulator's own encryptor, and its validation
/// token re-signed with the simulator's signing key, so each forgery alters exactly one thing.
/// </summary>
internal sealed class BatchForger
{
    private readonly GraphIngestWorld _world;
    private readonly JsonObject _genuine;
    private readonly string _userId;
    private readonly Jwt _token;
    private long _sequence = 0x7000_0000_0000_0000;

    public BatchForger(GraphIngestWorld world, string capturedBatch, string userId)
    {
        _world = world;
        _userId = userId;
        _genuine = JsonNode.Parse(capturedBatch)!.AsObject();
        var item = _genuine["value"]!.AsArray().First(i => ((string)i!["resource"]!).Contains(userId, StringComparison.OrdinalIgnoreCase))!;
        _genuine["value"] = new JsonArray(item.DeepClone());
        if (!Jwt.TryRead((string)_genuine["validationTokens"]![0]!, out var token))
        {
            throw new InvalidOperationException("The captured batch has no readable validation token.");
        }

        _token = token;
    }

    /// <summary>A batch setting the user's presence to a newer state (or the given sequence number), with the given alterations.</summary>
    public JsonObject Batch(
        string availability, string activity, Action<JsonObject>? item = null, Action<JsonObject>? token = null,
        SigningKey? signingKey = null, Action<JsonObject>? batch = null, string? sequenceNumber = null)
    {
        var forged = _genuine.DeepClone().AsObject();
        var first = forged["value"]![0]!.AsObject();
        var presence = new JsonObject
        {
            ["id"] = _userId,
            ["availability"] = availability,
            ["activity"] = activity,
            ["sequenceNumber"] = sequenceNumber ?? (++_sequence).ToString("X16", System.Globalization.CultureInfo.InvariantCulture),
        };
        first["encryptedContent"] = NotificationEncryptor.Encrypt(presence, _world.EncryptionCertificate, "current");
        item?.Invoke(first);

        var claims = _token.Payload.DeepClone().AsObject();
        claims["uti"] = Guid.NewGuid().ToString("N");
        token?.Invoke(claims);
        forged["validationTokens"] = new JsonArray(Jwt.Write(claims, signingKey ?? _world.Simulator.Services.GetRequiredService<SigningKey>()));
        batch?.Invoke(forged);
        return forged;
    }

    public Task<HttpResponseMessage> PostAsync(JsonObject batch) =>
        _world.GatewayHttp.PostAsync(GraphWebhookEndpoints.NotificationsPath, new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));
}
