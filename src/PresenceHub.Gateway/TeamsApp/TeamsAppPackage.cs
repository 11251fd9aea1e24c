using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PresenceHub.Gateway.TeamsApp;

/// <summary>
/// Builds the Teams app package an administrator uploads: <c>manifest.json</c> (schema 1.29) with the personal tab,
/// Teams SSO (<c>webApplicationInfo</c>) and the <c>identity</c> permission, and the two icons.
/// </summary>
internal static class TeamsAppPackage
{
    public const string ManifestVersion = "1.29";
    public const string TabPath = "/tab";

    /// <summary>The gateway's own pages the manifest links to unless other addresses are configured.</summary>
    public const string AboutPath = "/about", PrivacyPath = "/privacy", TermsPath = "/terms";

    public static JsonObject Manifest(TeamsAppOptions app, Guid clientId)
    {
        var baseUrl = app.PublicBaseUrl ?? throw new InvalidOperationException("TeamsApp:PublicBaseUrl is required to build the Teams app package.");
        string At(string path) => new Uri(baseUrl, path).ToString();
        return new JsonObject
        {
            ["$schema"] = $"https://developer.microsoft.com/json-schemas/teams/v{ManifestVersion}/MicrosoftTeams.schema.json",
            ["manifestVersion"] = ManifestVersion,
            ["version"] = app.Version,
            ["id"] = (app.AppId ?? DeriveAppId(clientId)).ToString("D"),
            ["developer"] = new JsonObject
            {
                ["name"] = app.DeveloperName,
                ["websiteUrl"] = (app.WebsiteUrl ?? new Uri(baseUrl, AboutPath)).ToString(),
                ["privacyUrl"] = (app.PrivacyUrl ?? new Uri(baseUrl, PrivacyPath)).ToString(),
                ["termsOfUseUrl"] = (app.TermsOfUseUrl ?? new Uri(baseUrl, TermsPath)).ToString(),
            },
            ["name"] = new JsonObject { ["short"] = app.ShortName, ["full"] = $"{app.ShortName}: presence across platforms" },
            ["description"] = new JsonObject
            {
                ["short"] = "See colleagues' presence on Slack, XMPP, Webex and more, and share yours.",
                ["full"] = "PresenceHub federates presence between Microsoft Teams and other platforms in your organization. " +
                           "Installing the app and signing in lets PresenceHub read your Teams presence and share it with your " +
                           "colleagues on other platforms, and show theirs in Teams. It keeps only metadata of what it relays, " +
                           "never message content; you can pause, export or erase your data from the app's tab at any time.",
            },
            ["icons"] = new JsonObject { ["color"] = "color.png", ["outline"] = "outline.png" },
            ["accentColor"] = app.AccentColor,
            ["staticTabs"] = new JsonArray(new JsonObject
            {
                ["entityId"] = "presencehub",
                ["name"] = "Presence",
                ["contentUrl"] = At(TabPath),
                ["websiteUrl"] = At(TabPath),
                ["scopes"] = new JsonArray("personal"),
            }),
            ["permissions"] = new JsonArray("identity"),
            ["validDomains"] = new JsonArray(baseUrl.Authority),
            ["webApplicationInfo"] = new JsonObject
            {
                ["id"] = clientId.ToString("D"),
                ["resource"] = app.EffectiveApplicationIdUri(clientId),
            },
        };
    }

    /// <summary>Writes the package (a zip with the manifest and icons at its root).</summary>
    public static void Write(Stream destination, TeamsAppOptions app, Guid clientId)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, "manifest.json", Encoding.UTF8.GetBytes(Manifest(app, clientId).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        Add(zip, "color.png", PngIcon.Color(app.AccentColor));
        Add(zip, "outline.png", PngIcon.Outline());
    }

    /// <summary>A stable app id for a client id (a name-based GUID), so a rebuilt package updates the same app.</summary>
    public static Guid DeriveAppId(Guid clientId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"presencehub-teams-app:{clientId:D}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5-style marker
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(content);
    }
}
