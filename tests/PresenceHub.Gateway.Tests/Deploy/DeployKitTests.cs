using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using PresenceHub.Gateway.Tests.Infrastructure;

namespace PresenceHub.Gateway.Tests.Deploy;

/// <summary>
/// What can be checked of deploy/ without Docker or Helm: the chart's default values against its values.schema.json,
/// the schema refusing values that cannot run, every <c>.Values</c> path the templates use existing in values.yaml,
/// and the Dockerfile, compose file and chart agreeing on stages, ports and the non-root user.
/// </summary>
public sealed partial class DeployKitTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "deploy");
    private static readonly string Chart = Path.Combine(Deploy, "helm", "presencehub");

    [Fact]
    public async Task DefaultValues_ValidateAgainstTheSchema()
    {
        var schema = await Schema();
        var errors = schema.Validate(ChartValues.Load(Path.Combine(Chart, "values.yaml"))!.ToJsonString());

        Assert.True(errors.Count == 0, "values.yaml does not match values.schema.json:\n" + string.Join('\n', errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [InlineData("podSecurityContext.runAsNonRoot", "false")]
    [InlineData("replicaCount", "\"two\"")]
    [InlineData("image.pullPolicy", "\"Sometimes\"")]
    [InlineData("graph.clientId", "\"not-a-guid\"")]
    [InlineData("graph.notificationUrl", "\"http://insecure.example.com/graph/notifications\"")]
    [InlineData("admin.key", "\"too-short\"")]
    [InlineData("externalRedis.keyPrefix", "\"has spaces\"")]
    [InlineData("opentelemetry.protocol", "\"udp\"")]
    [InlineData("replicas", "2")]
    [InlineData("admin.service.port", "0")]
    [InlineData("admin.service.type", "\"Public\"")]
    // The scale-out path needs Redis: two replicas with in-memory relays would each see half the notifications.
    [InlineData("replicaCount", "2")]
    public async Task Schema_RefusesValuesThatCannotRun(string path, string json)
    {
        var schema = await Schema();
        var values = ChartValues.Load(Path.Combine(Chart, "values.yaml"))!.AsObject();
        Set(values, path, JsonNode.Parse(json));

        Assert.NotEmpty(schema.Validate(values.ToJsonString()));
    }

    [Fact]
    public async Task Schema_AcceptsTheScaleOutPath_TwoReplicasSharingRedis()
    {
        var schema = await Schema();
        var values = ChartValues.Load(Path.Combine(Chart, "values.yaml"))!.AsObject();
        Set(values, "replicaCount", 3);
        Set(values, "externalRedis.enabled", true);
        Set(values, "externalRedis.configuration", "redis-master.redis:6379");
        Set(values, "serviceMonitor.enabled", true);

        var errors = schema.Validate(values.ToJsonString());

        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void EveryValuesPathInTheTemplates_ExistsInValuesYaml()
    {
        var values = ChartValues.Load(Path.Combine(Chart, "values.yaml"))!.AsObject();
        var templates = Directory.GetFiles(Path.Combine(Chart, "templates"));
        var referenced = templates
            .SelectMany(file => ValuesPath().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Path: m.Groups[1].Value)))
            .ToList();

        var missing = referenced.Where(r => !Exists(values, r.Path)).Select(r => $"{r.File}: .Values.{r.Path}").Distinct().ToList();

        Assert.True(referenced.Count > 20, $"Only {referenced.Count} .Values references found; is the pattern right?");
        Assert.True(missing.Count == 0, "Templates use values that values.yaml does not define:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void ComposeTargets_AreStagesOfTheDockerfile_AndImagesRunAsNonRoot()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var stages = Stage().Matches(dockerfile).Select(m => m.Groups[1].Value).ToList();
        var compose = File.ReadAllText(Path.Combine(Deploy, "compose.yaml"));
        var targets = ComposeTarget().Matches(compose).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["gateway", "connector-xmpp"], targets);
        Assert.All(targets, target => Assert.Contains(target, stages));
        // The default target (the last stage) is the gateway.
        Assert.Equal("gateway", stages[^1]);
        foreach (var runtime in new[] { "gateway", "connector-xmpp" })
        {
            var body = StageBody(dockerfile, runtime);
            Assert.Contains("USER $APP_UID", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ImagePorts_MatchItsKestrelEndpoints_AndTheChartsContainerPorts()
    {
        var gateway = StageBody(File.ReadAllText(Path.Combine(Deploy, "Dockerfile")), "gateway");
        var exposed = Expose().Match(gateway).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order().ToList();
        var kestrel = KestrelPort().Matches(gateway).Select(m => int.Parse(m.Groups[1].Value)).Order().ToList();
        var deployment = File.ReadAllText(Path.Combine(Chart, "templates", "deployment.yaml"));
        var containerPorts = ContainerPort().Matches(deployment).Select(m => int.Parse(m.Groups[1].Value)).Order().ToList();

        Assert.Equal([8080, 8081, 8082, 9464], exposed);
        Assert.Equal(exposed, kestrel);
        Assert.Equal(exposed, containerPorts);
        Assert.Contains("Kestrel__Endpoints__Grpc__Protocols=Http2", gateway, StringComparison.Ordinal);
        Assert.Contains("/healthz/live", gateway, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminListener_HasAServiceOfItsOwn_OutsideThePublicIngressUnlessOptedIn()
    {
        var templates = Path.Combine(Chart, "templates");
        var gateway = StageBody(File.ReadAllText(Path.Combine(Deploy, "Dockerfile")), "gateway");
        Assert.Contains("Kestrel__Endpoints__Admin__Url=http://+:8082", gateway, StringComparison.Ordinal);

        // The container names the port; its own Service targets it, and the main Service does not carry it.
        var deployment = File.ReadAllText(Path.Combine(templates, "deployment.yaml"));
        Assert.Matches(@"- name: admin\s+containerPort: 8082", deployment);
        var adminService = File.ReadAllText(Path.Combine(templates, "admin-service.yaml"));
        Assert.Contains("name: {{ include \"presencehub.fullname\" . }}-admin", adminService, StringComparison.Ordinal);
        Assert.Contains("targetPort: admin", adminService, StringComparison.Ordinal);
        Assert.Contains("port: {{ .Values.admin.service.port }}", adminService, StringComparison.Ordinal);
        var service = File.ReadAllText(Path.Combine(templates, "service.yaml"));
        Assert.DoesNotContain("admin", service, StringComparison.OrdinalIgnoreCase);

        // The public ingress routes to the http port only; the admin ingress exists only when opted in, for /admin.
        var ingress = File.ReadAllText(Path.Combine(templates, "ingress.yaml"));
        Assert.Equal(["http"], IngressBackendPort().Matches(ingress).Select(m => m.Groups[1].Value).Distinct());
        Assert.DoesNotContain("admin", ingress, StringComparison.OrdinalIgnoreCase);
        var adminIngress = File.ReadAllText(Path.Combine(templates, "admin-ingress.yaml"));
        Assert.StartsWith("{{- if .Values.admin.ingress.enabled }}", adminIngress, StringComparison.Ordinal);
        Assert.Equal(["admin"], IngressBackendPort().Matches(adminIngress).Select(m => m.Groups[1].Value).Distinct());
        Assert.Contains("path: /admin\n", adminIngress, StringComparison.Ordinal);
        var values = ChartValues.Load(Path.Combine(Chart, "values.yaml"))!.AsObject();
        Assert.False(values["admin"]!["ingress"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("ClusterIP", values["admin"]!["service"]!["type"]!.GetValue<string>());
        Assert.Equal(8082, values["admin"]!["service"]!["port"]!.GetValue<long>());
    }

    [Fact]
    public void Compose_PublishesTheAdminListenerOnLoopbackOnly()
    {
        var compose = File.ReadAllText(Path.Combine(Deploy, "compose.yaml"));
        var published = ComposePort().Matches(compose).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("127.0.0.1:8082:8082", published);
        Assert.DoesNotContain(published, p => p.EndsWith(":8082", StringComparison.Ordinal) && !p.StartsWith("127.0.0.1:", StringComparison.Ordinal));
    }

    private static async Task<JsonSchema> Schema() =>
        await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(Chart, "values.schema.json")));

    private static void Set(JsonObject values, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = values;
        foreach (var part in parts[..^1])
        {
            node = node[part]!.AsObject();
        }

        node[parts[^1]] = value;
    }

    /// <summary>Whether values.yaml defines the path; below a free-form map (<c>{}</c>, such as podAnnotations) anything goes.</summary>
    private static bool Exists(JsonObject values, string path)
    {
        JsonNode? node = values;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject map)
            {
                return false;
            }

            if (map.Count == 0 && !ReferenceEquals(map, values))
            {
                return true;
            }

            if (!map.TryGetPropertyValue(part, out node))
            {
                return false;
            }
        }

        return true;
    }

    private static string StageBody(string dockerfile, string stage)
    {
        var start = dockerfile.IndexOf($" AS {stage}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The Dockerfile has no stage {stage}.");
        var next = dockerfile.IndexOf("\nFROM ", start, StringComparison.Ordinal);
        return next < 0 ? dockerfile[start..] : dockerfile[start..next];
    }


    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"(?m)^FROM \S+ AS (\S+)$")]
    private static partial Regex Stage();

    [GeneratedRegex(@"(?m)^\s+target: (\S+)$")]
    private static partial Regex ComposeTarget();

    [GeneratedRegex(@"(?m)^EXPOSE ([0-9 ]+)$")]
    private static partial Regex Expose();

    [GeneratedRegex(@"Kestrel__Endpoints__\w+__Url=http://\+:([0-9]+)")]
    private static partial Regex KestrelPort();

    [GeneratedRegex(@"(?m)^\s+- ""([0-9.:]+)""")]
    private static partial Regex ComposePort();

    [GeneratedRegex(@"port:\s+name: (\S+)")]
    private static partial Regex IngressBackendPort();

    [GeneratedRegex(@"containerPort: ([0-9]+)")]
    private static partial Regex ContainerPort();
}
