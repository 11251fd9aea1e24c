using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Presence;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>
/// Writes what the store says is due: pending sets and clears, refreshes before expiry, retries of failed writes, and
/// the last clear of users who left federation (whose entries it then deletes).
/// Every replica runs one; a replica first claims an entry (compare-and-set of a random claim token and a claim expiry,
/// which also moves the entry's due time to that expiry), so only one replica writes a session at a time without a
/// lease. A claim whose replica died expires after <see cref="WriteBackOptions.ClaimTimeout"/> and the entry is due
/// again, for any replica. The result is recorded only while the claim is still this write's own; submissions made
/// meanwhile leave the claim alone and are written right after.
/// </summary>
internal sealed class PresenceWriteBackWorker(
    IWriteBackStore store,
    TeamsSessionWriter writer,
    IMetadataLog metadataLog,
    IOptions<WriteBackOptions> options,
    TimeProvider time,
    ILogger<PresenceWriteBackWorker> logger) : BackgroundService
{
    private const int MaxRecordAttempts = 16;

    private readonly WriteBackOptions _options = options.Value;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a pass now, for instance after a submission.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>One pass over the entries due now; returns how many were looked at.</summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var due = await store.DueAsync(time.GetUtcNow(), _options.BatchSize, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(due, new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.MaxConcurrentCalls,
            CancellationToken = cancellationToken,
        }, async (key, ct) =>
        {
            try
            {
                await ProcessAsync(key, ct).ConfigureAwait(false);
            }
            catch (StateUnavailableException e)
            {
                // The entry stays due (or claimed until its claim expires); a later pass takes it again.
                WriteBackLog.ResultNotRecorded(logger, "write", key.UserId, key.Organization.ToString(), e);
            }
        }).ConfigureAwait(false);
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var looked = 0;
            try
            {
                looked = await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                WriteBackLog.PassFailed(logger, e);
            }

            if (looked >= _options.BatchSize)
            {
                continue;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var interval = Task.Delay(_options.PollInterval, time, wake.Token);
            var woken = _wake.Reader.WaitToReadAsync(wake.Token).AsTask();
            await Task.WhenAny(interval, woken).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
            await wake.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(WriteBackKey key, CancellationToken cancellationToken)
    {
        var entry = (await store.GetAsync([key], cancellationToken).ConfigureAwait(false))[0];
        var now = time.GetUtcNow();
        if (entry is null)
        {
            // A due mark without an entry (deleted meanwhile): remove the mark.
            await store.TryReplaceAsync(key, 0, null, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (entry.IsClaimed(now))
        {
            return;
        }

        if (entry.HasLapsed(now))
        {
            // The user left and any session of ours has expired in Teams by now: nothing is left to clear.
            if (await store.TryReplaceAsync(key, entry.Revision, null, null, cancellationToken).ConfigureAwait(false))
            {
                WriteBackLog.Ended(logger, key.UserId, key.Organization.ToString(), "lapsed");
            }

            return;
        }

        if (entry.WorkAt(now, _options) is not { } work)
        {
            // Due early or not at all (for instance a claim that expired after its write was recorded elsewhere): refile it.
            var current = entry.Unclaimed();
            await store.TryReplaceAsync(key, entry.Revision, current, current.DueAt(now, _options), cancellationToken).ConfigureAwait(false);
            return;
        }

        var claim = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var claimed = entry.Claimed(claim, work, now, _options);
        if (!await store.TryReplaceAsync(key, entry.Revision, claimed, claimed.DueAt(now, _options), cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var outcome = work.Pair is { } pair
            ? await writer.SetAsync(key.Organization, key.UserId, WriteBackPairs.Parse(pair), cancellationToken).ConfigureAwait(false)
            : await writer.ClearAsync(key.Organization, key.UserId, cancellationToken).ConfigureAwait(false);
        var federated = await RecordAsync(key, claim, work, outcome, cancellationToken).ConfigureAwait(false);
        if (outcome.Kind == WriteOutcomeKind.Success && !work.IsRefresh && federated)
        {
            // One entry per change written into Teams: the user's presence on the platform it came from, to their
            // Teams presence, in our write-back session. Refreshes of the same state are not new messages, and a
            // user who left gets no new entries (an erasure may just have deleted theirs).
            var sender = MetadataLogEntry.UserAddress(work.Platform ?? entry.AppliedPlatform ?? Platform.Teams.Id, key.UserId);
            await metadataLog.AppendAsync(key.Organization,
                [new MetadataLogEntry(time.GetUtcNow(), sender, MetadataLogEntry.UserAddress(Platform.Teams.Id, key.UserId), MessageType.Presence, writer.SessionId)],
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records the result of a write; returns whether the user still takes part in federation as far as the entry says.</summary>
    private async Task<bool> RecordAsync(WriteBackKey key, string claim, WriteBackWork work, WriteOutcome outcome, CancellationToken cancellationToken)
    {
        var federated = true;
        var operation = work.Pair is null ? "clear" : "set";
        var organization = key.Organization.ToString();
        for (var attempt = 0; attempt < MaxRecordAttempts; attempt++)
        {
            var entry = (await store.GetAsync([key], cancellationToken).ConfigureAwait(false))[0];
            federated = entry is { IsLeaving: false };
            if (entry is null || !string.Equals(entry.Claim, claim, StringComparison.Ordinal))
            {
                // The claim expired and another write took over; its result is the one to keep.
                WriteBackLog.ClaimLost(logger, key.UserId, organization);
                return federated;
            }

            var now = time.GetUtcNow();
            WriteBackEntry? next;
            switch (outcome.Kind)
            {
                case WriteOutcomeKind.Success when entry.IsLeaving && work.Pair is null:
                    next = null;
                    WriteBackLog.Ended(logger, key.UserId, organization, "cleared");
                    break;
                case WriteOutcomeKind.NotFound when entry.IsLeaving:
                    next = null;
                    WriteBackLog.Ended(logger, key.UserId, organization, "not-found");
                    break;
                case WriteOutcomeKind.Success:
                    next = entry.Written(work, now, _options);
                    WriteBackLog.Written(logger, operation, key.UserId, organization, work.IsRefresh);
                    break;
                case WriteOutcomeKind.NotFound:
                    next = null;
                    WriteBackLog.UserNotFound(logger, key.UserId, organization);
                    break;
                default:
                    next = entry.Failed(now, _options);
                    WriteBackLog.WriteFailed(logger, operation, key.UserId, organization, outcome.Reason, next.Failures, next.RetryAt!.Value);
                    break;
            }

            if (await store.TryReplaceAsync(key, entry.Revision, next, next?.DueAt(now, _options), cancellationToken).ConfigureAwait(false))
            {
                return federated;
            }
        }

        // Submissions kept winning the race; the claim expires and the entry is written again.
        WriteBackLog.ResultNotRecorded(logger, operation, key.UserId, organization, new InvalidOperationException("Too many concurrent changes."));
        return federated;
    }
}
