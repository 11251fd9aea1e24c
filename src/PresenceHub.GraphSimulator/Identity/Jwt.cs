using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>A compact JWS split into its parts, written and read by hand per RFC 7515/7519.</summary>
internal sealed record Jwt(JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature)
{
    public static string Write(JsonObject payload, SigningKey key)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5t"] = key.KeyId, ["kid"] = key.KeyId };
        var signingInput = Encode(header) + "." + Encode(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public static bool TryRead(string? token, [NotNullWhen(true)] out Jwt? jwt)
    {
        jwt = null;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            if (header is null || payload is null)
            {
                return false;
            }

            jwt = new Jwt(header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return false;
        }
    }

    public string? Claim(string name) => Payload[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A NumericDate claim; MSAL writes them in client assertions as JSON strings, so both forms are read.</summary>
    public long? NumericClaim(string name) => Payload[name] switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };

    public string? HeaderValue(string name) => Header[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public IReadOnlyList<string> ListClaim(string name) => Payload[name] switch
    {
        JsonArray a => a.Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    private static string Encode(JsonObject node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
