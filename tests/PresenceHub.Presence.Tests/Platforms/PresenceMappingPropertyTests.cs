using CsCheck;
using PresenceHub.Presence.Platforms;

namespace PresenceHub.Presence.Tests.Platforms;

/// <summary>The round-trip laws every platform mapping keeps, checked on generated input.</summary>
public sealed class PresenceMappingPropertyTests
{
    public static TheoryData<string> Platforms => ["teams-session", "slack", "xmpp", "matrix", "webex", "zoom", "pidf"];

    [Theory]
    [MemberData(nameof(Platforms))]
    public void RoundTrip_OfStateThePlatformCanRepresent_LeavesItUnchanged(string platform) =>
        For(platform).RepresentableStateSurvives();

    [Theory]
    [MemberData(nameof(Platforms))]
    public void SecondRoundTrip_ThroughLossyPlatform_ChangesNothingMore(string platform) =>
        For(platform).SecondRoundTripChangesNothing();

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Mapping_OfAnyInput_NeverThrowsAndGivesDefinedCategory(string platform) =>
        For(platform).TotalAndDefined();

    private static ILaws For(string platform) => platform switch
    {
        "teams-session" => new Laws<TeamsSessionPresence?>(TeamsSessionMapping.Instance, PresenceGen.TeamsSession),
        "slack" => new Laws<SlackPresence>(SlackPresenceMapping.Instance, PresenceGen.Slack),
        "xmpp" => new Laws<XmppPresence>(XmppPresenceMapping.Instance, PresenceGen.Xmpp),
        "matrix" => new Laws<MatrixPresence>(MatrixPresenceMapping.Instance, PresenceGen.Matrix),
        "webex" => new Laws<WebexPresence>(WebexPresenceMapping.Instance, PresenceGen.Webex),
        "zoom" => new Laws<ZoomPresence>(ZoomPresenceMapping.Instance, PresenceGen.Zoom),
        "pidf" => new Laws<PidfPresence>(PidfPresenceMapping.Instance, PresenceGen.Pidf),
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "no generator for this platform"),
    };

    internal interface ILaws
    {
        void RepresentableStateSurvives();
        void SecondRoundTripChangesNothing();
        void TotalAndDefined();
    }

    private sealed class Laws<TNative>(IPresenceMapping<TNative> mapping, Gen<TNative> natives) : ILaws
    {
        // A state the platform can represent is one read from the platform: mapping it there and back keeps it.
        public void RepresentableStateSurvives() => natives.Sample(native =>
        {
            var state = mapping.FromPlatform(native);
            Assert.Equal(state, mapping.FromPlatform(mapping.ToPlatform(state)));
        }, iter: 2_000);

        // Any state may lose detail on the first trip, but the platform then sees the same value every time: no flapping.
        public void SecondRoundTripChangesNothing() => PresenceGen.State.Sample(state =>
        {
            var shown = mapping.ToPlatform(state);
            var once = mapping.FromPlatform(shown);
            Assert.Equal(shown, mapping.ToPlatform(once));
            Assert.Equal(once, mapping.FromPlatform(mapping.ToPlatform(once)));
        }, iter: 2_000);

        public void TotalAndDefined() => natives.Sample(native =>
        {
            var state = mapping.FromPlatform(native);
            Assert.True(Enum.IsDefined(state.Category));
            Assert.NotNull(state.Availability.Value);
            Assert.NotNull(state.Activity.Value);
        }, iter: 2_000);
    }
}
