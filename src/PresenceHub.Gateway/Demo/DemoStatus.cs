namespace PresenceHub.Gateway.Demo;

/// <summary>The demo's counters and states under the table.</summary>
/// <param name="GeneratedChanges">Presence changes the simulator's generator made.</param>
/// <param name="ReceivedEvents">Presence events the console connector received.</param>
/// <param name="Connector">The console connector's connection state, e.g. <c>Connected</c>.</param>
/// <param name="Subscriptions">Live Graph subscriptions in the simulator.</param>
/// <param name="Warnings">How many warnings and errors the demo's components logged.</param>
/// <param name="RecentWarnings">The last few of them, newest last.</param>
internal sealed record DemoStatus(
    long GeneratedChanges,
    long ReceivedEvents,
    string Connector,
    int Subscriptions,
    long Warnings,
    IReadOnlyList<string> RecentWarnings);
