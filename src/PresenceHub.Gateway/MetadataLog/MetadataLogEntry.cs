namespace PresenceHub.Gateway.MetadataLog;

/// <summary>
/// What the gateway records of one message it processed, and nothing more: sender, receiver, type, time and session.
/// Never presence, status text or profile content.
/// </summary>
/// <param name="Time">When the gateway processed it.</param>
/// <param name="Sender">
/// Who it came from: <c>{platform}:{Teams user object id}</c> for a user's presence on a platform (<c>teams:…</c>
/// for Teams itself), <c>connector:{connector id}</c> for a connector.
/// </param>
/// <param name="Receiver">Who it went to, in the same form; <c>presencehub</c> for the gateway itself.</param>
/// <param name="Type">What kind of message it was.</param>
/// <param name="SessionId">
/// The session it travelled in: a Graph subscription id, <see cref="PresencePollSession"/> for presence read by polling,
/// a connector session id, or the write-back session (our app id, the <c>setPresence</c> session id).
/// </param>
internal sealed record MetadataLogEntry(DateTimeOffset Time, string Sender, string Receiver, MessageType Type, string SessionId)
{
    /// <summary>The gateway as a receiver.</summary>
    public const string Gateway = "presencehub";

    /// <summary>The session of presence the gateway read by polling Graph (<c>getPresencesByUserId</c>) rather than by notification.</summary>
    public const string PresencePollSession = "graph-presence-poll";

    /// <summary>The address of a user's presence on a platform.</summary>
    public static string UserAddress(string platform, string userId) => $"{platform}:{userId}";

    /// <summary>The address of a connector.</summary>
    public static string ConnectorAddress(string connectorId) => $"connector:{connectorId}";

    /// <summary>Whether the entry is about the Teams user with this object id (as sender or receiver).</summary>
    public bool Concerns(string userId) => IsUser(Sender, userId) || IsUser(Receiver, userId);

    private static bool IsUser(string address, string userId)
    {
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && !address.StartsWith("connector:", StringComparison.Ordinal)
            && address.AsSpan(colon + 1).Equals(userId, StringComparison.OrdinalIgnoreCase);
    }
}
