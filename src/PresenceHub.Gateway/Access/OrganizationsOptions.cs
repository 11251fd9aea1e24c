using System.ComponentModel.DataAnnotations;

namespace PresenceHub.Gateway.Access;

/// <summary>
/// The organizations this gateway serves (section <c>Organizations</c>). Entra ID issues valid tokens to every tenant
/// in the world, so without a list any tenant that grants itself the admin role could enrol users and issue connector
/// keys: the operator names the tenants, or states that the service is deliberately open to all.
/// </summary>
internal sealed class OrganizationsOptions : IValidatableObject
{
    public const string SectionName = "Organizations";

    /// <summary>The Entra tenant ids (GUIDs) served; every other organization is refused wherever it enters.</summary>
    public IList<string> Allowed { get; } = [];

    /// <summary>Serve every Entra tenant: a deliberate multi-tenant service. Default false.</summary>
    public bool AllowAny { get; set; }

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var tenant in Allowed)
        {
            if (!Guid.TryParse(tenant, out _))
            {
                yield return new ValidationResult(
                    $"Organizations:Allowed holds '{tenant}', which is not an Entra tenant id (a GUID).", [nameof(Allowed)]);
            }
        }

        if (!AllowAny && !Allowed.Any(t => !string.IsNullOrWhiteSpace(t)))
        {
            yield return new ValidationResult(
                "No organization is admitted: list the Entra tenant ids served in Organizations:Allowed "
                + "(e.g. Organizations__Allowed__0), or set Organizations:AllowAny=true for a deliberately multi-tenant service.",
                [nameof(Allowed), nameof(AllowAny)]);
        }
    }
}
