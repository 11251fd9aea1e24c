using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PresenceHub.Bench;

/// <summary>
/// Estimates how much of the managed heap each of several roots holds, without a heap dump: walks the objects
/// reachable from a root through their fields by reflection, and adds up their sizes as the runtime lays them out on
/// 64-bit (16-byte header, fields, 8-byte alignment; arrays and strings with their length). Only PresenceHub's own
/// types, collections, strings, arrays and boxed values are entered, so a root does not pull in loggers, options,
/// HTTP clients or the service provider. Each object counts once, for the first root that reaches it.
/// </summary>
internal sealed class HeapBreakdown
{
    private static readonly ConcurrentDictionary<Type, int> ValueSizes = new();
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();
    private static readonly ConcurrentDictionary<Type, bool> References = new();
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

    /// <summary>Bytes reachable from <paramref name="root"/> not counted for an earlier root.</summary>
    public long Measure(object? root)
    {
        var total = 0L;
        var pending = new Stack<object>();
        Push(root, pending);
        while (pending.TryPop(out var current))
        {
            total += Size(current);
            if (current is Array array)
            {
                var element = array.GetType().GetElementType()!;
                if (!element.IsValueType)
                {
                    foreach (var item in array)
                    {
                        Push(item, pending);
                    }
                }
                else if (HasReferences(element))
                {
                    foreach (var item in array)
                    {
                        WalkStruct(item, pending);
                    }
                }

                continue;
            }

            foreach (var field in InstanceFields(current.GetType()))
            {
                if (!field.FieldType.IsValueType)
                {
                    Push(field.GetValue(current), pending);
                }
                else if (HasReferences(field.FieldType))
                {
                    WalkStruct(field.GetValue(current), pending);
                }
            }
        }

        return total;
    }

    private void WalkStruct(object? boxed, Stack<object> pending)
    {
        if (boxed is null)
        {
            return;
        }

        foreach (var field in InstanceFields(boxed.GetType()))
        {
            if (!field.FieldType.IsValueType)
            {
                Push(field.GetValue(boxed), pending);
            }
            else if (HasReferences(field.FieldType))
            {
                WalkStruct(field.GetValue(boxed), pending);
            }
        }
    }

    private void Push(object? value, Stack<object> pending)
    {
        if (value is not null && Enters(value.GetType()) && _visited.Add(value))
        {
            pending.Push(value);
        }
    }

    private static bool Enters(Type type)
    {
        if (type.IsArray || type == typeof(string) || type.IsValueType)
        {
            return true;
        }

        if (typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type))
        {
            return false;
        }

        var assembly = type.Assembly.GetName().Name ?? "";
        return assembly.StartsWith("PresenceHub", StringComparison.Ordinal)
            || (type.Namespace ?? "").StartsWith("System.Collections", StringComparison.Ordinal);
    }

    private static long Size(object value)
    {
        switch (value)
        {
            case string text:
                return Align(22 + (2L * text.Length));
            case Array array:
                var element = array.GetType().GetElementType()!;
                return Align(24 + ((long)array.Length * (element.IsValueType ? ValueSize(element) : 8)));
            default:
                var type = value.GetType();
                if (type.IsValueType)
                {
                    return Align(16 + ValueSize(type));
                }

                return Math.Max(24, Align(16 + InstanceFields(type).Sum(f => f.FieldType.IsValueType ? (long)ValueSize(f.FieldType) : 8)));
        }
    }

    private static long Align(long bytes) => (bytes + 7) & ~7L;

    private static int ValueSize(Type type) => ValueSizes.GetOrAdd(type, static t =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!);

    private static bool HasReferences(Type type) => References.GetOrAdd(type, static t => !t.IsPrimitive && !t.IsEnum && (bool)typeof(RuntimeHelpers)
        .GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(t).Invoke(null, null)!);

    private static FieldInfo[] InstanceFields(Type type) => Fields.GetOrAdd(type, static t =>
    {
        var fields = new List<FieldInfo>();
        for (var current = t; current is not null; current = current.BaseType)
        {
            fields.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }

        return [.. fields];
    });
}
