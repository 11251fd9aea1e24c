using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PresenceHub.Presence;
using GraphPresence = Microsoft.Graph.Models.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>Reads Graph's presence resource into the normalized model, losing nothing the model can hold.</summary>
internal static partial class GraphPresenceReader
{
    public static PresenceState ReadState(GraphPresence presence) => new(
        Availability.Parse(presence.Availability),
        Activity.Parse(presence.Activity),
        ReadStatusMessage(presence.StatusMessage),
        presence.OutOfOfficeSettings is { } ooo ? new OutOfOfficeSettings(ooo.IsOutOfOffice == true, PlainText(ooo.Message)) : null);

    /// <summary>The version Graph's own <c>sequenceNumber</c> gives, when present and well formed.</summary>
    public static PresenceVersion? ReadSequence(GraphPresence presence)
    {
        try
        {
            return string.IsNullOrEmpty(presence.SequenceNumber) ? null : PresenceVersion.FromSequence(presence.SequenceNumber);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static StatusMessage? ReadStatusMessage(Microsoft.Graph.Models.PresenceStatusMessage? status)
    {
        var body = status?.Message;
        var text = body?.ContentType == Microsoft.Graph.Models.BodyType.Html ? PlainText(body.Content) : body?.Content;
        return StatusMessage.Create(text, ReadExpiry(status?.ExpiryDateTime));
    }

    private static DateTimeOffset? ReadExpiry(Microsoft.Graph.Models.DateTimeTimeZone? expiry)
    {
        if (expiry?.DateTime is not { } local ||
            !DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return null;
        }

        if (string.IsNullOrEmpty(expiry.TimeZone) || string.Equals(expiry.TimeZone, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(expiry.TimeZone, out var zone)
            ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified), zone))
            : null;
    }

    private static string? PlainText(string? html) =>
        html is null ? null : WebUtility.HtmlDecode(Tags().Replace(html, " ")).Trim();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Tags();
}
