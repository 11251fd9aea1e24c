using System.Globalization;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Relay;

/// <summary>Test updates whose version is a sequence number, so tests can say which is newer.</summary>
internal static class Presences
{
    public static OrganizationId NewOrganization() => new(Guid.NewGuid());

    public static PresenceUpdate Update(OrganizationId organization, string user, long sequence, Platform? source = null) =>
        new(organization,
            user,
            source ?? Platform.Teams,
            PresenceState.ForCategory((PresenceCategory)(sequence % 10)),
            Version(sequence),
            source ?? Platform.Teams,
            DateTimeOffset.UnixEpoch.AddSeconds(sequence));

    public static PresenceVersion Version(long sequence) =>
        PresenceVersion.FromSequence(sequence.ToString("D12", CultureInfo.InvariantCulture));

    /// <summary>The sequence number an update of <see cref="Update"/> was made from.</summary>
    public static long Sequence(PresenceUpdate update) => long.Parse(update.Version.Stamp[1..], CultureInfo.InvariantCulture);
}
