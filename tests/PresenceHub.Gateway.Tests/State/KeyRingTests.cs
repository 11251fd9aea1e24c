using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace PresenceHub.Gateway.Tests.State;

/// <summary>
/// Secrets sealed at rest: in Redis mode the owners' token cache and subscriptions' <c>clientState</c> are sealed
/// with a Data Protection key ring kept in Redis, protected by a certificate and shared by every replica.
/// </summary>
public sealed class KeyRingTests
{
    private const string OwnerName = "Canary Ownername";
    private const string OwnerUpn = "canary.owner@contoso.onmicrosoft.com";
    private const string OwnerMail = "canary.mail@contoso.com";

    [Fact]
    public async Task SignedInOwner_LeavesNoTokenOrClientStateInClearInRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var world = await GraphIngestWorld.StartAsync(users: 2, redisConfiguration: redis.Configuration);
        var owner = world.UserIds[0];
        world.Control.UpdateUser(owner, displayName: OwnerName, mail: OwnerMail, userPrincipalName: OwnerUpn);
        await world.SignInAsync(owner);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var subscriptions = await world.Subscriptions.ListAsync(world.Organization, CancellationToken.None);
        Assert.NotEmpty(subscriptions);

        var values = await AllValuesAsync(redis.Configuration);

        // The owner's tokens are there, sealed: the cache entry exists, and nothing of it reads in clear.
        Assert.Contains(values, v => v.Key.Contains(":msal:", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Contains("eyJ", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Contains("\"RefreshToken\"", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(values, v => v.Value.Contains("\"secret\"", StringComparison.OrdinalIgnoreCase));
        foreach (var subscription in subscriptions)
        {
            Assert.DoesNotContain(values, v => v.Value.Contains(subscription.ClientState, StringComparison.Ordinal));
        }

        // The owner's name, mail and UPN stay only in their directory profile, which exists to share them with
        // connectors (and expires with State:LastKnownTimeToLive): not in the token cache, nor anywhere else.
        var named = values.Where(v => new[] { OwnerName, OwnerMail, OwnerUpn }.Any(n => v.Value.Contains(n, StringComparison.OrdinalIgnoreCase)))
            .Select(v => v.Key).Distinct().ToList();
        Assert.NotEmpty(named);
        Assert.All(named, key => Assert.Contains(":profile:", key, StringComparison.Ordinal));
        // The ring's keys are in Redis, encrypted with the certificate.
        var ring = values.Where(v => v.Key == "ph:dataprotection:keys").Select(v => v.Value).ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, key => Assert.Contains("EncryptedData", key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherReplicaSharingTheRing_RenewsWithTheCachedOwnerTokens()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var world = await GraphIngestWorld.StartAsync(users: 2, redisConfiguration: redis.Configuration);
        await world.SignInAsync(world.UserIds[0]);
        await world.AssignAsync(world.UserIds[1]);
        await world.Keeper.RunPassAsync(CancellationToken.None);
        var before = Assert.Single(world.Control.GetSubscriptions(), s => s.Resource.Contains("presences", StringComparison.Ordinal));

        // A new process: its only way to the owner's tokens and the subscription's clientState is the ring in Redis.
        await world.RestartGatewayAsync();
        world.Control.AdvanceClock(TimeSpan.FromMinutes(55));
        await world.Keeper.RunPassAsync(CancellationToken.None);

        var after = Assert.Single(world.Control.GetSubscriptions(), s => s.Id == before.Id);
        Assert.True(after.Expiration > before.Expiration, $"not renewed: {before.Expiration:O} then {after.Expiration:O}");
        var stored = await world.Subscriptions.FindAsync(before.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.False(string.IsNullOrEmpty(stored.ClientState));
    }

    [Fact]
    public async Task RedisMode_WithoutKeyProtection_RefusesToStart_NamingTheSetting()
    {
        await using var redis = await RedisServer.StartAsync();
        using var host = Build(redis.Configuration, "refuse");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("DataProtection:Certificates:0:Path", Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_OlderCertificate_StillUnprotectsTheRing_AndWithoutItNothingOpens()
    {
        await using var redis = await RedisServer.StartAsync();
        var directory = System.IO.Directory.CreateTempSubdirectory("presencehub-keyring-").FullName;
        try
        {
            var a = KeyProtectionCertificate.Write(Path.Combine(directory, "a.pem"), "CN=ring A");
            var b = KeyProtectionCertificate.Write(Path.Combine(directory, "b.pem"), "CN=ring B");
            string sealedText;
            using (var first = Build(redis.Configuration, "rotate", a))
            {
                await first.StartAsync();
                sealedText = Protector(first).Protect("the secret");
                await first.StopAsync();
            }

            using (var rotated = Build(redis.Configuration, "rotate", b, a))
            {
                await rotated.StartAsync();
                Assert.Equal("the secret", Protector(rotated).Unprotect(sealedText));
                await rotated.StopAsync();
            }

            using var withoutA = Build(redis.Configuration, "rotate", b);
            await withoutA.StartAsync();
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(withoutA).Unprotect(sealedText));
            await withoutA.StopAsync();
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MemoryMode_KeepsTheRingInTheProcess_AndSaysSoOnceAtStart()
    {
        var lines = new ConcurrentQueue<(LogLevel Level, string Message)>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(new CapturingLoggerProvider(lines));
        builder.Services.AddKeyRing();
        using var host = builder.Build();
        await host.StartAsync();

        var sealedText = Protector(host).Protect("the secret");

        Assert.Equal("the secret", Protector(host).Unprotect(sealedText));
        Assert.Single(lines, l => l.Level == LogLevel.Information && l.Message.Contains("Data Protection keys are kept in memory", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Warning);
        await host.StopAsync();
    }

    private static IDataProtector Protector(IHost host) =>
        ((IDataProtectionProvider)host.Services.GetService(typeof(IDataProtectionProvider))!).CreateProtector("test");

    private static IHost Build(string redis, string prefix, params string[] certificates)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?> { ["State:Mode"] = "Redis", ["State:Redis"] = redis, ["State:KeyPrefix"] = prefix };
        for (var i = 0; i < certificates.Length; i++)
        {
            settings[$"DataProtection:Certificates:{i}:Path"] = certificates[i];
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKeyRing();
        return builder.Build();
    }

    private static string Describe(Exception error) => error is AggregateException aggregate
        ? string.Join('\n', aggregate.InnerExceptions.Select(e => e.Message))
        : error.Message;

    private static async Task<List<KeyValuePair<string, string>>> AllValuesAsync(string configuration)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = connection.GetDatabase();
        var values = new List<KeyValuePair<string, string>>();
        foreach (var endpoint in connection.GetEndPoints())
        {
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: "*", pageSize: 500))
            {
                IEnumerable<string> read = await database.KeyTypeAsync(key) switch
                {
                    RedisType.String => [(await database.StringGetAsync(key)).ToString()],
                    RedisType.Hash => (await database.HashGetAllAsync(key)).SelectMany(e => new[] { e.Name.ToString(), e.Value.ToString() }),
                    RedisType.Set => (await database.SetMembersAsync(key)).Select(v => v.ToString()),
                    RedisType.SortedSet => (await database.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()),
                    RedisType.List => (await database.ListRangeAsync(key)).Select(v => v.ToString()),
                    RedisType.Stream => (await database.StreamRangeAsync(key)).SelectMany(e => e.Values.SelectMany(v => new[] { v.Name.ToString(), v.Value.ToString() })),
                    _ => [],
                };
                values.AddRange(read.Select(v => KeyValuePair.Create(key.ToString(), v)));
            }
        }

        return values;
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(LogLevel Level, string Message)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<(LogLevel Level, string Message)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
