namespace PresenceHub.GraphSimulator.Subscriptions;

internal enum ResourceKind
{
    Presence,
    Users,
    User,
    AppInstallations,
}
