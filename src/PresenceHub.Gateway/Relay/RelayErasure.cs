namespace PresenceHub.Gateway.Relay;

/// <summary>What <see cref="IPresenceRelay.ForgetAsync"/> did.</summary>
/// <param name="Deleted">Events mentioning the user that were deleted.</param>
/// <param name="Remaining">Events mentioning the user still held because a connector has not acknowledged them yet.</param>
/// <param name="Through">
/// The position of the last event the erasure covers (opaque): pass it to later calls, so they finish this erasure
/// and never touch what was published after it, such as the presence of a user who joined again.
/// </param>
internal readonly record struct RelayErasure(int Deleted, int Remaining, string Through = "");
