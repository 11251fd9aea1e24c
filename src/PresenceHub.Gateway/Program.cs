using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceRelay();
builder.AddConsent();
builder.AddGraphIngest();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/healthz/live", () => Results.Ok());
app.MapGraphWebhooks();
app.MapConsentEndpoints();
app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
