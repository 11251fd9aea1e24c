using System.Text.Json.Serialization;
using PresenceHub.Presence;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// One user's write-back session as stored: the newest presence each linked platform submitted, what our session
/// holds in Teams and until when, and which replica is writing it. Immutable; every change is a new revision,
/// which the store writes only over the revision it was derived from (compare-and-set).
/// </summary>
/// <remarks>
/// Which platform wins when a user is linked from several: the one whose update was accepted most recently, among
/// the platforms whose presence maps to a session; a platform going offline hands the session back to the next
/// most recent one still online, and the session is cleared only when none is. When the user leaves federation the
/// entry becomes <see cref="IsLeaving"/>: its session is cleared like any other write (retried with backoff, durable in
/// the store), and then the entry is deleted.
/// </remarks>
internal sealed record WriteBackEntry
{
    /// <summary>The store's compare-and-set token: 0 for "absent", then 1, 2, ...</summary>
    public long Revision { get; init; }

    /// <summary>Updates accepted so far; orders <see cref="WriteBackSource.Order"/>.</summary>
    public long Accepted { get; init; }

    public IReadOnlyList<WriteBackSource> Sources { get; init; } = [];

    /// <summary>The pair our session holds in Teams; null when we hold none.</summary>
    public string? AppliedPair { get; init; }

    public string? AppliedPlatform { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The random token of the write in progress, if any.</summary>
    public string? Claim { get; init; }

    public DateTimeOffset? ClaimedUntil { get; init; }

    /// <summary>The pair the write in progress sets; null while it clears.</summary>
    public string? WritingPair { get; init; }

    public string? WritingPlatform { get; init; }

    /// <summary>Failed writes in a row.</summary>
    public int Failures { get; init; }

    /// <summary>Not before this is a failed write tried again.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>
    /// Set when the user left federation (<see cref="Leaving"/>): the entry then only clears our session, takes no
    /// more updates, and is deleted once Teams confirmed the clear or has no such user. No session of ours outlives
    /// this time, so once it passed the entry is deleted without a call.
    /// </summary>
    public DateTimeOffset? EndsBy { get; init; }

    /// <summary>Whether the user left federation and the entry waits only for our session to be cleared.</summary>
    [JsonIgnore]
    public bool IsLeaving => EndsBy is not null;

    /// <summary>The platform whose presence the session should show; null when it should be cleared.</summary>
    [JsonIgnore]
    public WriteBackSource? Desired => Sources.Where(s => s.Pair is not null).MaxBy(s => s.Order);

    public bool IsActive(DateTimeOffset now) => AppliedPair is not null && ExpiresAt > now;

    public bool IsClaimed(DateTimeOffset now) => Claim is not null && ClaimedUntil > now;

    /// <summary>Whether Teams must be told something new (set a different pair, or clear).</summary>
    public bool IsPending(DateTimeOffset now) => IsLeaving ||
        !string.Equals(Desired?.Pair, IsActive(now) ? AppliedPair : null, StringComparison.Ordinal);

    /// <summary>
    /// Takes <paramref name="update"/> when it supersedes what its platform submitted before; null when it is stale or
    /// a duplicate.
    /// </summary>
    public WriteBackEntry? Accept(PresenceUpdate update, DateTimeOffset now)
    {
        if (IsLeaving)
        {
            // The user left: what was on its way when they did must not set a session again.
            return null;
        }

        var platform = update.Source.Id;
        var previous = Sources.FirstOrDefault(s => string.Equals(s.Platform, platform, StringComparison.Ordinal));
        if (previous is not null && PresenceVersion.Parse(previous.Version) >= update.Version)
        {
            return null;
        }

        var pair = TeamsSessionMapping.Instance.ToPlatform(update.State) is { } mapped ? WriteBackPairs.Format(mapped) : null;
        var source = new WriteBackSource(platform, update.Version.Stamp, pair, Accepted + 1);
        var next = this with
        {
            Accepted = Accepted + 1,
            Sources = [.. Sources.Where(s => !ReferenceEquals(s, previous)), source],
        };

        // Another platform now stands behind the pair the session already shows: no call, but echoes are its own.
        return !next.IsPending(now) && next.IsActive(now) && next.Desired is { } desired
            ? next with { AppliedPlatform = desired.Platform }
            : next;
    }

    /// <summary>The Graph call due at <paramref name="now"/>, if any.</summary>
    public WriteBackWork? WorkAt(DateTimeOffset now, WriteBackOptions options)
    {
        if (IsClaimed(now) || RetryAt > now)
        {
            return null;
        }

        if (IsLeaving)
        {
            return HasLapsed(now) ? null : new WriteBackWork(null, null, IsRefresh: false);
        }

        if (IsPending(now))
        {
            var desired = Desired;
            return new WriteBackWork(desired?.Pair, desired?.Platform, IsRefresh: false);
        }

        return IsActive(now) && now >= RefreshAt(options) ? new WriteBackWork(AppliedPair, AppliedPlatform, IsRefresh: true) : null;
    }

    /// <summary>When a worker should look at this entry next; null when there is nothing to do until it changes.</summary>
    public DateTimeOffset? DueAt(DateTimeOffset now, WriteBackOptions options)
    {
        if (IsClaimed(now))
        {
            return ClaimedUntil;
        }

        if (IsLeaving)
        {
            // The clear now or at its retry, but never later than the session would have lapsed by itself.
            var lapse = ExpiresAt is { } expires && expires > EndsBy!.Value ? expires : EndsBy!.Value;
            var retry = RetryAt is { } retryAt && retryAt > now ? retryAt : now;
            return retry < lapse ? retry : lapse;
        }

        var due = IsPending(now) ? now : IsActive(now) ? RefreshAt(options) : (DateTimeOffset?)null;
        return due is { } at && RetryAt > at ? RetryAt : due;
    }

    /// <summary>Which platform's presence Teams is showing when it shows <paramref name="state"/>, if it is our session's doing.</summary>
    public string? EchoOf(PresenceState state, DateTimeOffset now)
    {
        if (IsClaimed(now) && WritingPair is { } writing && WriteBackPairs.Produces(writing, state))
        {
            return WritingPlatform;
        }

        return IsActive(now) && WriteBackPairs.Produces(AppliedPair!, state) ? AppliedPlatform : null;
    }

    public WriteBackEntry Claimed(string claim, WriteBackWork work, DateTimeOffset now, WriteBackOptions options) => this with
    {
        Claim = claim,
        ClaimedUntil = now + options.ClaimTimeout,
        WritingPair = work.Pair,
        WritingPlatform = work.Platform,
    };

    public WriteBackEntry Written(WriteBackWork work, DateTimeOffset now, WriteBackOptions options) => Unclaimed() with
    {
        AppliedPair = work.Pair,
        AppliedPlatform = work.Pair is null ? null : work.Platform,
        AppliedAt = work.Pair is null ? null : now,
        ExpiresAt = work.Pair is null ? null : now + options.SessionLifetime,
        Failures = 0,
        RetryAt = null,
    };

    public WriteBackEntry Failed(DateTimeOffset now, WriteBackOptions options)
    {
        var delay = options.RetryDelay * Math.Pow(2, Math.Min(Failures, 16));
        return Unclaimed() with
        {
            Failures = Failures + 1,
            RetryAt = now + (delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay),
        };
    }

    /// <summary>
    /// Whether a session of ours may be in Teams: one was set and has not expired, a write is in progress or its
    /// claim lapsed unrecorded, or a failed write may have reached Graph before it failed.
    /// </summary>
    public bool MayHoldSession(DateTimeOffset now) => IsActive(now) || Claim is not null || Failures > 0;

    /// <summary>
    /// The entry of a user who left federation: no platform stands behind it any more, and our session is cleared at
    /// once (a write in progress keeps its claim and is cleared after it). Any session of ours, including one a write
    /// in progress sets, has lapsed by <see cref="EndsBy"/>.
    /// </summary>
    public WriteBackEntry Leaving(DateTimeOffset now, WriteBackOptions options) => this with
    {
        Sources = [],
        EndsBy = EndsBy ?? now + options.ClaimTimeout + options.SessionLifetime,
        RetryAt = null,
    };

    /// <summary>Whether a leaving entry has nothing left to clear: any session of ours has expired in Teams by itself.</summary>
    public bool HasLapsed(DateTimeOffset now) => EndsBy <= now && !IsClaimed(now) && !(ExpiresAt > now);

    public WriteBackEntry Unclaimed() => this with { Claim = null, ClaimedUntil = null, WritingPair = null, WritingPlatform = null };

    private DateTimeOffset RefreshAt(WriteBackOptions options)
    {
        var refresh = ExpiresAt!.Value - options.RefreshBefore;
        if (AppliedPair is { } pair && AppliedAt is { } setAt && WriteBackPairs.Parse(pair) == TeamsSessionPresence.Available &&
            setAt + options.AvailableRefreshInterval < refresh)
        {
            // Teams fades an Available session to idle after 5 minutes; setting it again keeps it Available.
            return setAt + options.AvailableRefreshInterval;
        }

        return refresh;
    }
}
