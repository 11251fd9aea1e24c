namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>One <see cref="RedisServer"/> shared by a test class (<c>IClassFixture&lt;RedisServerFixture&gt;</c>); tests isolate by key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The Redis server has not started.");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
