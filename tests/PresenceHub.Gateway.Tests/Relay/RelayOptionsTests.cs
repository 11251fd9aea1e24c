using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Tests.Relay;

public sealed class RelayOptionsTests
{
    [Fact]
    public async Task Start_RedisModeWithoutConfiguration_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new RelayOptions { Mode = RelayMode.Redis }));

        Assert.Contains("Relay:RedisConfiguration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LagBoundNotBelowRetention_FailsNamingBothSettings()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new RelayOptions { RetentionMaxLength = 1000, LagBound = 1000 }));

        Assert.Contains("Relay:LagBound", error.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:RetentionMaxLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeyPrefixThatWouldBreakTheHashTag_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new RelayOptions { KeyPrefix = "a{b}" }));

        Assert.Contains("Relay:KeyPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Defaults_UseTheInMemoryRelay()
    {
        await using var handle = await RelayHandle.StartAsync(new RelayOptions());

        Assert.IsType<InMemoryPresenceRelay>(handle.Relay);
    }
}
