using System.Text.RegularExpressions;

namespace PresenceHub.GraphSimulator.Subscriptions;

/// <summary>A parsed subscription resource: presence (one or many ids), users, one user, or a Teams app's installations.</summary>
internal sealed partial record SubscriptionResource(ResourceKind Kind, IReadOnlySet<string> Ids, string? TeamsAppId)
{
    public const int MaxPresenceIds = 650;

    /// <summary>Maximum lifetime by resource, from Graph's subscription resource table.</summary>
    public TimeSpan MaxLifetime => Kind switch
    {
        ResourceKind.Presence => TimeSpan.FromMinutes(60),
        ResourceKind.Users or ResourceKind.User => TimeSpan.FromMinutes(41_760),
        _ => TimeSpan.FromMinutes(60),
    };

    /// <summary>Requests under this lifetime are raised to it (presence: 45 minutes).</summary>
    public TimeSpan MinLifetime => Kind == ResourceKind.Presence ? TimeSpan.FromMinutes(45) : TimeSpan.Zero;

    public static SubscriptionResource? Parse(string resource, out string? error)
    {
        error = null;
        var text = resource.Trim().TrimStart('/');
        var query = "";
        var q = text.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = Uri.UnescapeDataString(text[(q + 1)..]);
            text = text[..q];
        }

        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 2 && segments[0].Equals("communications", StringComparison.OrdinalIgnoreCase)
            && segments[1].Equals("presences", StringComparison.OrdinalIgnoreCase))
        {
            if (segments.Length == 3)
            {
                return Presence([segments[2]]);
            }

            var match = IdInFilter().Match(query);
            if (segments.Length != 2 || !match.Success)
            {
                error = "Presence subscriptions need '/communications/presences/{id}' or '/communications/presences?$filter=id in (...)'.";
                return null;
            }

            var ids = match.Groups["ids"].Value.Split(',').Select(s => s.Trim().Trim('\'', '"').Trim()).Where(s => s.Length > 0).ToList();
            if (ids.Count == 0)
            {
                error = "The presence filter lists no ids.";
                return null;
            }

            if (ids.Count > MaxPresenceIds)
            {
                error = $"The number of ids in the presence filter ({ids.Count}) exceeds the maximum of {MaxPresenceIds}.";
                return null;
            }

            return Presence(ids);
        }

        if (segments.Length == 1 && segments[0].Equals("users", StringComparison.OrdinalIgnoreCase))
        {
            return new SubscriptionResource(ResourceKind.Users, new HashSet<string>(), null);
        }

        if (segments.Length == 2 && segments[0].Equals("users", StringComparison.OrdinalIgnoreCase))
        {
            return new SubscriptionResource(ResourceKind.User, new HashSet<string>([segments[1]], StringComparer.OrdinalIgnoreCase), null);
        }

        if (segments.Length == 4 && segments[0].Equals("appCatalogs", StringComparison.OrdinalIgnoreCase)
            && segments[1].Equals("teamsApps", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("installations", StringComparison.OrdinalIgnoreCase))
        {
            return new SubscriptionResource(ResourceKind.AppInstallations, new HashSet<string>(), segments[2]);
        }

        error = $"Resource '{resource}' is not supported by this simulator.";
        return null;
    }

    private static SubscriptionResource Presence(IEnumerable<string> ids) =>
        new(ResourceKind.Presence, new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase), null);

    [GeneratedRegex(@"id\s+in\s*\((?<ids>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex IdInFilter();
}
