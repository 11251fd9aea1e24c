using System.Text.Json;
using OpenQA.Selenium.Chrome;

namespace PresenceHub.Gateway.Tests.Browser;

/// <summary>
/// Stubs the personal tab's one boundary with Teams, nothing else: before any page script runs, Chrome DevTools
/// (<c>Page.addScriptToEvaluateOnNewDocument</c>) installs a hook that lets the vendored TeamsJS load as usual and
/// then hands the page a TeamsJS whose <c>app.initialize()</c> resolves (there is no Teams host to talk to) and whose
/// <c>authentication.getAuthToken()</c> returns a real SSO token the Graph simulator issued for the test user.
/// </summary>
internal sealed class TeamsJsStub : IDisposable
{
    private readonly ChromeDriver _driver;
    private readonly string _identifier;

    public TeamsJsStub(ChromeDriver driver, string ssoToken)
    {
        _driver = driver;
        var source = $$"""
            (() => {
              const token = {{JsonSerializer.Serialize(ssoToken)}};
              const calls = window.__teamsStubCalls = { initialize: 0, getAuthToken: 0 };
              let real;
              Object.defineProperty(window, "microsoftTeams", {
                configurable: true,
                set(value) { real = value; },
                get() {
                  if (!real) return real;
                  return Object.assign({}, real, {
                    app: Object.assign({}, real.app, { initialize: () => { calls.initialize++; return Promise.resolve(); } }),
                    authentication: Object.assign({}, real.authentication, { getAuthToken: () => { calls.getAuthToken++; return Promise.resolve(token); } }),
                  });
                },
              });
            })();
            """;
        var added = driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = source }) as Dictionary<string, object>;
        _identifier = added?["identifier"] as string ?? throw new InvalidOperationException("Chrome DevTools did not add the TeamsJS stub.");
    }

    public void Dispose() =>
        _driver.ExecuteCdpCommand("Page.removeScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["identifier"] = _identifier });
}
