using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.Cli;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Graph;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>The <c>users</c> verbs against a running gateway, as the binary runs them.</summary>
public sealed class DataSubjectCliTests
{
    [Fact]
    public async Task UsersVerbs_PauseResumeDirectionAndExport_GoThroughTheAdminApi()
    {
        await using var world = await ConnectorApiTests.StartAsync(users: 2);
        var user = world.UserIds[1];
        var stored = world.Gateway.Services.GetRequiredService<IPrivacySettingsStore>();

        var (exit, output) = await RunAsync(world, "pause", user);
        Assert.True(exit == 0, output);
        Assert.Contains("paused on, share out on, show in on", output, StringComparison.Ordinal);
        Assert.True((await stored.GetManyAsync(world.Organization, [user], CancellationToken.None))[0].Paused);

        (exit, output) = await RunAsync(world, "resume", user);
        Assert.True(exit == 0, output);
        Assert.False((await stored.GetManyAsync(world.Organization, [user], CancellationToken.None))[0].Paused);

        (exit, output) = await RunAsync(world, "direction", user, "--share-out", "off", "--show-in", "on");
        Assert.True(exit == 0, output);
        Assert.Contains("paused off, share out off, show in on", output, StringComparison.Ordinal);
        Assert.Equal(new PrivacySettings(ShareOut: false), (await stored.GetManyAsync(world.Organization, [user], CancellationToken.None))[0]);

        var file = Path.Combine(Directory.CreateTempSubdirectory("presencehub-export-").FullName, "export.json");
        (exit, output) = await RunAsync(world, "export", user, "--out", file);
        Assert.True(exit == 0, output);
        var export = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        Assert.Equal(user, export.GetProperty("userId").GetString());
        Assert.False(export.GetProperty("privacy").GetProperty("shareOut").GetBoolean());
    }

    [Fact]
    public async Task UsersErase_SendsTheEraseRequestOfTheAdminApi()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        using var recorder = new RecordingHandler();
        var output = new StringWriter();

        var exit = await UsersCommand.RunAsync(
            ["erase", world.Organization.ToString(), world.UserIds[0], "--gateway", world.AdminAddress.ToString(), "--admin-key", GraphIngestWorld.AdminKey], output, recorder);

        var request = Assert.Single(recorder.Requests);
        Assert.Equal((HttpMethod.Delete, $"/admin/organizations/{world.Organization}/users/{world.UserIds[0]}"), request);
        // Erasure itself is the gateway's; without its endpoint the verb says so rather than claim success.
        Assert.True(exit == 0 ? output.ToString().Contains("Erased.", StringComparison.Ordinal) : output.ToString().Contains("no erase endpoint", StringComparison.Ordinal),
            output.ToString());
    }

    [Fact]
    public async Task UsersVerbs_SayWhatIsWrong()
    {
        await using var world = await GraphIngestWorld.StartAsync(users: 1);
        var organization = world.Organization.ToString();
        var user = world.UserIds[0];

        var wrongKey = new StringWriter();
        Assert.Equal(1, await UsersCommand.RunAsync(["pause", organization, user, "--gateway", world.AdminAddress.ToString(), "--admin-key", new string('x', 40)], wrongKey));
        Assert.Contains("refused the admin key", wrongKey.ToString(), StringComparison.Ordinal);

        var notFederated = new StringWriter();
        Assert.Equal(1, await UsersCommand.RunAsync(["pause", organization, user, "--gateway", world.AdminAddress.ToString(), "--admin-key", GraphIngestWorld.AdminKey], notFederated));
        Assert.Contains("404", notFederated.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not take part in federation", notFederated.ToString(), StringComparison.Ordinal);

        var noGateway = new StringWriter();
        Assert.Equal(1, await UsersCommand.RunAsync(["export", organization, user, "--admin-key", GraphIngestWorld.AdminKey], noGateway));
        Assert.Contains("--gateway", noGateway.ToString(), StringComparison.Ordinal);

        // Without --gateway, the admin listener the gateway is configured with, its wildcard host read as this machine.
        var fromAdminEndpoint = new StringWriter();
        Assert.Equal(1, await UsersCommand.RunAsync(["pause", organization, user, $"--Kestrel:Endpoints:Admin:Url=http://+:{world.AdminAddress.Port}", "--admin-key", GraphIngestWorld.AdminKey], fromAdminEndpoint));
        Assert.Contains("does not take part in federation", fromAdminEndpoint.ToString(), StringComparison.Ordinal);

        var badDirection = new StringWriter();
        Assert.Equal(2, await UsersCommand.RunAsync(["direction", organization, user, "--share-out", "maybe", "--gateway", world.AdminAddress.ToString(), "--admin-key", GraphIngestWorld.AdminKey], badDirection));
        Assert.Contains("--share-out on|off", badDirection.ToString(), StringComparison.Ordinal);

        var usage = new StringWriter();
        Assert.Equal(2, await UsersCommand.RunAsync(["promote", organization, user], usage));
        Assert.Contains("usage: users export", usage.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(GraphIngestWorld world, string verb, string user, params string[] more)
    {
        var output = new StringWriter();
        var exit = await UsersCommand.RunAsync(
            [verb, world.Organization.ToString(), user, .. more, "--gateway", world.AdminAddress.ToString(), "--admin-key", GraphIngestWorld.AdminKey], output);
        return (exit, output.ToString());
    }

    /// <summary>Passes requests on to the gateway and remembers their method and path.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<(HttpMethod Method, string Path)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.True(request.Headers.Contains("X-Admin-Key"), "the admin key was not sent");
            Requests.Add((request.Method, request.RequestUri!.AbsolutePath));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
