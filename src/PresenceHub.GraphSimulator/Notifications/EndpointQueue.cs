namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>Pending notifications and delivery state of one notification URL. Guarded by the dispatcher's lock.</summary>
internal sealed class EndpointQueue(string url, DateTimeOffset now)
{
    public string Url { get; } = url;

    public List<NotificationItem> Pending { get; } = [];

    /// <summary>Duplicates made by the fault knob, queued after the batch that carries the original.</summary>
    public List<NotificationItem> Deferred { get; } = [];

    public bool InFlight { get; set; }

    public bool WakeScheduled { get; set; }

    public EndpointHealth Health { get; } = new(now);
}
