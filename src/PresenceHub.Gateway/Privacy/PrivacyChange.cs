using System.Text.Json;

namespace PresenceHub.Gateway.Privacy;

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
    public static async Task<(PrivacyChange? Change, string Error)> ReadAsync(HttpRequest request)
    {
        const string Expected = "Expected a JSON object with any of \"paused\", \"shareOut\", \"showIn\" as true or false.";
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, "The body is too large. " + Expected);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, "The body is not JSON. " + Expected);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Expected);
            }

            bool? paused = null, shareOut = null, showIn = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name is not ("paused" or "shareOut" or "showIn"))
                {
                    return (null, $"Unknown field \"{Truncate(property.Name)}\". " + Expected);
                }

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
        }
    }

    private static string Truncate(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
