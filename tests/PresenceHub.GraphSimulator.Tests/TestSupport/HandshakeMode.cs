namespace PresenceHub.GraphSimulator.Tests.TestSupport;

public enum HandshakeMode
{
    Echo,
    WrongToken,
    ServerError,
}
