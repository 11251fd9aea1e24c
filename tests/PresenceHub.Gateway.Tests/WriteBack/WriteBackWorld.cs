using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>Write-back's view of a <see cref="GraphIngestWorld"/>: submitting as a connector would, and reading the session table.</summary>
internal static class WriteBackWorld
{
    /// <summary>Gateway settings for write-back tests: the worker looks for due work often, so clock advances are seen quickly.</summary>
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["WriteBack:PollInterval"] = "00:00:00.050" };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<GraphIngestWorld> StartAsync(int users = 3, string? redisConfiguration = null, Dictionary<string, string?>? settings = null) =>
        GraphIngestWorld.StartAsync(users, redisConfiguration: redisConfiguration, gatewaySettings: Settings(settings));

    /// <summary>An update as the connector service submits it: the Teams user's id, the connector's platform as source and origin.</summary>
    public static PresenceUpdate Update(this GraphIngestWorld world, string userId, PresenceState state, long sequence, Platform? platform = null) =>
        new(world.Organization, userId, platform ?? Platform.Xmpp, state,
            PresenceVersion.FromSequence(sequence.ToString("D12", CultureInfo.InvariantCulture)), platform ?? Platform.Xmpp, world.Control.Now);

    public static Task SubmitAsync(this GraphIngestWorld world, params PresenceUpdate[] updates) =>
        world.Gateway.Services.GetRequiredService<IPresenceWriteBack>().SubmitAsync(updates, CancellationToken.None);

    public static async Task<WriteBackEntry?> SessionAsync(this GraphIngestWorld world, string userId) =>
        (await world.Gateway.Services.GetRequiredService<IWriteBackStore>()
            .GetAsync([new WriteBackKey(world.Organization, userId)], CancellationToken.None))[0];

    public static PresenceWriteBackWorker Worker(this GraphIngestWorld world) =>
        world.Gateway.Services.GetRequiredService<PresenceWriteBackWorker>();

    public static WriteBackCalls Calls(this GraphIngestWorld world) =>
        new(world.Gateway.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    /// <summary>Waits until Graph reports <paramref name="availability"/>/<paramref name="activity"/> for the user.</summary>
    public static Task UntilTeamsShowsAsync(this GraphIngestWorld world, string userId, string availability, string activity)
    {
        return Eventually.UntilAsync(() =>
        {
            var shown = world.Control.GetPresence(userId);
            return shown.Availability == availability && shown.Activity == activity;
        }, because: $"Graph to show {availability}/{activity} for {userId}");
    }
}
