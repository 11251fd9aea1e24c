using System.Globalization;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// Line-oriented output for a pipe or a test: the addresses once (and the endpoint and key for the developer's own
/// connector, as <c>connector endpoint=... key=... organization=... file=...</c>), then one line per presence change, as
/// <c>key=value</c> pairs (values without spaces, except the quoted name).
/// </summary>
internal sealed class PlainPresenceView(TextWriter output) : IPresenceView
{
    public void Started(DemoWorld world)
    {
        output.WriteLine(Invariant(
            $"demo simulator={world.Simulator.BaseAddress} ca={world.CaCertificatePath} gateway={world.WebAddress} admin={world.WebAddress}admin connectors={world.ConnectorAddress} relay={world.StateMode} organization={world.Organization}"));
        foreach (var user in world.Users)
        {
            output.WriteLine(Invariant($"demo user id={user.Id} name=\"{user.DisplayName}\" consent={user.Consent}"));
        }

        if (world.DeveloperConnector is { } developer)
        {
            // The key is a secret; the developer's own console is where it is meant to appear.
            output.WriteLine(Invariant(
                $"connector endpoint={developer.Endpoint} key={developer.Key} organization={developer.Organization} file={developer.FilePath}"));
        }

        output.WriteLine("demo ready");
    }

    public void Changed(DemoUser user, PresenceUpdate update, string stage)
    {
        var state = update.State;
        output.WriteLine(Invariant(
            $"presence stage={stage} user={user.Id} name=\"{user.DisplayName}\" availability={state.Availability} activity={state.Activity} xmpp={CrossPlatformPresence.XmppToken(state)} slack={CrossPlatformPresence.SlackToken(state)} observed={update.ObservedAt:O}"));
    }

    public void Refresh(IReadOnlyList<PresenceRow> rows, DemoStatus status)
    {
    }

    public void Stopped(DemoStatus? status)
    {
        output.WriteLine(status is null
            ? "demo stopped"
            : Invariant($"demo stopped generated={status.GeneratedChanges} received={status.ReceivedEvents} warnings={status.Warnings}"));
        output.Flush();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
