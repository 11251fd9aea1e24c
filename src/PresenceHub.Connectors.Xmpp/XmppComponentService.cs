using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PresenceHub.Connector.Sdk;
using PresenceHub.Connectors.Xmpp.Presence;
using PresenceHub.Connectors.Xmpp.Protocol;

namespace PresenceHub.Connectors.Xmpp;

/// <summary>
/// Keeps the component connected to the XMPP server: connect and handshake, re-send every contact's presence, read
/// stanzas until the stream fails, then reconnect after an exponential backoff with jitter (reset by a connection
/// that worked). A refused secret is reported to the hub as bad credentials and retried at the longest delay.
/// </summary>
internal sealed class XmppComponentService(
    ComponentLink link,
    PresenceRouter router,
    ConnectorClient hub,
    IOptions<XmppConnectorOptions> options,
    TimeProvider time,
    ILogger<XmppComponentService> logger) : BackgroundService
{
    private readonly XmppConnectorOptions _options = options.Value;

    /// <summary>Raised after each successful handshake and re-broadcast, with the count of connections so far.</summary>
    public event EventHandler<int>? Connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var connections = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var authorized = true;
            try
            {
                await RunConnectionAsync(++connections, () => failures = 0, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (XmppStreamException exception)
            {
                authorized = !exception.IsNotAuthorized;
                XmppLog.StreamFailed(logger, exception.Condition, exception);
            }
            catch (Exception exception)
            {
                // Unreachable server, connect timeout, or the hub failing the re-broadcast: all retried the same way.
                XmppLog.ConnectFailed(logger, _options.ServerHost, _options.ServerPort, exception.GetType().Name);
            }

            hub.ReportState(authorized ? ConnectorState.TransientDisconnect : ConnectorState.BadCredentials,
                authorized ? "xmpp-disconnected" : "xmpp-not-authorized");
            var delay = authorized ? Backoff(++failures) : _options.MaxReconnectDelay;
            XmppLog.Reconnecting(logger, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task RunConnectionAsync(int attempt, Action onConnected, CancellationToken stoppingToken)
    {
        ComponentConnection connection;
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            connecting.CancelAfter(_options.ConnectTimeout);
            connection = await ComponentConnection.ConnectAsync(_options.ServerHost, _options.ServerPort, _options.ComponentDomain,
                _options.ComponentSecret, _options.Limits, connecting.Token).ConfigureAwait(false);
        }

        await using (connection.ConfigureAwait(false))
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            link.Attach(connection);
            try
            {
                XmppLog.ComponentConnected(logger, _options.ComponentDomain);
                hub.ReportState(ConnectorState.Running);
                onConnected();
                await router.OnConnectedAsync(stoppingToken).ConfigureAwait(false);
                Connected?.Invoke(this, attempt);
                var keepAlive = KeepAliveAsync(connection, session.Token);
                try
                {
                    await ReadAsync(connection, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    await session.CancelAsync().ConfigureAwait(false);
                    await keepAlive.ConfigureAwait(false);
                }
            }
            finally
            {
                link.Detach(connection);
            }
        }
    }

    private async Task ReadAsync(ComponentConnection connection, CancellationToken stoppingToken)
    {
        while (true)
        {
            System.Xml.Linq.XElement? stanza;
            try
            {
                stanza = await connection.ReadStanzaAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (XmppStreamException exception) when (exception.Condition is "not-well-formed" or "restricted-xml" or "policy-violation")
            {
                // Say why before hanging up, as RFC 6120 asks.
                await connection.FailAsync(exception.Condition, stoppingToken).ConfigureAwait(false);
                throw;
            }

            if (stanza is null)
            {
                throw new XmppStreamException("reset", "The server closed the stream.");
            }

            try
            {
                await router.HandleStanzaAsync(stanza, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One stanza's failure (e.g. the state directory unwritable) must not take the component offline for everyone.
                XmppLog.StanzaFailed(logger, stanza.Name.LocalName, (string?)stanza.Attribute("type") ?? "none", exception);
            }
        }
    }

    private async Task KeepAliveAsync(ComponentConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.KeepAliveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await connection.SendKeepAliveAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The reader notices a dead connection; the keep-alive only provokes it.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var step = _options.MinReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(step, _options.MaxReconnectDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + (Random.Shared.NextDouble() * capped / 2));
    }
}
