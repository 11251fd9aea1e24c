using System.Globalization;
using PresenceHub.Testing;

namespace PresenceHub.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster of masters without replicas: <c>redis-server --cluster-enabled yes</c> per node, joined with
/// <c>redis-cli --cluster create</c>. Ready (every node reports <c>cluster_state:ok</c>) when
/// <see cref="StartAsync"/> returns; dispose stops every node.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    /// <summary>The nodes, each a master owning a third (or so) of the slots.</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>A StackExchange.Redis configuration string listing every node.</summary>
    public string Configuration => string.Join(',', Nodes.Select(n => n.Configuration));

    /// <summary>Starts <paramref name="masters"/> nodes and creates the cluster.</summary>
    /// <exception cref="MissingProgramException">redis-server or redis-cli is not installed.</exception>
    /// <exception cref="InvalidOperationException">The cluster did not form.</exception>
    public static async Task<RedisCluster> StartAsync(int masters = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(masters, 3);
        RequiredProgram.Ensure("redis-server", RedisServer.InstallCommand);
        RequiredProgram.Ensure("redis-cli", RedisServer.InstallCommand);
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < masters; i++)
            {
                nodes.Add(await RedisServer.StartAsync(
                    false, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"));
            }

            var cluster = new RedisCluster(nodes);
            await RedisProcesses.RunAsync("redis-cli",
                ["--cluster", "create", .. nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)),
                 "--cluster-replicas", "0", "--cluster-yes"]);
            await Poll.UntilAsync(cluster.IsReadyAsync, "every node to report cluster_state:ok and all slots assigned");
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task<bool> IsReadyAsync()
    {
        foreach (var node in Nodes)
        {
            var info = await node.CliAsync("CLUSTER", "INFO");
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) ||
                !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal) ||
                !info.Contains($"cluster_known_nodes:{Nodes.Count}", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
