using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Identity;

namespace PresenceHub.GraphSimulator.Graph;

/// <summary>
/// Endpoint filter on every <c>/v1.0</c> route: stamps request ids, applies the every-Nth-call 429 knob and checks the
/// bearer token (signature, lifetime, audience Graph, known tenant) before a handler runs.
/// </summary>
internal sealed class GraphRequestGuard(
    TokenValidator validator,
    SimulatorDirectory directory,
    SimulatorFaults faults,
    SimulatorCounters counters,
    GraphErrors errors) : IEndpointFilter
{
    private const string CallerKey = "graph.caller";

    public static GraphCaller Caller(HttpContext context) =>
        context.Items[CallerKey] as GraphCaller ?? throw new InvalidOperationException("No authenticated Graph caller.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        RequestIds.Stamp(context);
        counters.GraphCall();
        if (faults.CountGraphCall() is { } retryAfter)
        {
            counters.Throttled();
            return errors.TooManyRequests(context, retryAfter);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return errors.Create(context, 401, "InvalidAuthenticationToken", "Access token is empty.");
        }

        if (validator.Validate(header[7..].Trim(), out var jwt) is { } reason)
        {
            return errors.Create(context, 401, "InvalidAuthenticationToken", reason);
        }

        if (!TokenIssuer.IsGraph(jwt!.Claim("aud") ?? ""))
        {
            return errors.Create(context, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
        }

        var tenantId = jwt.Claim("tid") ?? "";
        if (directory.FindTenant(tenantId) is null)
        {
            return errors.Create(context, 401, "InvalidAuthenticationToken", "Access token validation failure. Unknown tenant.");
        }

        var scopes = jwt.Claim("scp") is { } scp ? scp.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        var delegated = scopes.Length > 0 && !string.Equals(jwt.Claim("idtyp"), "app", StringComparison.Ordinal);
        context.Items[CallerKey] = new GraphCaller(
            tenantId,
            jwt.Claim("appid") ?? jwt.Claim("azp") ?? "",
            delegated ? jwt.Claim("oid") : null,
            new HashSet<string>(jwt.ListClaim("roles"), StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(scopes, StringComparer.OrdinalIgnoreCase));
        return await next(invocation).ConfigureAwait(false);
    }
}
