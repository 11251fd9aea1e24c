namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>What one inbound XML stream may cost before it is closed with a <c>policy-violation</c>.</summary>
/// <param name="MaxStanzaBytes">Bytes one stanza may span on the wire (the reader's look-ahead of up to one buffer is allowed on top).</param>
/// <param name="MaxStreamBytes">Bytes the whole stream may carry; the component reconnects when a stream reaches it.</param>
/// <param name="MaxDepth">Element nesting inside a stanza, the stanza itself being depth 1.</param>
internal sealed record XmppLimits(int MaxStanzaBytes, long MaxStreamBytes, int MaxDepth)
{
    /// <summary>The read-ahead the XML reader may hold beyond the stanza it is parsing.</summary>
    public const int ReadAheadBytes = 8192;

    /// <summary>64 KiB stanzas, 1 GiB per stream, 16 levels.</summary>
    public static XmppLimits Default { get; } = new(64 * 1024, 1024L * 1024 * 1024, 16);
}
