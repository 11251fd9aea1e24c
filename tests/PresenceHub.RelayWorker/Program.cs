using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;

// A relay hosted the way the gateway hosts it, driven by fault tests:
//   publish <tenant> <users> <fromRound> <toRound> <paceMs>   prints "PUBLISHED <round>" once a round's batch is durable
//   consume <tenant> <connector> <consumer>           prints "HANDLED <user> <round> <id>" per event, then acknowledges
// Relay settings come as --Relay:Key=value arguments. It runs until done or killed.
var builder = Host.CreateApplicationBuilder(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray());
builder.AddPresenceRelay();
using var host = builder.Build();
await host.StartAsync();
var relay = host.Services.GetRequiredService<IPresenceRelay>();
var verb = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var organization = OrganizationId.Parse(verb[1]);
Console.Out.Flush();

switch (verb[0])
{
    case "publish":
        var users = int.Parse(verb[2], CultureInfo.InvariantCulture);
        for (var round = int.Parse(verb[3], CultureInfo.InvariantCulture); round <= int.Parse(verb[4], CultureInfo.InvariantCulture); round++)
        {
            var batch = Enumerable.Range(1, users).Select(u => Update(organization, "u" + u, round)).ToList();
            await relay.PublishAsync(batch, CancellationToken.None);
            Console.WriteLine($"PUBLISHED {round}");
            await Task.Delay(int.Parse(verb[5], CultureInfo.InvariantCulture));
        }

        break;
    case "consume":
        await using (var feed = await relay.OpenFeedAsync(new ConnectorFeedId(organization, verb[2]), verb[3], CancellationToken.None))
        {
            while (true)
            {
                var events = await feed.ReadAsync(50, CancellationToken.None);
                foreach (var e in events)
                {
                    Console.WriteLine($"HANDLED {e.Presence!.UserId} {e.Presence.Version.Stamp[1..]} {e.Id}");
                }

                await feed.AcknowledgeAsync(events.Select(e => e.Id).ToList(), CancellationToken.None);
            }
        }

    default:
        Console.Error.WriteLine("usage: publish <tenant> <users> <fromRound> <toRound> <paceMs> | consume <tenant> <connector> <consumer>");
        return 2;
}

await host.StopAsync();
return 0;

static PresenceUpdate Update(OrganizationId organization, string user, int round) => new(
    organization,
    user,
    Platform.Teams,
    PresenceState.ForCategory((PresenceCategory)(round % 10)),
    PresenceVersion.FromSequence(round.ToString("D12", CultureInfo.InvariantCulture)),
    Platform.Teams,
    DateTimeOffset.UnixEpoch.AddSeconds(round));
