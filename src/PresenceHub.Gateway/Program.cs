using PresenceHub.Gateway;
using PresenceHub.Gateway.Demo;

if (args is [DemoCommand.Name, .. var demoArgs])
{
    return await DemoCommand.RunAsync(demoArgs);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddPresenceHub();

var app = builder.Build();
app.MapPresenceHub();
await app.RunAsync();
return 0;

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
