using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace PresenceHub.Gateway.TeamsApp;

/// <summary>How the gateway presents itself as a Teams app (section <c>TeamsApp</c>): its public address and package metadata.</summary>
internal sealed partial class TeamsAppOptions : IValidatableObject
{
    public const string SectionName = "TeamsApp";

    /// <summary>
    /// The gateway's public HTTPS address, e.g. <c>https://presencehub.contoso.com/</c>: the personal tab is served
    /// under it and the SSO application ID URI is derived from its host. Needed to build the Teams app package.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// The application ID URI of the app registration, the audience of Teams SSO tokens. Default
    /// <c>api://{PublicBaseUrl host}/{Graph:ClientId}</c>, as Teams requires for tab SSO.
    /// </summary>
    public string? ApplicationIdUri { get; set; }

    /// <summary>The Teams app's id (a GUID); default derived from Graph:ClientId so rebuilt packages update the same app.</summary>
    public Guid? AppId { get; set; }

    /// <summary>
    /// The id the organization's Teams app catalog gave the app (<c>teamsApp.id</c>), which names the app-installations
    /// subscription. Default <see cref="AppId"/> (or its derived default), which is the catalog id of a Store or
    /// uploaded custom app; an app the organization published to its own catalog gets its own id there.
    /// </summary>
    public Guid? CatalogAppId { get; set; }

    /// <summary>The app's version, semver <c>major.minor.patch</c>. Default 1.0.0.</summary>
    [RegularExpression(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$", ErrorMessage = "TeamsApp:Version must be major.minor.patch, e.g. 1.0.0.")]
    public string Version { get; set; } = "1.0.0";

    /// <summary>The short name shown in Teams (at most 30 characters). Default PresenceHub.</summary>
    [StringLength(30, MinimumLength = 1, ErrorMessage = "TeamsApp:ShortName must be 1 to 30 characters.")]
    public string ShortName { get; set; } = "PresenceHub";

    /// <summary>The publisher's name (at most 32 characters). Default PresenceHub.</summary>
    [StringLength(32, MinimumLength = 1, ErrorMessage = "TeamsApp:DeveloperName must be 1 to 32 characters.")]
    public string DeveloperName { get; set; } = "PresenceHub";

    /// <summary>Support page; default the gateway's <c>/about</c> page.</summary>
    public Uri? WebsiteUrl { get; set; }

    /// <summary>Privacy statement; default the gateway's <c>/privacy</c> page.</summary>
    public Uri? PrivacyUrl { get; set; }

    /// <summary>Terms of use; default the gateway's <c>/terms</c> page.</summary>
    public Uri? TermsOfUseUrl { get; set; }

    /// <summary>The accent color, <c>#RRGGBB</c>. Default #4F6BED.</summary>
    [RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "TeamsApp:AccentColor must be #RRGGBB.")]
    public string AccentColor { get; set; } = "#4F6BED";

    /// <summary>The Teams app's id (the manifest id) in effect for a client id.</summary>
    public Guid EffectiveAppId(Guid clientId) => AppId ?? TeamsAppPackage.DeriveAppId(clientId);

    /// <summary>The app's id in the organization's Teams app catalog, in effect for a client id.</summary>
    public Guid EffectiveCatalogAppId(Guid clientId) => CatalogAppId ?? EffectiveAppId(clientId);

    /// <summary>The application ID URI in effect for a client id.</summary>
    public string? EffectiveApplicationIdUri(Guid clientId) =>
        ApplicationIdUri ?? (PublicBaseUrl is { } url ? $"api://{url.Authority}/{clientId}" : null);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("TeamsApp:PublicBaseUrl must be an absolute https:// address; Teams loads tabs over HTTPS only.", [nameof(PublicBaseUrl)]);
        }

        if (ApplicationIdUri is { } uri && !ApiUri().IsMatch(uri))
        {
            yield return new ValidationResult("TeamsApp:ApplicationIdUri must look like api://{host}/{client id}.", [nameof(ApplicationIdUri)]);
        }
    }

    [GeneratedRegex(@"^api://[^\s/]+(/[^\s]*)?$")]
    private static partial Regex ApiUri();
}
