namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>The attributes of the server's <c>&lt;stream:stream&gt;</c> that the component uses.</summary>
/// <param name="Id">The stream id, hashed with the secret in the handshake; null when the server sent none.</param>
/// <param name="From">The domain the server speaks for; null when absent.</param>
internal sealed record XmppStreamHeader(string? Id, string? From);
