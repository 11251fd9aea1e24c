namespace PresenceHub.Testing;

/// <summary>
/// A program the tests need is not installed. Its message is the whole story (which program, which command installs
/// it), so it carries no stack trace: the test runner prints the one sentence for each test of the fixture.
/// </summary>
internal sealed class MissingProgramException(string message) : Exception(message)
{
    public override string? StackTrace => null;
}
