using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Directory;
using PresenceHub.GraphSimulator.Graph;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Presence;

/// <summary>Graph's presence API: read one or many, setPresence / clearPresence sessions, setStatusMessage.</summary>
internal sealed class PresenceEndpoints(
    PresenceStore store,
    SimulatorDirectory directory,
    GraphErrors errors,
    SimulatorClock clock,
    GraphSimulatorOptions options,
    SimulatorCounters counters)
{
    public const int MaxIds = 650;
    private readonly SlidingWindowThrottle _readThrottle = new(clock, options.PresenceReadLimitPer30Seconds, TimeSpan.FromSeconds(30));

    public IResult Get(HttpContext context, string userId)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (userId == "me")
        {
            if (caller.UserId is null)
            {
                return errors.BadRequest(context, "/me request is only valid with delegated authentication flow.");
            }

            userId = caller.UserId;
        }

        var user = FindUser(caller, userId);
        if (user is null)
        {
            return errors.NotFound(context, $"Resource '{userId}' does not exist or one of its queried reference-property objects are not present.");
        }

        var self = caller.UserId is not null && string.Equals(caller.UserId, user.Id, StringComparison.OrdinalIgnoreCase);
        if (!caller.Has("Presence.Read.All", "Presence.ReadWrite.All") && !(self && caller.HasScope("Presence.Read", "Presence.ReadWrite")))
        {
            return errors.Forbidden(context);
        }

        var body = PresenceJson.Write(store.Get(user.Id, user.TenantId));
        body.Insert(0, "@odata.context", GraphJson.Context(context, $"users('{user.Id}')/presence/$entity"));
        return GraphJson.Ok(body);
    }

    public async Task<IResult> GetManyAsync(HttpContext context)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (!caller.Has("Presence.Read.All", "Presence.ReadWrite.All"))
        {
            return errors.Forbidden(context);
        }

        if (_readThrottle.TryAcquire($"{caller.TenantId}|{caller.AppId}") is { } retryAfter)
        {
            counters.Throttled();
            return errors.TooManyRequests(context, retryAfter);
        }

        var body = await GraphJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        if (body?.Property("ids") is not JsonArray ids || ids.Count == 0)
        {
            return errors.BadRequest(context, "The request body must contain a non-empty 'ids' array.");
        }

        if (ids.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            return errors.BadRequest(context, "Every element of 'ids' must be a string.");
        }

        if (ids.Count > MaxIds)
        {
            return errors.BadRequest(context, $"The number of ids in the request ({ids.Count}) exceeds the maximum of {MaxIds}.");
        }

        var value = new JsonArray();
        foreach (var id in ids.Select(i => i?.GetValue<string>() ?? "").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var user = FindUser(caller, id);
            value.Add(user is null
                ? new JsonObject { ["id"] = id, ["availability"] = "PresenceUnknown", ["activity"] = "PresenceUnknown", ["statusMessage"] = null, ["outOfOfficeSettings"] = new JsonObject { ["message"] = null, ["isOutOfOffice"] = false }, ["sequenceNumber"] = null }
                : PresenceJson.Write(store.Get(user.Id, user.TenantId)));
        }

        return GraphJson.Ok(new JsonObject
        {
            ["@odata.context"] = GraphJson.Context(context, "Collection(microsoft.graph.presence)"),
            ["value"] = value,
        });
    }

    public async Task<IResult> SetPresenceAsync(HttpContext context, string userId)
    {
        var (caller, user, body, failure) = await AuthorizeWriteAsync(context, userId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!SessionMatches(caller!, body!, out var sessionError))
        {
            return errors.BadRequest(context, sessionError);
        }

        var availability = body!.String("availability");
        var activity = body!.String("activity");
        if (PresenceRules.SessionPair(availability, activity) is not { } pair)
        {
            return errors.BadRequest(context, $"The availability/activity pair '{availability}/{activity}' is not supported. Supported: Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, DoNotDisturb/Presenting.");
        }

        var duration = PresenceRules.MinSessionDuration;
        if (body!.String("expirationDuration") is { Length: > 0 } text)
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                return errors.BadRequest(context, $"expirationDuration '{text}' is not an ISO 8601 duration.");
            }

            if (duration < PresenceRules.MinSessionDuration || duration > PresenceRules.MaxSessionDuration)
            {
                return errors.BadRequest(context, "expirationDuration must be between PT5M and PT4H.");
            }
        }

        store.SetSession(user!.Id, user.TenantId, caller!.AppId, pair.Availability, pair.Activity, duration);
        return Results.Ok();
    }

    public async Task<IResult> ClearPresenceAsync(HttpContext context, string userId)
    {
        var (caller, user, body, failure) = await AuthorizeWriteAsync(context, userId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!SessionMatches(caller!, body!, out var sessionError))
        {
            return errors.BadRequest(context, sessionError);
        }

        store.ClearSession(user!.Id, user.TenantId, caller!.AppId);
        return Results.Ok();
    }

    public async Task<IResult> SetStatusMessageAsync(HttpContext context, string userId)
    {
        var (_, user, body, failure) = await AuthorizeWriteAsync(context, userId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (body!.Property("statusMessage") is not JsonObject status)
        {
            return errors.BadRequest(context, "The request body must contain 'statusMessage'.");
        }

        var content = (status.Property("message") as JsonObject)?.String("content") ?? "";
        if (content.Length == 0)
        {
            store.SetStatusMessage(user!.Id, user.TenantId, null);
            return Results.Ok();
        }

        DateTimeOffset? expiry = null;
        if (status.Property("expiryDateTime") is JsonObject e && e.String("dateTime") is { } dt)
        {
            if (!DateTime.TryParse(dt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return errors.BadRequest(context, $"expiryDateTime '{dt}' is not a date.");
            }

            expiry = ToUtc(parsed, e.String("timeZone"));
        }

        var contentType = (status.Property("message") as JsonObject)?.String("contentType") ?? "text";
        store.SetStatusMessage(user!.Id, user.TenantId, new StatusMessage(content, contentType, expiry, clock.GetUtcNow()));
        return Results.Ok();
    }

    private async Task<(GraphCaller? Caller, UserRecord? User, JsonObject? Body, IResult? Failure)> AuthorizeWriteAsync(HttpContext context, string userId)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (userId == "me" && caller.UserId is not null)
        {
            userId = caller.UserId;
        }

        var user = FindUser(caller, userId);
        if (user is null)
        {
            return (null, null, null, errors.NotFound(context, $"Resource '{userId}' does not exist or one of its queried reference-property objects are not present."));
        }

        var self = caller.UserId is not null && string.Equals(caller.UserId, user.Id, StringComparison.OrdinalIgnoreCase);
        if (!caller.HasRole("Presence.ReadWrite.All") && !(self && caller.HasScope("Presence.ReadWrite")))
        {
            return (null, null, null, errors.Forbidden(context));
        }

        var body = await GraphJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        return body is null
            ? (null, null, null, errors.BadRequest(context, "The request body is not a JSON object."))
            : (caller, user, body, null);
    }

    private static bool SessionMatches(GraphCaller caller, JsonObject body, out string error)
    {
        var sessionId = body.String("sessionId");
        if (string.IsNullOrEmpty(sessionId))
        {
            error = "sessionId is required.";
            return false;
        }

        if (!string.Equals(sessionId, caller.AppId, StringComparison.OrdinalIgnoreCase))
        {
            error = $"sessionId '{sessionId}' must be the id of the calling application.";
            return false;
        }

        error = "";
        return true;
    }

    private UserRecord? FindUser(GraphCaller caller, string id)
    {
        var user = directory.FindUser(id);
        return user is not null && string.Equals(user.TenantId, caller.TenantId, StringComparison.OrdinalIgnoreCase) ? user : null;
    }

    private static DateTimeOffset ToUtc(DateTime value, string? timeZone)
    {
        if (string.IsNullOrEmpty(timeZone) || timeZone.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
        }

        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(value, DateTimeKind.Unspecified), zone);
        }
        catch (TimeZoneNotFoundException)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
        }
    }
}
