using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Connectors;

/// <summary>Settings of the connector API (section <c>Connectors</c>).</summary>
internal sealed class ConnectorOptions : IValidatableObject
{
    public const string SectionName = "Connectors";

    /// <summary>How often connectors heartbeat; a stream silent for three intervals is ended. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most events per batch written to a stream. Default 256.</summary>
    [Range(1, 1000, ErrorMessage = "Connectors:MaxBatchSize must be between 1 and 1000.")]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Most events sent beyond a connector's last acknowledgement; the bound of its queue. Default 2048.</summary>
    [Range(1, 100_000, ErrorMessage = "Connectors:MaxUnacknowledgedEvents must be between 1 and 100000.")]
    public int MaxUnacknowledgedEvents { get; set; } = 2048;

    /// <summary>Largest message a connector may send, in bytes. Default 64 KiB.</summary>
    [Range(1024, 4 * 1024 * 1024, ErrorMessage = "Connectors:MaxMessageBytes must be between 1024 and 4194304.")]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Most users in one last-known or identity request. Default 650.</summary>
    [Range(1, 10_000, ErrorMessage = "Connectors:MaxUsersPerRequest must be between 1 and 10000.")]
    public int MaxUsersPerRequest { get; set; } = 650;

    /// <summary>Sustained publications per second one connector credential may make. Default 500.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Connectors:PublicationsPerSecond must be between 1 and 1000000.")]
    public int PublicationsPerSecond { get; set; } = 500;

    /// <summary>
    /// Client ids of Entra app registrations allowed to connect with app tokens, each optionally restricted to one
    /// platform as <c>{client id}={platform}</c>. Empty: only hub-issued connector keys are accepted.
    /// </summary>
    public IList<string> EntraClientIds { get; } = [];

    /// <summary>Serves gRPC server reflection, for tools like grpcurl. Default off.</summary>
    public bool EnableReflection { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval < TimeSpan.FromSeconds(1) || HeartbeatInterval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Connectors:HeartbeatInterval must be between 00:00:01 and 00:05:00.", [nameof(HeartbeatInterval)]);
        }

        foreach (var entry in EntraClientIds)
        {
            var clientId = entry.Split('=', 2)[0];
            if (!Guid.TryParse(clientId, out _))
            {
                yield return new ValidationResult(
                    $"Connectors:EntraClientIds entry '{entry}' must be a client id (GUID), optionally followed by '=platform'.", [nameof(EntraClientIds)]);
            }
        }
    }
}
