using Microsoft.Extensions.Hosting;
using PresenceHub.Connectors.Xmpp;

var builder = Host.CreateApplicationBuilder(args);
builder.AddXmppConnector();
await builder.Build().RunAsync();
