namespace PresenceHub.GraphSimulator.Tests.TestSupport;

internal enum HandshakeMode
{
    Echo,
    WrongToken,
    ServerError,
}
