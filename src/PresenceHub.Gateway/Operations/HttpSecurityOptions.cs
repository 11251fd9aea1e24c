namespace PresenceHub.Gateway.Operations;

/// <summary>Response headers that browsers enforce (section <c>HttpSecurity</c>).</summary>
internal sealed class HttpSecurityOptions
{
    public const string SectionName = "HttpSecurity";

    /// <summary>
    /// Whether responses to HTTPS requests carry <c>Strict-Transport-Security: max-age=31536000; includeSubDomains</c>,
    /// so browsers reach the gateway's host over HTTPS only for a year. Plain HTTP responses never carry it (browsers
    /// ignore it there). On by default; the demo turns it off.
    /// </summary>
    public bool Hsts { get; set; } = true;
}
