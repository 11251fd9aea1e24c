using System.Globalization;
using System.Text.Json;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Presence;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// The organization's allow-list of federated platforms and domains, for administrators (authorized by <see cref="AdminAuthorization"/>):
/// <c>GET|PUT /admin/organizations/{organization}/federation-policy</c> with
/// <c>{"platforms":["xmpp","slack"]|null,"domains":["chat.example"]|null}</c>; null allows all, [] allows none.
/// Setting a policy ends this replica's connector sessions of platforms it no longer allows; they are refused when
/// they reconnect.
/// </summary>
internal static class FederationPolicyEndpoints
{
    private const int MaxEntries = 256;
    private const int MaxBodyBytes = 64 * 1024;
    private const string Expected = "Expected {\"platforms\": [platform ids] or null, \"domains\": [domain names] or null}; null allows all.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapFederationPolicyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/organizations/{organization}/federation-policy", GetAsync).RequireOrganizationAdmin();
        endpoints.MapPut("/admin/organizations/{organization}/federation-policy", PutAsync).RequireOrganizationAdmin();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string organization, HttpContext context, IFederationPolicyStore policies)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return Results.Problem("The organization must be an Entra tenant id (GUID).", statusCode: StatusCodes.Status400BadRequest);
        }

        var policy = await policies.GetAsync(org, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { platforms = policy.Platforms, domains = policy.Domains }, Json);
    }

    private static async Task<IResult> PutAsync(
        string organization, HttpContext context, IFederationPolicyStore policies, ConnectorSessionRegistry sessions,
        ILogger<FederationPolicy> logger)
    {
        if (!OrganizationId.TryParse(organization, out var org))
        {
            return Results.Problem("The organization must be an Entra tenant id (GUID).", statusCode: StatusCodes.Status400BadRequest);
        }

        var (policy, error) = await ReadAsync(context.Request).ConfigureAwait(false);
        if (policy is null)
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        await policies.SetAsync(org, policy, context.RequestAborted).ConfigureAwait(false);
        var ended = 0;
        foreach (var session in sessions.Sessions.Where(s => s.Organization == org && !policy.AllowsPlatform(s.Platform)))
        {
            session.End(PresenceHub.Connectors.V1.StreamErrorReason.Unspecified, $"The organization's federation policy does not allow platform '{session.Platform.Id}'.");
            ended++;
        }

        DataSubjectLog.PolicyChanged(logger, org.ToString(), policy.Platforms?.Count ?? -1, policy.Domains?.Count ?? -1, ended);
        return Results.Json(new { platforms = policy.Platforms, domains = policy.Domains }, Json);
    }

    private static Task<(FederationPolicy? Policy, string Error)> ReadAsync(HttpRequest request) =>
        JsonObjectBody.ReadAsync<FederationPolicy>(request, MaxBodyBytes, ["platforms", "domains"], Expected, root =>
        {
            var (platforms, platformError) = ReadList(root, "platforms", NormalizePlatform);
            if (platformError is not null)
            {
                return (null, platformError);
            }

            var (domains, domainError) = ReadList(root, "domains", NormalizeDomain);
            return domainError is not null ? (null, domainError) : (new FederationPolicy(platforms, domains), "");
        });

    private static (IReadOnlyList<string>? Values, string? Error) ReadList(JsonElement root, string name, Func<string, string?> normalize)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return (null, $"\"{name}\" must be an array of strings or null. " + Expected);
        }

        if (list.GetArrayLength() > MaxEntries)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"\"{name}\" may list at most {MaxEntries} entries."));
        }

        var values = new List<string>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || normalize(item.GetString()!) is not { } value)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"\"{name}\"[{index}] is not a valid {(name == "platforms" ? "connector platform id (e.g. 'xmpp', 'slack'; not 'teams')" : "domain name (e.g. 'chat.example.org')")}."));
            }

            if (!values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }

            index++;
        }

        return (values, null);
    }

    private static string? NormalizePlatform(string value) =>
        Platform.TryParse(value, out var platform) && platform != Platform.Teams ? platform.Id : null;

    private static string? NormalizeDomain(string value)
    {
        var domain = value.Trim().TrimEnd('.').ToLowerInvariant();
        if (domain.Length is 0 or > 253)
        {
            return null;
        }

        foreach (var label in domain.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return null;
            }
        }

        return domain;
    }
}
