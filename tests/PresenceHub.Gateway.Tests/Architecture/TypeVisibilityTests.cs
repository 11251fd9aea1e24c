using System.Reflection;
using System.Runtime.CompilerServices;

namespace PresenceHub.Gateway.Tests.Architecture;

/// <summary>
/// The gateway is an application: only its entry point and what hosts it are public, and no class is left open
/// for inheritance by accident (docs/architecture.md, "Rules the compiler and the tests keep").
/// </summary>
public sealed class TypeVisibilityTests
{
    private static readonly Type EntryPoint = typeof(PresenceHubComposition).Assembly.GetType("Program", throwOnError: true)!;
    private static readonly Type[] PublicSurface = [EntryPoint, typeof(PresenceHubComposition)];

    [Fact]
    public void OnlyTheEntryPointAndTheComposition_ArePublic()
    {
        var exposed = OwnTypes().Where(t => t.IsVisible && !PublicSurface.Contains(t)).Select(t => t.FullName).ToList();

        Assert.True(exposed.Count == 0, "Gateway types that should be internal: " + string.Join(", ", exposed));
    }

    [Fact]
    public void EveryClass_IsSealedOrStatic()
    {
        var open = OwnTypes().Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract).Select(t => t.FullName).ToList();

        Assert.True(open.Count == 0, "Gateway classes that are neither sealed nor static: " + string.Join(", ", open));
    }

    private static IEnumerable<Type> OwnTypes() =>
        typeof(PresenceHubComposition).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("PresenceHub.Gateway", StringComparison.Ordinal) == true || t == EntryPoint)
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !t.Name.Contains('<', StringComparison.Ordinal));
}
