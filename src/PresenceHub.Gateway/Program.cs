using PresenceHub.Gateway.Relay;

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceRelay();

var app = builder.Build();
app.MapGet("/healthz/live", () => Results.Ok());
app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
