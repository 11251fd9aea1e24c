namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The directory holding <c>PresenceHub.sln</c>, above the test's output directory.</summary>
    /// <exception cref="InvalidOperationException">The tests run outside a checkout.</exception>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PresenceHub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (PresenceHub.sln) was not found above the test's directory.");
    }
}
