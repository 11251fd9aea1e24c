using Microsoft.Extensions.DependencyInjection.Extensions;
using PresenceHub.Gateway.Access;

namespace PresenceHub.Gateway.Admin;

/// <summary>Registers the admin console: its sign-ins, the setup checklist and the throughput monitor.</summary>
internal static class AdminConsoleExtensions
{
    public static IHostApplicationBuilder AddAdminConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SetupChecklist>();
        builder.Services.TryAddSingleton<ThroughputMonitor>();
        builder.AddAccess();
        return builder;
    }

    public static WebApplication MapAdminConsole(this WebApplication app)
    {
        // Listening from the start, so the console's totals count what happened before it was first opened.
        app.Services.GetRequiredService<ThroughputMonitor>();
        app.MapAdminConsoleEndpoints();
        return app;
    }
}
