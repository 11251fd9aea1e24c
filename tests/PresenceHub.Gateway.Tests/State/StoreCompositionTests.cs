using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.Access;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;

namespace PresenceHub.Gateway.Tests.State;

/// <summary>The whole gateway, composed as the service composes it, keeps every store where one setting says.</summary>
public sealed class StoreCompositionTests
{
    private static readonly Type[] Stores =
    [
        typeof(IPresenceRelay), typeof(IConsentStore), typeof(IPrivacySettingsStore), typeof(IFederationPolicyStore),
        typeof(IRetentionHoldStore), typeof(IUserDirectory), typeof(IWriteBackStore), typeof(IMetadataLog),
        typeof(IGraphSubscriptionStore), typeof(IKeeperLease), typeof(IConnectorKeyStore), typeof(IIdentityLinkStore),
        typeof(IDistributedCache),
    ];

    [Theory]
    [InlineData("State:Mode")]
    [InlineData("Relay:Mode")]
    public async Task RedisMode_PutsEveryStoreInRedis(string modeKey)
    {
        await using var app = Compose(new()
        {
            [modeKey] = "Redis",
            [modeKey.Replace("Mode", modeKey.StartsWith("State", StringComparison.Ordinal) ? "Redis" : "RedisConfiguration", StringComparison.Ordinal)] = "127.0.0.1:1",
            ["DataProtection:Certificates:0:Path"] = KeyProtectionCertificate.Shared,
        });

        var chosen = Stores.Select(t => app.Services.GetRequiredService(t).GetType().Name).ToList();

        Assert.All(chosen, name => Assert.Contains("Redis", name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DefaultMode_PutsNoStoreInRedis()
    {
        await using var app = Compose([]);

        var chosen = Stores.Select(t => app.Services.GetRequiredService(t).GetType().Name).ToList();

        Assert.All(chosen, name => Assert.DoesNotContain("Redis", name, StringComparison.Ordinal));
    }

    private static WebApplication Compose(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPresenceHub();
        return builder.Build();
    }
}
