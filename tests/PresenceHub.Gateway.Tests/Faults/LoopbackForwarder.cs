using System.Net;
using System.Net.Sockets;

namespace PresenceHub.Gateway.Tests.Faults;

/// <summary>
/// What an active/passive load balancer in front of the gateway replicas does, at TCP level on a loopback port: each
/// new connection goes to the first replica in order that accepts it, so all traffic is on the first one until it
/// dies; a connection whose replica dies is closed, so its client reconnects and lands on the next live one. Graph's
/// notification URL and the connectors' hub address point here, as they would at a load balancer's address in
/// production (so the fault suite's Graph keeps delivering after a replica dies without any change to Graph).
/// </summary>
internal sealed class LoopbackForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int[] _backends;
    private readonly long[] _connections;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private LoopbackForwarder(int[] backends)
    {
        _backends = backends;
        _connections = new long[backends.Length];
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address { get; }

    /// <summary>How many connections went to each backend, in the order given.</summary>
    public IReadOnlyList<long> Connections => Enumerable.Range(0, _connections.Length).Select(i => Interlocked.Read(ref _connections[i])).ToList();

    /// <summary>Starts forwarding to the loopback ports given.</summary>
    public static LoopbackForwarder Start(params int[] backendPorts) => new(backendPorts);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            TcpClient? backend = null;
            for (var index = 0; index < _backends.Length && backend is null; index++)
            {
                var candidate = new TcpClient { NoDelay = true };
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    await candidate.ConnectAsync(IPAddress.Loopback, _backends[index], timeout.Token);
                    Interlocked.Increment(ref _connections[index]);
                    backend = candidate;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    candidate.Dispose();
                }
            }

            if (backend is null)
            {
                return;
            }

            using (backend)
            {
                client.NoDelay = true;
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(client.GetStream(), backend.GetStream(), done.Token);
                var down = PumpAsync(backend.GetStream(), client.GetStream(), done.Token);
                // Either side ending ends the connection: a dead replica shows as a closed connection to its client.
                await Task.WhenAny(up, down);
                await done.CancelAsync();
                client.Client.Close(0);
                backend.Client.Close(0);
                await Task.WhenAll(up, down);
            }
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended.
        }
    }
}
