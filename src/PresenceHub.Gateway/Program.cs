using PresenceHub.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceHub();

var app = builder.Build();
app.MapPresenceHub();
app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
