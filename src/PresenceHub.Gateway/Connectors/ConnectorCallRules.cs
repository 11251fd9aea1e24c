using Grpc.Core;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Connectors;

/// <summary>
/// The checks every connector call makes once its caller is known: the platform it names (in the hello or the
/// platform header) must be a well-formed non-Teams platform the credential allows and the organization's federation
/// policy federates. Refusals are counted and logged; invalid arguments are not.
/// </summary>
internal sealed class ConnectorCallRules(IFederationPolicyStore policies, ConnectorMetrics metrics, ILogger<ConnectorService> logger)
{
    /// <summary>Names the connector's platform on unary calls (streams say it in their hello).</summary>
    public const string PlatformHeader = "presencehub-platform";

    /// <summary>Refuses a platform the credential is not allowed to connect as.</summary>
    public void RequireAllowed(ConnectorCaller caller, Platform platform)
    {
        if (!caller.Allows(platform))
        {
            throw Denied(caller, "The credential does not allow this platform.");
        }
    }

    /// <summary>Refuses a platform, named by the call or bound to the credential, that the organization does not federate.</summary>
    public async Task RequireFederatedPlatformAsync(ConnectorCaller caller, Platform? named, CancellationToken token)
    {
        var platforms = new[] { named, caller.AllowedPlatform }.OfType<Platform>().Distinct().ToList();
        if (platforms.Count == 0)
        {
            return;
        }

        var policy = await policies.GetAsync(caller.Organization, token).ConfigureAwait(false);
        foreach (var platform in platforms)
        {
            if (!policy.AllowsPlatform(platform))
            {
                throw Denied(caller, $"The organization's federation policy does not allow platform '{platform.Id}'.");
            }
        }
    }

    /// <summary>The platform a unary call names, which the credential must allow; null when it names none.</summary>
    public Platform? AllowedPlatform(ConnectorCaller caller, ServerCallContext context) =>
        OptionalPlatform(context) is { } platform && !caller.Allows(platform)
            ? throw Denied(caller, "The credential does not allow this platform.")
            : OptionalPlatform(context);

    /// <summary>The platform a unary call names in the <see cref="PlatformHeader"/> header; null when it names none.</summary>
    public static Platform? OptionalPlatform(ServerCallContext context) =>
        context.RequestHeaders.GetValue(PlatformHeader) is { Length: > 0 } value ? ParsePlatform(value) : null;

    public static Platform ParsePlatform(string value)
    {
        if (!Platform.TryParse(value, out var platform) || platform.Id != value)
        {
            throw Invalid($"platform must be a lowercase token: 1 to {Platform.MaxLength} lowercase letters, digits or '-', starting with a letter (e.g. 'slack').");
        }

        if (platform == Platform.Teams)
        {
            throw Invalid("Connectors bridge other platforms; Teams presence comes from Graph.");
        }

        return platform;
    }

    /// <summary>A PermissionDenied answer for <paramref name="caller"/>, counted and logged by organization only.</summary>
    public RpcException Denied(ConnectorCaller caller, string detail)
    {
        metrics.Rejected("permission_denied");
        ConnectorLog.Refused(logger, caller.Organization.ToString(), "permission_denied");
        return new RpcException(new Status(StatusCode.PermissionDenied, detail));
    }

    public static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
