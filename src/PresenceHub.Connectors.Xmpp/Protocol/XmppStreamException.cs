namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// The XML stream failed: malformed or hostile XML, a limit exceeded, a stream error from the server, or the stream
/// ended without closing. <see cref="Condition"/> is the RFC 6120 stream error condition (e.g. <c>not-well-formed</c>,
/// <c>policy-violation</c>, <c>restricted-xml</c>); the connection is unusable afterwards.
/// </summary>
internal sealed class XmppStreamException : Exception
{
    public XmppStreamException(string condition, string message, Exception? innerException = null)
        : base(message, innerException) => Condition = condition;

    public XmppStreamException()
        : this("undefined-condition", "The XML stream failed.")
    {
    }

    public XmppStreamException(string message)
        : this("undefined-condition", message)
    {
    }

    public XmppStreamException(string message, Exception innerException)
        : this("undefined-condition", message, innerException)
    {
    }

    /// <summary>The stream error condition, an element name of <c>urn:ietf:params:xml:ns:xmpp-streams</c>.</summary>
    public string Condition { get; }

    /// <summary>Whether the server refused the component's secret.</summary>
    public bool IsNotAuthorized => Condition == "not-authorized";
}
