namespace PresenceHub.Connector.Sdk;

/// <summary>How an identity was resolved.</summary>
public enum IdentityMatch
{
    /// <summary>The hub did not say.</summary>
    Unspecified = 0,
    /// <summary>No user matches.</summary>
    None,
    /// <summary>The administrator's override table links them.</summary>
    Override,
    /// <summary>The platform mail equals the Teams user's mail.</summary>
    Mail,
    /// <summary>The platform mail equals the Teams user's user principal name.</summary>
    UserPrincipalName,
    /// <summary>More than one Teams user matches; not linked until an administrator adds an override.</summary>
    Ambiguous,
}
