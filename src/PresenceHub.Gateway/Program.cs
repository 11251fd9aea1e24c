using PresenceHub.Gateway.Graph;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Gateway.Relay;
using PresenceHub.Gateway.WriteBack;

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceRelay();
builder.AddConsent();
builder.AddGraphIngest();
builder.AddPresenceWriteBack();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/healthz/live", () => Results.Ok());
app.MapGraphWebhooks();
app.MapConsentEndpoints();
app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
