using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Control;
using PresenceHub.GraphSimulator.Graph;
using PresenceHub.GraphSimulator.Notifications;
using PresenceHub.GraphSimulator.Timing;

namespace PresenceHub.GraphSimulator.Subscriptions;

/// <summary>
/// Graph's <c>/subscriptions</c>: create (with the validation handshake), get, list, update expiry, delete, reauthorize,
/// enforcing the documented rules per resource.
/// </summary>
internal sealed class SubscriptionEndpoints(
    SubscriptionStore store,
    ValidationHandshake handshake,
    LifecycleNotifier lifecycle,
    GraphErrors errors,
    SimulatorClock clock,
    SimulatorCounters counters)
{
    public const int MaxClientStateLength = 128;
    public const int MaxCertificateIdLength = 128;

    // Graph: 1,000 subscription writes per 20 s per app per tenant, 2,000 per 20 s per tenant.
    private readonly SlidingWindowThrottle _writeThrottle = new(clock, 1000, TimeSpan.FromSeconds(20));
    private readonly SlidingWindowThrottle _tenantWriteThrottle = new(clock, 2000, TimeSpan.FromSeconds(20));

    private static readonly string[] PresenceRead = ["Presence.Read.All", "Presence.ReadWrite.All"];
    private static readonly string[] UserRead = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
    private static readonly string[] InstallationRead =
        ["TeamsAppInstallation.ReadForUser.All", "TeamsAppInstallation.ReadWriteForUser.All", "TeamsAppInstallation.ReadForUser", "TeamsAppInstallation.Read.User"];

    public async Task<IResult> CreateAsync(HttpContext context)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (Throttled(context, caller) is { } throttled)
        {
            return throttled;
        }

        var body = await GraphJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        if (body is null)
        {
            return errors.BadRequest(context, "The request body is not a JSON object.", "InvalidRequest");
        }

        var resourceText = body.String("resource");
        var changeType = body.String("changeType");
        var notificationUrl = body.String("notificationUrl");
        var lifecycleUrl = body.String("lifecycleNotificationUrl");
        var clientState = body.String("clientState");
        var expirationText = body.String("expirationDateTime");
        if (string.IsNullOrEmpty(resourceText) || string.IsNullOrEmpty(changeType) || string.IsNullOrEmpty(notificationUrl) || string.IsNullOrEmpty(expirationText))
        {
            return errors.BadRequest(context, "changeType, notificationUrl, resource and expirationDateTime are required.", "InvalidRequest");
        }

        if (clientState is { Length: > MaxClientStateLength })
        {
            return errors.BadRequest(context, $"clientState must be at most {MaxClientStateLength} characters.", "InvalidRequest");
        }

        if (!IsWebhookUrl(notificationUrl) || (lifecycleUrl is not null && !IsWebhookUrl(lifecycleUrl)))
        {
            return errors.BadRequest(context, "notificationUrl and lifecycleNotificationUrl must be absolute http(s) URLs.", "InvalidRequest");
        }

        if (SubscriptionResource.Parse(resourceText, out var resourceError) is not { } target)
        {
            return errors.BadRequest(context, resourceError!, "InvalidRequest");
        }

        var changeTypes = changeType.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (CheckResourceRules(context, caller, target, changeTypes) is { } ruleError)
        {
            return ruleError;
        }

        var includeResourceData = body.Property("includeResourceData") is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        X509Certificate2? key = null;
        var certificateText = body.String("encryptionCertificate");
        var certificateId = body.String("encryptionCertificateId");
        if (includeResourceData)
        {
            if (target.Kind is ResourceKind.Users or ResourceKind.User)
            {
                return errors.BadRequest(context, "Rich notifications (includeResourceData) are not supported for the users resource.", "InvalidRequest");
            }

            if (string.IsNullOrEmpty(certificateText) || string.IsNullOrEmpty(certificateId))
            {
                return errors.BadRequest(context, "encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.", "InvalidRequest");
            }

            if (certificateId.Length > MaxCertificateIdLength)
            {
                return errors.BadRequest(context, $"encryptionCertificateId must be at most {MaxCertificateIdLength} characters.", "InvalidRequest");
            }

            key = LoadEncryptionCertificate(certificateText, out var certificateError);
            if (key is null)
            {
                return errors.BadRequest(context, certificateError!, "InvalidRequest");
            }
        }

        if (ResolveExpiration(context, target, expirationText, out var expiration) is { } expiryError)
        {
            return expiryError;
        }

        if (target.Kind == ResourceKind.Presence
            && store.Live().FirstOrDefault(s => s.Target.Kind == ResourceKind.Presence && s.ApplicationId == caller.AppId
                && s.TenantId == caller.TenantId && string.Equals(s.CreatorId, caller.UserId, StringComparison.OrdinalIgnoreCase)) is { } existing)
        {
            return errors.Create(context, 409, "ExtensionError",
                $"Operation: Create; Exception: [Status Code: Conflict; Reason: A presence subscription ({existing.Id}) already exists for this user and application. Update or delete it instead.]");
        }

        if (!await handshake.ValidateAsync(notificationUrl, context.RequestAborted).ConfigureAwait(false))
        {
            return errors.BadRequest(context, "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.", "InvalidRequest");
        }

        if (lifecycleUrl is not null && !await handshake.ValidateAsync(lifecycleUrl, context.RequestAborted).ConfigureAwait(false))
        {
            return errors.BadRequest(context, "Subscription validation request failed. Lifecycle notification endpoint must respond with 200 OK to validation request.", "InvalidRequest");
        }

        var subscription = new Subscription
        {
            Id = Guid.NewGuid().ToString(),
            Resource = resourceText,
            Target = target,
            ChangeTypes = changeTypes,
            ChangeType = changeType,
            NotificationUrl = notificationUrl,
            LifecycleNotificationUrl = lifecycleUrl,
            ClientState = clientState,
            IncludeResourceData = includeResourceData,
            EncryptionCertificate = includeResourceData ? certificateText : null,
            EncryptionKey = key,
            EncryptionCertificateId = includeResourceData ? certificateId : null,
            ApplicationId = caller.AppId,
            TenantId = caller.TenantId,
            CreatorId = caller.UserId ?? "",
            LatestSupportedTlsVersion = body.String("latestSupportedTlsVersion") ?? "v1_2",
            Expiration = expiration,
        };
        store.Add(subscription);
        lifecycle.Track(subscription);
        return Respond(context, subscription, 201);
    }

    public IResult Get(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        counters.SubscriptionRead();
        return Owned(caller, id) is { } s ? Respond(context, s, 200) : NotFound(context, id);
    }

    public IResult List(HttpContext context)
    {
        var caller = GraphRequestGuard.Caller(context);
        var value = new JsonArray(store.Live()
            .Where(s => s.TenantId == caller.TenantId && s.ApplicationId == caller.AppId
                && (caller.IsAppOnly || string.Equals(s.CreatorId, caller.UserId, StringComparison.OrdinalIgnoreCase)))
            .Select(s => (JsonNode)SubscriptionJson.Write(s)).ToArray());
        return GraphJson.Ok(new JsonObject { ["@odata.context"] = GraphJson.Context(context, "subscriptions"), ["value"] = value });
    }

    public async Task<IResult> UpdateAsync(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (Throttled(context, caller) is { } throttled)
        {
            return throttled;
        }

        if (Owned(caller, id) is not { } subscription)
        {
            return NotFound(context, id);
        }

        if (subscription.Target.Kind == ResourceKind.Presence && caller.IsAppOnly)
        {
            return AppOnlyPresence(context, "Update");
        }

        var body = await GraphJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        if (body?.String("expirationDateTime") is not { } text)
        {
            return errors.BadRequest(context, "expirationDateTime is required.", "InvalidRequest");
        }

        if (ResolveExpiration(context, subscription.Target, text, out var expiration) is { } expiryError)
        {
            return expiryError;
        }

        subscription.Expiration = expiration;
        lifecycle.Track(subscription);
        return Respond(context, subscription, 200);
    }

    public IResult Delete(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (Throttled(context, caller) is { } throttled)
        {
            return throttled;
        }

        if (Owned(caller, id) is null)
        {
            return NotFound(context, id);
        }

        store.Delete(id);
        return Results.NoContent();
    }

    public IResult Reauthorize(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (Owned(caller, id) is not { } subscription)
        {
            return NotFound(context, id);
        }

        if (subscription.Target.Kind == ResourceKind.Presence && caller.IsAppOnly)
        {
            return AppOnlyPresence(context, "Reauthorize");
        }

        // Reauthorizing keeps the expiry, so the notice already scheduled for it stays the only one.
        return Results.NoContent();
    }

    private IResult? CheckResourceRules(HttpContext context, GraphCaller caller, SubscriptionResource target, IReadOnlySet<string> changeTypes)
    {
        switch (target.Kind)
        {
            case ResourceKind.Presence:
                if (changeTypes.Count != 1 || !changeTypes.Contains("updated"))
                {
                    return errors.BadRequest(context, "Presence subscriptions support only changeType 'updated'.", "InvalidRequest");
                }

                if (caller.IsAppOnly)
                {
                    return AppOnlyPresence(context, "Create");
                }

                return caller.HasScope(PresenceRead) ? null : errors.Forbidden(context);
            case ResourceKind.Users or ResourceKind.User:
                if (changeTypes.Count == 0 || changeTypes.Any(c => c is not ("created" or "updated" or "deleted")))
                {
                    return errors.BadRequest(context, "Users subscriptions support changeType created, updated and deleted.", "InvalidRequest");
                }

                return caller.Has(UserRead) ? null : errors.Forbidden(context);
            default:
                if (changeTypes.Count == 0 || changeTypes.Any(c => c is not ("created" or "updated" or "deleted")))
                {
                    return errors.BadRequest(context, "App installation subscriptions support changeType created, updated and deleted.", "InvalidRequest");
                }

                return caller.Has(InstallationRead) ? null : errors.Forbidden(context);
        }
    }

    /// <summary>
    /// Applies the resource's lifetime rules: in the past is rejected, under the minimum is raised to it, above the
    /// maximum is clamped when within one minute of it (client clock skew) and rejected beyond.
    /// </summary>
    private IResult? ResolveExpiration(HttpContext context, SubscriptionResource target, string text, out DateTimeOffset expiration)
    {
        expiration = default;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var requested))
        {
            return errors.BadRequest(context, $"expirationDateTime '{text}' is not a valid date.", "InvalidRequest");
        }

        var now = clock.GetUtcNow();
        if (requested <= now)
        {
            return errors.BadRequest(context, "Subscription expiration must be in the future.", "InvalidRequest");
        }

        var max = now + target.MaxLifetime;
        if (requested > max + TimeSpan.FromMinutes(1))
        {
            return errors.BadRequest(context, $"Subscription expiration can only be {(int)target.MaxLifetime.TotalMinutes} minutes in the future.", "InvalidRequest");
        }

        var min = now + target.MinLifetime;
        expiration = requested > max ? max : requested < min ? min : requested;
        return null;
    }

    private IResult? Throttled(HttpContext context, GraphCaller caller)
    {
        if (context.Request.Method == HttpMethods.Get)
        {
            return null;
        }

        var inWindow = 0;
        var retryAfter = _tenantWriteThrottle.TryAcquire(caller.TenantId) ?? _writeThrottle.TryAcquire($"{caller.TenantId}|{caller.AppId}", out inWindow);
        counters.SubscriptionWrite(retryAfter is not null, inWindow);
        return retryAfter is { } wait ? errors.TooManyRequests(context, wait) : null;
    }

    private Subscription? Owned(GraphCaller caller, string id) =>
        store.FindLive(id) is { } s && s.TenantId == caller.TenantId && s.ApplicationId == caller.AppId ? s : null;

    private IResult AppOnlyPresence(HttpContext context, string operation) =>
        errors.Create(context, 403, "ExtensionError",
            $"Operation: {operation}; Exception: [Status Code: Forbidden; Reason: Presence subscriptions require a delegated token; application permissions are not supported.]");

    private IResult NotFound(HttpContext context, string id) =>
        errors.NotFound(context, $"The object was not found. Subscription '{id}' does not exist or has expired.", "ResourceNotFound");

    private static IResult Respond(HttpContext context, Subscription subscription, int status)
    {
        var body = SubscriptionJson.Write(subscription);
        body.Insert(0, "@odata.context", GraphJson.Context(context, "subscriptions/$entity"));
        return GraphJson.Ok(body, status);
    }

    private static bool IsWebhookUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static X509Certificate2? LoadEncryptionCertificate(string base64, out string? error)
    {
        error = null;
        try
        {
            var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(base64));
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null || rsa.KeySize is < 2048 or > 4096)
            {
                error = "encryptionCertificate must hold an RSA public key of 2048 to 4096 bits.";
                certificate.Dispose();
                return null;
            }

            return certificate;
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            error = "encryptionCertificate is not a base64-encoded X.509 certificate.";
            return null;
        }
    }
}
