using PresenceHub.Gateway.Privacy;

namespace PresenceHub.Gateway.Demo;

/// <summary>A simulated Teams user of the demo tenant and how they joined federation.</summary>
/// <param name="Id">The user's Entra object id in the simulator.</param>
/// <param name="DisplayName">The name shown in the table.</param>
/// <param name="Mail">The mail address, also the user principal name.</param>
/// <param name="Consent">Signed in to the Teams app (owns the presence subscription) or assigned by the administrator.</param>
internal sealed record DemoUser(string Id, string DisplayName, string Mail, ConsentSource Consent);
