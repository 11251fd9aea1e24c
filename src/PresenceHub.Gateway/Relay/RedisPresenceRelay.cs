using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PresenceHub.Gateway.Profiles;
using PresenceHub.Presence;
using StackExchange.Redis;
using PresenceHub.Gateway.State;

namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The relay on Redis (standalone or cluster), shared by every gateway replica. See <see cref="RedisRelayKeys"/>
/// for the layout. Publishing runs one script per organization, all pipelined in one round trip; a connector is a
/// consumer group, so events stay pending until it acknowledges them, whichever replica it reads through.
/// </summary>
internal sealed class RedisPresenceRelay : IPresenceRelay
{
    /// <summary>Most updates per publish script, so one script never holds Redis for long.</summary>
    private const int ScriptBatch = 256;

    private readonly RedisConnection _connection;
    private readonly RedisRelayWakeups _wakeups;

    public RedisPresenceRelay(
        RedisConnection connection,
        IOptions<RelayOptions> options,
        IOptions<StateOptions> state,
        TimeProvider time,
        RelayTelemetry telemetry,
        ILogger<RedisPresenceRelay> logger)
    {
        _connection = connection;
        Options = options.Value;
        Time = time;
        Telemetry = telemetry;
        Logger = logger;
        State = state.Value;
        Keys = new RedisRelayKeys(State.KeyPrefix);
        _wakeups = new RedisRelayWakeups(connection, Keys);
    }

    internal RelayOptions Options { get; }

    internal StateOptions State { get; }

    internal TimeProvider Time { get; }

    internal RelayTelemetry Telemetry { get; }

    internal ILogger Logger { get; }

    internal RedisRelayKeys Keys { get; }

    public async Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        var outcomes = new PublishOutcome[updates.Count];
        if (updates.Count == 0)
        {
            return outcomes;
        }

        var started = Stopwatch.GetTimestamp();
        var (traceParent, traceState) = RelayTelemetry.CurrentTraceContext();
        var minId = Options.RetentionMaxAge is { } age
            ? (Time.GetUtcNow() - age).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
            : string.Empty;
        var maxLength = Options.RetentionMaxLength.ToString(CultureInfo.InvariantCulture);
        var lastKnownTtl = ((long)(State.LastKnownTimeToLive?.TotalMilliseconds ?? 0)).ToString(CultureInfo.InvariantCulture);
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var calls = new List<(int[] Indexes, Task<RedisResult> Result)>();
            foreach (var organization in updates.Select((u, i) => (Update: u ?? throw new ArgumentException("A batch holds no null updates.", nameof(updates)), Index: i))
                         .GroupBy(x => x.Update.Organization))
            {
                foreach (var chunk in organization.Chunk(ScriptBatch))
                {
                    var keys = new RedisKey[chunk.Length + 2];
                    var values = new RedisValue[7 + (chunk.Length * 5)];
                    keys[0] = Keys.Stream(organization.Key);
                    keys[1] = Keys.Users(organization.Key);
                    values[0] = maxLength;
                    values[1] = minId;
                    values[2] = traceParent ?? string.Empty;
                    values[3] = traceState ?? string.Empty;
                    values[4] = RelayEventKind.Presence.Token;
                    values[5] = Keys.Wake(organization.Key).ToString();
                    values[6] = lastKnownTtl;
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        var update = chunk[i].Update;
                        var member = RedisRelayKeys.Member(PresenceSubject.Of(update));
                        keys[i + 2] = Keys.LastKnown(organization.Key, member);
                        values[7 + (i * 5)] = update.Version.Stamp;
                        values[8 + (i * 5)] = PresenceUpdateCodec.Encode(update);
                        values[9 + (i * 5)] = member;
                        values[10 + (i * 5)] = PresenceUpdateCodec.EncodeForStream(update);
                        values[11 + (i * 5)] = PresenceUpdateCodec.ContentHash(update.State);
                    }

                    calls.Add((chunk.Select(x => x.Index).ToArray(), database.ScriptEvaluateAsync(RedisRelayScripts.Publish, keys, values)));
                }
            }

            foreach (var (indexes, result) in calls)
            {
                var results = (RedisResult[])(await result.ConfigureAwait(false))!;
                for (var i = 0; i < indexes.Length; i++)
                {
                    outcomes[indexes[i]] = ((string?)results[i]) switch
                    {
                        "a" => PublishOutcome.Accepted,
                        "d" => PublishOutcome.Duplicate,
                        "c" => PublishOutcome.Conflict,
                        _ => PublishOutcome.Stale,
                    };
                }
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }

        Telemetry.RecordOutcomes(outcomes);
        Telemetry.PublishDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return outcomes;
    }

    public Task PublishProfilesAsync(OrganizationId organization, IReadOnlyList<UserProfileRecord> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        cancellationToken.ThrowIfCancellationRequested();
        // Only who changed: the profile itself lives in the user directory, which the connector API reads on delivery.
        var payloads = profiles.Select(p => (RedisValue)UserEventCodec.Encode(
            (p ?? throw new ArgumentException("A batch holds no null profiles.", nameof(profiles))) with
            {
                DisplayName = null, Mail = null, UserPrincipalName = null, JobTitle = null,
            })).ToList();
        return AppendAsync(RedisRelayScripts.Append, organization, RelayEventKind.Profile, [Keys.Stream(organization)], [], payloads, valuesPerItem: 1);
    }

    public Task WithdrawAsync(OrganizationId organization, IReadOnlyList<UserWithdrawal> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        cancellationToken.ThrowIfCancellationRequested();
        var pairs = new List<RedisValue>(users.Count * 2);
        foreach (var user in users)
        {
            ArgumentNullException.ThrowIfNull(user, nameof(users));
            pairs.Add(user.UserId);
            pairs.Add(UserEventCodec.Encode(user));
        }

        return AppendAsync(
            RedisRelayScripts.Withdraw, organization, RelayEventKind.Withdrawn,
            [Keys.Stream(organization), Keys.Users(organization)], [Keys.LastKnownPrefix(organization)], pairs, valuesPerItem: 2);
    }

    public async Task<RelayErasure> ForgetAsync(OrganizationId organization, string userId, string? through, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (through is not null && !RelayEventIds.TryCanonical(through, out through))
        {
            throw new ArgumentException("The position is not one this relay returned.", nameof(through));
        }

        const int page = 1000;
        var (deleted, remaining, start, bound) = (0, 0, "-", through ?? string.Empty);
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = (RedisResult[])(await database.ScriptEvaluateAsync(
                    RedisRelayScripts.Forget,
                    [Keys.Stream(organization), Keys.Users(organization)],
                    [userId.ToLowerInvariant(), start, page, Keys.LastKnownPrefix(organization), bound]).ConfigureAwait(false))!;
                deleted += (int)result[0];
                remaining += (int)result[1];
                bound = (string)result[4]!;
                if ((int)result[5] == 1)
                {
                    return new RelayErasure(deleted, remaining, bound);
                }

                start = "(" + (string)result[2]!;
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<PresenceUpdate?>> GetLastKnownAsync(
        OrganizationId organization, IReadOnlyList<PresenceSubject> subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var reads = subjects
                .Select(s => database.HashGetAsync(Keys.LastKnown(organization, RedisRelayKeys.Member(s)), "d"))
                .ToArray();
            var values = await Task.WhenAll(reads).ConfigureAwait(false);
            return values.Select(v => v.IsNull ? null : PresenceUpdateCodec.Decode(organization, (byte[])v!)).ToArray();
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }
    }

    public Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, CancellationToken cancellationToken) =>
        OpenFeedAsync(connector, consumer, null, cancellationToken);

    public async Task<IRelayFeed> OpenFeedAsync(ConnectorFeedId connector, string consumer, string? resumeCursor, CancellationToken cancellationToken)
    {
        if (connector.ConnectorId is null)
        {
            throw new ArgumentException("The connector feed id is not initialized.", nameof(connector));
        }

        if (!ConnectorFeedId.IsValidName(consumer))
        {
            throw new ArgumentException("A consumer name is 1 to 64 letters, digits, '-', '_' or '.'.", nameof(consumer));
        }

        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var start = await OpenGroupAsync(database, connector, resumeCursor).ConfigureAwait(false);
            var signal = new FeedSignal(Time);
            await _wakeups.AddAsync(connector.Organization, signal).ConfigureAwait(false);
            RelayLog.FeedOpened(Logger, connector.ConnectorId, connector.Organization.ToString(), consumer);
            return new RedisRelayFeed(this, database, connector, consumer, signal, start);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }
    }

    /// <summary>Runs an appending script (<see cref="RedisRelayScripts.Append"/> or <see cref="RedisRelayScripts.Withdraw"/>), in chunks so one script never holds Redis for long.</summary>
    private async Task AppendAsync(
        string script, OrganizationId organization, RelayEventKind kind, RedisKey[] keys, RedisValue[] extra, List<RedisValue> items, int valuesPerItem)
    {
        if (items.Count == 0)
        {
            return;
        }

        var (traceParent, traceState) = RelayTelemetry.CurrentTraceContext();
        var minId = Options.RetentionMaxAge is { } age
            ? (Time.GetUtcNow() - age).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
            : string.Empty;
        var head = new RedisValue[]
        {
            Options.RetentionMaxLength.ToString(CultureInfo.InvariantCulture), minId, traceParent ?? string.Empty,
            traceState ?? string.Empty, kind.Token, Keys.Wake(organization).ToString(),
        };
        try
        {
            var database = await _connection.DatabaseAsync().ConfigureAwait(false);
            var calls = items.Chunk(ScriptBatch * valuesPerItem)
                .Select(chunk => database.ScriptEvaluateAsync(script, keys, [.. head, .. extra, .. chunk]))
                .ToList();
            await Task.WhenAll(calls).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            Telemetry.Unavailable.Add(1);
            throw RedisFailures.Unavailable(e);
        }
    }

    /// <summary>Creates the connector's consumer group unless it exists.</summary>
    /// <summary>Opens (or creates) a connector's consumer group and decides where its feed starts (<see cref="RedisRelayScripts.Open"/>).</summary>
    internal async Task<FeedStart> OpenGroupAsync(IDatabase database, ConnectorFeedId connector, string? resumeCursor)
    {
        var (kind, cursor, at) = resumeCursor switch
        {
            null => ("none", string.Empty, string.Empty),
            _ when SnapshotCursor.TryParse(resumeCursor, out var page) && RelayEventIds.TryCanonical(page.At, out var taken) => ("snapshot", page.Mark, taken),
            _ when RelayEventIds.TryCanonical(resumeCursor, out var id) => ("stream", id, string.Empty),
            _ => ("bad", string.Empty, string.Empty),
        };
        var result = (string?)await database.ScriptEvaluateAsync(
            RedisRelayScripts.Open,
            [Keys.Stream(connector.Organization), Keys.Snapshot(connector), Keys.Users(connector.Organization)],
            [connector.ConnectorId, InMemoryPresenceRelay.NewMark(), kind, cursor, at]).ConfigureAwait(false);
        if (result == "snapshot")
        {
            Telemetry.Coalesced.Add(1);
            RelayLog.Coalesced(Logger, connector.ConnectorId, connector.Organization.ToString(), "resume-cursor");
        }

        return result switch
        {
            "resumed" => FeedStart.Resumed,
            "snapshot" => FeedStart.Snapshot,
            _ => FeedStart.Fresh,
        };
    }

    internal Task CloseFeedAsync(ConnectorFeedId connector, FeedSignal signal) => _wakeups.RemoveAsync(connector.Organization, signal);
}
