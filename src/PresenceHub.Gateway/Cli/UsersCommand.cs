using System.Net;
using System.Text.Json;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Cli;

/// <summary>
/// Data-subject requests from the command line, as a thin client of a running gateway's admin API:
/// <c>users export|erase|pause|resume|direction &lt;organization&gt; &lt;user&gt;</c>. The gateway's address comes from
/// <c>--gateway</c> or the admin listener the gateway is configured with (<c>Kestrel:Endpoints:Admin:Url</c>, a wildcard
/// host read as <c>localhost</c>, so the verb works beside the gateway, e.g. in its container), the admin key from <c>--admin-key</c> or <c>Admin:Key</c>
/// (environment <c>Admin__Key</c>).
/// </summary>
internal static class UsersCommand
{
    public const string Name = "users";

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly string[] OwnOptions = ["--gateway", "--admin-key", "--out", "--share-out", "--show-in"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, HttpMessageHandler? handler = null)
    {
        var positional = Positional(args);
        if (positional.Count != 3 || positional[0] is not ("export" or "erase" or "pause" or "resume" or "direction"))
        {
            output.WriteLine(Usage);
            return 2;
        }

        var (verb, organization, user) = (positional[0], positional[1], positional[2]);
        var configuration = CliConfiguration.Build(GatewayCli.ConfigurationArguments(args, OwnOptions).Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray());
        var gateway = GatewayCli.Option(args, "--gateway") ?? LocalAdminListener(configuration[$"Kestrel:Endpoints:{AdminListener.EndpointName}:Url"]);
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            output.WriteLine("The gateway's admin address is not set: pass --gateway http://127.0.0.1:8082/ (its admin listener, Kestrel:Endpoints:Admin:Url).");
            return 1;
        }

        var adminKey = GatewayCli.Option(args, "--admin-key") ?? configuration[$"{AdminKeyOptions.SectionName}:{nameof(AdminKeyOptions.Key)}"];
        if (string.IsNullOrEmpty(adminKey))
        {
            output.WriteLine("The admin key is not set: pass --admin-key <key> or set Admin:Key (environment Admin__Key).");
            return 1;
        }

        var path = $"admin/organizations/{Uri.EscapeDataString(organization)}/users/{Uri.EscapeDataString(user)}";
        using var request = verb switch
        {
            "export" => new HttpRequestMessage(HttpMethod.Get, $"{path}/export"),
            "erase" => new HttpRequestMessage(HttpMethod.Delete, path),
            "pause" or "resume" => new HttpRequestMessage(HttpMethod.Put, $"{path}/privacy") { Content = JsonContent.Create(new { paused = verb == "pause" }) },
            _ => Direction(args, path, output),
        };
        if (request is null)
        {
            return 2;
        }

        request.Headers.Add(AdminKeyAuthorization.Header, adminKey);
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            output.WriteLine($"Cannot reach the gateway at {http.BaseAddress}: {e.Message}");
            return 1;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                output.WriteLine(Failure(verb, response.StatusCode, body));
                return 1;
            }

            return await WriteResultAsync(verb, args, body, output).ConfigureAwait(false);
        }
    }

    private const string Usage = """
        usage: users export <organization> <user> [--out <file>]
               users erase <organization> <user>
               users pause|resume <organization> <user>
               users direction <organization> <user> [--share-out on|off] [--show-in on|off]
        options: --gateway <url> (default Kestrel:Endpoints:Admin:Url), --admin-key <key> (default Admin:Key)
        """;

    /// <summary>The admin endpoint's URL with a wildcard host (<c>http://+:8082</c>) read as this machine's loopback.</summary>
    private static string? LocalAdminListener(string? url) =>
        url is null ? null : System.Text.RegularExpressions.Regex.Replace(url, @"^(https?://)(\+|\*|0\.0\.0\.0|\[::\])(?=[:/]|$)", "${1}localhost");

    private static HttpRequestMessage? Direction(string[] args, string path, TextWriter output)
    {
        var shareOut = GatewayCli.Option(args, "--share-out");
        var showIn = GatewayCli.Option(args, "--show-in");
        if ((shareOut is null && showIn is null) || shareOut is not (null or "on" or "off") || showIn is not (null or "on" or "off"))
        {
            output.WriteLine("direction needs --share-out on|off and/or --show-in on|off.");
            return null;
        }

        var body = new Dictionary<string, bool>();
        if (shareOut is not null)
        {
            body["shareOut"] = shareOut == "on";
        }

        if (showIn is not null)
        {
            body["showIn"] = showIn == "on";
        }

        return new HttpRequestMessage(HttpMethod.Put, $"{path}/privacy") { Content = JsonContent.Create(body) };
    }

    private static async Task<int> WriteResultAsync(string verb, string[] args, string body, TextWriter output)
    {
        switch (verb)
        {
            case "export":
                var pretty = JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement, Indented);
                if (GatewayCli.Option(args, "--out") is { } file)
                {
                    await File.WriteAllTextAsync(file, pretty).ConfigureAwait(false);
                    output.WriteLine($"Exported to {file}.");
                }
                else
                {
                    output.WriteLine(pretty);
                }

                break;
            case "erase":
                output.WriteLine("Erased.");
                break;
            default:
                using (var settings = JsonDocument.Parse(body))
                {
                    var root = settings.RootElement;
                    output.WriteLine($"paused {OnOff(root, "paused")}, share out {OnOff(root, "shareOut")}, show in {OnOff(root, "showIn")}");
                }

                break;
        }

        return 0;
    }

    private static string OnOff(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True ? "on" : "off";

    private static string Failure(string verb, HttpStatusCode status, string body)
    {
        var detail = ProblemDetail(body);
        return status switch
        {
            HttpStatusCode.Unauthorized => "The gateway refused the admin key (401): check --admin-key or Admin:Key.",
            HttpStatusCode.NotFound when verb == "erase" && detail is null =>
                "The gateway has no erase endpoint (404): it needs a version with DELETE /admin/organizations/{organization}/users/{user}.",
            _ => $"The gateway answered {(int)status} {status}" + (detail is null ? "." : $": {detail}"),
        };
    }

    private static string? ProblemDetail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail)
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The arguments that are neither options nor their values nor configuration overrides.</summary>
    private static List<string> Positional(string[] args)
    {
        var list = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (OwnOptions.Contains(args[i]))
            {
                i++;
            }
            else if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                list.Add(args[i]);
            }
        }

        return list;
    }
}
