using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Demo;

/// <summary>Settings of the <c>demo</c> command, e.g. <c>demo --Demo:Users=12</c>.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>How many simulated Teams users take part. Default 8.</summary>
    [Range(1, 40, ErrorMessage = "Demo:Users must be between 1 and 40.")]
    public int Users { get; set; } = 8;

    /// <summary>Presence changes the simulator's generator makes per second, across all users. Default 2.</summary>
    [Range(0.1, 100, ErrorMessage = "Demo:ChangesPerSecond must be between 0.1 and 100.")]
    public double ChangesPerSecond { get; set; } = 2;

    /// <summary>
    /// Reads and validates the settings. The demo needs them before the gateway's host exists (they shape the simulated
    /// tenant the gateway is configured against), so they are validated here rather than by the host's ValidateOnStart.
    /// </summary>
    internal static DemoOptions Read(IConfiguration configuration)
    {
        var options = new DemoOptions();
        configuration.GetSection(SectionName).Bind(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        return options;
    }
}
