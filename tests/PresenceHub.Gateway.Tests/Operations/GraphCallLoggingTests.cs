using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.Tests.Graph;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// HttpClient's own lines (<c>System.Net.Http.HttpClient.*</c>, four per request at Information) stay out of the
/// gateway's logs by default, through its appsettings.json, and come back when an operator turns the category up.
/// </summary>
public sealed class GraphCallLoggingTests
{
    private const string HttpClientCategory = "System.Net.Http.HttpClient";

    [Fact]
    public async Task GraphCall_WithTheDefaultConfiguration_LogsNoInformationLine()
    {
        var logs = new GatewayLogCollector();
        await using var world = await GraphIngestWorld.StartAsync(users: 1, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));

        await CallGraphAsync(world);

        Assert.DoesNotContain(logs.Lines, line => line.Level <= LogLevel.Information && line.Category.StartsWith(HttpClientCategory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GraphCall_WithTheCategoryTurnedUp_LogsHttpClientsInformationLines()
    {
        var logs = new GatewayLogCollector();
        await using var world = await GraphIngestWorld.StartAsync(users: 1,
            gatewaySettings: new Dictionary<string, string?> { [$"Logging:LogLevel:{HttpClientCategory}"] = "Information" },
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));

        await CallGraphAsync(world);

        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Information && line.Category.StartsWith(HttpClientCategory, StringComparison.Ordinal));
    }

    /// <summary>One app-only Graph call through the gateway's own Graph client.</summary>
    private static async Task CallGraphAsync(GraphIngestWorld world)
    {
        var graph = world.Gateway.Services.GetRequiredService<GraphAppClients>().For(world.Organization);
        var user = await graph.Users[world.UserIds[0]].GetAsync();
        Assert.Equal(world.UserIds[0], user?.Id);
    }
}
