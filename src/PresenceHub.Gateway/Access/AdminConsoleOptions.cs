namespace PresenceHub.Gateway.Access;

/// <summary>Settings of the admin console (the page at <c>/admin</c>) and its sign-in.</summary>
internal sealed class AdminConsoleOptions
{
    public const string SectionName = "AdminConsole";

    /// <summary>
    /// Demo only: the console signs in callers on the loopback address as the operator, and accepts the admin key in
    /// a sign-in form, with a session cookie. Off by default; with it off the console uses Entra tokens or the key.
    /// </summary>
    public bool LocalSignIn { get; set; }
}
