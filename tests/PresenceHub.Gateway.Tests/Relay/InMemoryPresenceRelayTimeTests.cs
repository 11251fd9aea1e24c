using PresenceHub.Gateway.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PresenceHub.Gateway.Relay;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>The in-memory relay takes its clock from the injected <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryPresenceRelayTimeTests
{
    [Fact]
    public async Task Reclaim_HappensOnlyOnceThePendingEventsHaveBeenIdleForReclaimIdle()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var handle = await RelayHandle.StartAsync(
            new StateOptions(),
            new RelayOptions { ReclaimIdle = TimeSpan.FromSeconds(30), FallbackPoll = TimeSpan.FromSeconds(1) },
            services => services.AddSingleton<TimeProvider>(time));
        var relay = handle.Relay;
        var organization = Presences.NewOrganization();
        var connector = new ConnectorFeedId(organization, "xmpp");
        await using var crashed = await relay.OpenFeedAsync(connector, "crashed", CancellationToken.None);
        await relay.PublishAsync([Presences.Update(organization, "u1", 1), Presences.Update(organization, "u2", 2)], CancellationToken.None);
        var held = await crashed.ReadAsync(10, CancellationToken.None);
        await using var survivor = await relay.OpenFeedAsync(connector, "survivor", CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var reading = survivor.ReadAsync(10, deadline.Token).AsTask();
        var idleSince = time.GetUtcNow();
        var idleWhenSeenPending = TimeSpan.Zero;
        for (var second = 0; second < 120 && !reading.IsCompleted; second++)
        {
            idleWhenSeenPending = time.GetUtcNow() - idleSince;
            time.Advance(TimeSpan.FromSeconds(1));
            // Lets the reader's timer continuation run before the clock moves on.
            await Task.Delay(5);
        }

        var reclaimed = await reading;

        Assert.True(idleWhenSeenPending >= TimeSpan.FromSeconds(29), $"Reclaimed after only {idleWhenSeenPending} idle.");
        Assert.Equal(2, held.Count);
        Assert.Equal(held.Select(e => e.Id), reclaimed.Select(e => e.Id));
    }
}
