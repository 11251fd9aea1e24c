namespace PresenceHub.GraphSimulator.Identity;

internal static class GraphConstants
{
    public const string GraphResource = "https://graph.microsoft.com";
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    /// <summary>Graph change tracking's app id, the <c>appid</c> of notification validation tokens.</summary>
    public const string ChangeTrackingAppId = "0bf30f3b-4a52-48df-9a82-234910c4a086";

    /// <summary>The Teams desktop/mobile client, the <c>azp</c> of Teams SSO tokens.</summary>
    public const string TeamsClientAppId = "1fec8e78-bce4-4aaf-ab1b-5451cc387264";

    public static string V1Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";
}
