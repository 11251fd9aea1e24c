using PresenceHub.Gateway.Admin;
using PresenceHub.Gateway.Connectors;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Operations;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.TeamsApp;
using PresenceHub.Gateway.WriteBack;
using PresenceHub.Gateway.DataSubjects;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway;

/// <summary>
/// The gateway's features, composed once so that the service, the demo and the end-to-end tests run the same
/// application and differ only by configuration.
/// </summary>
public static class PresenceHubComposition
{
    /// <summary>Registers every feature of the gateway.</summary>
    public static WebApplicationBuilder AddPresenceHub(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOperations();
        builder.AddPresenceRelay();
        builder.AddAccess();
        builder.AddGraphIngest();
        builder.AddPresenceWriteBack();
        builder.AddConnectorApi();
        builder.AddTeamsApp();
        builder.AddMetadataLog();
        builder.AddDataSubjectRights();
        builder.AddAdminConsole();
        return builder;
    }

    /// <summary>Adds the gateway's middleware and endpoints.</summary>
    public static WebApplication MapPresenceHub(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseHttpSecurityHeaders();
        app.UseAdminListener();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOperations();
        app.MapGraphWebhooks();
        app.MapConsentEndpoints();
        app.MapConnectorApi();
        app.MapMetadataLogEndpoints();
        app.MapDataSubjectEndpoints();
        app.MapAdminConsole();
        app.MapTeamsApp();
        return app;
    }
}
