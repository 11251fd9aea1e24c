namespace PresenceHub.Gateway.Tests;

/// <summary>Waits on a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan? deadline = null, string? because = null)
        where T : class
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Condition not met within {(deadline ?? DefaultDeadline).TotalSeconds:0} s{(because is null ? "" : ": " + because)}.");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    public static Task UntilAsync(Func<Task<bool>> probe, TimeSpan? deadline = null, string? because = null) =>
        UntilAsync<object>(async () => await probe() ? new object() : null, deadline, because);

    public static Task UntilAsync(Func<bool> probe, TimeSpan? deadline = null, string? because = null) =>
        UntilAsync(() => Task.FromResult(probe()), deadline, because);
}
