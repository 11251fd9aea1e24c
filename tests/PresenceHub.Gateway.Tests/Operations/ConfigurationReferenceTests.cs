using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// Keeps the README's configuration reference in step with the gateway's options classes: every bindable setting of
/// every class with a <c>SectionName</c> constant has one row with the right environment variable and default, and
/// the table names no setting that does not exist.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private const string Heading = "## Configuration";

    [Fact]
    public void GatewayHasOptionsClasses_ForTheTestToCheck()
    {
        var sections = OptionsClasses().Select(t => t.Section).ToList();

        // A discovery that finds nothing would pass every check below.
        Assert.Contains("Graph", sections);
        Assert.Contains("Relay", sections);
        Assert.Contains("Connectors", sections);
        Assert.Contains("Admin", sections);
    }

    [Fact]
    public void EverySetting_HasARowInTheReadmeTable()
    {
        var rows = ReadmeRows();
        var missing = Settings().Where(s => !rows.ContainsKey(s.Key)).ToList();

        Assert.True(missing.Count == 0,
            $"README.md's configuration table (under '{Heading}') lacks {missing.Count} setting(s). Add these rows "
            + "(type and meaning from the property's XML doc):\n"
            + string.Join('\n', missing.Select(s => $"| `{s.Key}` | {s.TypeName} | {s.Default} | `{s.EnvironmentVariable}` | |")));
    }

    [Fact]
    public void EveryReadmeRow_NamesAnExistingSetting()
    {
        var known = Settings().Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var unknown = ReadmeRows().Keys.Where(k => !known.Contains(k)).ToList();

        Assert.True(unknown.Count == 0,
            $"README.md's configuration table names setting(s) no options class has: {string.Join(", ", unknown)}. "
            + "Remove or rename the row(s).");
    }

    [Fact]
    public void EveryReadmeRow_HasTheSettingsEnvironmentVariableAndDefault()
    {
        var rows = ReadmeRows();
        var wrong = new List<string>();
        foreach (var setting in Settings().Where(s => rows.ContainsKey(s.Key)))
        {
            var row = rows[setting.Key];
            if (row.EnvironmentVariable != $"`{setting.EnvironmentVariable}`")
            {
                wrong.Add($"{setting.Key}: environment variable column is {row.EnvironmentVariable}, expected `{setting.EnvironmentVariable}`");
            }

            if (row.Default != setting.Default)
            {
                wrong.Add($"{setting.Key}: default column is {row.Default}, expected {setting.Default}");
            }
        }

        Assert.True(wrong.Count == 0, "README.md's configuration table is out of date:\n" + string.Join('\n', wrong));
    }

    /// <summary>Every class of the gateway with a <c>SectionName</c> constant, and that section.</summary>
    private static IEnumerable<(Type Type, string Section)> OptionsClasses() =>
        typeof(PresenceHubComposition).Assembly.GetTypes()
            .Where(t => t.IsClass)
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => (x.Type, (string)x.Field!.GetRawConstantValue()!));

    private static List<Setting> Settings() =>
        [.. OptionsClasses().SelectMany(c => SettingsOf(c.Type, c.Section)).OrderBy(s => s.Key, StringComparer.Ordinal)];

    /// <summary>
    /// What the configuration binder fills: public properties with a public setter, and get-only collections (which
    /// it adds to). Items of a list of objects become <c>Section:List:N:Property</c>; of a list of values, <c>Section:List:N</c>.
    /// </summary>
    private static IEnumerable<Setting> SettingsOf(Type type, string prefix)
    {
        var defaults = Activator.CreateInstance(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var element = ElementType(property.PropertyType);
            var bindable = property.SetMethod is { IsPublic: true } || element is not null;
            if (!bindable || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (element is not null && IsObject(element))
            {
                foreach (var item in SettingsOf(element, key + ":N"))
                {
                    yield return item;
                }
            }
            else if (element is not null)
            {
                yield return new Setting(key + ":N", TypeName(element), "—");
            }
            else if (IsObject(property.PropertyType))
            {
                foreach (var item in SettingsOf(property.PropertyType, key))
                {
                    yield return item;
                }
            }
            else
            {
                yield return new Setting(key, TypeName(property.PropertyType), FormatDefault(property.GetValue(defaults)));
            }
        }
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : type.GetGenericArguments().LastOrDefault();
    }

    private static bool IsObject(Type type)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsClass && plain != typeof(string) && plain != typeof(Uri);
    }

    private static string TypeName(Type type)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsEnum ? string.Join(" or ", Enum.GetNames(plain).Select(n => $"`{n}`"))
            : plain == typeof(int) ? "integer"
            : plain == typeof(bool) ? "boolean"
            : plain == typeof(Guid) ? "GUID"
            : plain == typeof(Uri) ? "URL"
            : plain == typeof(TimeSpan) ? "time span"
            : plain.Name.ToLowerInvariant();
    }

    /// <summary>The default column: the value in backticks as configuration writes it, or a dash when there is none.</summary>
    private static string FormatDefault(object? value) => value switch
    {
        null or "" => "—",
        Guid g when g == Guid.Empty => "—",
        bool b => b ? "`true`" : "`false`",
        TimeSpan t => $"`{t.ToString("c", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        _ => $"`{value}`",
    };

    /// <summary>The rows of the first table under the Configuration heading, by the setting in their first column.</summary>
    private static Dictionary<string, Row> ReadmeRows()
    {
        var lines = File.ReadAllLines(ReadmePath());
        var start = Array.FindIndex(lines, l => l.Trim() == Heading);
        Assert.True(start >= 0, $"README.md has no '{Heading}' section.");
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        var inTable = false;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                if (inTable)
                {
                    break;
                }

                continue;
            }

            inTable = true;
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var key = SettingCell().Match(cells[0]);
            if (!key.Success || cells.Length < 5)
            {
                continue; // The header and separator rows.
            }

            Assert.False(rows.ContainsKey(key.Groups[1].Value), $"README.md's configuration table has {key.Groups[1].Value} twice.");
            rows[key.Groups[1].Value] = new Row(cells[2], cells[3]);
        }

        Assert.True(rows.Count > 0, $"README.md has no configuration table under '{Heading}'.");
        return rows;
    }

    private static string ReadmePath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "PresenceHub.sln")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The repository's README.md was not found above the test's directory.");
    }

    [GeneratedRegex(@"^`([A-Za-z0-9_:]+)`$")]
    private static partial Regex SettingCell();

    private sealed record Setting(string Key, string TypeName, string Default)
    {
        public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
    }

    private sealed record Row(string Default, string EnvironmentVariable);
}
