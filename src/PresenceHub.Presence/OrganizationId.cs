namespace PresenceHub.Presence;

/// <summary>An organization: the Microsoft Entra tenant every user, key, event and session belongs to.</summary>
public readonly record struct OrganizationId
{
    /// <summary>Creates an organization id from a tenant id.</summary>
    /// <exception cref="ArgumentException">The tenant id is empty.</exception>
    public OrganizationId(Guid tenantId)
    {
        if (tenantId == Guid.Empty)
        {
            throw new ArgumentException("An organization id is a non-empty tenant id.", nameof(tenantId));
        }

        TenantId = tenantId;
    }

    /// <summary>The Entra tenant id.</summary>
    public Guid TenantId { get; }

    /// <summary>Parses a tenant id in any of the GUID formats.</summary>
    /// <exception cref="FormatException">The value is not a non-empty GUID.</exception>
    public static OrganizationId Parse(string? value) =>
        TryParse(value, out var id)
            ? id
            : throw new FormatException($"'{value}' is not an organization (tenant) id: expected a non-empty GUID.");

    /// <summary>Parses a tenant id without throwing.</summary>
    public static bool TryParse(string? value, out OrganizationId id)
    {
        id = default;
        if (!Guid.TryParse(value, out var guid) || guid == Guid.Empty)
        {
            return false;
        }

        id = new OrganizationId(guid);
        return true;
    }

    /// <summary>The tenant id in lowercase "D" format, as Graph writes it.</summary>
    public override string ToString() => TenantId.ToString("D");
}
