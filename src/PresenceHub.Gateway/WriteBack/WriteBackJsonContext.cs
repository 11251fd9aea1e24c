using System.Text.Json.Serialization;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>Serializes stored write-back entries without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WriteBackEntry))]
internal sealed partial class WriteBackJsonContext : JsonSerializerContext;
