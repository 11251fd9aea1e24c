namespace PresenceHub.Presence;

/// <summary>
/// A user's presence in its richest form: Teams availability and activity in full, the status message and the
/// out-of-office settings. Connectors degrade it to what their platform can show.
/// </summary>
/// <param name="Availability">Teams availability.</param>
/// <param name="Activity">Teams activity.</param>
/// <param name="StatusMessage">The status message; null when there is none.</param>
/// <param name="OutOfOffice">Out-of-office settings; null when unknown or not set.</param>
public sealed record PresenceState(
    Availability Availability,
    Activity Activity,
    StatusMessage? StatusMessage = null,
    OutOfOfficeSettings? OutOfOffice = null)
{
    /// <summary>Nothing known.</summary>
    public static PresenceState Unknown { get; } = new(Availability.PresenceUnknown, Activity.PresenceUnknown);

    /// <summary>Whether the user is out of office, by activity or by settings.</summary>
    public bool IsOutOfOffice => Activity == Activity.OutOfOffice || OutOfOffice?.IsOutOfOffice == true;

    /// <summary>What this presence means, whatever platform shows it.</summary>
    public PresenceCategory Category => Classify();

    /// <summary>
    /// The text a single-text platform shows: the status message, or for someone out of office without one, the
    /// out-of-office message.
    /// </summary>
    public string? DisplayText =>
        StatusMessage?.Content ?? (Category == PresenceCategory.OutOfOffice ? StatusMessage.Create(OutOfOffice?.Message)?.Content : null);

    /// <summary>The Teams pair that stands for a category, with out-of-office settings where it needs them.</summary>
    public static PresenceState ForCategory(PresenceCategory category, StatusMessage? statusMessage = null) => category switch
    {
        PresenceCategory.Available => new(Availability.Available, Activity.Available, statusMessage),
        PresenceCategory.Idle => new(Availability.AvailableIdle, Activity.Inactive, statusMessage),
        PresenceCategory.Busy => new(Availability.Busy, Activity.Busy, statusMessage),
        PresenceCategory.InACall => new(Availability.Busy, Activity.InACall, statusMessage),
        PresenceCategory.InAMeeting => new(Availability.Busy, Activity.InAMeeting, statusMessage),
        PresenceCategory.DoNotDisturb => new(Availability.DoNotDisturb, Activity.DoNotDisturb, statusMessage),
        PresenceCategory.Presenting => new(Availability.DoNotDisturb, Activity.Presenting, statusMessage),
        PresenceCategory.Away => new(Availability.Away, Activity.Away, statusMessage),
        PresenceCategory.Offline => new(Availability.Offline, Activity.Offline, statusMessage),
        PresenceCategory.OutOfOffice => new(Availability.Away, Activity.OutOfOffice, statusMessage, OutOfOfficeSettings.Away),
        _ => new(Availability.PresenceUnknown, Activity.PresenceUnknown, statusMessage),
    };

    private PresenceCategory Classify()
    {
        var engaged = Availability == Availability.Busy || Availability == Availability.BusyIdle ||
                      Availability == Availability.DoNotDisturb;
        if (IsOutOfOffice && !engaged)
        {
            return PresenceCategory.OutOfOffice;
        }

        if (Availability == Availability.Offline)
        {
            return PresenceCategory.Offline;
        }

        if (ActivityCategory() is { } specific)
        {
            return specific;
        }

        if (Availability == Availability.DoNotDisturb)
        {
            return PresenceCategory.DoNotDisturb;
        }

        if (engaged)
        {
            return PresenceCategory.Busy;
        }

        if (Availability == Availability.AvailableIdle || Activity == Activity.Inactive)
        {
            return PresenceCategory.Idle;
        }

        if (Availability == Availability.Available)
        {
            return PresenceCategory.Available;
        }

        if (Availability == Availability.Away || Availability == Availability.BeRightBack)
        {
            return PresenceCategory.Away;
        }

        // Availability is PresenceUnknown or a value Graph has not documented: the activity is all there is.
        return ActivityFallback();
    }

    private PresenceCategory? ActivityCategory()
    {
        if (Activity == Activity.InACall || Activity == Activity.InAConferenceCall)
        {
            return PresenceCategory.InACall;
        }

        if (Activity == Activity.InAMeeting)
        {
            return PresenceCategory.InAMeeting;
        }

        if (Activity == Activity.Presenting)
        {
            return PresenceCategory.Presenting;
        }

        if (Activity == Activity.DoNotDisturb || Activity == Activity.UrgentInterruptionsOnly)
        {
            return PresenceCategory.DoNotDisturb;
        }

        return null;
    }

    private PresenceCategory ActivityFallback()
    {
        if (Activity == Activity.Available)
        {
            return PresenceCategory.Available;
        }

        if (Activity == Activity.Busy)
        {
            return PresenceCategory.Busy;
        }

        if (Activity == Activity.Away || Activity == Activity.BeRightBack)
        {
            return PresenceCategory.Away;
        }

        if (Activity == Activity.Offline || Activity == Activity.OffWork)
        {
            return PresenceCategory.Offline;
        }

        return PresenceCategory.Unknown;
    }
}
