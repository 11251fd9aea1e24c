using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using PresenceHub.Testing;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Browser;

/// <summary>
/// One headless Chromium, driven by the system's chromedriver through Selenium, shared by the browser tests (the
/// <see cref="BrowserCollection"/>). Never skipped: without Chromium the tests fail and say what to install.
/// <c>PRESENCEHUB_CHROMIUM</c> and <c>PRESENCEHUB_CHROMEDRIVER</c> name other binaries.
/// </summary>
public sealed class ChromiumFixture : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string InstallCommand = "apt-get install -y chromium chromium-driver";

    private readonly ChromeDriver? _driver;
    private readonly string? _missing;
    private readonly string? _failure;

    public ChromiumFixture()
    {
        var chromium = Locate("PRESENCEHUB_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
        var chromedriver = Locate("PRESENCEHUB_CHROMEDRIVER", "chromedriver");
        if (chromium is null || chromedriver is null)
        {
            _missing = $"{(chromium is null ? "chromium" : "chromedriver")} is not installed: run ./test.sh, or {InstallCommand} "
                + "(or set PRESENCEHUB_CHROMIUM and PRESENCEHUB_CHROMEDRIVER).";
            return;
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1200",
            "--no-first-run", "--disable-extensions");
        try
        {
            _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch (WebDriverException e)
        {
            _failure = $"Chromium ({chromium}) did not start under {chromedriver}: {e.Message}. Reinstall with `{InstallCommand}`; "
                + "the driver's major version must match the browser's.";
        }
    }

    /// <summary>The browser; fails the test with the install hint when Chromium is missing.</summary>
    public ChromeDriver Driver => _driver
        ?? throw (_missing is not null ? new MissingProgramException(_missing) : new InvalidOperationException(_failure));

    /// <summary>Where screenshots go: <c>$PRESENCEHUB_ARTIFACTS/screenshots</c>, else <c>artifacts/screenshots</c> at the repository root.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("PRESENCEHUB_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Repository.Root, "artifacts");
            var directory = Path.Combine(root, "screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the page, failing with <paramref name="because"/> and the page's text.</summary>
    public void Until(Func<IWebDriver, bool> condition, string because)
    {
        var wait = new WebDriverWait(Driver, Wait) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            var text = Driver.FindElement(By.TagName("body")).Text;
            Assert.Fail($"Within {Wait.TotalSeconds} s, {because}. The page shows:\n{text}");
        }
    }

    /// <summary>Saves a PNG of the page as <c>{name}.png</c>; returns its path.</summary>
    public string Screenshot(string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Forgets cookies and scripts of the previous test.</summary>
    public void Reset()
    {
        Driver.Manage().Cookies.DeleteAllCookies();
        Driver.Navigate().GoToUrl("about:blank");
    }

    public void Dispose()
    {
        _driver?.Quit();
        _driver?.Dispose();
    }

    private static string? Locate(string variable, params string[] names)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return names.Select(RequiredProgram.Find).FirstOrDefault(p => p is not null);
    }
}
