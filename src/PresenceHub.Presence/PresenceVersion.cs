using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PresenceHub.Presence;

/// <summary>
/// Orders the updates of one user on one source platform. It is a single stamp compared ordinally, so Redis can
/// compare it byte by byte in a script:
/// <list type="bullet">
/// <item><c>s</c> + the source's own sequence number, where the platform gives one (Graph's lexicographically
/// sortable <c>sequenceNumber</c>);</item>
/// <item><c>t</c> + observed time in ticks (19 digits) + a 16-digit hex tie-breaker, otherwise.</item>
/// </list>
/// A source must use one kind consistently: every observed stamp sorts after every sequence stamp.
/// </summary>
public readonly record struct PresenceVersion : IComparable<PresenceVersion>
{
    /// <summary>Longest accepted stamp.</summary>
    public const int MaxLength = 256;

    private readonly string? _stamp;

    private PresenceVersion(string stamp) => _stamp = stamp;

    /// <summary>The ordinal-sortable stamp; empty for <c>default</c>, which sorts before every other version.</summary>
    public string Stamp => _stamp ?? string.Empty;

    /// <summary>A version from the source's own sequence number.</summary>
    /// <exception cref="ArgumentException">The sequence number is empty, too long or not printable ASCII.</exception>
    public static PresenceVersion FromSequence(string sequenceNumber)
    {
        if (string.IsNullOrEmpty(sequenceNumber) || sequenceNumber.Length >= MaxLength ||
            !sequenceNumber.All(c => c is > ' ' and < '\u007f'))
        {
            throw new ArgumentException(
                $"A sequence number is 1 to {MaxLength - 1} printable ASCII characters without spaces.", nameof(sequenceNumber));
        }

        return new PresenceVersion("s" + sequenceNumber);
    }

    /// <summary>A version from the time the update was observed, with a tie-breaker for updates in the same tick.</summary>
    public static PresenceVersion FromObservedTime(DateTimeOffset observedAt, ulong tieBreaker) =>
        new(string.Create(CultureInfo.InvariantCulture, $"t{observedAt.UtcTicks:D19}{tieBreaker:x16}"));

    /// <summary>
    /// The version that sorts right after this one and before every later version the source can write: for a
    /// sequence stamp, the stamp with <c>!</c> (the lowest character a stamp holds) appended; for an observed-time
    /// stamp, the next tie-breaker. A correction uses it to win over a state admitted with a version it cannot beat
    /// otherwise, without outranking the source's next genuine update.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stamp is <c>default</c>, or already <see cref="MaxLength"/> long.</exception>
    public PresenceVersion Successor()
    {
        var stamp = Stamp;
        if (stamp.Length == 0)
        {
            throw new InvalidOperationException("The default version has no successor.");
        }

        if (stamp[0] == 't')
        {
            var ticks = long.Parse(stamp.AsSpan(1, 19), CultureInfo.InvariantCulture);
            var tieBreaker = ulong.Parse(stamp.AsSpan(20), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return tieBreaker == ulong.MaxValue
                ? new PresenceVersion(string.Create(CultureInfo.InvariantCulture, $"t{ticks + 1:D19}{0UL:x16}"))
                : new PresenceVersion(string.Create(CultureInfo.InvariantCulture, $"t{ticks:D19}{tieBreaker + 1:x16}"));
        }

        return stamp.Length < MaxLength
            ? new PresenceVersion(stamp + "!")
            : throw new InvalidOperationException($"The version is {MaxLength} characters long and has no successor.");
    }

    /// <summary>
    /// Whether this version was made from <paramref name="other"/> by <see cref="Successor"/>, once or more, on a
    /// sequence stamp: a correction that took the place of <paramref name="other"/>. The source's own update with
    /// <paramref name="other"/> and other content then conflicts with the correction rather than being stale.
    /// </summary>
    public bool IsSuccessorOf(PresenceVersion other)
    {
        var (stamp, prefix) = (Stamp, other.Stamp);
        return prefix.Length > 1 && prefix[0] == 's' && stamp.Length > prefix.Length &&
               stamp.StartsWith(prefix, StringComparison.Ordinal) && stamp.AsSpan(prefix.Length).IndexOfAnyExcept('!') < 0;
    }

    /// <summary>Restores a version from its stamp, as stored or sent on the wire.</summary>
    /// <exception cref="FormatException">The stamp is not one this type writes.</exception>
    public static PresenceVersion Parse(string? stamp) =>
        TryParse(stamp, out var version) ? version : throw new FormatException($"'{stamp}' is not a presence version stamp.");

    /// <summary>Restores a version from its stamp without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? stamp, out PresenceVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(stamp) || stamp.Length > MaxLength)
        {
            return false;
        }

        var valid = stamp[0] switch
        {
            's' => stamp.Length > 1 && stamp.AsSpan(1).IndexOfAnyExceptInRange('!', '~') < 0,
            't' => stamp.Length == 36 && stamp.AsSpan(1, 19).IndexOfAnyExceptInRange('0', '9') < 0 &&
                   stamp.AsSpan(20).IndexOfAnyExcept("0123456789abcdef") < 0,
            _ => false,
        };
        if (valid)
        {
            version = new PresenceVersion(stamp);
        }

        return valid;
    }

    /// <inheritdoc />
    public int CompareTo(PresenceVersion other) => string.CompareOrdinal(Stamp, other.Stamp);

    /// <summary>Whether <paramref name="left"/> orders after <paramref name="right"/>.</summary>
    public static bool operator >(PresenceVersion left, PresenceVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> orders before <paramref name="right"/>.</summary>
    public static bool operator <(PresenceVersion left, PresenceVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> orders after or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(PresenceVersion left, PresenceVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> orders before or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(PresenceVersion left, PresenceVersion right) => left.CompareTo(right) <= 0;

    /// <inheritdoc />
    public override string ToString() => Stamp;
}
