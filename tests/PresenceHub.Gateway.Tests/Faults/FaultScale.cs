using System.Globalization;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// How big the fault scenarios are. The defaults are the short form that runs with every <c>dotnet test</c>;
/// <c>bench/run faults</c> sets <c>PRESENCEHUB_FAULT_CHANGES</c>, <c>PRESENCEHUB_FAULT_USERS</c> and
/// <c>PRESENCEHUB_FAULT_RATE</c> for the full run.
/// </summary>
internal static class FaultScale
{
    /// <summary>Presence changes per scenario (default 300).</summary>
    public static int Changes { get; } = Read("PRESENCEHUB_FAULT_CHANGES", 300);

    /// <summary>Consenting users (default 20).</summary>
    public static int Users { get; } = Read("PRESENCEHUB_FAULT_USERS", 20);

    /// <summary>Presence changes per second (default 150).</summary>
    public static int Rate { get; } = Read("PRESENCEHUB_FAULT_RATE", 150);

    private static int Read(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
