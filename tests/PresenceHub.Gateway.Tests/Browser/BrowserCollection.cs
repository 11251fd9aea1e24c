namespace PresenceHub.Gateway.Tests.Browser;

/// <summary>The browser tests share one Chromium and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Browser";
}
