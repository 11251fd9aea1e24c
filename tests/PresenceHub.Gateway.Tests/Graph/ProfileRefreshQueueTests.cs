using Microsoft.Extensions.Logging.Abstractions;
using PresenceHub.Gateway.GraphIngest;
using PresenceHub.Gateway.Privacy;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Graph;

public sealed class ProfileRefreshQueueTests
{
    private readonly InMemoryConsentStore _consents = new();
    private readonly OrganizationId _organization = new(Guid.NewGuid());

    [Fact]
    public async Task Admit_DropsUsersWhoDidNotConsent_AndCountsThem()
    {
        var (consenting, bystander) = (User(), User());
        await _consents.GrantAsync(new Consent(_organization, consenting, ConsentSource.AdminAssigned, DateTimeOffset.UnixEpoch), CancellationToken.None);
        var queue = NewQueue();

        var admitted = await queue.AdmitAsync([(_organization, consenting, false), (_organization, bystander, false), (new OrganizationId(Guid.NewGuid()), consenting, false)], CancellationToken.None);

        Assert.Equal([(_organization, consenting, false)], admitted);
        Assert.Equal([(_organization, consenting, false)], queue.Take(10));
    }

    [Fact]
    public async Task Admit_SameUserTwice_IsTakenOnce_WithTheLatestChange()
    {
        var user = User();
        await _consents.GrantAsync(new Consent(_organization, user, ConsentSource.AdminAssigned, DateTimeOffset.UnixEpoch), CancellationToken.None);
        var queue = NewQueue();

        await queue.AdmitAsync([(_organization, user, false), (_organization, user.ToUpperInvariant(), true)], CancellationToken.None);

        Assert.Equal([(_organization, user, true)], queue.Take(10));
        Assert.Empty(queue.Take(10));
    }

    [Fact]
    public void Request_AfterTake_QueuesTheUserAgain()
    {
        var user = User();
        var queue = NewQueue();
        queue.Request(_organization, [user]);
        Assert.Single(queue.Take(10));

        queue.Request(_organization, [user]);

        Assert.Equal([(_organization, user, false)], queue.Take(10));
    }

    private ProfileRefreshQueue NewQueue() => new(_consents, NullLogger<ProfileRefreshQueue>.Instance);

    private static string User() => Guid.NewGuid().ToString("D");
}
