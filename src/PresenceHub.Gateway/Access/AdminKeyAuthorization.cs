using System.Security.Cryptography;
using System.Text;

namespace PresenceHub.Gateway.Access;

/// <summary>Checks the admin key of an admin API request (header <c>X-Admin-Key</c>) in constant time.</summary>
internal static class AdminKeyAuthorization
{
    public const string Header = "X-Admin-Key";

    /// <summary>Null when the request may proceed; otherwise the answer to give.</summary>
    public static IResult? Check(HttpContext context, AdminKeyOptions admin)
    {
        var presented = context.Request.Headers[Header].ToString();
        if (admin.Key is not { Length: > 0 } key)
        {
            return Results.Problem("Admin:Key is not configured, so the admin API is off.", statusCode: StatusCodes.Status403Forbidden);
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(key)))
            ? null
            : Results.Unauthorized();
    }
}
