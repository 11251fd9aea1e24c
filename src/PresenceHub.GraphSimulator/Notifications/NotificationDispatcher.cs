using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Identity;
using PresenceHub.GraphSimulator.Subscriptions;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Notifications;

/// <summary>
/// Delivers notifications as Graph does: per notification URL, one POST at a time carrying every pending item
/// (across subscriptions and tenants) plus one validation token per (app, tenant) for rich items; 2xx within the
/// delivery timeout is success; failures are retried with exponential backoff on the simulator clock until the
/// retry window closes; items of expired or deleted subscriptions are never delivered. Fault knobs apply here.
/// </summary>
internal sealed partial class NotificationDispatcher(
    IHttpClientFactory httpClients,
    SimulatorClock clock,
    TimeProvider realTime,
    SimulatorScheduler scheduler,
    SimulatorFaults faults,
    SimulatorCounters counters,
    TokenIssuer tokens,
    GraphSimulatorOptions options,
    ILogger<NotificationDispatcher> logger) : IDisposable
{
    private const int MaxBatch = 1000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EndpointQueue> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public void Enqueue(string url, IEnumerable<NotificationItem> items, bool applyFaults)
    {
        EndpointQueue queue;
        lock (_gate)
        {
            queue = QueueFor(url);
            foreach (var item in items)
            {
                if (applyFaults && faults.ShouldDrop())
                {
                    counters.DroppedByFault();
                    continue;
                }

                if (applyFaults && faults.ShouldDelay())
                {
                    counters.DelayedByFault();
                    queue.Deferred.Add(item);
                    continue;
                }

                queue.Pending.Add(item);
                if (applyFaults && faults.ShouldDuplicate())
                {
                    counters.DuplicatedByFault();
                    queue.Deferred.Add(item);
                }
            }
        }

        Pump(queue);
    }

    public void Stop() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private EndpointQueue QueueFor(string url)
    {
        if (!_queues.TryGetValue(url, out var queue))
        {
            queue = new EndpointQueue(url, clock.GetUtcNow());
            _queues[url] = queue;
        }

        return queue;
    }

    private void Pump(EndpointQueue queue)
    {
        List<NotificationItem> batch;
        lock (_gate)
        {
            if (queue.InFlight || queue.Pending.Count == 0)
            {
                return;
            }

            var now = clock.GetUtcNow();
            queue.Health.Roll(now);
            if (faults.Current.SlowEndpointThrottling && queue.Health.DelayedUntil is { } until && until > now)
            {
                if (!queue.WakeScheduled)
                {
                    queue.WakeScheduled = true;
                    counters.Deferred();
                    scheduler.Schedule(until, () =>
                    {
                        lock (_gate)
                        {
                            queue.WakeScheduled = false;
                        }

                        Pump(queue);
                    });
                }

                return;
            }

            batch = queue.Pending.Take(MaxBatch).ToList();
            queue.Pending.RemoveRange(0, batch.Count);
            queue.InFlight = true;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await AttemptAsync(queue, batch, clock.GetUtcNow(), 1).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDeliveryCrashed(logger, ex);
            }
            finally
            {
                lock (_gate)
                {
                    queue.InFlight = false;
                    queue.Pending.AddRange(queue.Deferred);
                    queue.Deferred.Clear();
                }

                Pump(queue);
            }
        });
    }

    private async Task AttemptAsync(EndpointQueue queue, List<NotificationItem> batch, DateTimeOffset firstAttempt, int attempt)
    {
        var now = clock.GetUtcNow();
        var live = batch.Where(i => i.Subscription.IsLive(now)).ToList();
        if (live.Count < batch.Count)
        {
            counters.DiscardedExpired(batch.Count - live.Count);
        }

        if (live.Count == 0 || _stop.IsCancellationRequested)
        {
            return;
        }

        var current = faults.Current;
        bool dropping;
        lock (_gate)
        {
            queue.Health.Roll(now);
            dropping = current.SlowEndpointThrottling && queue.Health.Dropping;
        }

        if (dropping)
        {
            counters.DroppedByThrottling(live.Count);
            return;
        }

        if (current.Reorder)
        {
            live.Reverse();
        }

        var (ok, slow) = await PostAsync(queue.Url, Body(live)).ConfigureAwait(false);
        lock (_gate)
        {
            queue.Health.Record(clock.GetUtcNow(), live.Count, slow);
        }

        if (slow)
        {
            counters.SlowPost();
        }

        if (ok)
        {
            var lifecycleItems = live.Count(i => i.IsLifecycle);
            counters.PostSucceeded(live.Count - lifecycleItems, lifecycleItems);
            return;
        }

        counters.PostFailed();
        var failedAt = clock.GetUtcNow();
        if (failedAt - firstAttempt >= options.DeliveryRetryWindow)
        {
            counters.GaveUp();
            LogGaveUp(logger, live.Count, attempt);
            return;
        }

        var backoff = options.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        var retryAt = failedAt + backoff;
        if (retryAt > firstAttempt + options.DeliveryRetryWindow)
        {
            retryAt = firstAttempt + options.DeliveryRetryWindow;
        }

        scheduler.Schedule(retryAt, () =>
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await AttemptAsync(queue, live, firstAttempt, attempt + 1).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeliveryCrashed(logger, ex);
                }
            });
        });
    }

    private JsonObject Body(List<NotificationItem> items)
    {
        var body = new JsonObject { ["value"] = new JsonArray(items.Select(i => (JsonNode)i.Json.DeepClone()).ToArray()) };
        var rich = items.Where(i => i.IsRich).Select(i => (i.Subscription.ApplicationId, i.Subscription.TenantId)).Distinct().ToList();
        if (rich.Count > 0)
        {
            body["validationTokens"] = new JsonArray(rich.Select(r => (JsonNode)tokens.ValidationToken(r.TenantId, r.ApplicationId)).ToArray());
        }

        return body;
    }

    private async Task<(bool Ok, bool Slow)> PostAsync(string url, JsonObject body)
    {
        var simulatedStart = clock.GetUtcNow();
        var realStart = realTime.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(options.DeliveryTimeout);
        var ok = false;
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, faults.Current.DeliveryContentType ?? "application/json");
            using var response = await httpClients.CreateClient(ValidationHandshake.HttpClientName).PostAsync(new Uri(url), content, timeout.Token).ConfigureAwait(false);
            ok = response.IsSuccessStatusCode;
            if (!ok)
            {
                LogRejected(logger, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogPostFailed(logger, ex.GetType().Name);
        }

        // Slowness counts in simulated time too, so tests can make a response "slow" by advancing the clock.
        var elapsed = TimeSpan.FromTicks(Math.Max((clock.GetUtcNow() - simulatedStart).Ticks, realTime.GetElapsedTime(realStart).Ticks));
        Debug.Assert(elapsed >= TimeSpan.Zero, "Elapsed time is never negative.");
        if (elapsed > options.DeliveryTimeout)
        {
            ok = false;
        }

        return (ok, elapsed > EndpointHealth.SlowThreshold);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Notification endpoint answered {Status}")]
    private static partial void LogRejected(ILogger logger, int status);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Notification POST failed: {Reason}")]
    private static partial void LogPostFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "Notification delivery failed unexpectedly")]
    private static partial void LogDeliveryCrashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Gave up delivering {Count} notifications after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, int count, int attempts);
}
