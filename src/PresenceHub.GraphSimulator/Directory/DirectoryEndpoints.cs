using System.Globalization;
using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Graph;

namespace PresenceHub.GraphSimulator.Directory;

/// <summary>Graph's <c>/users</c>, <c>/users/{id}</c> and <c>/users/{id}/teamwork/installedApps</c>.</summary>
internal sealed class DirectoryEndpoints(SimulatorDirectory directory, GraphErrors errors)
{
    private static readonly string[] ReadUsers = ["User.Read.All", "User.ReadBasic.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
    private static readonly string[] ReadInstallations =
        ["TeamsAppInstallation.ReadForUser.All", "TeamsAppInstallation.ReadWriteForUser.All", "TeamsAppInstallation.ReadForUser", "TeamsAppInstallation.ReadWriteForUser"];

    public IResult List(HttpContext context, int? top, string? skiptoken)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (!caller.Has(ReadUsers))
        {
            return errors.Forbidden(context);
        }

        var pageSize = Math.Clamp(top ?? 100, 1, 999);
        var skip = int.TryParse(skiptoken, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var users = directory.ListUsers(caller.TenantId);
        var body = new JsonObject
        {
            ["@odata.context"] = GraphJson.Context(context, "users"),
        };
        if (skip + pageSize < users.Count)
        {
            body["@odata.nextLink"] = $"{context.Request.Scheme}://{context.Request.Host}/v1.0/users?$top={pageSize}&$skiptoken={skip + pageSize}";
        }

        body["value"] = new JsonArray(users.Skip(skip).Take(pageSize).Select(u => (JsonNode)Write(u)).ToArray());
        return GraphJson.Ok(body);
    }

    public IResult Get(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (id == "me" && caller.UserId is not null)
        {
            id = caller.UserId;
        }

        var self = caller.UserId is not null && string.Equals(caller.UserId, id, StringComparison.OrdinalIgnoreCase);
        if (!caller.Has(ReadUsers) && !(self && caller.HasScope("User.Read")))
        {
            return errors.Forbidden(context);
        }

        var user = directory.FindUser(id);
        if (user is null || !string.Equals(user.TenantId, caller.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return errors.NotFound(context, $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
        }

        var body = Write(user);
        body.Insert(0, "@odata.context", GraphJson.Context(context, "users/$entity"));
        return GraphJson.Ok(body);
    }

    public IResult InstalledApps(HttpContext context, string id)
    {
        var caller = GraphRequestGuard.Caller(context);
        if (!caller.Has(ReadInstallations))
        {
            return errors.Forbidden(context);
        }

        var user = directory.FindUser(id);
        if (user is null || !string.Equals(user.TenantId, caller.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return errors.NotFound(context, $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
        }

        var expand = context.Request.Query["$expand"].ToString().Contains("teamsApp", StringComparison.OrdinalIgnoreCase);
        var value = new JsonArray();
        foreach (var (installation, app) in directory.ListInstallations(user.Id))
        {
            var item = new JsonObject { ["id"] = installation.Id };
            if (expand)
            {
                item["teamsApp"] = new JsonObject
                {
                    ["id"] = app.Id,
                    ["externalId"] = app.ExternalId,
                    ["displayName"] = app.DisplayName,
                    ["distributionMethod"] = "organization",
                };
            }

            value.Add(item);
        }

        return GraphJson.Ok(new JsonObject
        {
            ["@odata.context"] = GraphJson.Context(context, $"users('{user.Id}')/teamwork/installedApps{(expand ? "(teamsApp())" : "")}"),
            ["value"] = value,
        });
    }

    public static JsonObject Write(UserRecord user) => new()
    {
        ["businessPhones"] = new JsonArray(),
        ["displayName"] = user.DisplayName,
        ["givenName"] = null,
        ["jobTitle"] = user.JobTitle,
        ["mail"] = user.Mail,
        ["mobilePhone"] = null,
        ["officeLocation"] = null,
        ["preferredLanguage"] = null,
        ["surname"] = null,
        ["userPrincipalName"] = user.UserPrincipalName,
        ["id"] = user.Id,
    };
}
