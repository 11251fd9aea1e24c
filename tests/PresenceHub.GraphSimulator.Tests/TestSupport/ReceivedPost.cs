using System.Text.Json.Nodes;

namespace PresenceHub.GraphSimulator.Tests.TestSupport;

internal sealed record ReceivedPost(string Path, string Body)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    public IReadOnlyList<JsonObject> Items => ((JsonArray)Json["value"]!).Select(i => (JsonObject)i!).ToList();
}
