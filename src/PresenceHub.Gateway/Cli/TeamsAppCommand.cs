using System.ComponentModel.DataAnnotations;
using NJsonSchema;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Cli;

/// <summary>Builds the Teams app package and, given the manifest schema, validates the manifest against it.</summary>
internal static class TeamsAppCommand
{
    private const string SchemaFile = "MicrosoftTeams.v1.29.schema.json";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var configuration = CliConfiguration.Build(GatewayCli.ConfigurationArguments(args, "--out", "--schema"));
        var graph = configuration.GetSection(GraphOptions.SectionName).Get<GraphOptions>() ?? new GraphOptions();
        var app = configuration.GetSection(TeamsAppOptions.SectionName).Get<TeamsAppOptions>() ?? new TeamsAppOptions();
        var problems = new List<string>();
        if (graph.ClientId == Guid.Empty)
        {
            problems.Add("Graph:ClientId is not set: the app registration's client id goes into webApplicationInfo for Teams SSO.");
        }

        if (app.PublicBaseUrl is null)
        {
            problems.Add("TeamsApp:PublicBaseUrl is not set: the gateway's public https:// address, where Teams loads the personal tab.");
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(app, new ValidationContext(app), results, validateAllProperties: true);
        problems.AddRange(results.Select(r => r.ErrorMessage ?? "TeamsApp is invalid."));
        if (problems.Count > 0)
        {
            problems.ForEach(output.WriteLine);
            return 1;
        }

        var manifest = TeamsAppPackage.Manifest(app, graph.ClientId).ToJsonString();
        var schemaPath = GatewayCli.Option(args, "--schema") ?? FindSchema();
        if (schemaPath is null)
        {
            output.WriteLine($"The manifest was not validated: pass --schema <path to {SchemaFile}>.");
        }
        else
        {
            var schema = await JsonSchema.FromFileAsync(schemaPath).ConfigureAwait(false);
            var errors = schema.Validate(manifest);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    output.WriteLine($"manifest.json {error.Path}: {error.Kind}");
                }

                return 1;
            }

            output.WriteLine($"manifest.json is valid against {Path.GetFileName(schemaPath)}.");
        }

        var path = Path.GetFullPath(GatewayCli.Option(args, "--out") ?? "presencehub-teams-app.zip");
        await using (var file = File.Create(path))
        {
            TeamsAppPackage.Write(file, app, graph.ClientId);
        }

        output.WriteLine($"Wrote {path}: upload it in the Teams admin center (Manage apps > Upload new app).");
        output.WriteLine($"Set the app registration's Application ID URI to {app.EffectiveApplicationIdUri(graph.ClientId)} and expose the scope access_as_user.");
        return 0;
    }

    private static string? FindSchema()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "reference", "teams-app-schema", SchemaFile);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
