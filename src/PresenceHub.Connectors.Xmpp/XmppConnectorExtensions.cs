using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PresenceHub.Connector.Sdk;
using PresenceHub.Connectors.Xmpp.Presence;
using PresenceHub.Presence;

namespace PresenceHub.Connectors.Xmpp;

/// <summary>Composes the XMPP connector: the hub client (SDK), the presence router and the component connection.</summary>
internal static class XmppConnectorExtensions
{
    public static IHostApplicationBuilder AddXmppConnector(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<XmppConnectorOptions>()
            .BindConfiguration(XmppConnectorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ComponentLink>();
        services.TryAddSingleton<IStanzaSender>(provider => provider.GetRequiredService<ComponentLink>());
        services.TryAddSingleton<SubscriptionStore>();
        services.TryAddSingleton<PresenceRouter>();
        services.TryAddSingleton<IConnectorHandler>(provider => provider.GetRequiredService<PresenceRouter>());
        services.TryAddSingleton<ICursorStore>(provider =>
            new FileCursorStore(provider.GetRequiredService<IOptions<XmppConnectorOptions>>().Value.StateDirectory));
        services.AddPresenceHubConnector<PresenceRouter>(options =>
        {
            if (string.IsNullOrEmpty(options.Platform))
            {
                options.Platform = Platform.Xmpp.Id;
            }
        });
        services.TryAddSingleton<XmppComponentService>();
        services.AddHostedService(provider => provider.GetRequiredService<XmppComponentService>());
        return builder;
    }
}
