using PresenceHub.GraphSimulator;

var builder = WebApplication.CreateBuilder(args);
builder.AddGraphSimulator();

var app = builder.Build();
app.MapGraphSimulator();
app.Run();
