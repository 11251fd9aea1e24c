using PresenceHub.Gateway;
using PresenceHub.Gateway.Cli;

if (await GatewayCli.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceHub();

var app = builder.Build();
app.MapPresenceHub();
await app.RunAsync();
return 0;

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public sealed partial class Program;
