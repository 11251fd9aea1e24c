namespace PresenceHub.Gateway.TeamsApp;

/// <summary>Registers how the gateway presents itself as a Teams app.</summary>
internal static class TeamsAppExtensions
{
    public static IHostApplicationBuilder AddTeamsApp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TeamsAppOptions>()
            .BindConfiguration(TeamsAppOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
