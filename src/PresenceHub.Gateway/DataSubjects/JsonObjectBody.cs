using System.Text.Json;

namespace PresenceHub.Gateway.DataSubjects;

/// <summary>
/// Reads a small JSON object from a request body by hand, so every mistake gets a 400 naming it: the body's
/// declared size, JSON syntax, an object at the root and its field names are checked here, the fields' values by
/// the caller's reader.
/// </summary>
internal static class JsonObjectBody
{
    /// <summary>
    /// What <paramref name="read"/> makes of the body's root object, or null and what is wrong; messages about the
    /// body's shape end with <paramref name="expected"/>.
    /// </summary>
    public static async Task<(T? Value, string Error)> ReadAsync<T>(
        HttpRequest request, int maxBytes, string[] fields, string expected, Func<JsonElement, (T? Value, string Error)> read)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, "The body is too large. " + expected);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, "The body is not JSON. " + expected);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, expected);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!fields.Contains(property.Name, StringComparer.Ordinal))
                {
                    return (null, $"Unknown field \"{Truncate(property.Name)}\". " + expected);
                }
            }

            return read(document.RootElement);
        }
    }

    private static string Truncate(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
