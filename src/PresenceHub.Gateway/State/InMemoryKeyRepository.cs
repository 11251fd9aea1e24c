using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace PresenceHub.Gateway.State;

/// <summary>The key ring of memory mode: this process only, gone at restart, as everything else in that mode.</summary>
internal sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly Lock _lock = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
