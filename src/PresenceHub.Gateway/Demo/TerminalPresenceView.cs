using System.Globalization;
using System.Text;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// The live table on a terminal: redrawn in place about once a second on the alternate screen, which is left again
/// on Ctrl+C so the shell's scrollback is as it was.
/// </summary>
internal sealed class TerminalPresenceView(TextWriter output, TimeProvider time) : IPresenceView
{
    private const string Escape = "\u001b[";
    private const string Reset = Escape + "0m";
    private const string Bold = Escape + "1m";
    private const string Dim = Escape + "2m";
    private const int DefaultWidth = 160;

    private readonly Column[] _columns =
    [
        new("USER", 20, r => (r.User.DisplayName + (r.User.Consent == ConsentSource.SignedIn ? " *" : ""), null)),
        new("TEAMS (GRAPH)", 25, r => Cell(r.Teams, CrossPlatformPresence.Teams)),
        new("GATEWAY (RELAY)", 25, r => Cell(r.Hub?.State, CrossPlatformPresence.Teams)),
        new("CONNECTOR (gRPC)", 25, r => Cell(r.Received?.State, CrossPlatformPresence.Teams)),
        new("AS XMPP", 24, r => Cell(r.Received?.State, CrossPlatformPresence.Xmpp)),
        new("AS SLACK", 26, r => Cell(r.Received?.State, CrossPlatformPresence.SlackToken)),
        new("CHANGED", 10, r => (r.ChangedAt is { } at ? TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "", null)),
    ];

    private DemoWorld? _world;
    private bool _onAlternateScreen;

    public void Started(DemoWorld world)
    {
        _world = world;
        // Alternate screen, cursor hidden.
        output.Write($"{Escape}?1049h{Escape}?25l");
        _onAlternateScreen = true;
    }

    public void Changed(DemoUser user, PresenceUpdate update, string stage)
    {
        // The next redraw shows it.
    }

    public void Refresh(IReadOnlyList<PresenceRow> rows, DemoStatus status)
    {
        if (_world is not { } world)
        {
            return;
        }

        var width = WindowWidth();
        var columns = _columns.Where((_, i) => _columns.Take(i + 1).Sum(c => c.Width + 2) <= width).ToList();
        var frame = new StringBuilder(4096);
        frame.Append(Escape).Append('H');
        Line(frame, $"{Bold}PresenceHub demo{Reset}  Teams (Graph simulator) -> gateway webhook -> relay ({world.StateMode}) -> connector API (gRPC) -> console connector");
        Line(frame, $"{Dim}gateway {world.WebAddress}  admin console {world.WebAddress}admin  connectors {world.ConnectorAddress}  simulator {world.Simulator.BaseAddress}_simulator  organization {world.Organization}{Reset}");
        if (world.DeveloperConnector is { } developer)
        {
            // Two lines: the key alone is 64 characters. The organization is in the line above.
            Line(frame, $"your connector  endpoint {Bold}{developer.Endpoint}{Reset}  key {Bold}{developer.Key}{Reset}");
            Line(frame, $"{Dim}any connector id and platform; endpoint, key and organization are also in {developer.FilePath} until the demo stops{Reset}");
        }

        Line(frame, "");
        var header = new StringBuilder(Bold);
        foreach (var column in columns)
        {
            header.Append(Fit(column.Header, column.Width)).Append("  ");
        }

        Line(frame, header.Append(Reset).ToString());
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            foreach (var column in columns)
            {
                var (text, state) = column.Value(row);
                var cell = Fit(text, column.Width);
                line.Append(state is { } s ? $"{Color(s.Category)}{cell}{Reset}" : cell).Append("  ");
            }

            Line(frame, line.ToString());
        }

        Line(frame, "");
        Line(frame, $"{Dim}* signed in to the Teams app (owns the presence subscription); the others were assigned by the administrator{Reset}");
        Line(frame, string.Create(CultureInfo.InvariantCulture,
            $"generator {status.GeneratedChanges} changes  |  connector received {status.ReceivedEvents} events ({status.Connector})  |  {status.Subscriptions} Graph subscription(s)  |  {status.Warnings} warning(s)"));
        foreach (var warning in status.RecentWarnings)
        {
            Line(frame, $"{Dim}{Fit(warning, width - 1)}{Reset}");
        }

        Line(frame, "");
        Line(frame, "Ctrl+C stops the demo.");
        frame.Append(Escape).Append('J');
        output.Write(frame.ToString());
        output.Flush();
    }

    public void Stopped(DemoStatus? status)
    {
        if (_onAlternateScreen)
        {
            output.Write($"{Escape}?25h{Escape}?1049l");
            _onAlternateScreen = false;
        }

        output.WriteLine(status is null
            ? "PresenceHub demo stopped."
            : string.Create(CultureInfo.InvariantCulture,
                $"PresenceHub demo stopped: the generator made {status.GeneratedChanges} presence changes, the connector received {status.ReceivedEvents} events."));
        output.Flush();
    }

    private static (string Text, PresenceState? State) Cell(PresenceState? state, Func<PresenceState, string> format) =>
        state is null ? ("-", null) : (format(state), state);

    private static string Color(PresenceCategory category) => category switch
    {
        PresenceCategory.Available => Escape + "32m",
        PresenceCategory.Idle or PresenceCategory.Away => Escape + "33m",
        PresenceCategory.Busy or PresenceCategory.InACall or PresenceCategory.InAMeeting or PresenceCategory.DoNotDisturb or PresenceCategory.Presenting => Escape + "31m",
        PresenceCategory.OutOfOffice => Escape + "35m",
        PresenceCategory.Offline => Escape + "90m",
        _ => Reset,
    };

    private static string Fit(string text, int width) =>
        text.Length > width ? text[..Math.Max(0, width - 1)] + "~" : text.PadRight(width);

    private static void Line(StringBuilder frame, string text) => frame.Append(text).Append(Escape).Append("K\n");

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth is > 0 and var width ? width : DefaultWidth;
        }
        catch (IOException)
        {
            return DefaultWidth;
        }
    }

    private sealed record Column(string Header, int Width, Func<PresenceRow, (string Text, PresenceState? State)> Value);
}
