using PresenceHub.Presence;

namespace PresenceHub.Gateway.WriteBack;

/// <summary>Whose write-back session: a Teams user (Entra object id, lowercase) of an organization.</summary>
internal readonly record struct WriteBackKey(OrganizationId Organization, string UserId);
