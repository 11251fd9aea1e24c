namespace PresenceHub.Connector.Sdk.Tests;

public sealed class EventIdWindowTests
{
    [Fact]
    public void Add_WhenSeenBefore_ReturnsFalse()
    {
        var window = new EventIdWindow(16);

        Assert.True(window.Add("a"));
        Assert.False(window.Add("a"));
        Assert.True(window.Contains("a"));
    }

    [Fact]
    public void Add_WhenFull_ForgetsTheOldestOnly()
    {
        var window = new EventIdWindow(3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            window.Add(id);
        }

        Assert.False(window.Contains("a"));
        Assert.True(window.Contains("b") && window.Contains("c") && window.Contains("d"));
        Assert.Equal(3, window.Count);
    }
}
