using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// Validates Entra access tokens for our API with Microsoft.Identity.Web, from any tenant: the audience is our app
/// registration (<see cref="GraphOptions.ClientId"/>, bare or as <c>api://{client id}</c>), the authority
/// <see cref="GraphOptions.AuthorityHost"/>, and the signing keys are fetched trusting what Graph ingest trusts
/// (<see cref="GraphOptions.TrustedCaCertificatePath"/>, for the simulator).
/// </summary>
internal static class EntraBearerAuthentication
{
    /// <summary>
    /// Adds the bearer scheme <paramref name="scheme"/>; <paramref name="configureJwt"/> and
    /// <paramref name="configureIdentity"/> then adjust what differs per API.
    /// </summary>
    public static AuthenticationBuilder AddEntraBearer(
        this IHostApplicationBuilder builder,
        string scheme,
        Action<JwtBearerOptions>? configureJwt = null,
        Action<MicrosoftIdentityOptions>? configureIdentity = null)
    {
        var graph = builder.Configuration.GetSection(GraphOptions.SectionName);
        var authentication = builder.Services.AddAuthentication();
        authentication.AddMicrosoftIdentityWebApi(
            jwt =>
            {
                if (graph[nameof(GraphOptions.TrustedCaCertificatePath)] is { Length: > 0 } caPath)
                {
                    jwt.BackchannelHttpHandler = GraphTrust.CreateHandler(new GraphOptions { TrustedCaCertificatePath = caPath });
                }

                var clientId = graph[nameof(GraphOptions.ClientId)];
                jwt.TokenValidationParameters.ValidAudiences = [clientId, $"api://{clientId}"];
                configureJwt?.Invoke(jwt);
            },
            identity =>
            {
                identity.Instance = graph[nameof(GraphOptions.AuthorityHost)] ?? "https://login.microsoftonline.com/";
                identity.TenantId = "organizations";
                identity.ClientId = graph[nameof(GraphOptions.ClientId)];
                configureIdentity?.Invoke(identity);
            },
            scheme);
        return authentication;
    }
}
