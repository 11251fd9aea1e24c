using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;

namespace PresenceHub.Gateway.Tests.Hostile;

/// <summary>
/// Forged and misused JWTs against both places the gateway accepts Entra tokens: the Teams SSO consent endpoint and
/// the connector API. Every forgery is refused, the refusal is the same whatever was wrong, and a genuine token still
/// works afterwards.
/// </summary>
public sealed class JwtAttackTests
{
    [Fact]
    public async Task ForgedAndMisusedTokens_AreAllRefused_OnConsentAndConnectorCalls()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var tenant = world.Organization.ToString();
        var genuine = world.Control.MintTeamsSsoToken(tenant, world.UserIds[1], world.ClientId);
        var jwks = await JwksAsync(world);
        var attacks = Attacks(world, genuine, jwks).ToList();

        foreach (var (name, token) in attacks)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ConsentAsync(world, token));
            await using var connector = ConnectorApiTests.Connect(world, token, "attacker", "xmpp", new RecordingHandler());
            var error = await Assert.ThrowsAsync<RpcException>(() => connector.GetLastKnownPresenceAsync([UserReference.ForTeamsUser(world.UserIds[0])]));
            Assert.True(error.StatusCode == StatusCode.Unauthenticated, $"{name}: {error.StatusCode}");
        }

        Assert.True(attacks.Count >= 110, $"only {attacks.Count} attacks were tried");
        // Still healthy: the genuine token is accepted after all that.
        Assert.Equal(HttpStatusCode.OK, await ConsentAsync(world, genuine));
    }

    private static IEnumerable<(string Name, string Token)> Attacks(GraphIngestWorld world, string genuine, JsonObject jwks)
    {
        var parts = genuine.Split('.');
        var header = JsonNode.Parse(Decode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Decode(parts[1]))!.AsObject();

        yield return ("alg none", Token(With(header, "alg", "none"), payload, ""));
        yield return ("alg none, no dot", $"{Encode(With(header, "alg", "none"))}.{Encode(payload)}");
        // HS256 signed with the issuer's public key material, the classic key-confusion attack.
        var publicKey = jwks["keys"]![0]!;
        var modulus = Convert.FromBase64String(Base64(publicKey["n"]!.GetValue<string>()));
        foreach (var secret in new[] { modulus, Encoding.UTF8.GetBytes(publicKey.ToJsonString()), Encoding.UTF8.GetBytes(publicKey["n"]!.GetValue<string>()) })
        {
            yield return ("HS256 with the public key", HmacToken(With(header, "alg", "HS256"), payload, secret));
        }

        // Claims changed under the genuine signature.
        foreach (var (claim, value) in new (string, JsonNode)[]
        {
            ("aud", "api://someone-else"), ("aud", "https://graph.microsoft.com"), ("tid", Guid.NewGuid().ToString()),
            ("iss", "https://evil.example/v2.0"), ("exp", 1_000_000_000L), ("nbf", 4_000_000_000L), ("oid", Guid.NewGuid().ToString()),
            ("appid", Guid.NewGuid().ToString()), ("azp", Guid.NewGuid().ToString()),
        })
        {
            yield return ($"{claim} changed", $"{Encode(header)}.{Encode(With(payload, claim, value))}.{parts[2]}");
        }

        // Genuinely signed, but expired.
        yield return ("expired", world.Control.MintTeamsSsoToken(world.Organization.ToString(), world.UserIds[1], world.ClientId, TimeSpan.FromHours(-2)));
        // Genuinely signed, for another audience.
        yield return ("Graph audience", world.Control.MintUserGraphToken(world.Organization.ToString(), world.UserIds[1], world.ClientId));
        yield return ("truncated signature", $"{parts[0]}.{parts[1]}.{parts[2][..^8]}");
        yield return ("garbage", "eyJ" + new string('A', 200));
        yield return ("not a JWT", "x");

        // A flood of unknown key ids, each forcing a signing-key lookup.
        for (var i = 0; i < 100; i++)
        {
            yield return ("unknown kid", $"{Encode(With(header, "kid", Guid.NewGuid().ToString("N")))}.{parts[1]}.{parts[2]}");
        }
    }

    private static async Task<HttpStatusCode> ConsentAsync(GraphIngestWorld world, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/consent");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await world.GatewayHttp.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonObject> JwksAsync(GraphIngestWorld world)
    {
        using var http = world.Simulator.CreateHttpClient();
        var text = await http.GetStringAsync(new Uri(world.Simulator.AuthorityHost, $"{world.Organization}/discovery/v2.0/keys"));
        return JsonNode.Parse(text)!.AsObject();
    }

    private static JsonObject With(JsonObject source, string name, JsonNode value)
    {
        var copy = JsonNode.Parse(source.ToJsonString())!.AsObject();
        copy[name] = value;
        return copy;
    }

    private static string Token(JsonObject header, JsonObject payload, string signature) => $"{Encode(header)}.{Encode(payload)}.{signature}";

    private static string HmacToken(JsonObject header, JsonObject payload, byte[] secret)
    {
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Encode(JsonNode node) => Base64Url(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string part) => Encoding.UTF8.GetString(Convert.FromBase64String(Base64(part)));

    private static string Base64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
