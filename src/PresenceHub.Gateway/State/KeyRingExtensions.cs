using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.State;

/// <summary>
/// Registers the Data Protection key ring where the state lives: in Redis mode, in Redis under
/// <c>{prefix}:dataprotection:keys</c>, shared by every replica, each key encrypted with the first certificate of
/// <c>DataProtection:Certificates</c> and decrypted with any of them; in memory mode, in the process only. Every
/// feature that stores a secret or token adds it; a host of the relay alone, which stores none, needs no certificate.
/// </summary>
internal static class KeyRingExtensions
{
    /// <summary>The application name every replica shares, so each unprotects what another protected.</summary>
    public const string ApplicationName = "PresenceHub";

    public static IServiceCollection AddKeyRing(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(KeyRingCertificates)))
        {
            return services;
        }

        services.AddState();
        services.AddOptions<KeyRingOptions>()
            .BindConfiguration(KeyRingOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate<IOptions<StateOptions>>(
                (ring, state) => !state.Value.IsShared || ring.Certificates.Count > 0,
                "DataProtection:Certificates:0:Path is required when State:Mode is Redis: a certificate with RSA private key that protects "
                + "the key ring sealing owners' tokens and subscription secrets in Redis.")
            .ValidateOnStart();
        services.TryAddSingleton<KeyRingCertificates>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<StateOptions>, IServiceProvider, KeyRingCertificates, ILoggerFactory>((keys, state, services, certificates, loggers) =>
            {
                if (state.Value.IsShared)
                {
                    // Resolved here only: memory mode has no Redis connection to build.
                    var connection = services.GetRequiredService<RedisConnection>();
                    keys.XmlRepository = new RedisXmlRepository(connection.Database, $"{state.Value.KeyPrefix}:dataprotection:keys");
                    keys.XmlEncryptor = new CertificateXmlEncryptor(
                        certificates.Current ?? throw new InvalidOperationException("DataProtection:Certificates:0:Path is required when State:Mode is Redis."),
                        loggers);
                }
                else
                {
                    keys.XmlRepository = new InMemoryKeyRepository();
                    keys.XmlEncryptor = new NullXmlEncryptor();
                }
            });
        AddDecryptionCertificates(services);
        services.AddHostedService<KeyRingNotice>();
        return services;
    }

    /// <summary>
    /// Every configured certificate unprotects keys (the older ones during a rotation). Data Protection's own
    /// <c>UnprotectKeysWithAnyCertificate</c> takes the certificates when services are registered, before the options
    /// that name them are read; its registration (options of an internal type) is made when first resolved instead.
    /// </summary>
    private static void AddDecryptionCertificates(IServiceCollection services)
    {
        var decryptionOptions = typeof(CertificateXmlEncryptor).Assembly
            .GetType("Microsoft.AspNetCore.DataProtection.XmlEncryption.XmlKeyDecryptionOptions", throwOnError: true)!;
        var configure = typeof(IConfigureOptions<>).MakeGenericType(decryptionOptions);
        services.AddSingleton(configure, sp =>
        {
            var registered = new ServiceCollection();
            new RegistrationOnly(registered).UnprotectKeysWithAnyCertificate([.. sp.GetRequiredService<KeyRingCertificates>().All]);
            return registered.Single(d => d.ServiceType == configure).ImplementationInstance!;
        });
    }

    private sealed class RegistrationOnly(IServiceCollection services) : IDataProtectionBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Says at start, once, that memory mode's key ring does not outlive the process.</summary>
internal sealed class KeyRingNotice(IOptions<StateOptions> state, ILogger<KeyRingNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!state.Value.IsShared)
        {
            StateLog.EphemeralKeyRing(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
