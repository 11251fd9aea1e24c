using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Where the admin API and console (every path under <c>/admin</c>) answer: only on connections accepted by the
/// Kestrel endpoint named <see cref="EndpointName"/> (<c>Kestrel:Endpoints:Admin:Url</c>, port 8082 in the image), so
/// they do not exist on the public webhook listener or the connector port. The endpoint's listen options are kept as
/// Kestrel loads them, and a request is on the admin listener when its connection's local port is one the endpoint is
/// bound to (Kestrel writes the bound port back, so port 0 works too).
/// <para>
/// With no admin endpoint configured, the surface is served on every listener only when
/// <see cref="AdminConsoleOptions.LocalSignIn"/> is on (the demo, on the loopback address); otherwise it answers 404
/// everywhere and the gateway says so at start.
/// </para>
/// </summary>
internal sealed class AdminListener(IOptions<AdminConsoleOptions> console)
{
    /// <summary>The name of the Kestrel endpoint the admin surface answers on.</summary>
    public const string EndpointName = "Admin";

    /// <summary>Every admin route lives under this path.</summary>
    public const string PathPrefix = "/admin";

    private readonly Lock _lock = new();
    private ListenOptions? _listener;

    /// <summary>True when Kestrel has loaded an endpoint named <see cref="EndpointName"/>.</summary>
    public bool IsConfigured
    {
        get
        {
            lock (_lock)
            {
                return _listener is not null;
            }
        }
    }

    /// <summary>The surface is served on every listener: no admin endpoint, and the demo's local sign-in.</summary>
    public bool ServedEverywhere => !IsConfigured && console.Value.LocalSignIn;

    /// <summary>
    /// Called by Kestrel's configuration loader for the admin endpoint each time it loads its configuration; endpoint
    /// names are unique, so the latest load's listen options replace those of an earlier one.
    /// </summary>
    public void Use(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        lock (_lock)
        {
            _listener = listen;
        }
    }

    /// <summary>Whether this request may reach the admin surface.</summary>
    public bool Admits(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ListenOptions? listener;
        lock (_lock)
        {
            listener = _listener;
        }

        return listener is null
            ? console.Value.LocalSignIn
            : listener.IPEndPoint is { } bound && bound.Port == context.Connection.LocalPort;
    }
}
