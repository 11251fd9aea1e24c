using System.Xml;
using System.Xml.Linq;

namespace PresenceHub.Connectors.Xmpp.Protocol;

/// <summary>
/// Reads one inbound XMPP stream: the <c>&lt;stream:stream&gt;</c> header, then one stanza at a time as an
/// <see cref="XElement"/>. It is a streaming <see cref="XmlReader"/> with DTDs prohibited and no resolver, so
/// entity declarations (billion laughs) and external entities end the stream instead of expanding or fetching;
/// stanza bytes, stream bytes and nesting depth are bounded by <see cref="XmppLimits"/>. Every failure is an
/// <see cref="XmppStreamException"/> and leaves the stream unusable.
/// </summary>
internal sealed class XmppStreamReader : IDisposable
{
    private readonly MeteredStream _input;
    private readonly XmlReader _reader;
    private readonly XmppLimits _limits;
    private bool _headerRead;

    public XmppStreamReader(Stream input, XmppLimits limits)
    {
        _limits = limits;
        _input = new MeteredStream(input, limits);
        _reader = XmlReader.Create(_input, new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        });
    }

    /// <summary>Bytes read from the network so far.</summary>
    public long BytesRead => _input.BytesRead;

    /// <summary>Reads up to the server's stream header.</summary>
    public async Task<XmppStreamHeader> ReadHeaderAsync()
    {
        _input.MarkStanzaStart();
        while (await ReadAsync().ConfigureAwait(false))
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.XmlDeclaration or XmlNodeType.Whitespace:
                    continue;
                case XmlNodeType.Element when _reader.LocalName == "stream" && _reader.NamespaceURI == XmppNames.Streams.NamespaceName:
                    _headerRead = true;
                    _input.MarkStanzaEnd();
                    return new XmppStreamHeader(_reader.GetAttribute("id"), _reader.GetAttribute("from"));
                default:
                    throw new XmppStreamException("invalid-namespace", "The server did not open an XMPP stream.");
            }
        }

        throw new XmppStreamException("connection-timeout", "The stream ended before its header.");
    }

    /// <summary>
    /// Reads the next stanza, skipping whitespace keep-alives; null when the server closed the stream with
    /// <c>&lt;/stream:stream&gt;</c>.
    /// </summary>
    public async Task<XElement?> ReadStanzaAsync()
    {
        if (!_headerRead)
        {
            throw new InvalidOperationException("Read the stream header first.");
        }

        while (true)
        {
            _input.MarkStanzaStart();
            if (!await ReadAsync().ConfigureAwait(false))
            {
                throw new XmppStreamException("connection-timeout", "The stream ended without being closed.");
            }

            switch (_reader.NodeType)
            {
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    continue;
                // Whitespace keep-alives longer than the reader's buffer may arrive as text.
                case XmlNodeType.Text when string.IsNullOrWhiteSpace(await GetValueAsync().ConfigureAwait(false)):
                    continue;
                case XmlNodeType.EndElement:
                    return null;
                case XmlNodeType.Element:
                    var stanza = await ReadElementAsync().ConfigureAwait(false);
                    _input.MarkStanzaEnd();
                    return stanza;
                default:
                    throw new XmppStreamException("restricted-xml", $"Unexpected {_reader.NodeType} between stanzas.");
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    private async Task<XElement> ReadElementAsync()
    {
        var stanza = StartElement();
        if (_reader.IsEmptyElement)
        {
            return stanza;
        }

        var open = new Stack<XElement>();
        open.Push(stanza);
        while (open.Count > 0)
        {
            if (!await ReadAsync().ConfigureAwait(false))
            {
                throw new XmppStreamException("connection-timeout", "The stream ended inside a stanza.");
            }

            switch (_reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (open.Count >= _limits.MaxDepth)
                    {
                        throw new XmppStreamException("policy-violation", $"A stanza nests deeper than {_limits.MaxDepth} elements.");
                    }

                    var child = StartElement();
                    open.Peek().Add(child);
                    if (!_reader.IsEmptyElement)
                    {
                        open.Push(child);
                    }

                    break;
                case XmlNodeType.EndElement:
                    open.Pop();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    open.Peek().Add(new XText(await GetValueAsync().ConfigureAwait(false)));
                    break;
                default:
                    throw new XmppStreamException("restricted-xml", $"{_reader.NodeType} is not allowed in a stanza.");
            }
        }

        return stanza;
    }

    private XElement StartElement()
    {
        var element = new XElement(XName.Get(_reader.LocalName, _reader.NamespaceURI));
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                // Namespace declarations are already resolved into the names.
                if (_reader.NamespaceURI != "http://www.w3.org/2000/xmlns/")
                {
                    element.SetAttributeValue(XName.Get(_reader.LocalName, _reader.NamespaceURI), _reader.Value);
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        return element;
    }

    private async Task<bool> ReadAsync()
    {
        try
        {
            return await _reader.ReadAsync().ConfigureAwait(false);
        }
        catch (XmlException exception)
        {
            throw NotWellFormed(exception);
        }
    }

    private async Task<string> GetValueAsync()
    {
        try
        {
            return await _reader.GetValueAsync().ConfigureAwait(false);
        }
        catch (XmlException exception)
        {
            throw NotWellFormed(exception);
        }
    }

    private static XmppStreamException NotWellFormed(XmlException exception) =>
        exception.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
            ? new XmppStreamException("restricted-xml", "The stream contained a DTD, which XMPP forbids.", exception)
            : new XmppStreamException("not-well-formed", "The stream is not well-formed XML.", exception);
}
