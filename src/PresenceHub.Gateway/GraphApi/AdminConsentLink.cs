namespace PresenceHub.Gateway.GraphApi;

/// <summary>
/// The admin-consent link: an administrator of the organization opens it once to grant the application
/// permissions to the app registration. The <c>consent-url</c> verb prints it; the setup checklist shows it.
/// </summary>
internal static class AdminConsentLink
{
    public static string Build(GraphOptions graph, string tenant, Uri? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var authority = graph.AuthorityHost ?? new Uri("https://login.microsoftonline.com/");
        var query = $"client_id={graph.ClientId:D}&scope={Uri.EscapeDataString("https://graph.microsoft.com/.default")}";
        if (publicBaseUrl is not null)
        {
            // Entra ID sends the administrator back to a public page: the console is not on the public listener.
            query += $"&redirect_uri={Uri.EscapeDataString(new Uri(publicBaseUrl, TeamsApp.TeamsAppPackage.AboutPath).ToString())}";
        }

        return new Uri(authority, $"{Uri.EscapeDataString(tenant)}/v2.0/adminconsent?{query}").ToString();
    }
}
