using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.TeamsApp;

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
        output.WriteLine(Build(graph, tenant, app.PublicBaseUrl));
        return 0;
    }

    public static string Build(GraphOptions graph, string tenant, Uri? publicBaseUrl)
    {
        var authority = graph.AuthorityHost ?? new Uri("https://login.microsoftonline.com/");
        var query = $"client_id={graph.ClientId:D}&scope={Uri.EscapeDataString("https://graph.microsoft.com/.default")}";
        if (publicBaseUrl is not null)
        {
            query += $"&redirect_uri={Uri.EscapeDataString(new Uri(publicBaseUrl, "/admin").ToString())}";
        }

        return new Uri(authority, $"{Uri.EscapeDataString(tenant)}/v2.0/adminconsent?{query}").ToString();
    }
}
