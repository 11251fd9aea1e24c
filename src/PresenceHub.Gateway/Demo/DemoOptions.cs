using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Demo;

/// <summary>Settings of the <c>demo</c> command, e.g. <c>demo --Demo:Users=12</c>.</summary>
internal sealed class DemoOptions : IValidatableObject
{
    public const string SectionName = "Demo";

    /// <summary>How many simulated Teams users take part. Default 8.</summary>
    [Range(1, 40, ErrorMessage = "Demo:Users must be between 1 and 40.")]
    public int Users { get; set; } = 8;

    /// <summary>Presence changes the simulator's generator makes per second, across all users. Default 2.</summary>
    [Range(0.1, 100, ErrorMessage = "Demo:ChangesPerSecond must be between 0.1 and 100.")]
    public double ChangesPerSecond { get; set; } = 2;

    /// <summary>
    /// Where the demo writes the endpoint, key and organization of a connector key issued for the developer's own
    /// connector (JSON, mode 0600), overwritten at start and deleted at stop. Default
    /// <c>presencehub-demo/connector.json</c> in the system's temporary directory.
    /// </summary>
    public string? ConnectorFile { get; set; }

    /// <summary>The connector file's full path: <see cref="ConnectorFile"/>, or the default.</summary>
    internal string ConnectorFilePath => Path.GetFullPath(string.IsNullOrEmpty(ConnectorFile)
        ? Path.Combine(Path.GetTempPath(), "presencehub-demo", "connector.json")
        : ConnectorFile);

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

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (ConnectorFile is null or "")
        {
            yield break;
        }

        // A file name is needed; a directory (trailing separator) or a path the system cannot hold is a mistake.
        if (string.IsNullOrWhiteSpace(ConnectorFile) || ConnectorFile.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            || Path.EndsInDirectorySeparator(ConnectorFile) || string.IsNullOrWhiteSpace(Path.GetFileName(ConnectorFile)))
        {
            yield return new ValidationResult("Demo:ConnectorFile must be the path of a file, e.g. /tmp/presencehub-demo/connector.json.", [nameof(ConnectorFile)]);
        }
    }
}
