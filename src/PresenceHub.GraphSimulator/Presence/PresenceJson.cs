using System.Text.Json.Nodes;
using PresenceHub.GraphSimulator.Graph;

namespace PresenceHub.GraphSimulator.Presence;

/// <summary>Graph's presence resource JSON.</summary>
internal static class PresenceJson
{
    public static JsonObject Write(PresenceState state, bool includeExtras = true)
    {
        var body = new JsonObject
        {
            ["id"] = state.UserId,
            ["availability"] = state.Availability,
            ["activity"] = state.Activity,
        };
        if (!includeExtras)
        {
            return body;
        }

        body["statusMessage"] = state.StatusMessage is { } m
            ? new JsonObject
            {
                ["message"] = new JsonObject { ["content"] = m.Content, ["contentType"] = m.ContentType },
                ["expiryDateTime"] = m.Expiry is { } e
                    ? new JsonObject { ["dateTime"] = GraphJson.Date(e).TrimEnd('Z'), ["timeZone"] = "UTC" }
                    : null,
                ["publishedDateTime"] = GraphJson.Date(m.Published),
            }
            : null;
        body["outOfOfficeSettings"] = new JsonObject
        {
            ["message"] = state.OutOfOfficeMessage,
            ["isOutOfOffice"] = state.IsOutOfOffice,
        };
        body["sequenceNumber"] = state.SequenceNumber;
        return body;
    }
}
