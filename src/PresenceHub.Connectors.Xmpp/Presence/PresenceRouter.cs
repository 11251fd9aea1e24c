using System.Xml.Linq;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PresenceHub.Connector.Sdk;
using PresenceHub.Connectors.Xmpp.Protocol;
using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>
/// The component's presence logic, both ways. Teams to XMPP: subscription requests to a contact
/// (<c>alice\40contoso.com@teams.example.com</c>) are approved only for Teams users the hub federates (consenting users
/// of the connector's organization, found by mail or UPN), probes are answered from the last-known presence, and each
/// Teams change is broadcast to the contact's subscribers as &lt;show&gt;/&lt;status&gt; or unavailable. XMPP to Teams:
/// presence an XMPP user sends to a contact is published to the hub for that XMPP user, linked to their own Teams account
/// by an identity link or the mail hint. One operation at a time, so broadcasts keep the order of the events.
/// </summary>
internal sealed class PresenceRouter(
    IStanzaSender sender,
    ConnectorClient hub,
    SubscriptionStore subscriptions,
    IOptions<XmppConnectorOptions> options,
    ILogger<PresenceRouter> logger) : IConnectorHandler
{
    // GetLastKnownPresence answers at most this many users per call.
    private const int LookupBatch = 650;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly XmppConnectorOptions _options = options.Value;
    private readonly Dictionary<string, PresenceUpdate> _teamsPresence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserResources> _xmppUsers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
    {
        // Teams' own presence is what a contact shows; other platforms' publications reach it once written into Teams.
        if (presenceEvent.Update.Source != Platform.Teams)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var userId = presenceEvent.Update.UserId;
            if (_teamsPresence.TryGetValue(userId, out var current) && !presenceEvent.Update.Supersedes(current))
            {
                return;
            }

            _teamsPresence[userId] = presenceEvent.Update;
            foreach (var subscription in subscriptions.ForTeamsUser(userId))
            {
                await BroadcastAsync(subscription, presenceEvent.State, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask OnWithdrawnAsync(WithdrawnEvent withdrawnEvent, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var userId = withdrawnEvent.User.TeamsUserId;
            _teamsPresence.Remove(userId);
            var removed = await subscriptions.RemoveTeamsUserAsync(userId, cancellationToken).ConfigureAwait(false);
            foreach (var subscription in removed)
            {
                var contact = ContactJid(subscription.Contact);
                foreach (var subscriber in subscription.Subscribers)
                {
                    if (Jid.TryParse(subscriber, out var jid))
                    {
                        await sender.SendAsync(Stanzas.Presence(contact, jid.Value, new XmppPresence(false)), cancellationToken).ConfigureAwait(false);
                        await sender.SendAsync(Stanzas.Subscription(contact, jid.Value, "unsubscribed"), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            XmppLog.Withdrawn(logger, userId, withdrawnEvent.Reason, removed.Sum(s => s.Subscribers.Count));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>After the component (re)connected: tells every subscriber the current presence of their contacts.</summary>
    public async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The XMPP users' resources went away with the old stream; their servers send fresh presence.
            _xmppUsers.Clear();
            var all = subscriptions.All();
            await FillFromHubAsync(all.Select(s => s.TeamsUserId).Where(id => !_teamsPresence.ContainsKey(id)).Distinct().ToList(), cancellationToken)
                .ConfigureAwait(false);
            foreach (var subscription in all)
            {
                await BroadcastAsync(subscription, CurrentState(subscription.TeamsUserId), cancellationToken).ConfigureAwait(false);
            }

            XmppLog.Rebroadcast(logger, all.Count, all.Sum(s => s.Subscribers.Count));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Handles one inbound stanza from the XMPP server.</summary>
    public async Task HandleStanzaAsync(XElement stanza, CancellationToken cancellationToken)
    {
        if (stanza.Name == XmppNames.Component + "iq")
        {
            await AnswerIqAsync(stanza, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (stanza.Name != XmppNames.Component + "presence" ||
            !Jid.TryParse((string?)stanza.Attribute("from"), out var from) || !Jid.TryParse((string?)stanza.Attribute("to"), out var to) ||
            !string.Equals(to.Value.Domain, _options.ComponentDomain, StringComparison.OrdinalIgnoreCase) || to.Value.Local is null ||
            from.Value.Local is null)
        {
            // Messages, presence to the component itself and stanzas of servers are not the component's business.
            return;
        }

        var mail = JidEscaping.Unescape(to.Value.Local).ToLowerInvariant();
        var contact = JidEscaping.Escape(mail);
        if (contact is null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var user = from.Value.Bare;
            var type = (string?)stanza.Attribute("type");
            switch (type)
            {
                case "subscribe":
                    await SubscribeAsync(contact, mail, user, cancellationToken).ConfigureAwait(false);
                    break;
                case "unsubscribe":
                    if (await subscriptions.RemoveAsync(contact, user.ToString(), cancellationToken).ConfigureAwait(false))
                    {
                        XmppLog.Unsubscribed(logger, subscriptions.Count);
                    }

                    await sender.SendAsync(Stanzas.Subscription(ContactJid(contact), user, "unsubscribed"), cancellationToken).ConfigureAwait(false);
                    await sender.SendAsync(Stanzas.Presence(ContactJid(contact), user, new XmppPresence(false)), cancellationToken).ConfigureAwait(false);
                    break;
                case "probe":
                    await ProbeAsync(contact, mail, from.Value, cancellationToken).ConfigureAwait(false);
                    break;
                case null or "unavailable":
                    if (_options.PublishUserPresence)
                    {
                        await PublishAsync(from.Value, type is null ? Parse(stanza) : new XmppPresence(false), cancellationToken).ConfigureAwait(false);
                    }

                    break;
                default:
                    // subscribed/unsubscribed answer requests the component never makes; errors need no answer.
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AnswerIqAsync(XElement iq, CancellationToken cancellationToken)
    {
        // RFC 6120 section 8.2.3: every get or set is answered; the component only knows XEP-0199 pings.
        var type = (string?)iq.Attribute("type");
        if (type is "get" or "set")
        {
            var isPing = type == "get" && iq.Elements().SingleOrDefault()?.Name == XmppNames.Ping + "ping";
            await sender.SendAsync(Stanzas.IqReply(iq, isPing ? null : "service-unavailable"), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(string contact, string mail, Jid user, CancellationToken cancellationToken)
    {
        var teamsUserId = await ResolveContactAsync(mail, cancellationToken).ConfigureAwait(false);
        if (teamsUserId is null)
        {
            XmppLog.SubscriptionRefused(logger);
            await sender.SendAsync(Stanzas.Subscription(ContactJid(contact), user, "unsubscribed"), cancellationToken).ConfigureAwait(false);
            return;
        }

        await subscriptions.AddAsync(contact, teamsUserId, user.ToString(), cancellationToken).ConfigureAwait(false);
        XmppLog.Subscribed(logger, teamsUserId, subscriptions.Count);
        await sender.SendAsync(Stanzas.Subscription(ContactJid(contact), user, "subscribed"), cancellationToken).ConfigureAwait(false);
        await SendCurrentAsync(contact, teamsUserId, user, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProbeAsync(string contact, string mail, Jid from, CancellationToken cancellationToken)
    {
        var user = from.Bare;
        var subscription = subscriptions.All().FirstOrDefault(s => s.Contact == contact);
        var teamsUserId = subscription is not null && subscription.Subscribers.Contains(user.ToString(), StringComparer.Ordinal)
            ? subscription.TeamsUserId
            : null;
        if (teamsUserId is null)
        {
            // The user's server probes only contacts it holds a subscription to: adopt it when the contact is still
            // federated (the subscription list was lost or predates this component), otherwise revoke it.
            teamsUserId = await ResolveContactAsync(mail, cancellationToken).ConfigureAwait(false);
            if (teamsUserId is null)
            {
                await sender.SendAsync(Stanzas.Subscription(ContactJid(contact), user, "unsubscribed"), cancellationToken).ConfigureAwait(false);
                return;
            }

            await subscriptions.AddAsync(contact, teamsUserId, user.ToString(), cancellationToken).ConfigureAwait(false);
        }

        await SendCurrentAsync(contact, teamsUserId, from, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendCurrentAsync(string contact, string teamsUserId, Jid to, CancellationToken cancellationToken)
    {
        if (!_teamsPresence.ContainsKey(teamsUserId))
        {
            await FillFromHubAsync([teamsUserId], cancellationToken).ConfigureAwait(false);
        }

        await sender.SendAsync(Stanzas.Presence(ContactJid(contact), to, XmppPresenceMapping.Instance.ToPlatform(CurrentState(teamsUserId))),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Teams user a contact address names, if the hub federates them; null otherwise (or when the hub cannot say).</summary>
    private async Task<string?> ResolveContactAsync(string mail, CancellationToken cancellationToken)
    {
        try
        {
            var resolution = (await hub.ResolveIdentityAsync([IdentityQuery.ForUserPrincipalName(mail)], cancellationToken).ConfigureAwait(false))[0];
            return resolution.IsLinked ? resolution.User?.TeamsUserId : null;
        }
        catch (RpcException exception)
        {
            XmppLog.HubCallFailed(logger, "ResolveIdentity", exception.StatusCode);
            return null;
        }
    }

    private async Task FillFromHubAsync(IReadOnlyList<string> teamsUserIds, CancellationToken cancellationToken)
    {
        foreach (var batch in teamsUserIds.Chunk(LookupBatch))
        {
            try
            {
                var known = await hub.GetLastKnownPresenceAsync(batch.Select(UserReference.ForTeamsUser).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var update in known.Select(k => k.Update).OfType<PresenceUpdate>())
                {
                    if (!_teamsPresence.TryGetValue(update.UserId, out var current) || update.Supersedes(current))
                    {
                        _teamsPresence[update.UserId] = update;
                    }
                }
            }
            catch (RpcException exception)
            {
                // Users named here are shown unavailable until their next event; a contact no longer federated is refused.
                XmppLog.HubCallFailed(logger, "GetLastKnownPresence", exception.StatusCode);
            }
        }
    }

    private PresenceState CurrentState(string teamsUserId) =>
        _teamsPresence.TryGetValue(teamsUserId, out var update) ? update.State : PresenceState.Unknown;

    private async Task BroadcastAsync(ContactSubscription subscription, PresenceState state, CancellationToken cancellationToken)
    {
        var contact = ContactJid(subscription.Contact);
        var presence = XmppPresenceMapping.Instance.ToPlatform(state);
        foreach (var subscriber in subscription.Subscribers)
        {
            if (Jid.TryParse(subscriber, out var to))
            {
                await sender.SendAsync(Stanzas.Presence(contact, to.Value, presence), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishAsync(Jid from, XmppPresence presence, CancellationToken cancellationToken)
    {
        var user = from.Bare.ToString();
        if (!_xmppUsers.TryGetValue(user, out var resources))
        {
            resources = new UserResources();
            _xmppUsers[user] = resources;
        }

        var effective = resources.Update(from.Resource ?? string.Empty, presence);
        if (effective == resources.Published)
        {
            return;
        }

        try
        {
            var state = XmppPresenceMapping.Instance.FromPlatform(effective);
            var result = await hub.PublishPresenceAsync(user, state, _options.JidIsMailHint ? user : null, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            resources.Published = effective;
            XmppLog.Published(logger, result.Outcome, result.TeamsUserId);
        }
        catch (RpcException exception)
        {
            XmppLog.HubCallFailed(logger, "PublishPresence", exception.StatusCode);
        }
    }

    private Jid ContactJid(string contact) => new(contact, _options.ComponentDomain.ToLowerInvariant(), null);

    private static XmppPresence Parse(XElement stanza)
    {
        var show = XmppPresence.ParseShow((string?)stanza.Element(XmppNames.Component + "show"));
        var status = (string?)stanza.Element(XmppNames.Component + "status");
        return new XmppPresence(true, show, string.IsNullOrWhiteSpace(status) ? null : status);
    }
}
