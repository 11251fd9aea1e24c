using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.Cli;

/// <summary>
/// Checks what the gateway needs, in order, and says how to fix what fails: the configuration, Redis, acquiring an
/// app token from Entra ID, the notification encryption certificates, and the webhook as Graph reaches it.
/// </summary>
internal static class DoctorCommand
{
    private static readonly TimeSpan CertificateWarning = TimeSpan.FromDays(30);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var tenant = GatewayCli.Option(args, "--tenant");
        var builder = WebApplication.CreateBuilder(GatewayCli.ConfigurationArguments(args, "--tenant"));
        builder.Logging.ClearProviders();
        builder.AddPresenceHub();
        await using var app = builder.Build();
        var report = new DoctorReport(output);

        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            report.Ok("configuration", "every setting is valid");
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                report.Fail("configuration", failure, "set it in appsettings.json, as an environment variable (Section__Key) or as --Section:Key=value");
            }

            return report.ExitCode;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or OverflowException)
        {
            // A value of the wrong type, e.g. "Failed to convert configuration value 'x' at 'Graph:ClientId' to type 'System.Guid'".
            report.Fail("configuration", e.Message, "correct the value's format");
            return report.ExitCode;
        }

        await CheckRedisAsync(app.Services, report).ConfigureAwait(false);
        await CheckTokenAsync(app.Services, tenant, report).ConfigureAwait(false);
        await CheckPushAsync(app.Services, tenant, report).ConfigureAwait(false);
        CheckCertificates(app.Services, report);
        await CheckWebhookAsync(app.Services, report).ConfigureAwait(false);
        return report.ExitCode;
    }

    private static async Task CheckRedisAsync(IServiceProvider services, DoctorReport report)
    {
        try
        {
            var latency = await services.GetRequiredService<StateProbe>().PingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (latency is null)
            {
                report.Ok("redis", "not used: State:Mode is InMemory (one replica, nothing survives a restart)");
                return;
            }

            report.Ok("redis", $"answers PING in {latency.Value.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (e is TimeoutException || RedisFailures.IsUnavailable(e))
        {
            report.Fail("redis", $"cannot reach Redis ({e.GetType().Name})", "start Redis or correct State:Redis (host:port,password=...)");
        }
    }

    private static async Task CheckTokenAsync(IServiceProvider services, string? tenant, DoctorReport report)
    {
        if (!OrganizationId.TryParse(tenant, out var organization))
        {
            report.Skip("token", "pass --tenant <tenant id> to acquire an app token for that organization");
            return;
        }

        try
        {
            var credential = services.GetRequiredService<GraphAppClients>().CreateCredential(organization);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var token = await credential.GetTokenAsync(new Azure.Core.TokenRequestContext(GraphAppClients.AppScopes), timeout.Token).ConfigureAwait(false);
            report.Ok("token", $"acquired an app token for Graph, valid until {token.ExpiresOn:u}");
        }
        catch (Exception e) when (e is Azure.Identity.AuthenticationFailedException or OperationCanceledException or HttpRequestException)
        {
            report.Fail("token", $"Entra ID refused or did not answer ({FirstLine(e.Message)})",
                "check Graph:ClientId and Graph:ClientSecret (or the client certificate), and that an administrator granted consent (see consent-url)");
        }
    }

    /// <summary>How many consenting users of the organization Graph pushes changes for, from the shared state.</summary>
    private static async Task CheckPushAsync(IServiceProvider services, string? tenant, DoctorReport report)
    {
        if (!OrganizationId.TryParse(tenant, out var organization))
        {
            report.Skip("push", "pass --tenant <tenant id> to count that organization's users without push");
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (await services.GetRequiredService<StateProbe>().PingAsync(timeout.Token).ConfigureAwait(false) is null)
            {
                report.Skip("push", "the state is in memory: only the running gateway knows its subscriptions (see the admin console)");
                return;
            }

            var consents = await services.GetRequiredService<IConsentStore>().ListAsync(organization, timeout.Token).ConfigureAwait(false);
            var subscriptions = await services.GetRequiredService<IGraphSubscriptionStore>().ListAsync(organization, timeout.Token).ConfigureAwait(false);
            var push = PushCoverage.Of(consents, subscriptions);
            var interval = services.GetRequiredService<IOptions<GraphOptions>>().Value.UnpushedReconcileInterval;
            report.Ok("push", push.WithoutPush == 0
                ? $"all {push.Consenting} consenting users have push"
                : $"{push.WithoutPush} of {push.Consenting} consenting users have no push ({push.Reason}); they are polled every {interval}");
        }
        catch (Exception e) when (e is OperationCanceledException || RedisFailures.IsUnavailable(e) || e is StateUnavailableException)
        {
            report.Fail("push", $"cannot read the consents and subscriptions ({e.GetType().Name})", "start Redis or correct State:Redis");
        }
    }

    private static void CheckCertificates(IServiceProvider services, DoctorReport report)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var graph = services.GetRequiredService<IOptions<GraphOptions>>().Value;
        try
        {
            using var store = new EncryptionCertificateStore(Options.Create(graph));
            foreach (var configured in graph.EncryptionCertificates)
            {
                using var certificate = store.Lease(configured.Id, null)!;
                var left = certificate.NotAfter.ToUniversalTime() - now.UtcDateTime;
                if (left <= TimeSpan.Zero)
                {
                    report.Fail("certificate", $"'{configured.Id}' expired on {certificate.NotAfter:u}", "add a new certificate as a second entry of Graph:EncryptionCertificates; subscriptions move to it at renewal");
                }
                else if (left < CertificateWarning)
                {
                    report.Fail("certificate", $"'{configured.Id}' expires in {left.Days} days", "add its successor as a second entry of Graph:EncryptionCertificates now");
                }
                else
                {
                    report.Ok("certificate", $"'{configured.Id}' valid until {certificate.NotAfter:u}, private key present");
                }
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            report.Fail("certificate", $"cannot load an encryption certificate ({FirstLine(e.Message)})",
                "Graph:EncryptionCertificates:N:Path must name a readable PEM (certificate and private key) or PFX (with Password)");
        }
    }

    private static async Task CheckWebhookAsync(IServiceProvider services, DoctorReport report)
    {
        var graph = services.GetRequiredService<IOptions<GraphOptions>>().Value;
        var token = $"presencehub-doctor-{Guid.NewGuid():N}";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.PostAsync(new Uri($"{graph.NotificationUrl}?validationToken={token}"), null).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.IsSuccessStatusCode && body == token)
            {
                report.Ok("webhook", $"{graph.NotificationUrl} answers Graph's validation handshake");
            }
            else
            {
                report.Fail("webhook", $"{graph.NotificationUrl} answered {(int)response.StatusCode} without echoing the validation token",
                    "route Graph:NotificationUrl to this gateway's /graph/notifications (reverse proxy path, TLS termination)");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            report.Fail("webhook", $"{graph.NotificationUrl} is not reachable ({FirstLine(e.Message)})",
                "Graph must reach Graph:NotificationUrl over public HTTPS: check DNS, the TLS certificate and the ingress, and that the gateway runs");
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>Prints one line per check and remembers whether any failed.</summary>
    private sealed class DoctorReport(TextWriter output)
    {
        public int ExitCode { get; private set; }

        public void Ok(string check, string detail) => output.WriteLine($"ok    {check,-12} {detail}");

        public void Skip(string check, string detail) => output.WriteLine($"skip  {check,-12} {detail}");

        public void Fail(string check, string detail, string fix)
        {
            ExitCode = 1;
            output.WriteLine($"FAIL  {check,-12} {detail}");
            output.WriteLine($"      {"",-12} fix: {fix}");
        }
    }
}
