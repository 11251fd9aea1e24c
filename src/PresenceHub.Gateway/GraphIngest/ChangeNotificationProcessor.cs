using System.Security.Cryptography;
using System.Text;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;
using GraphPresence = Microsoft.Graph.Models.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Turns one webhook POST into normalized events, admitting only what passes every check: a subscription
/// PresenceHub holds, its clientState (compared in constant time), the subscription's own tenant, an organization
/// the gateway serves (<see cref="IOrganizationAdmission"/>), valid validation
/// tokens for every tenant with rich content, a decryptable and untampered payload, and a user the subscription
/// covers. Everything else is dropped and counted; the caller answers 202 either way so probes learn nothing.
/// A <c>decrypt</c> function replaces the SDK's decryption; only the ingest benchmark passes one, to measure the
/// webhook without the RSA unwrap. Presence our own write-back session produced is tagged with the platform it
/// came from (<paramref name="echoes"/>, one batched store read per POST).
/// </summary>
internal sealed class ChangeNotificationProcessor(
    IGraphSubscriptionStore subscriptions,
    ValidationTokenValidator validationTokens,
    EncryptionCertificateStore certificates,
    PresenceVersionSource versions,
    TimeProvider time,
    IOrganizationAdmission admission,
    Func<ChangeNotificationEncryptedContent, Task<GraphPresence>>? decrypt = null,
    WriteBackEchoTagger? echoes = null)
{
    static ChangeNotificationProcessor()
    {
        // The SDK's DecryptAsync parses through Kiota's default registry, which only a constructed GraphServiceClient
        // fills: without this, a replica that has not called Graph yet answers every rich notification with a 500.
        var json = new JsonParseNodeFactory();
        ParseNodeFactoryRegistry.DefaultInstance.ContentTypeAssociatedFactories.TryAdd(json.ValidContentType, json);
    }

    public async Task<NotificationBatch> ProcessAsync(ChangeNotificationCollection collection, CancellationToken cancellationToken)
    {
        var batch = new NotificationBatch();
        var notifications = collection.Value ?? [];
        var accepted = new List<(ChangeNotification Notification, GraphSubscription Subscription)>(notifications.Count);
        foreach (var notification in notifications)
        {
            var subscription = notification.SubscriptionId is { } id
                ? await subscriptions.FindAsync(id.ToString("D"), cancellationToken).ConfigureAwait(false)
                : null;
            if (subscription is null)
            {
                batch.Reject("unknown-subscription");
            }
            else if (!ClientStateMatches(notification.ClientState, subscription.ClientState))
            {
                batch.Reject("client-state");
            }
            else if (notification.TenantId is { } tenant && tenant != subscription.Organization.TenantId)
            {
                batch.Reject("tenant");
            }
            else if (!admission.IsAdmitted(subscription.Organization))
            {
                // A subscription kept from before the operator stopped serving its organization.
                batch.Reject("organization-not-admitted");
            }
            else
            {
                accepted.Add((notification, subscription));
            }
        }

        var richTenants = accepted.Where(a => a.Notification.EncryptedContent is not null)
            .Select(a => a.Subscription.Organization.TenantId).ToHashSet();
        var trusted = richTenants.Count == 0
            ? []
            : await ValidatedTenantsAsync(collection.ValidationTokens, richTenants, cancellationToken).ConfigureAwait(false);

        var observedAt = time.GetUtcNow();
        foreach (var (notification, subscription) in accepted)
        {
            if (notification.LifecycleEvent is not null)
            {
                batch.Reject("lifecycle-on-notification-url");
                continue;
            }

            switch (subscription.Kind)
            {
                case GraphSubscriptionKind.Presence:
                    await AddPresenceAsync(batch, notification, subscription, trusted, observedAt).ConfigureAwait(false);
                    break;
                case GraphSubscriptionKind.Users when UserIdOf(notification) is { } userId:
                    batch.ProfileChanges.Add((subscription.Organization, userId,
                        string.Equals(notification.ChangeType?.ToString(), "deleted", StringComparison.OrdinalIgnoreCase)));
                    batch.Sessions.Add((subscription.Organization, userId, subscription.Id, IsProfile: true));
                    break;
                case GraphSubscriptionKind.AppInstallations when notification.Resource is { } resource:
                    batch.InstallationChanges.Add((subscription.Organization, resource));
                    break;
                default:
                    batch.Reject("malformed");
                    break;
            }
        }

        if (echoes is not null && batch.Presence.Count > 0)
        {
            await echoes.TagAsync(batch.Presence, cancellationToken).ConfigureAwait(false);
        }

        return batch;
    }

    private async Task AddPresenceAsync(
        NotificationBatch batch, ChangeNotification notification, GraphSubscription subscription, HashSet<Guid> trusted, DateTimeOffset observedAt)
    {
        if (notification.EncryptedContent is not { } encrypted)
        {
            // Presence needs rich notifications; a basic one carries no state to relay.
            batch.Reject("not-rich");
            return;
        }

        if (!trusted.Contains(subscription.Organization.TenantId))
        {
            batch.Reject("validation-token");
            return;
        }

        GraphPresence presence;
        try
        {
            presence = decrypt is not null
                ? await decrypt(encrypted).ConfigureAwait(false)
                : await encrypted.DecryptAsync<GraphPresence>((id, thumbprint) =>
                    Task.FromResult(certificates.Lease(id, thumbprint) ?? throw new CryptographicException("unknown encryption certificate"))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidDataException or FormatException or ApplicationException or ArgumentException)
        {
            batch.Reject("encrypted-content");
            return;
        }

        var userId = presence.Id ?? UserIdOf(notification);
        if (userId is null || !subscription.Covers(userId) ||
            (UserIdOf(notification) is { } resourceUser && !string.Equals(resourceUser, userId, StringComparison.OrdinalIgnoreCase)))
        {
            batch.Reject("user-not-covered");
            return;
        }

        var version = versions.For(subscription.Organization, GraphPresenceReader.ReadSequence(presence), observedAt);
        batch.Presence.Add(new PresenceUpdate(subscription.Organization, userId.ToLowerInvariant(), Platform.Teams,
            GraphPresenceReader.ReadState(presence), version, Platform.Teams, observedAt));
        batch.Sessions.Add((subscription.Organization, userId.ToLowerInvariant(), subscription.Id, IsProfile: false));
    }

    private async Task<HashSet<Guid>> ValidatedTenantsAsync(List<string>? tokens, HashSet<Guid> needed, CancellationToken cancellationToken)
    {
        var tenants = new HashSet<Guid>();
        if (tokens is null or { Count: 0 } || tokens.Count > 64)
        {
            return tenants;
        }

        foreach (var token in tokens)
        {
            var (tenant, _) = await validationTokens.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
            if (tenant is null)
            {
                // Graph signs every token of a batch; one bad token means the batch was tampered with.
                return [];
            }

            tenants.Add(tenant.Value);
        }

        tenants.IntersectWith(needed);
        return tenants;
    }

    internal static bool ClientStateMatches(string? received, string expected)
    {
        if (received is null || received.Length > 128)
        {
            return false;
        }

        Span<byte> receivedBytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(128)];
        var length = Encoding.UTF8.GetBytes(received, receivedBytes);
        return CryptographicOperations.FixedTimeEquals(receivedBytes[..length], Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>The user id at the end of a resource such as <c>communications/presences/{id}</c> or <c>Users/{id}</c>.</summary>
    private static string? UserIdOf(ChangeNotification notification)
    {
        var resource = notification.Resource;
        if (string.IsNullOrEmpty(resource))
        {
            return null;
        }

        var id = resource[(resource.LastIndexOf('/') + 1)..].Trim('\'', '(', ')');
        return Guid.TryParse(id, out var guid) ? guid.ToString("D") : null;
    }
}
