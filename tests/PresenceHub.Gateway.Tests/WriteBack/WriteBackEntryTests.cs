using PresenceHub.Gateway.WriteBack;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.WriteBack;

/// <summary>The session rules without Graph: versions, the rule between platforms, due times and echoes.</summary>
public sealed class WriteBackEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly WriteBackOptions Options = new();
    private static readonly OrganizationId Org = new(Guid.NewGuid());

    [Fact]
    public void Accept_IgnoresOlderAndEqualVersionsOfTheSamePlatform()
    {
        var entry = new WriteBackEntry().Accept(Update(Platform.Xmpp, PresenceCategory.Away, 5), Now)!;
        Assert.Null(entry.Accept(Update(Platform.Xmpp, PresenceCategory.DoNotDisturb, 5), Now));
        Assert.Null(entry.Accept(Update(Platform.Xmpp, PresenceCategory.DoNotDisturb, 4), Now));
        Assert.NotNull(entry.Accept(Update(Platform.Slack, PresenceCategory.DoNotDisturb, 1), Now));
    }

    [Fact]
    public void Desired_IsTheMostRecentlyAcceptedOnlinePlatform_AndNoneWhenAllAreOffline()
    {
        var entry = new WriteBackEntry()
            .Accept(Update(Platform.Xmpp, PresenceCategory.Away, 9), Now)!
            .Accept(Update(Platform.Slack, PresenceCategory.DoNotDisturb, 1), Now)!;
        Assert.Equal(("slack", "DoNotDisturb/Presenting"), (entry.Desired!.Platform, entry.Desired.Pair));

        entry = entry.Accept(Update(Platform.Slack, PresenceCategory.Offline, 2), Now)!;
        Assert.Equal(("xmpp", "Away/Away"), (entry.Desired!.Platform, entry.Desired.Pair));

        entry = entry.Accept(Update(Platform.Xmpp, PresenceCategory.Unknown, 10), Now)!;
        Assert.Null(entry.Desired);
    }

    [Fact]
    public void WrittenSession_IsDueForRefreshBeforeItExpires_AndAvailableOnesBeforeTheyFadeToIdle()
    {
        var busy = Written(PresenceCategory.InACall);
        Assert.False(busy.IsPending(Now));
        Assert.Null(busy.WorkAt(Now, Options));
        var refreshAt = Now + Options.SessionLifetime - Options.RefreshBefore;
        Assert.Equal(refreshAt, busy.DueAt(Now, Options));
        Assert.Equal(new WriteBackWork("Busy/InACall", "xmpp", IsRefresh: true), busy.WorkAt(refreshAt, Options));

        var available = Written(PresenceCategory.Available);
        Assert.Equal(Now + Options.AvailableRefreshInterval, available.DueAt(Now, Options));
    }

    [Fact]
    public void ExpiredSession_IsPendingAgain_AndAClaimHoldsOffOtherWriters()
    {
        var busy = Written(PresenceCategory.InACall);
        var later = Now + Options.SessionLifetime;
        Assert.True(busy.IsPending(later));

        var claimed = busy.Claimed("c", busy.WorkAt(later, Options)!, later, Options);
        Assert.Null(claimed.WorkAt(later, Options));
        Assert.Equal(later + Options.ClaimTimeout, claimed.DueAt(later, Options));
        Assert.NotNull(claimed.WorkAt(later + Options.ClaimTimeout, Options));
    }

    [Fact]
    public void Failures_BackOffExponentially_UpToTheMaximum()
    {
        var entry = new WriteBackEntry().Accept(Update(Platform.Xmpp, PresenceCategory.Away, 1), Now)!;
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            entry = entry.Failed(Now, Options);
            delays.Add(entry.RetryAt!.Value - Now);
            Assert.Null(entry.WorkAt(Now, Options));
            Assert.Equal(entry.RetryAt, entry.DueAt(Now, Options));
        }

        Assert.Equal(Options.RetryDelay, delays[0]);
        Assert.Equal(Options.RetryDelay * 2, delays[1]);
        Assert.Equal(Options.MaxRetryDelay, delays[^1]);
        Assert.NotNull(entry.WorkAt(entry.RetryAt!.Value, Options));
    }

    [Fact]
    public void EchoOf_MatchesOurPair_ItsIdleFade_AndTheWriteInProgress_ButNotOtherStates()
    {
        var available = Written(PresenceCategory.Available);
        Assert.Equal("xmpp", available.EchoOf(new PresenceState(Availability.Available, Activity.Available), Now));
        Assert.Equal("xmpp", available.EchoOf(new PresenceState(Availability.AvailableIdle, Activity.Available), Now));
        Assert.Null(available.EchoOf(new PresenceState(Availability.Busy, Activity.InAMeeting), Now));
        Assert.Null(available.EchoOf(new PresenceState(Availability.Available, Activity.Available), Now + Options.SessionLifetime));

        var writing = available.Accept(Update(Platform.Slack, PresenceCategory.DoNotDisturb, 1), Now)!;
        writing = writing.Claimed("c", writing.WorkAt(Now, Options)!, Now, Options);
        Assert.Equal("slack", writing.EchoOf(new PresenceState(Availability.DoNotDisturb, Activity.Presenting), Now));
    }

    [Fact]
    public void SamePairFromAnotherPlatform_NeedsNoCall_ButEchoesBelongToIt()
    {
        var entry = Written(PresenceCategory.Away).Accept(Update(Platform.Slack, PresenceCategory.Idle, 1), Now)!;
        Assert.False(entry.IsPending(Now));
        Assert.Equal("slack", entry.AppliedPlatform);
    }

    [Fact]
    public void Leaving_ClearsAtOnce_TakesNoUpdates_AndLapsesWhenNoSessionOfOursCanRemain()
    {
        var busy = Written(PresenceCategory.InACall).Failed(Now, Options);
        Assert.True(busy.MayHoldSession(Now));
        var leaving = busy.Leaving(Now, Options);

        Assert.True(leaving.IsLeaving);
        Assert.Empty(leaving.Sources);
        Assert.Equal(Now + Options.ClaimTimeout + Options.SessionLifetime, leaving.EndsBy);
        // The retry of the failed write is not waited for: the clear is due now.
        Assert.True(leaving.IsPending(Now));
        Assert.Equal(Now, leaving.DueAt(Now, Options));
        Assert.Equal(new WriteBackWork(null, null, IsRefresh: false), leaving.WorkAt(Now, Options));
        Assert.Null(leaving.Accept(Update(Platform.Slack, PresenceCategory.DoNotDisturb, 9), Now));
        Assert.Equal(leaving.EndsBy, leaving.Leaving(Now.AddMinutes(1), Options).EndsBy);

        // A failing clear retries with backoff, but not past the lapse, after which nothing is left to clear.
        var failing = leaving;
        for (var i = 0; i < 20; i++)
        {
            failing = failing.Failed(Now, Options);
        }

        Assert.Equal(Now + Options.MaxRetryDelay, failing.DueAt(Now, Options));
        var late = leaving.EndsBy!.Value - TimeSpan.FromSeconds(1);
        Assert.Equal(leaving.EndsBy, failing.Failed(late, Options).DueAt(late, Options));
        Assert.False(leaving.HasLapsed(late));
        Assert.True(leaving.HasLapsed(leaving.EndsBy!.Value));
        Assert.Null(leaving.WorkAt(leaving.EndsBy!.Value, Options));
    }

    [Fact]
    public void Leaving_WhileASetIsInProgress_ClearsAfterItAndLapsesOnlyAfterWhatItSet()
    {
        var entry = new WriteBackEntry().Accept(Update(Platform.Xmpp, PresenceCategory.DoNotDisturb, 1), Now)!;
        Assert.False(entry.MayHoldSession(Now));
        var work = entry.WorkAt(Now, Options)!;
        var claimed = entry.Claimed("c", work, Now, Options);
        Assert.True(claimed.MayHoldSession(Now));

        var leaving = claimed.Leaving(Now, Options);
        Assert.Null(leaving.WorkAt(Now, Options));
        Assert.Equal(claimed.ClaimedUntil, leaving.DueAt(Now, Options));

        // The set lands late; the session it made lasts past the bound taken when the user left, and is cleared.
        var landed = leaving.EndsBy!.Value - TimeSpan.FromSeconds(1);
        var written = leaving.Written(work, landed, Options);
        Assert.True(written.IsLeaving);
        Assert.Equal(new WriteBackWork(null, null, IsRefresh: false), written.WorkAt(landed, Options));
        Assert.False(written.HasLapsed(leaving.EndsBy!.Value));
        Assert.True(written.HasLapsed(landed + Options.SessionLifetime));
    }

    private static WriteBackEntry Written(PresenceCategory category)
    {
        var entry = new WriteBackEntry().Accept(Update(Platform.Xmpp, category, 1), Now)!;
        return entry.Written(entry.WorkAt(Now, Options)!, Now, Options);
    }

    private static PresenceUpdate Update(Platform platform, PresenceCategory category, int sequence) =>
        new(Org, "00000000-0000-0000-0000-000000000001", platform, PresenceState.ForCategory(category),
            PresenceVersion.FromSequence(sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)), platform, Now);
}
