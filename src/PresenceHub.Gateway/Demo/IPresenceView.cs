using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>Where the demo shows presence: a redrawn table on a terminal, or plain lines for a pipe or a test.</summary>
internal interface IPresenceView
{
    /// <summary>Everything is running; shows where.</summary>
    void Started(DemoWorld world);

    /// <summary>A presence change of <paramref name="user"/> arrived at <paramref name="stage"/> (<c>hub</c> or <c>connector</c>).</summary>
    void Changed(DemoUser user, PresenceUpdate update, string stage);

    /// <summary>About once a second: the whole table and the counters.</summary>
    void Refresh(IReadOnlyList<PresenceRow> rows, DemoStatus status);

    /// <summary>The demo stopped (Ctrl+C) or failed to start; restores the terminal.</summary>
    void Stopped(DemoStatus? status);
}
