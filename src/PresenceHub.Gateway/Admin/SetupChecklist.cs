using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Admin;

/// <summary>
/// The admin console's setup checklist for one organization, the same checks as <c>doctor</c>: the app registration
/// issues an app-only Graph token, that token carries the application permissions an administrator consents to, the
/// notification encryption certificates are valid, and Graph validated the webhook (it creates a subscription only
/// after the notification URL echoed its validation token). A token outcome answers for
/// <see cref="TokenResultLifetime"/>, so a console polling every few seconds does not hammer Entra ID.
/// </summary>
internal sealed partial class SetupChecklist(
    GraphAppClients clients,
    EncryptionCertificateStore certificates,
    IGraphSubscriptionStore subscriptions,
    IOptions<GraphOptions> graph,
    IOptions<TeamsAppOptions> teamsApp,
    TimeProvider time,
    ILogger<SetupChecklist> logger)
{
    /// <summary>How long one organization's token outcome is reused.</summary>
    public static readonly TimeSpan TokenResultLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The application permissions the admin-consent link grants.</summary>
    public static readonly string[] RequiredPermissions = ["Presence.ReadWrite.All", "User.Read.All", "TeamsAppInstallation.ReadForUser.All"];

    private static readonly TimeSpan CertificateWarning = TimeSpan.FromDays(30);
    private static readonly TimeSpan AcquisitionTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<OrganizationId, (Task<TokenOutcome> Outcome, DateTimeOffset Started, TokenCredential Credential)> _tokens = [];
    private readonly Lock _gate = new();

    public async Task<IReadOnlyList<ChecklistItem>> CheckAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var token = await TokenFor(organization).WaitAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<ChecklistItem>(4);
        items.Add(token.Error is { } error
            ? ChecklistItem.Failed("app-registration", $"Entra ID issued no app token for this organization ({error}).",
                "check Graph:ClientId and Graph:ClientSecret (or the client certificate); run `doctor --tenant` for details")
            : ChecklistItem.Ok("app-registration", "The app registration acquired an app-only token for Microsoft Graph."));
        var consentLink = AdminConsentLink.Build(graph.Value, organization.ToString(), teamsApp.Value.PublicBaseUrl);
        if (token.Error is not null)
        {
            items.Add(ChecklistItem.Failed("admin-consent", "Unknown: no app token to read the granted permissions from.",
                $"an administrator of the organization opens {consentLink}"));
        }
        else
        {
            var missing = RequiredPermissions.Where(p => !token.Roles.Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
            items.Add(missing.Count == 0
                ? ChecklistItem.Ok("admin-consent", $"Granted: {string.Join(", ", token.Roles.Order(StringComparer.Ordinal))}.")
                : ChecklistItem.Failed("admin-consent", $"Not granted: {string.Join(", ", missing)}.", $"an administrator of the organization opens {consentLink}"));
        }

        items.AddRange(CheckCertificates());
        items.Add(await CheckWebhookAsync(organization, cancellationToken).ConfigureAwait(false));
        return items;
    }

    private IEnumerable<ChecklistItem> CheckCertificates()
    {
        var now = time.GetUtcNow();
        foreach (var configured in graph.Value.EncryptionCertificates)
        {
            using var certificate = certificates.Lease(configured.Id, null);
            if (certificate is null)
            {
                yield return ChecklistItem.Failed("certificate", $"'{configured.Id}' could not be loaded.", "Graph:EncryptionCertificates:N:Path must name a readable PEM or PFX");
                continue;
            }

            var expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var left = expires - now;
            var when = expires.ToString("u", CultureInfo.InvariantCulture);
            yield return left <= TimeSpan.Zero
                ? ChecklistItem.Failed("certificate", $"'{configured.Id}' expired on {when}.", "add a new certificate as another entry of Graph:EncryptionCertificates; subscriptions move to it at renewal")
                : left < CertificateWarning
                    ? ChecklistItem.Warning("certificate", $"'{configured.Id}' expires on {when}, in {left.Days} days.", "add its successor as another entry of Graph:EncryptionCertificates now")
                    : ChecklistItem.Ok("certificate", $"'{configured.Id}' is valid until {when}.");
        }
    }

    private async Task<ChecklistItem> CheckWebhookAsync(OrganizationId organization, CancellationToken cancellationToken)
    {
        var live = (await subscriptions.ListAsync(organization, cancellationToken).ConfigureAwait(false))
            .Count(s => s.ExpiresAt > time.GetUtcNow());
        return live > 0
            ? ChecklistItem.Ok("webhook", $"Graph validated {graph.Value.NotificationUrl} and delivers through {live} live subscriptions.")
            : ChecklistItem.Failed("webhook", "No live subscription: Graph has not validated the webhook for this organization yet.",
                "a user signs in to the Teams app (it owns the presence subscription); `doctor` checks that Graph:NotificationUrl reaches this gateway");
    }

    private Task<TokenOutcome> TokenFor(OrganizationId organization)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_tokens.TryGetValue(organization, out var attempt) && (!attempt.Outcome.IsCompleted || now - attempt.Started < TokenResultLifetime))
            {
                return attempt.Outcome;
            }

            var credential = attempt.Credential ?? clients.CreateCredential(organization);
            var outcome = AcquireAsync(organization, credential);
            _tokens[organization] = (outcome, now, credential);
            return outcome;
        }
    }

    private async Task<TokenOutcome> AcquireAsync(OrganizationId organization, TokenCredential credential)
    {
        using var timeout = new CancellationTokenSource(AcquisitionTimeout, time);
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(GraphAppClients.AppScopes), timeout.Token).ConfigureAwait(false);
            return new TokenOutcome(Roles(token.Token), null);
        }
        catch (Exception e)
        {
            // Entra's AADSTS code says what is wrong (bad secret, no consent) without any secret or personal data.
            var code = EntraErrorCode().Match(e.Message);
            var reason = code.Success ? code.Value : e.GetType().Name;
            AdminLog.TokenFailed(logger, organization.ToString(), reason);
            return new TokenOutcome([], reason);
        }
    }

    /// <summary>The <c>roles</c> of an access token: only read for display, the token came from Entra ID over TLS.</summary>
    private static IReadOnlyList<string> Roles(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return [];
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array
                ? roles.EnumerateArray().Select(r => r.GetString() ?? "").Where(r => r.Length > 0).ToList()
                : [];
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return [];
        }
    }

    [GeneratedRegex(@"AADSTS\d+", RegexOptions.CultureInvariant)]
    private static partial Regex EntraErrorCode();

    private sealed record TokenOutcome(IReadOnlyList<string> Roles, string? Error);
}
