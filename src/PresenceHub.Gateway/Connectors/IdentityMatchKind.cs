namespace PresenceHub.Gateway.Connectors;

/// <summary>How a platform identity was matched to a Teams user.</summary>
internal enum IdentityMatchKind
{
    /// <summary>No consenting Teams user matches.</summary>
    None,

    /// <summary>The administrator's override table links them.</summary>
    Override,

    /// <summary>The mail address matches.</summary>
    Mail,

    /// <summary>The user principal name matches.</summary>
    UserPrincipalName,

    /// <summary>Several consenting users match; none is chosen.</summary>
    Ambiguous,

    /// <summary>The organization's federation policy does not allow the platform or the platform user's domain.</summary>
    Refused,
}
