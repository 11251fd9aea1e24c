using PresenceHub.Presence;

namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>Settings of a <see cref="FakePresenceHub"/>.</summary>
public sealed class FakePresenceHubOptions
{
    /// <summary>The connector key the hub accepts as bearer token. Default "fake-connector-key".</summary>
    public string AccessToken { get; set; } = "fake-connector-key";

    /// <summary>The hub's organization. Default: a new random one.</summary>
    public OrganizationId Organization { get; set; } = new(Guid.NewGuid());

    /// <summary>The heartbeat interval announced in the welcome. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most events per batch. Default 100.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>The most unacknowledged events in flight before the hub waits for an acknowledgement. Default 1,000.</summary>
    public int MaxUnacknowledgedEvents { get; set; } = 1_000;

    /// <summary>The only platform the key allows; null allows any. Another platform's hello gets PermissionDenied.</summary>
    public string? AllowedPlatform { get; set; }

    /// <summary>The clock for event times. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
