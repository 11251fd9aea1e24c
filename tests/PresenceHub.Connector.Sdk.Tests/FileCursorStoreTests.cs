namespace PresenceHub.Connector.Sdk.Tests;

public sealed class FileCursorStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("presencehub-store-");

    [Fact]
    public async Task Load_BeforeAnySave_ReturnsNull()
    {
        var store = new FileCursorStore(_directory.FullName);

        Assert.Null(await store.LoadAsync("xmpp-1", CancellationToken.None));
    }

    [Fact]
    public async Task Save_ThenLoadFromANewStore_ReturnsTheLatestCursorPerConnector()
    {
        var store = new FileCursorStore(_directory.FullName);
        await store.SaveAsync("xmpp-1", "fake-1", CancellationToken.None);
        await store.SaveAsync("xmpp-1", "fake-2", CancellationToken.None);
        await store.SaveAsync("slack-1", "fake-9", CancellationToken.None);

        var reopened = new FileCursorStore(_directory.FullName);

        Assert.Equal("fake-2", await reopened.LoadAsync("xmpp-1", CancellationToken.None));
        Assert.Equal("fake-9", await reopened.LoadAsync("slack-1", CancellationToken.None));
        Assert.Empty(_directory.GetFiles("*.tmp"));
    }

    [Fact]
    public async Task Save_WithAConnectorIdThatIsNotAFileName_Throws()
    {
        var store = new FileCursorStore(_directory.FullName);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveAsync("../escape", "c", CancellationToken.None));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
