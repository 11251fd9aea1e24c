namespace PresenceHub.Gateway.Admin;

/// <summary>One line of the admin console's setup checklist.</summary>
/// <param name="Name">What is checked: <c>app-registration</c>, <c>admin-consent</c>, <c>certificate</c>, <c>webhook</c>.</param>
/// <param name="Status"><c>ok</c>, <c>warning</c> or <c>failed</c>.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">What to do about it; null when nothing.</param>
internal sealed record ChecklistItem(string Name, string Status, string Detail, string? Fix)
{
    public static ChecklistItem Ok(string name, string detail) => new(name, "ok", detail, null);

    public static ChecklistItem Warning(string name, string detail, string fix) => new(name, "warning", detail, fix);

    public static ChecklistItem Failed(string name, string detail, string fix) => new(name, "failed", detail, fix);
}
