namespace PresenceHub.Connector.Sdk.Tests;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void NextDelay_DoublesWithJitter_UpToTheMaximum()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(7));

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.NextDelay()).ToList();

        for (var i = 0; i < delays.Count; i++)
        {
            var step = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, i), Max.TotalSeconds));
            Assert.InRange(delays[i], step / 2, step);
        }
    }

    [Fact]
    public void Reset_StartsAgainFromTheMinimum()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(7));
        for (var i = 0; i < 8; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.InRange(backoff.NextDelay(), Min / 2, Min);
    }
}
