using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Access;

/// <summary>The key that authorizes the admin API (header <c>X-Admin-Key</c>); the admin API is off without one.</summary>
internal sealed class AdminKeyOptions
{
    public const string SectionName = "Admin";

    /// <summary>At least 32 characters; compare in constant time.</summary>
    [MinLength(32, ErrorMessage = "Admin:Key must be at least 32 characters.")]
    public string? Key { get; set; }
}
