namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>Pending notifications and delivery state of one notification URL. Guarded by the dispatcher's lock.</summary>
internal sealed class EndpointQueue(string url, DateTimeOffset now)
{
    public string Url { get; } = url;

    public List<NotificationItem> Pending { get; } = [];

    /// <summary>Duplicates and held-back items made by the fault knobs, queued after the batch in flight.</summary>
    public List<NotificationItem> Deferred { get; } = [];

    public bool InFlight { get; set; }

    public bool WakeScheduled { get; set; }

    public EndpointHealth Health { get; } = new(now);
}
