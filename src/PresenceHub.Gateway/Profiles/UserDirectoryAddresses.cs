namespace PresenceHub.Gateway.Profiles;

/// <summary>How the directory indexes a profile: by its mail and user principal name, lowercased.</summary>
internal static class UserDirectoryAddresses
{
    /// <summary>The distinct, lowercased addresses a profile is found by.</summary>
    public static IReadOnlyList<string> Of(UserProfileRecord profile)
    {
        var mail = string.IsNullOrWhiteSpace(profile.Mail) ? null : Normalize(profile.Mail);
        var upn = string.IsNullOrWhiteSpace(profile.UserPrincipalName) ? null : Normalize(profile.UserPrincipalName);
        return (mail, upn) switch
        {
            (null, null) => [],
            (null, { } u) => [u],
            ({ } m, null) => [m],
            ({ } m, { } u) when m == u => [m],
            ({ } m, { } u) => [m, u],
        };
    }

    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>Entra object ids are GUIDs; stored and compared lowercase.</summary>
    public static string NormalizeId(string userId) => userId.ToLowerInvariant();
}
