using PresenceHub.Presence;

namespace PresenceHub.Gateway.Relay;

/// <summary>A connector of one organization: the unit that receives every event of the organization once.</summary>
internal readonly record struct ConnectorFeedId
{
    /// <summary>Longest connector id.</summary>
    public const int MaxLength = 64;

    /// <summary>Creates a connector feed id.</summary>
    /// <exception cref="ArgumentException">The connector id is empty, too long, or has characters other than letters, digits, '-', '_' and '.'.</exception>
    public ConnectorFeedId(OrganizationId organization, string connectorId)
    {
        if (!IsValidName(connectorId))
        {
            throw new ArgumentException(
                $"A connector id is 1 to {MaxLength} letters, digits, '-', '_' or '.'.", nameof(connectorId));
        }

        Organization = organization;
        ConnectorId = connectorId;
    }

    /// <summary>The organization.</summary>
    public OrganizationId Organization { get; }

    /// <summary>The connector's id, unique within the organization.</summary>
    public string ConnectorId { get; }

    /// <summary>Whether a connector id or consumer name is well formed: safe inside a Redis key.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Organization}/{ConnectorId}";
}
