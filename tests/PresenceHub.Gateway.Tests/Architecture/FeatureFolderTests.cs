using System.Text.RegularExpressions;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Architecture;

/// <summary>
/// The gateway's feature folders depend one way (docs/architecture.md): a folder is a namespace, and a folder
/// depends on another when its code names it (<c>using PresenceHub.Gateway.X;</c> or a qualified name).
/// </summary>
public sealed partial class FeatureFolderTests
{
    private static readonly string Gateway = Path.Combine(Repository.Root, "src", "PresenceHub.Gateway");

    [Fact]
    public void FeatureFolders_FormNoLoop()
    {
        var dependencies = Dependencies(Gateway);
        var loops = Loops(dependencies);

        Assert.True(loops.Count == 0, "Feature folders depend on each other in a loop: " + string.Join("; ", loops.Select(l => Cycle(l, dependencies))));
    }

    [Fact]
    public void EveryFolder_UsesOnlyFoldersListedBeforeIt_InDocsArchitecture()
    {
        var order = DocumentedOrder();
        var dependencies = Dependencies(Gateway);

        Assert.Equal(dependencies.Keys.Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
        var upward = dependencies
            .SelectMany(d => d.Value.Select(target => (From: d.Key, To: target)))
            .Where(e => order.IndexOf(e.To) > order.IndexOf(e.From))
            .Select(e => $"{e.From} -> {e.To}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(upward.Count == 0, "docs/architecture.md lists these folders after folders that use them: " + string.Join(", ", upward));
    }

    [Fact]
    public void LoopFinder_NamesALoopThroughThreeFolders()
    {
        var dependencies = new Dictionary<string, HashSet<string>>
        {
            ["Relay"] = ["State", "Profiles"],
            ["Profiles"] = ["Graph"],
            ["Graph"] = ["Relay"],
            ["State"] = [],
        };

        var loop = Assert.Single(Loops(dependencies));

        Assert.Equal(["Graph", "Profiles", "Relay"], loop.Order());
        Assert.Equal("Graph -> Relay -> Profiles -> Graph", Cycle(loop, dependencies));
    }

    [Fact]
    public void TheStateMode_IsTestedOnlyInTheStateFolder()
    {
        var offenders = SourceFiles(Gateway)
            .Where(f => !f.Folder.Equals("State", StringComparison.Ordinal))
            .Where(f => ModeTest().IsMatch(f.Text))
            .Select(f => Path.GetRelativePath(Gateway, f.Path))
            .ToList();

        Assert.True(offenders.Count == 0, "Only State/ chooses between Redis and memory; these files test the mode: " + string.Join(", ", offenders));
    }

    /// <summary>The folders in the order of the table under "The gateway's feature folders" in docs/architecture.md.</summary>
    private static List<string> DocumentedOrder()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md"));
        var section = text[text.IndexOf("## The gateway's feature folders", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        return [.. DocumentedFolder().Matches(section).Select(m => m.Groups[1].Value)];
    }

    /// <summary>Folder to the folders its code names.</summary>
    private static Dictionary<string, HashSet<string>> Dependencies(string root)
    {
        var files = SourceFiles(root).ToList();
        var folders = files.Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);
        var dependencies = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (Match match in FolderReference().Matches(file.Text))
            {
                var target = match.Groups[1].Value;
                if (target != file.Folder && folders.Contains(target))
                {
                    dependencies[file.Folder].Add(target);
                }
            }
        }

        return dependencies;
    }

    /// <summary>Each group of two or more folders that reach each other (Tarjan's strongly connected components).</summary>
    private static List<HashSet<string>> Loops(IReadOnlyDictionary<string, HashSet<string>> dependencies)
    {
        var (index, low, stack, onStack, loops) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new Stack<string>(), new HashSet<string>(), new List<HashSet<string>>());
        foreach (var folder in dependencies.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return loops;

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            onStack.Add(folder);
            foreach (var next in dependencies.GetValueOrDefault(folder, []).Order(StringComparer.Ordinal))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], index[next]);
                }
            }

            if (low[folder] == index[folder])
            {
                var group = new HashSet<string>(StringComparer.Ordinal);
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    group.Add(member);
                }
                while (member != folder);

                if (group.Count > 1)
                {
                    loops.Add(group);
                }
            }
        }
    }

    /// <summary>The shortest cycle through the group's first folder (in order), e.g. <c>A -> B -> A</c>.</summary>
    private static string Cycle(HashSet<string> group, IReadOnlyDictionary<string, HashSet<string>> dependencies)
    {
        var start = group.Order(StringComparer.Ordinal).First();
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var folder))
        {
            foreach (var next in dependencies[folder].Where(group.Contains).Order(StringComparer.Ordinal))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var at = folder; at != start; at = cameFrom[at])
                    {
                        path.Insert(1, at);
                    }

                    return string.Join(" -> ", path.Append(start));
                }

                if (next != start && cameFrom.TryAdd(next, folder))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return string.Join(", ", group.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<(string Path, string Folder, string Text)> SourceFiles(string root) =>
        Directory.EnumerateDirectories(root)
            .Where(d => Path.GetFileName(d) is not ("bin" or "obj"))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories)
                .Select(f => (f, Path.GetFileName(d), File.ReadAllText(f))));

    [GeneratedRegex(@"^\| `(\w+)/` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedFolder();

    [GeneratedRegex(@"PresenceHub\.Gateway\.(\w+)")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"(?<!nameof\()StateMode\.(Redis|InMemory)\b|\.IsShared\b")]
    private static partial Regex ModeTest();
}
