using Grpc.Core;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Gateway.Connectors;

/// <summary>One connector stream's response side: one write at a time, whoever writes (batches, echoes, results, errors).</summary>
internal sealed class ConnectorStreamWriter(IServerStreamWriter<V1.ConnectResponse> writer)
{
    private readonly SemaphoreSlim _writes = new(1, 1);

    public async Task WriteAsync(V1.ConnectResponse response, CancellationToken token)
    {
        await _writes.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await writer.WriteAsync(response, token).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Writes a last message if the connection still takes it; a gone connection is not an error here.</summary>
    public async Task TryWriteFinalAsync(V1.ConnectResponse response)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The connection is already gone; the connector learns by reconnecting.
        }
    }
}
