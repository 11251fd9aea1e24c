using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>
/// Graph abandons a notification POST it waited 3 s for (and a dying load balancer resets its connections): the
/// webhook sees its body read fail. Found by the fault suite, where each such POST was logged by Kestrel as an
/// unhandled exception at error level.
/// </summary>
public sealed class AbandonedNotificationPostTests
{
    [Fact]
    public async Task NotificationPost_ResetByTheSenderMidBody_EndsWithoutAnUnhandledException()
    {
        var requests = new RequestOutcomes();
        await using var world = await GraphIngestWorld.StartAsync(users: 1,
            configureServices: services => services.AddSingleton<IStartupFilter>(requests));

        // Announce a large body (more than the test recorder buffers), send part of it, then reset the connection.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(world.GatewayAddress.Host, world.GatewayAddress.Port);
            var stream = client.GetStream();
            var head = $"POST {GraphWebhookEndpoints.NotificationsPath} HTTP/1.1\r\nHost: {world.GatewayAddress.Authority}\r\n" +
                       "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{\"value\":[";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + new string(' ', 4096)));
            await stream.FlushAsync();
            await Poll.UntilAsync(() => requests.Started > 0, "the webhook to start reading the body");
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }

        await Poll.UntilAsync(() => !requests.Completed.IsEmpty, "the webhook to finish the abandoned request");
        Assert.Null(Assert.Single(requests.Completed));
    }

    /// <summary>Wraps the whole pipeline and records how each notification request ended: null, or what escaped it.</summary>
    private sealed class RequestOutcomes : IStartupFilter
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public ConcurrentQueue<Exception?> Completed { get; } = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                if (context.Request.Path != GraphWebhookEndpoints.NotificationsPath)
                {
                    await inner(context);
                    return;
                }

                Interlocked.Increment(ref _started);
                try
                {
                    await inner(context);
                    Completed.Enqueue(null);
                }
                catch (Exception e)
                {
                    Completed.Enqueue(e);
                    throw;
                }
            });
            next(app);
        };
    }
}
