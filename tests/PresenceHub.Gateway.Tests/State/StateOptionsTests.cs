using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.Tests.Relay;

namespace PresenceHub.Gateway.Tests.State;

/// <summary>Where the state lives is chosen once, from <c>State:*</c> or its <c>Relay:*</c> aliases.</summary>
public sealed class StateOptionsTests
{
    [Fact]
    public async Task Start_RedisModeWithoutConfiguration_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new StateOptions { Mode = StateMode.Redis }));

        Assert.Contains("State:Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LagBoundNotBelowRetention_FailsNamingBothSettings()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new StateOptions(), new RelayOptions { RetentionMaxLength = 1000, LagBound = 1000 }));

        Assert.Contains("Relay:LagBound", error.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:RetentionMaxLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeyPrefixThatWouldBreakTheHashTag_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => RelayHandle.StartAsync(new StateOptions { KeyPrefix = "a{b}" }));

        Assert.Contains("State:KeyPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Defaults_UseTheInMemoryRelay()
    {
        await using var handle = await RelayHandle.StartAsync(new StateOptions());

        Assert.IsType<InMemoryPresenceRelay>(handle.Relay);
    }

    [Fact]
    public void RelayKeys_StillChooseRedis_AsAliases()
    {
        using var host = Compose(new()
        {
            ["Relay:Mode"] = "Redis",
            ["Relay:RedisConfiguration"] = "127.0.0.1:1",
            ["Relay:KeyPrefix"] = "old",
            ["Relay:OperationTimeout"] = "00:00:03",
            ["Relay:LastKnownTimeToLive"] = "1.00:00:00",
        });

        var state = host.Services.GetRequiredService<IOptions<StateOptions>>().Value;

        Assert.Equal((StateMode.Redis, "127.0.0.1:1", "old"), (state.Mode, state.Redis, state.KeyPrefix));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromDays(1)), (state.OperationTimeout, state.LastKnownTimeToLive));
        Assert.IsType<RedisPresenceRelay>(host.Services.GetRequiredService<IPresenceRelay>());
    }

    [Fact]
    public void StateKeys_ChooseRedis()
    {
        using var host = Compose(new() { ["State:Mode"] = "redis", ["State:Redis"] = "127.0.0.1:1", ["State:KeyPrefix"] = "new" });

        var state = host.Services.GetRequiredService<IOptions<StateOptions>>().Value;

        Assert.Equal((StateMode.Redis, "127.0.0.1:1", "new"), (state.Mode, state.Redis, state.KeyPrefix));
        Assert.IsType<RedisPresenceRelay>(host.Services.GetRequiredService<IPresenceRelay>());
    }

    [Fact]
    public void SameKeyInBothSections_WithOneValue_IsAccepted()
    {
        using var host = Compose(new() { ["State:Mode"] = "Redis", ["Relay:Mode"] = "Redis", ["State:Redis"] = "127.0.0.1:1" });

        Assert.Equal(StateMode.Redis, host.Services.GetRequiredService<IOptions<StateOptions>>().Value.Mode);
    }

    [Fact]
    public void SameKeyInBothSections_WithDifferentValues_FailsNamingBoth()
    {
        using var host = Compose(new() { ["State:Mode"] = "InMemory", ["Relay:Mode"] = "Redis", ["Relay:RedisConfiguration"] = "127.0.0.1:1" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<StateOptions>>().Value);

        Assert.Contains("State:Mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:Mode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMode_FailsNamingTheValue()
    {
        using var host = Compose(new() { ["State:Mode"] = "Disk" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<StateOptions>>().Value);

        Assert.Contains("'Disk'", error.Message, StringComparison.Ordinal);
    }

    private static IHost Compose(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPresenceRelay();
        return builder.Build();
    }
}
