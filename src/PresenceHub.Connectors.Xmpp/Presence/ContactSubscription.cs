namespace PresenceHub.Connectors.Xmpp.Presence;

/// <summary>The XMPP users subscribed to one Teams contact.</summary>
/// <param name="Contact">The contact's local part (the escaped, lowercased mail), e.g. <c>alice\40contoso.com</c>.</param>
/// <param name="TeamsUserId">The Teams user the contact is.</param>
/// <param name="Subscribers">Bare JIDs of the subscribed XMPP users.</param>
internal sealed record ContactSubscription(string Contact, string TeamsUserId, IReadOnlyList<string> Subscribers);
