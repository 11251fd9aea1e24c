namespace PresenceHub.Gateway.Relay;

/// <summary>
/// Wakes one waiting reader. A signal given while nobody waits is kept, so a wake-up between a read that found
/// nothing and the wait that follows is never lost.
/// </summary>
internal sealed class FeedSignal(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private readonly Lock _gate = new();

    public void Set()
    {
        lock (_gate)
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_semaphore.Wait(0, CancellationToken.None))
        {
            return true;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _semaphore.Dispose();
}
