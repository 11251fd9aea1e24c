using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PresenceHub.GraphSimulator.Identity;

/// <summary>Opaque refresh tokens issued with delegated tokens, redeemable by the same client.</summary>
internal sealed class RefreshTokenStore
{
    private readonly ConcurrentDictionary<string, RefreshGrant> _grants = new(StringComparer.Ordinal);

    public string Issue(RefreshGrant grant)
    {
        var token = "0.sim." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('/', '_').Replace('+', '-');
        _grants[token] = grant;
        return token;
    }

    public RefreshGrant? Find(string token) => _grants.GetValueOrDefault(token);
}
