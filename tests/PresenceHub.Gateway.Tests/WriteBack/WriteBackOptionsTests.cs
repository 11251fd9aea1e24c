using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.WriteBack;

namespace PresenceHub.Gateway.Tests.WriteBack;

public sealed class WriteBackOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndMatchTheDocumentedValues()
    {
        var options = Bind([]);
        Assert.Equal(TimeSpan.FromHours(1), options.SessionLifetime);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RefreshBefore);
    }

    [Theory]
    [InlineData("WriteBack:SessionLifetime", "00:04:00", "WriteBack:SessionLifetime")]
    [InlineData("WriteBack:SessionLifetime", "05:00:00", "WriteBack:SessionLifetime")]
    [InlineData("WriteBack:RefreshBefore", "00:59:30", "WriteBack:RefreshBefore")]
    [InlineData("WriteBack:ClaimTimeout", "00:00:01", "WriteBack:ClaimTimeout")]
    public void BadSetting_FailsValidation_NamingTheSetting(string key, string value, string named)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    private static WriteBackOptions Bind(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOptions<WriteBackOptions>().BindConfiguration(WriteBackOptions.SectionName).ValidateDataAnnotations();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<WriteBackOptions>>().Value;
    }
}
