using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Operations;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>Console logs are JSON lines with UTC timestamps unless configuration names another formatter.</summary>
public sealed class ConsoleLogFormatTests
{
    [Fact]
    public void Default_IsTheJsonFormatter_WithUtcTimestamps()
    {
        using var services = Build(new Dictionary<string, string?>());

        Assert.Equal(ConsoleFormatterNames.Json, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var json = services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.True(json.UseUtcTimestamp);
        Assert.Equal("yyyy-MM-ddTHH:mm:ss.fffZ", json.TimestampFormat);
    }

    [Fact]
    public void ConfiguredFormatter_Wins()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
        });

        Assert.Equal(ConsoleFormatterNames.Simple, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Equal("HH:mm:ss ", services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.TimestampFormat);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOperations();
        return builder.Services.BuildServiceProvider();
    }
}
