using System.Text.Json;
using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// The body of a privacy PUT: any of <c>paused</c>, <c>shareOut</c>, <c>showIn</c> as JSON booleans; flags left out
/// keep their value. Read by hand so every mistake gets a 400 naming the field.
/// </summary>
internal sealed record PrivacyChange(bool? Paused, bool? ShareOut, bool? ShowIn)
{
    private const int MaxBodyBytes = 4096;

    public PrivacySettings ApplyTo(PrivacySettings current) =>
        new(Paused ?? current.Paused, ShareOut ?? current.ShareOut, ShowIn ?? current.ShowIn);

    /// <summary>The change, or null and what is wrong.</summary>
    public static Task<(PrivacyChange? Change, string Error)> ReadAsync(HttpRequest request)
    {
        const string Expected = "Expected a JSON object with any of \"paused\", \"shareOut\", \"showIn\" as true or false.";
        return JsonObjectBody.ReadAsync<PrivacyChange>(request, MaxBodyBytes, ["paused", "shareOut", "showIn"], Expected, root =>
        {
            bool? paused = null, shareOut = null, showIn = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return (null, $"\"{property.Name}\" must be true or false.");
                }

                var value = property.Value.GetBoolean();
                switch (property.Name)
                {
                    case "paused": paused = value; break;
                    case "shareOut": shareOut = value; break;
                    default: showIn = value; break;
                }
            }

            return paused is null && shareOut is null && showIn is null
                ? (null, "The body names no setting. " + Expected)
                : (new PrivacyChange(paused, shareOut, showIn), "");
        });
    }
}
