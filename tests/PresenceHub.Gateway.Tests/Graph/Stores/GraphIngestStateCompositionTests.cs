using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web.TokenCacheProviders;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Tests.Graph.Stores;

/// <summary>Graph ingest composed as the gateway composes it picks its shared state by <c>Relay:Mode</c>.</summary>
public sealed class GraphIngestStateCompositionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task RedisMode_KeepsRecordsConsentsLeaseAndOwnerTokensInRedis_OnTheRelaysConnection()
    {
        using var host = Compose(StateMode.Redis);
        var services = host.Services;
        var consents = services.GetRequiredService<IConsentStore>();
        await consents.GrantAsync(new Consent(new(Guid.NewGuid()), Guid.NewGuid().ToString("D"), ConsentSource.AdminAssigned, DateTimeOffset.UnixEpoch), Timeout());
        var clientsBefore = await ClientsAsync();

        var tokens = services.GetRequiredService<IDistributedCache>();
        await tokens.SetAsync("owner:session", [1, 2, 3], new DistributedCacheEntryOptions(), Timeout());

        Assert.IsType<RedisGraphSubscriptionStore>(services.GetRequiredService<IGraphSubscriptionStore>());
        Assert.IsType<RedisConsentStore>(consents);
        Assert.IsType<RedisKeeperLease>(services.GetRequiredService<IKeeperLease>());
        Assert.IsType<OwnerTokenRedisCache>(tokens);
        Assert.NotNull(services.GetRequiredService<IMsalTokenCacheProvider>());
        Assert.True(services.GetRequiredService<IOptions<MsalDistributedTokenCacheAdapterOptions>>().Value.DisableL1Cache);
        Assert.Equal("1", (await redis.Server.CliAsync("EXISTS", _prefix + ":msal:owner:session")).Trim());
        Assert.Equal(clientsBefore, await ClientsAsync());
        Assert.Equal([1, 2, 3], await tokens.GetAsync("owner:session", Timeout()));
    }

    [Fact]
    public void DefaultMode_KeepsEverythingInMemory()
    {
        using var host = Compose(mode: null);
        var services = host.Services;

        Assert.IsType<InMemoryGraphSubscriptionStore>(services.GetRequiredService<IGraphSubscriptionStore>());
        Assert.IsType<InMemoryConsentStore>(services.GetRequiredService<IConsentStore>());
        Assert.IsType<SingleReplicaLease>(services.GetRequiredService<IKeeperLease>());
        Assert.IsType<MemoryDistributedCache>(services.GetRequiredService<IDistributedCache>());
        Assert.NotNull(services.GetRequiredService<IMsalTokenCacheProvider>());
        Assert.False(services.GetRequiredService<IOptions<MsalDistributedTokenCacheAdapterOptions>>().Value.DisableL1Cache);
    }

    private IHost Compose(StateMode? mode)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?> { ["Relay:KeyPrefix"] = _prefix };
        if (mode is { } m)
        {
            settings["Relay:Mode"] = m.ToString();
            settings["Relay:RedisConfiguration"] = redis.Server.Configuration;
            settings["DataProtection:Certificates:0:Path"] = Tests.State.KeyProtectionCertificate.Shared;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPresenceRelay();
        builder.AddGraphIngest();
        return builder.Build();
    }

    /// <summary>Connected clients other than the redis-cli asking.</summary>
    private async Task<int> ClientsAsync() =>
        (await redis.Server.CliAsync("CLIENT", "LIST")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.Contains("cmd=client", StringComparison.Ordinal));

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
