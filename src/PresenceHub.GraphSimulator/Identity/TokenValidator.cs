using System.Security.Cryptography;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>Checks tokens the simulator issued: RS256 signature with its key, lifetime on the simulator clock.</summary>
internal sealed class TokenValidator(SigningKey key, SimulatorClock clock)
{
    /// <summary>Returns null when the token is valid, else the reason it is not.</summary>
    public string? Validate(string? token, out Jwt? jwt)
    {
        if (!Jwt.TryRead(token, out jwt))
        {
            return "The token is malformed.";
        }

        if (!string.Equals(jwt.HeaderValue("alg"), "RS256", StringComparison.Ordinal)
            || !string.Equals(jwt.HeaderValue("kid"), key.KeyId, StringComparison.Ordinal)
            || !key.Verify(jwt.SigningInput, jwt.Signature))
        {
            return "Signature validation failed.";
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (jwt.NumericClaim("exp") is not { } exp || exp <= now)
        {
            return "Lifetime validation failed, the token is expired.";
        }

        if (jwt.NumericClaim("nbf") is { } nbf && nbf > now)
        {
            return "Lifetime validation failed, the token is not yet valid.";
        }

        return null;
    }

    /// <summary>Checks a client assertion (RS256 or PS256) against the certificate registered for the app.</summary>
    public static bool VerifyWithCertificate(Jwt jwt, RSA publicKey)
    {
        var padding = jwt.HeaderValue("alg") switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        return padding is not null && publicKey.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, padding);
    }
}
