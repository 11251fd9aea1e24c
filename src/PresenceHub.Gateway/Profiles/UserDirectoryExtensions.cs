using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Profiles;

/// <summary>Registers the user directory.</summary>
internal static class UserDirectoryExtensions
{
    /// <summary>
    /// Adds <see cref="IUserDirectory"/>, kept where the state is (<see cref="StateExtensions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddUserDirectory(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUserDirectory();
        return builder;
    }

    internal static IServiceCollection AddUserDirectory(this IServiceCollection services)
    {
        return services.AddStore<IUserDirectory, InMemoryUserDirectory, RedisUserDirectory>();
    }
}
