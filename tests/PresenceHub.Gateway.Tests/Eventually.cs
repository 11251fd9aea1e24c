using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests;

/// <summary>
/// <see cref="Poll"/> for conditions that produce a value, or that read better with an optional reason.
/// </summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan? deadline = null, string? because = null)
        where T : class
    {
        T? value = null;
        await Poll.UntilAsync(async () => (value = await probe()) is not null, because ?? "the condition", deadline);
        return value!;
    }

    public static Task UntilAsync(Func<Task<bool>> probe, TimeSpan? deadline = null, string? because = null) =>
        Poll.UntilAsync(probe, because ?? "the condition", deadline);

    public static Task UntilAsync(Func<bool> probe, TimeSpan? deadline = null, string? because = null) =>
        Poll.UntilAsync(probe, because ?? "the condition", deadline);
}
