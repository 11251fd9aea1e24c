using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph.Models.ODataErrors;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.GraphIngest.Subscriptions;
using PresenceHub.Presence;
using Subscription = Microsoft.Graph.Models.Subscription;

namespace PresenceHub.Gateway.Tests.Graph;

/// <summary>The schedule and outcomes of <see cref="SubscriptionVerifier"/>, with Graph's answers given by the test.</summary>
public sealed class SubscriptionVerifierTests
{
    private static readonly OrganizationId Organization = OrganizationId.Parse("8f2a3c1e-6b0d-4c55-9a7e-2d1f0b9c4e11");
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryGraphSubscriptionStore _store = new();
    private readonly List<(string Id, DateTimeOffset At)> _fetched = [];
    private readonly SubscriptionVerifier _verifier;

    public SubscriptionVerifierTests() =>
        _verifier = new SubscriptionVerifier(_store, Microsoft.Extensions.Options.Options.Create(new GraphOptions { SubscriptionCheckInterval = Interval }),
            _time, NullLogger<SubscriptionVerifier>.Instance);

    [Fact]
    public async Task OverEachInterval_EverySubscriptionIsFetchedOnce_AtSpreadOutPasses()
    {
        var subscriptions = await SaveAsync(200);
        await VerifyAsync(Live);

        for (var interval = 1; interval <= 3; interval++)
        {
            for (var pass = 0; pass < Interval / Pass; pass++)
            {
                _time.Advance(Pass);
                await VerifyAsync(Live);
            }

            Assert.Equal(interval * subscriptions.Count, _fetched.Count);
            Assert.All(_fetched.CountBy(f => f.Id), c => Assert.Equal(interval, c.Value));
        }

        // Spread over the interval, not all in one pass: no pass made more than a quarter of them.
        Assert.True(_fetched.CountBy(f => f.At).Max(c => c.Value) < subscriptions.Count / 4);
        Assert.Equal(3 * 10, _fetched.Select(f => f.At).Distinct().Count());
    }

    [Fact]
    public async Task Missing_And_ExpiredAtGraph_LoseTheirRecords_OthersStay()
    {
        var subscriptions = await SaveAsync(3);
        var (missing, expired, live) = (subscriptions[0].Id, subscriptions[1].Id, subscriptions[2].Id);
        await VerifyAsync(Live);
        _time.Advance(Interval);

        var lost = await VerifyAsync(s =>
            s.Id == missing ? throw new ODataError { ResponseStatusCode = 404 }
            : s.Id == expired ? new Subscription { Id = s.Id, ExpirationDateTime = _time.GetUtcNow().AddSeconds(-1) }
            : Live(s));

        Assert.Equal(2, lost);
        Assert.Equal([live], (await _store.ListAsync(Organization, CancellationToken.None)).Select(s => s.Id));
    }

    [Fact]
    public async Task OtherGraphErrors_KeepTheRecord_AndAreNotRetriedBeforeTheNextPoint()
    {
        var subscription = (await SaveAsync(1))[0];
        await VerifyAsync(Live);
        _time.Advance(Interval);

        Assert.Equal(0, await VerifyAsync(_ => throw new ODataError { ResponseStatusCode = 403 }));
        await VerifyAsync(Live);

        Assert.Single(_fetched);
        Assert.NotNull(await _store.FindAsync(subscription.Id, CancellationToken.None));
    }

    [Fact]
    public async Task GraphUnreachable_StopsThisPass_AndTheNextPassChecksAgain()
    {
        await SaveAsync(2);
        await VerifyAsync(Live);
        _time.Advance(Interval);

        await VerifyAsync(_ => throw new HttpRequestException("connection refused"));
        Assert.Single(_fetched);
        await VerifyAsync(Live);

        Assert.Equal(3, _fetched.Count);
        Assert.Equal(2, (await _store.ListAsync(Organization, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task RequestedCheck_ChecksCoveringSubscriptionsOnce_OrAllWithoutUsers()
    {
        var subscriptions = await SaveAsync(3);
        await VerifyAsync(Live);

        _verifier.RequestCheck(Organization, [subscriptions[1].UserIds[0].ToUpperInvariant()]);
        await VerifyAsync(Live);
        await VerifyAsync(Live);
        Assert.Equal([subscriptions[1].Id], _fetched.Select(f => f.Id));

        _verifier.RequestCheck(Organization, []);
        await VerifyAsync(Live);
        Assert.Single(_fetched);

        _time.Advance(TimeSpan.FromSeconds(1));
        _verifier.RequestCheck(Organization);
        await VerifyAsync(Live);
        Assert.Equal(4, _fetched.Count);
    }

    [Fact]
    public async Task NewlySeenSubscription_IsFirstCheckedWithinOneInterval()
    {
        await VerifyAsync(Live);
        var subscription = (await SaveAsync(1))[0];

        await VerifyAsync(Live);
        Assert.Empty(_fetched);
        for (var pass = 0; pass < Interval / Pass; pass++)
        {
            _time.Advance(Pass);
            await VerifyAsync(Live);
        }

        Assert.Equal(subscription.Id, Assert.Single(_fetched).Id);
    }

    private Subscription? Live(GraphSubscription subscription) =>
        new() { Id = subscription.Id, ExpirationDateTime = _time.GetUtcNow().AddMinutes(30) };

    private async Task<int> VerifyAsync(Func<GraphSubscription, Subscription?> graph) =>
        await _verifier.VerifyAsync(Organization, await _store.ListAsync(Organization, CancellationToken.None), (subscription, _) =>
        {
            _fetched.Add((subscription.Id, _time.GetUtcNow()));
            return Task.FromResult(graph(subscription));
        }, CancellationToken.None);

    private async Task<IReadOnlyList<GraphSubscription>> SaveAsync(int count)
    {
        var saved = new List<GraphSubscription>();
        for (var i = 0; i < count; i++)
        {
            var subscription = new GraphSubscription(Guid.NewGuid().ToString("D"), Organization, GraphSubscriptionKind.Presence,
                "/communications/presences", "state", $"owner-{i}", [$"user-{i}"], _time.GetUtcNow().AddMinutes(60));
            await _store.SaveAsync(subscription, CancellationToken.None);
            saved.Add(subscription);
        }

        return saved;
    }
}
