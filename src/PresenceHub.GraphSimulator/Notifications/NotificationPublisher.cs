using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Graph;
using PresenceHub.GraphSimulator.Presence;
using PresenceHub.GraphSimulator.Subscriptions;

namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>
/// Turns presence and directory changes into change notification items for every live subscription that covers
/// them, in Graph's shape (rich items carry encryptedContent), and hands them to the dispatcher per URL.
/// </summary>
internal sealed class NotificationPublisher(SubscriptionStore subscriptions, NotificationDispatcher dispatcher, SimulatorFaults faults)
{
    public void OnPresenceChanged(IReadOnlyList<PresenceState> states)
    {
        var items = new List<(string Url, NotificationItem Item)>();
        var includeExtras = faults.Current.IncludePresenceExtras;
        foreach (var subscription in subscriptions.Live().Where(s => s.Target.Kind == ResourceKind.Presence))
        {
            foreach (var state in states)
            {
                if (!string.Equals(state.TenantId, subscription.TenantId, StringComparison.OrdinalIgnoreCase) || !subscription.Target.Ids.Contains(state.UserId))
                {
                    continue;
                }

                var resource = $"communications/presences('{state.UserId}')";
                var data = PresenceJson.Write(state, includeExtras);
                data.Insert(0, "@odata.type", "#Microsoft.Graph.presence");
                data.Insert(1, "@odata.id", resource);
                items.Add((subscription.NotificationUrl, Item(subscription, "updated", resource, "#Microsoft.Graph.presence", state.UserId, data)));
            }
        }

        Dispatch(items);
    }

    public void OnDirectoryChanged(DirectoryChange change)
    {
        var items = new List<(string Url, NotificationItem Item)>();
        foreach (var subscription in subscriptions.Live())
        {
            if (!string.Equals(change.TenantId, subscription.TenantId, StringComparison.OrdinalIgnoreCase) || !subscription.ChangeTypes.Contains(change.ChangeType))
            {
                continue;
            }

            if (change.User is { } user
                && (subscription.Target.Kind == ResourceKind.Users
                    || (subscription.Target.Kind == ResourceKind.User && (subscription.Target.Ids.Contains(user.Id) || subscription.Target.Ids.Contains(user.UserPrincipalName)))))
            {
                var resource = $"Users/{user.Id}";
                items.Add((subscription.NotificationUrl, Item(subscription, change.ChangeType, resource, "#Microsoft.Graph.User", user.Id, null, user.TenantId)));
            }
            else if (change.Installation is { } installation
                && subscription.Target.Kind == ResourceKind.AppInstallations
                && string.Equals(subscription.Target.TeamsAppId, installation.TeamsAppId, StringComparison.OrdinalIgnoreCase))
            {
                var resource = $"users('{installation.UserId}')/teamwork/installedApps('{installation.Id}')";
                var data = new JsonObject
                {
                    ["@odata.type"] = "#Microsoft.Graph.userScopeTeamsAppInstallation",
                    ["@odata.id"] = resource,
                    ["id"] = installation.Id,
                    ["teamsApp"] = new JsonObject { ["id"] = installation.TeamsAppId },
                    ["scopeInfo"] = new JsonObject { ["scope"] = "personal", ["userId"] = installation.UserId },
                };
                items.Add((subscription.NotificationUrl, Item(subscription, change.ChangeType, resource, "#Microsoft.Graph.userScopeTeamsAppInstallation", installation.Id, data)));
            }
        }

        Dispatch(items);
    }

    private static NotificationItem Item(Subscription subscription, string changeType, string resource, string odataType, string id, JsonObject? richData, string? organizationId = null)
    {
        var resourceData = new JsonObject { ["@odata.type"] = odataType, ["@odata.id"] = resource, ["id"] = id };
        if (organizationId is not null)
        {
            resourceData["organizationId"] = organizationId;
        }

        var json = new JsonObject
        {
            ["subscriptionId"] = subscription.Id,
            ["clientState"] = subscription.ClientState,
            ["changeType"] = changeType,
            ["resource"] = resource,
            ["subscriptionExpirationDateTime"] = GraphJson.Date(subscription.Expiration),
            ["resourceData"] = resourceData,
            ["tenantId"] = subscription.TenantId,
        };
        if (subscription.IncludeResourceData && subscription.EncryptionKey is { } key && richData is not null)
        {
            json["encryptedContent"] = NotificationEncryptor.Encrypt(richData, key, subscription.EncryptionCertificateId!);
        }

        return new NotificationItem(subscription, json, IsLifecycle: false);
    }

    private void Dispatch(List<(string Url, NotificationItem Item)> items)
    {
        foreach (var group in items.GroupBy(i => i.Url, StringComparer.Ordinal))
        {
            dispatcher.Enqueue(group.Key, group.Select(g => g.Item), applyFaults: true);
        }
    }
}
