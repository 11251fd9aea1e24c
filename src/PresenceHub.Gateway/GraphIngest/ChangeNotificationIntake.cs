using System.Diagnostics;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.MetadataLog;
using PresenceHub.Gateway.Relay;
using PresenceHub.Presence;
using PresenceHub.Gateway.GraphApi;
using PresenceHub.Gateway.State;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Takes in one change-notification POST from Graph: reads and checks the batch, publishes its presence to the
/// relay, queues profile and installation changes for work off the request path, and writes the metadata log. The
/// answer is 202 only once the events are durable in the relay, 503 when they are not (Graph then retries for up to
/// four hours), 415 for a body that is not JSON, 400 for one that is not a notification collection, and 202 for
/// anything forged.
/// </summary>
internal sealed class ChangeNotificationIntake(
    ChangeNotificationProcessor processor,
    ShareOutPolicy shareOut,
    IPresenceRelay relay,
    ProfileRefreshQueue profiles,
    ReconcileRequests reconcile,
    IMetadataLog metadataLog,
    InstallationChangeQueue installations,
    GraphIngestMetrics metrics,
    IOptions<GraphOptions> options,
    TimeProvider time,
    ILogger<ChangeNotificationProcessor> logger)
{
    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var (collection, refused) = await NotificationPostReader.ReadOrRefuseAsync(context, options.Value.MaxNotificationBytes, metrics, logger, "change").ConfigureAwait(false);
        if (collection is null)
        {
            return refused!;
        }

        NotificationBatch batch;
        try
        {
            // Subscription records may be read from Redis here, and events are written to it: either failing is a
            // 503, so Graph delivers the batch again.
            batch = await processor.ProcessAsync(collection, context.RequestAborted).ConfigureAwait(false);
            // The privacy decision: presence of users who do not share out goes no further than here.
            var shared = await shareOut.DecideAsync(batch.Presence, context.RequestAborted).ConfigureAwait(false);
            if (shared.Shared.Count > 0)
            {
                var outcomes = await relay.PublishAsync(shared.Shared, context.RequestAborted).ConfigureAwait(false);
                AskGraphOnConflict(shared.Shared, outcomes);
            }

            IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)> admitted = [];
            if (batch.ProfileChanges.Count > 0)
            {
                // Queued for the profile refresher, never fetched here; a user who has not consented is dropped.
                admitted = await profiles.AdmitAsync(batch.ProfileChanges, context.RequestAborted).ConfigureAwait(false);
                batch.Reject("user-not-consenting", batch.ProfileChanges.Count - admitted.Count);
            }

            await LogReceivedAsync(time.GetUtcNow(), batch, admitted, context.RequestAborted).ConfigureAwait(false);
            foreach (var (organization, resource) in batch.InstallationChanges)
            {
                // Checked in Graph by the keeper, off the request path; a dropped check waits for the next sweep.
                if (InstallationChangeQueue.UserIdOf(resource) is not { } userId)
                {
                    batch.Reject("malformed");
                }
                else if (!installations.TryEnqueue(organization, userId))
                {
                    batch.Reject("installation-queue-full");
                }
            }
        }
        catch (StateUnavailableException ex)
        {
            GraphIngestLog.RelayUnavailable(logger, collection.Value?.Count ?? 0, ex);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (NotificationPostReader.IsAbandoned(ex, context))
        {
            // Graph gave up waiting (after 3 s) and delivers the batch again; what was published is stale then.
            GraphIngestLog.NotificationPostAbandoned(logger, ex.GetType().Name);
            return Results.Empty;
        }

        foreach (var (reason, count) in batch.Rejected)
        {
            metrics.Rejected(reason, count);
        }

        metrics.Accepted(batch.Presence.Count, Stopwatch.GetElapsedTime(started));
        return Results.Accepted();
    }

    /// <summary>
    /// One metadata entry per presence or profile notification admitted: the user's Teams address as sender, the
    /// gateway as receiver, and the Graph subscription as session. Profile changes of users who have not consented
    /// leave no entry, as they leave nothing else.
    /// </summary>
    /// <summary>
    /// A notification with the version of the last-known state but other content: one of the two is not Graph's
    /// truth, so Graph is asked (the user is reconciled off the request path).
    /// </summary>
    private void AskGraphOnConflict(IReadOnlyList<PresenceUpdate> published, IReadOnlyList<PublishOutcome> outcomes)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] == PublishOutcome.Conflict)
            {
                metrics.Rejected("version-conflict", 1);
                reconcile.TryEnqueue(published[i].Organization, published[i].UserId);
            }
        }
    }

    private async Task LogReceivedAsync(
        DateTimeOffset now, NotificationBatch batch,
        IReadOnlyList<(OrganizationId Organization, string UserId, bool Deleted)> admittedProfiles, CancellationToken cancellationToken)
    {
        if (batch.Sessions.Count == 0)
        {
            return;
        }

        var admitted = admittedProfiles.Select(a => (a.Organization, a.UserId.ToLowerInvariant())).ToHashSet();
        foreach (var organization in batch.Sessions
            .Where(s => !s.IsProfile || admitted.Contains((s.Organization, s.UserId.ToLowerInvariant())))
            .GroupBy(s => s.Organization))
        {
            var entries = organization.Select(s => new MetadataLogEntry(
                now, MetadataLogEntry.UserAddress(Platform.Teams.Id, s.UserId.ToLowerInvariant()), MetadataLogEntry.Gateway,
                s.IsProfile ? MessageType.ProfileChange : MessageType.Presence, s.SubscriptionId)).ToList();
            await metadataLog.AppendAsync(organization.Key, entries, cancellationToken).ConfigureAwait(false);
        }
    }
}
