using System.ComponentModel.DataAnnotations;
using PresenceHub.Gateway.GraphApi;

namespace PresenceHub.Gateway.Tests.Graph;

public sealed class GraphOptionsTests
{
    [Fact]
    public void Validate_EmptyOptions_NamesEveryMissingSetting()
    {
        var messages = Validate(new GraphOptions());
        Assert.Contains(messages, m => m.Contains("Graph:ClientId", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Graph:EncryptionCertificates", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Graph:ClientSecret and Graph:ClientCertificatePath", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HttpAuthorityAndBothCredentials_AreRejected()
    {
        var options = Valid();
        options.AuthorityHost = new Uri("http://login.example.test/");
        options.ClientCertificatePath = "/secrets/app.pem";
        var messages = Validate(options);
        Assert.Contains(messages, m => m.Contains("Graph:AuthorityHost must be an https URL", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("exactly one", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CompleteOptions_HasNoErrors() => Assert.Empty(Validate(Valid()));

    [Fact]
    public void Validate_DuplicateCertificateIds_AreRejected()
    {
        var options = Valid();
        options.EncryptionCertificates.Add(new EncryptionCertificateOptions { Id = "current", Path = "/secrets/next.pem" });
        Assert.Contains(Validate(options), m => m.Contains("unique", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:59:00", false)]
    [InlineData("01:00:00", true)]
    [InlineData("29.00:00:00", true)]
    [InlineData("29.00:01:00", false)]
    public void Validate_ProfileSubscriptionLifetime_MustBeWithinGraphsLimits(string lifetime, bool valid)
    {
        var options = Valid();
        options.ProfileSubscriptionLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture);

        var messages = Validate(options);

        Assert.Equal(valid, !messages.Any(m => m.Contains("Graph:ProfileSubscriptionLifetime", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("00:00:29", "00:00:10", false)]
    [InlineData("00:00:30", "00:00:30", true)]
    [InlineData("00:05:00", "00:00:30", true)]
    [InlineData("00:30:00", "00:10:00", true)]
    [InlineData("00:30:01", "00:00:30", false)]
    [InlineData("00:01:00", "00:02:00", false)]
    public void Validate_SubscriptionCheckInterval_IsBoundedAndNotUnderTheKeeperInterval(string check, string keeper, bool valid)
    {
        var options = Valid();
        options.SubscriptionCheckInterval = TimeSpan.Parse(check, System.Globalization.CultureInfo.InvariantCulture);
        options.KeeperInterval = TimeSpan.Parse(keeper, System.Globalization.CultureInfo.InvariantCulture);

        var messages = Validate(options);

        Assert.Equal(valid, !messages.Any(m => m.Contains("Graph:SubscriptionCheckInterval", StringComparison.Ordinal)));
    }

    private static GraphOptions Valid() => new()
    {
        ClientId = Guid.NewGuid(),
        ClientSecret = "secret",
        EncryptionCertificates = [new EncryptionCertificateOptions { Id = "current", Path = "/secrets/current.pem" }],
    };

    private static List<string> Validate(GraphOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }
}
