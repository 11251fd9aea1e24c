using PresenceHub.Presence;

namespace PresenceHub.Gateway.GraphIngest;

/// <summary>
/// Whether the gateway serves an organization, as Graph ingest needs to know it for notifications and the keeper:
/// decided by access (<c>Access/AdmittedOrganizations</c>, from <c>Organizations:Allowed</c>), the one place that
/// decides it for every way an organization enters.
/// </summary>
internal interface IOrganizationAdmission
{
    /// <summary>Whether <paramref name="organization"/> is one the operator serves.</summary>
    bool IsAdmitted(OrganizationId organization);
}
