namespace PresenceHub.GraphSimulator;

/// <summary>Drives simulated users through realistic Teams presence changes at a set rate (real time).</summary>
public sealed record PresenceGeneratorSettings
{
    /// <summary>Tenant whose users change presence.</summary>
    public required string TenantId { get; init; }

    /// <summary>Users to drive; empty means every user of the tenant at start.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];

    /// <summary>Presence changes per second across all driven users. Default 10.</summary>
    public double ChangesPerSecond { get; init; } = 10;

    /// <summary>Random seed, for reproducible runs. Default: random.</summary>
    public int? Seed { get; init; }

    /// <summary>Stop after this many changes; 0 runs until stopped. Default 0.</summary>
    public long MaxChanges { get; init; }
}
