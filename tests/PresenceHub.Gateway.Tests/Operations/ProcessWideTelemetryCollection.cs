namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// OpenTelemetry listens to meters and activity sources by name across the whole process, so a gateway started by a
/// test running in parallel feeds the same instruments; when that gateway is disposed, the SDK ends the metric stream
/// both share. Tests of telemetry export run alone, as the one gateway of the process, as in production.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTelemetryCollection
{
    public const string Name = "Process-wide telemetry";
}
