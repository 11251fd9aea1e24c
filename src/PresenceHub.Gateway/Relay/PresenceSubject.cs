using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>Whose presence: a user on a source platform, within an organization known from context.</summary>
/// <param name="Source">The platform the presence is observed on.</param>
/// <param name="UserId">The user's id on that platform.</param>
internal readonly record struct PresenceSubject(Platform Source, string UserId)
{
    /// <summary>The subject of an update.</summary>
    public static PresenceSubject Of(PresenceUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new PresenceSubject(update.Source, update.UserId);
    }
}
