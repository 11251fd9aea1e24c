namespace PresenceHub.Gateway.Relay;

/// <summary>What <see cref="IPresenceRelay.ForgetAsync"/> did.</summary>
/// <param name="Deleted">Events mentioning the user that were deleted.</param>
/// <param name="Remaining">Events mentioning the user still held because a connector has not acknowledged them yet.</param>
internal readonly record struct RelayErasure(int Deleted, int Remaining);
