namespace PresenceHub.GraphSimulator;

/// <summary>The simulator's own base address, known once Kestrel has bound its port.</summary>
internal sealed class SimulatorAddress
{
    private Uri? _base;

    public Uri BaseAddress => _base ?? throw new InvalidOperationException("The simulator has not started listening yet.");

    /// <summary>The authority host as Entra's <c>https://login.microsoftonline.com/</c>, without trailing slash.</summary>
    public string Authority => BaseAddress.GetLeftPart(UriPartial.Authority);

    public void Set(Uri address) => _base = address;

    public string V2Issuer(string tenantId) => $"{Authority}/{tenantId}/v2.0";
}
