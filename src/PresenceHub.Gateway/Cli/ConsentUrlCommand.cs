using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Cli;

/// <summary>
/// Prints the admin-consent link: an administrator of the organization opens it once to grant the application
/// permissions (Presence.ReadWrite.All, User.Read.All, TeamsAppInstallation.ReadForUser.All) to the app registration.
/// </summary>
internal static class ConsentUrlCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var configuration = CliConfiguration.Build(GatewayCli.ConfigurationArguments(args, "--tenant"));
        var graph = configuration.GetSection(GraphOptions.SectionName).Get<GraphOptions>() ?? new GraphOptions();
        if (graph.ClientId == Guid.Empty)
        {
            output.WriteLine("Graph:ClientId is not set: set it to the app registration's client id (e.g. --Graph:ClientId=<guid>).");
            return 1;
        }

        var tenant = GatewayCli.Option(args, "--tenant") ?? "organizations";
        var app = configuration.GetSection(TeamsAppOptions.SectionName).Get<TeamsAppOptions>() ?? new TeamsAppOptions();
        output.WriteLine(AdminConsentLink.Build(graph, tenant, app.PublicBaseUrl));
        return 0;
    }
}
