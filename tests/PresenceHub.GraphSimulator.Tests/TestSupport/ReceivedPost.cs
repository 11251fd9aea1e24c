using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Tests.TestSupport;

internal sealed record ReceivedPost(string Path, string Body, string? ContentType = null)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    public IReadOnlyList<JsonObject> Items => ((JsonArray)Json["value"]!).Select(i => (JsonObject)i!).ToList();
}
