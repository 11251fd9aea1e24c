using PresenceHub.Gateway.Demo;

namespace PresenceHub.Gateway.Cli;

/// <summary>
/// The verbs of the gateway binary: <c>demo</c>, <c>doctor</c>, <c>teams-app</c>, <c>consent-url</c> and <c>users</c>. They
/// read the same configuration as the service (appsettings, environment, <c>--Section:Key=value</c> arguments).
/// </summary>
internal static class GatewayCli
{
    /// <summary>Runs a verb and returns its exit code; null when the arguments name no verb (run the service).</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            return null;
        }

        var rest = args[1..];
        return args[0] switch
        {
            DemoCommand.Name => await DemoCommand.RunAsync(rest).ConfigureAwait(false),
            "doctor" => await DoctorCommand.RunAsync(rest, Console.Out).ConfigureAwait(false),
            "teams-app" => await TeamsAppCommand.RunAsync(rest, Console.Out).ConfigureAwait(false),
            "consent-url" => ConsentUrlCommand.Run(rest, Console.Out),
            UsersCommand.Name => await UsersCommand.RunAsync(rest, Console.Out).ConfigureAwait(false),
            "help" or "--help" or "-h" => Help(),
            _ => null,
        };
    }

    /// <summary>The value after <paramref name="name"/>, e.g. <c>--out file.zip</c>; null when absent.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The arguments without this verb's own options, for the configuration.</summary>
    public static string[] ConfigurationArguments(string[] args, params string[] options)
    {
        var list = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (options.Contains(args[i]))
            {
                i++;
                continue;
            }

            list.Add(args[i]);
        }

        return [.. list];
    }

    private static int Help()
    {
        Console.Out.WriteLine("""
            PresenceHub gateway
              (no verb)                      run the service
              demo                           run the demo: simulator, gateway and a console connector
              doctor [--tenant <id>]         check configuration, Redis, token acquisition, certificates and the webhook
              teams-app [--out <zip>] [--schema <manifest schema>]
                                             build the Teams app package for TeamsApp:PublicBaseUrl
              consent-url [--tenant <id>]    print the admin-consent link for the app registration
              users export|erase|pause|resume <organization> <user> [--out <file>]
              users direction <organization> <user> --share-out on|off --show-in on|off
                                             data-subject requests through a running gateway's admin API
                                             (--gateway <admin url> or Kestrel:Endpoints:Admin:Url; --admin-key <key> or Admin:Key)
            Settings come from appsettings.json, environment variables (Graph__ClientId) or --Graph:ClientId=<value>.
            """);
        return 0;
    }
}
