using System.Globalization;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Connectors.Contracts;
using PresenceHub.Presence;
using V1 = PresenceHub.Connectors.V1;

namespace PresenceHub.Connector.Sdk.Testing;

/// <summary>
/// An in-process hub for testing connectors: it serves the real connector gRPC API on a loopback port (Kestrel,
/// 127.0.0.1, a free port) with the same resume, acknowledgement and authentication rules as the gateway. Push
/// events into it, watch acknowledgements, connections, heartbeats, state reports and published presence, drop the
/// open streams, or make it reject credentials. Wait with <see cref="WaitUntilAsync"/> rather than sleeping.
/// </summary>
/// <remarks>
/// Cursors are <c>fake-{n}</c>, n counting events from 1. Events stay forever (a test hub keeps everything), so a
/// resume always finds its cursor; an unknown cursor starts over from the first event, as a snapshot.
/// </remarks>
public sealed class FakePresenceHub : IAsyncDisposable
{
    private const string CursorPrefix = "fake-";

    private WebApplication? _app;
    private readonly Lock _gate = new();
    private readonly string _eventPrefix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<V1.ConnectorEvent> _events = [];
    private readonly List<string> _acknowledgedEventIds = [];
    private readonly List<PublishedPresence> _publications = [];
    private readonly List<ConnectorConnection> _connections = [];
    private readonly List<ReportedConnectorState> _stateReports = [];
    private readonly Dictionary<string, FakeUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _identityOverrides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1.LastKnownPresence> _lastKnown = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<CancellationTokenSource> _openStreams = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _acknowledgedThrough;
    private string? _acknowledgedCursor;
    private int _heartbeats;
    private int _deliveries;

    private FakePresenceHub(FakePresenceHubOptions options) => Options = options;

    /// <summary>The hub's settings.</summary>
    public FakePresenceHubOptions Options { get; }

    /// <summary>The address to give the connector, e.g. <c>http://127.0.0.1:40123</c> (HTTP/2 without TLS).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The hub's organization.</summary>
    public OrganizationId Organization => Options.Organization;

    /// <summary>The key the hub accepts.</summary>
    public string AccessToken => Options.AccessToken;

    /// <summary>When true, every call fails with Unauthenticated, as for a revoked key.</summary>
    public bool RejectCredentials { get; set; }

    /// <summary>Whether the hub echoes heartbeats. Default true; false makes the hub fall silent.</summary>
    public bool EchoHeartbeats { get; set; } = true;

    /// <summary>
    /// How many already-delivered events a resumed stream repeats before the requested cursor, as a hub that
    /// resumes from an older checkpoint does. Default 0. Delivery is at least once; connectors deduplicate.
    /// </summary>
    public int ResumeOverlap { get; set; }

    /// <summary>The ids of acknowledged events, in acknowledgement order (a redelivered event can appear twice).</summary>
    public IReadOnlyList<string> AcknowledgedEventIds => Locked(() => _acknowledgedEventIds.ToList());

    /// <summary>The newest acknowledged cursor; null before the first acknowledgement.</summary>
    public string? AcknowledgedCursor => Locked(() => _acknowledgedCursor);

    /// <summary>Everything connectors published, on streams and by the unary call.</summary>
    public IReadOnlyList<PublishedPresence> Publications => Locked(() => _publications.ToList());

    /// <summary>Every stream connectors opened, in order.</summary>
    public IReadOnlyList<ConnectorConnection> Connections => Locked(() => _connections.ToList());

    /// <summary>Every state connectors reported, in order.</summary>
    public IReadOnlyList<ReportedConnectorState> StateReports => Locked(() => _stateReports.ToList());

    /// <summary>How many heartbeats connectors sent.</summary>
    public int HeartbeatsReceived => Locked(() => _heartbeats);

    /// <summary>How many events the hub wrote to streams, redeliveries included.</summary>
    public int EventsDelivered => Locked(() => _deliveries);

    /// <summary>How many streams are open now.</summary>
    public int OpenStreams => Locked(() => _openStreams.Count);

    /// <summary>How many events were pushed.</summary>
    public int EventCount => Locked(() => _events.Count);

    /// <summary>Starts a hub on 127.0.0.1 and a free port.</summary>
    public static async Task<FakePresenceHub> StartAsync(FakePresenceHubOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakePresenceHubOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AccessToken);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxUnacknowledgedEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.HeartbeatInterval, TimeSpan.Zero);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var hub = new FakePresenceHub(options);
        builder.Services.AddSingleton(hub);
        var app = builder.Build();
        hub._app = app;
        app.MapGrpcService<FakeConnectorService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        hub.Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return hub;
    }

    /// <summary>Adds a user for last-known presence, identity resolution and linking publications.</summary>
    public void AddUser(FakeUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Locked(() => _users[user.TeamsUserId] = user);
    }

    /// <summary>Adds an administrator's override linking a platform user to a Teams user.</summary>
    public void LinkIdentity(string platformUserId, string teamsUserId) =>
        Locked(() => _identityOverrides[platformUserId] = teamsUserId);

    /// <summary>Queues a presence event for <paramref name="user"/> (added if unknown) and returns its event id.</summary>
    /// <param name="user">The user.</param>
    /// <param name="state">The presence.</param>
    /// <param name="source">Where it was observed; default Teams.</param>
    /// <param name="origin">Where it came from first; default <paramref name="source"/>.</param>
    public string PushPresence(FakeUser user, PresenceState state, Platform? source = null, Platform? origin = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(state);
        var sourcePlatform = source ?? Platform.Teams;
        return Push(user, proto =>
        {
            proto.Kind = V1.EventKind.Presence;
            proto.SourcePlatform = sourcePlatform.Id;
            proto.OriginPlatform = (origin ?? sourcePlatform).Id;
            proto.Presence = new V1.PresenceChange { Presence = PresenceStateMapping.ToProto(state) };
            _lastKnown[user.TeamsUserId] = new V1.LastKnownPresence
            {
                Found = true,
                User = proto.User,
                Presence = proto.Presence.Presence,
                Version = proto.Version,
                SourcePlatform = proto.SourcePlatform,
                OriginPlatform = proto.OriginPlatform,
                ObservedAt = proto.ObservedAt,
            };
        });
    }

    /// <summary>Queues a profile event for <paramref name="user"/> and returns its event id.</summary>
    public string PushProfile(FakeUser user, UserProfile profile)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(profile);
        return Push(user, proto =>
        {
            proto.Kind = V1.EventKind.Profile;
            proto.Profile = new V1.ProfileChange { Profile = ProtoMapper.ToProto(profile) };
        });
    }

    /// <summary>Queues a withdrawn event for <paramref name="user"/> and returns its event id.</summary>
    public string PushWithdrawn(FakeUser user, WithdrawalReason reason = WithdrawalReason.OptedOut)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Push(user, proto =>
        {
            proto.Kind = V1.EventKind.Withdrawn;
            proto.Withdrawal = new V1.Withdrawal { Reason = ProtoMapper.ToProto(reason) };
        });
    }

    /// <summary>Ends every open stream with Unavailable, as a hub restart or a network drop does.</summary>
    public void DropStreams()
    {
        foreach (var stream in Locked(() => _openStreams.ToList()))
        {
            stream.Cancel();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking whenever the hub's state changes.</summary>
    /// <param name="condition">Checked now and after each change.</param>
    /// <param name="timeout">The deadline; default 10 s.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The condition did not hold before the deadline.</exception>
    public async Task WaitUntilAsync(Func<FakePresenceHub, bool> condition, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = timeout ?? TimeSpan.FromSeconds(10);
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(deadline);
        while (true)
        {
            var changed = Locked(() => _changed.Task);
            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(expiry.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The fake hub's condition did not hold within {deadline}.");
            }
        }
    }

    /// <summary>Stops the server, ending every open stream.</summary>
    public async ValueTask DisposeAsync()
    {
        DropStreams();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Authenticate(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (RejectCredentials || !string.Equals(header, "Bearer " + Options.AccessToken, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A valid bearer token is required."));
        }
    }

    internal (long Position, V1.ResumeOutcome Outcome) Resume(string resumeCursor) => Locked(() =>
    {
        if (string.IsNullOrEmpty(resumeCursor))
        {
            return _acknowledgedThrough > 0
                ? (Math.Max(0, _acknowledgedThrough - ResumeOverlap), V1.ResumeOutcome.Resumed)
                : (0L, V1.ResumeOutcome.Fresh);
        }

        return TryParseCursor(resumeCursor, out var through) && through <= _events.Count
            ? (Math.Max(0, through - ResumeOverlap), V1.ResumeOutcome.Resumed)
            : (0L, V1.ResumeOutcome.Snapshot);
    });

    internal CancellationTokenSource OpenStream(ConnectorConnection connection, CancellationToken callToken)
    {
        var stream = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        Locked(() =>
        {
            _openStreams.Add(stream);
            _connections.Add(connection);
            Signal();
        });
        return stream;
    }

    internal void CloseStream(CancellationTokenSource stream) => Locked(() =>
    {
        _openStreams.Remove(stream);
        Signal();
    });

    /// <summary>Takes the next events for a stream at <paramref name="position"/>, or none, and the task that completes on the next change.</summary>
    internal (List<V1.ConnectorEvent> Batch, Task Changed) NextBatch(ref long position)
    {
        lock (_gate)
        {
            var window = _acknowledgedThrough + Options.MaxUnacknowledgedEvents - position;
            var count = (int)Math.Max(0, Math.Min(Math.Min(Options.MaxBatchSize, window), _events.Count - position));
            var batch = _events.GetRange((int)position, count);
            position += count;
            _deliveries += count;
            return (batch, _changed.Task);
        }
    }

    /// <summary>Records an acknowledgement; false when the cursor was never issued.</summary>
    internal bool Acknowledge(V1.EventAcknowledgement acknowledgement) => Locked(() =>
    {
        if (!TryParseCursor(acknowledgement.Cursor, out var through) || through > _events.Count)
        {
            return false;
        }

        _acknowledgedEventIds.AddRange(acknowledgement.EventIds);
        if (through > _acknowledgedThrough)
        {
            _acknowledgedThrough = through;
            _acknowledgedCursor = acknowledgement.Cursor;
        }

        Signal();
        return true;
    });

    internal void RecordHeartbeat() => Locked(() =>
    {
        _heartbeats++;
        Signal();
    });

    internal void RecordState(string connectorId, V1.ConnectorStateReport report) => Locked(() =>
    {
        _stateReports.Add(new ReportedConnectorState(connectorId, ProtoMapper.ToModel(report.State), string.IsNullOrEmpty(report.Detail) ? null : report.Detail));
        Signal();
    });

    internal V1.PublicationResult Publish(string? connectorId, V1.PresencePublication publication) => Locked(() =>
    {
        var result = new V1.PublicationResult { PublicationId = publication.PublicationId };
        if (string.IsNullOrEmpty(publication.PlatformUserId) ||
            (publication.Version.Length > 0 && !PresenceVersion.TryParse("s" + publication.Version, out _)))
        {
            result.Outcome = V1.PublicationOutcome.Rejected;
            result.Detail = "invalid_publication";
        }
        else if (LinkedTeamsUser(publication.PlatformUserId, publication.MailHint) is { } teamsUser)
        {
            result.Outcome = V1.PublicationOutcome.Accepted;
            result.TeamsUserId = teamsUser.TeamsUserId;
        }
        else
        {
            result.Outcome = V1.PublicationOutcome.UnlinkedUser;
            result.Detail = "unlinked_user";
        }

        _publications.Add(new PublishedPresence(
            publication.PublicationId,
            connectorId,
            publication.PlatformUserId,
            PresenceStateMapping.ToModel(publication.Presence),
            ProtoMapper.ToModel(result.Outcome),
            string.IsNullOrEmpty(result.TeamsUserId) ? null : result.TeamsUserId,
            string.IsNullOrEmpty(publication.Version) ? null : publication.Version));
        Signal();
        return result;
    });

    internal V1.GetLastKnownPresenceResponse LastKnown(V1.GetLastKnownPresenceRequest request) => Locked(() =>
    {
        var response = new V1.GetLastKnownPresenceResponse { OrganizationId = Organization.ToString() };
        foreach (var reference in request.Users)
        {
            var user = reference.ReferenceCase switch
            {
                V1.UserReference.ReferenceOneofCase.TeamsUserId => _users.GetValueOrDefault(reference.TeamsUserId),
                V1.UserReference.ReferenceOneofCase.UserPrincipalName => ByMail(reference.UserPrincipalName).FirstOrDefault(),
                V1.UserReference.ReferenceOneofCase.PlatformUserId => LinkedTeamsUser(reference.PlatformUserId, null),
                _ => null,
            };
            if (user?.Organization is { } organization && organization != Organization)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "A connector sees only its own organization's users."));
            }

            response.Presences.Add(user is not null && _lastKnown.TryGetValue(user.TeamsUserId, out var known)
                ? new V1.LastKnownPresence(known) { Requested = reference }
                : new V1.LastKnownPresence { Requested = reference, Found = false });
        }

        return response;
    });

    internal V1.ResolveIdentityResponse Resolve(V1.ResolveIdentityRequest request) => Locked(() =>
    {
        var response = new V1.ResolveIdentityResponse();
        foreach (var query in request.Queries)
        {
            var resolution = new V1.IdentityResolution { Query = query, Match = V1.IdentityMatch.None };
            switch (query.SubjectCase)
            {
                case V1.IdentityQuery.SubjectOneofCase.PlatformIdentity:
                    ResolvePlatformUser(query.PlatformIdentity, resolution);
                    break;
                case V1.IdentityQuery.SubjectOneofCase.TeamsUserId or V1.IdentityQuery.SubjectOneofCase.UserPrincipalName:
                    var user = query.SubjectCase == V1.IdentityQuery.SubjectOneofCase.TeamsUserId
                        ? _users.GetValueOrDefault(query.TeamsUserId)
                        : ByMail(query.UserPrincipalName).FirstOrDefault();
                    var platformUserId = user is null ? null : PlatformUserOf(user);
                    if (user is not null && platformUserId is not null && InOwnOrganization(user))
                    {
                        resolution.Match = V1.IdentityMatch.Override;
                        resolution.User = TeamsUserOf(user);
                        resolution.PlatformUserId = platformUserId;
                    }

                    break;
            }

            response.Resolutions.Add(resolution);
        }

        return response;
    });

    private static bool TryParseCursor(string? cursor, out long through)
    {
        through = 0;
        return cursor is not null && cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) &&
               long.TryParse(cursor.AsSpan(CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out through) &&
               through > 0;
    }

    private static V1.TeamsUser TeamsUserOf(FakeUser user) => new()
    {
        TeamsUserId = user.TeamsUserId,
        UserPrincipalName = user.UserPrincipalName,
        Mail = user.Mail ?? string.Empty,
    };

    private string Push(FakeUser user, Action<V1.ConnectorEvent> complete) => Locked(() =>
    {
        _users.TryAdd(user.TeamsUserId, user);
        var sequence = _events.Count + 1;
        var observedAt = Options.TimeProvider.GetUtcNow();
        var proto = new V1.ConnectorEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"{_eventPrefix}-{sequence}"),
            Cursor = string.Create(CultureInfo.InvariantCulture, $"{CursorPrefix}{sequence}"),
            OrganizationId = (user.Organization ?? Organization).ToString(),
            User = TeamsUserOf(user),
            PlatformUserId = PlatformUserOf(user) ?? string.Empty,
            Version = PresenceVersion.FromObservedTime(observedAt, (ulong)sequence).Stamp,
            ObservedAt = Timestamp.FromDateTimeOffset(observedAt),
            TraceContext = new V1.TraceContext(),
        };
        complete(proto);
        _events.Add(proto);
        Signal();
        return proto.EventId;
    });

    private void ResolvePlatformUser(V1.PlatformIdentity identity, V1.IdentityResolution resolution)
    {
        resolution.PlatformUserId = identity.PlatformUserId;
        if (LinkedTeamsUser(identity.PlatformUserId, null) is { } linked)
        {
            resolution.Match = V1.IdentityMatch.Override;
            resolution.User = TeamsUserOf(linked);
            return;
        }

        var byMail = string.IsNullOrEmpty(identity.Mail) ? [] : ByMail(identity.Mail).ToList();
        if (byMail.Count > 1)
        {
            resolution.Match = V1.IdentityMatch.Ambiguous;
        }
        else if (byMail.Count == 1)
        {
            resolution.Match = string.Equals(byMail[0].Mail, identity.Mail, StringComparison.OrdinalIgnoreCase)
                ? V1.IdentityMatch.Mail
                : V1.IdentityMatch.UserPrincipalName;
            resolution.User = TeamsUserOf(byMail[0]);
        }
    }

    private FakeUser? LinkedTeamsUser(string platformUserId, string? mailHint)
    {
        if (_identityOverrides.TryGetValue(platformUserId, out var teamsUserId) && _users.TryGetValue(teamsUserId, out var linked))
        {
            return InOwnOrganization(linked) ? linked : null;
        }

        var user = _users.Values.FirstOrDefault(u => string.Equals(u.PlatformUserId, platformUserId, StringComparison.Ordinal))
                   ?? (string.IsNullOrEmpty(mailHint) ? null : ByMail(mailHint).FirstOrDefault());
        return user is not null && InOwnOrganization(user) ? user : null;
    }

    private string? PlatformUserOf(FakeUser user) =>
        user.PlatformUserId ?? _identityOverrides.FirstOrDefault(o => string.Equals(o.Value, user.TeamsUserId, StringComparison.OrdinalIgnoreCase)).Key;

    private IEnumerable<FakeUser> ByMail(string mail) => _users.Values.Where(u =>
        InOwnOrganization(u) &&
        (string.Equals(u.Mail, mail, StringComparison.OrdinalIgnoreCase) || string.Equals(u.UserPrincipalName, mail, StringComparison.OrdinalIgnoreCase)));

    private bool InOwnOrganization(FakeUser user) => user.Organization is null || user.Organization == Organization;

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Locked(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }
}
