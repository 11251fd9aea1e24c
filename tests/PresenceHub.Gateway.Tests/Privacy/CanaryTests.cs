using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PresenceHub.Connector.Sdk;
using PresenceHub.Gateway.Tests.Connectors;
using PresenceHub.Gateway.Tests.Infrastructure;
using PresenceHub.Presence;
using StackExchange.Redis;
using Activity = PresenceHub.Presence.Activity;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>
/// Distinctive texts go through the whole system (Graph to a connector, a connector back into Teams); afterwards every
/// Redis key and value, every log line, metric tag and trace attribute is searched for them.
/// </summary>
public sealed class CanaryTests
{
    [Fact]
    public async Task ContentCanaries_AreFoundOnlyWhereTheyMustLive_AndNeverInLogsMetricsOrTraces()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (status, reply, published, name, title) =
            ($"canary-status-{tag}", $"canary-ooo-{tag}", $"canary-published-{tag}", $"Canary Name {tag}", $"canary-title-{tag}");
        string[] texts = [status, reply, published];
        string[] profileTexts = [name, title];

        var logs = new CapturingLoggerProvider();
        using var telemetry = new TelemetryCapture();
        await using var redis = await RedisServer.StartAsync();
        await using var world = await ConnectorApiTests.StartAsync(users: 3, redis: redis.Configuration,
            settings: new Dictionary<string, string?>
            {
                ["WriteBack:PollInterval"] = "00:00:00.050",
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:PresenceHub"] = "Trace",
            },
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var users = world.UserIds;
        await world.LinkIdentityAsync("xmpp", "dana@chat.example", users[2]);
        var handler = new ContentHandler();
        await using var connector = ConnectorApiTests.Connect(world, await world.IssueConnectorKeyAsync(), "xmpp-1", "xmpp", handler);
        await connector.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connector.Status == ConnectionStatus.Connected, because: "the connector did not connect");

        world.Control.UpdateUser(users[1], displayName: name, jobTitle: title);
        world.Control.SetStatusMessage(users[1], status);
        world.Control.SetOutOfOffice(users[1], true, reply);
        world.Control.SetUserPresence(users[1], "Away", "Away");
        await Eventually.UntilAsync(() => handler.Presence.Any(e => e.Update.UserId == users[1] && e.State.StatusMessage?.Content == status
                && e.State.OutOfOffice?.Message == reply) && handler.Profiles.Any(p => p.Profile.DisplayName == name && p.Profile.JobTitle == title),
            because: "the canaries did not reach the connector, so the scan below would prove nothing");
        var result = await connector.PublishPresenceAsync("dana@chat.example",
            new PresenceState(Availability.DoNotDisturb, Activity.DoNotDisturb, new StatusMessage(published)));
        Assert.Equal(PublicationOutcome.Accepted, result.Outcome);
        await Eventually.UntilAsync(() => world.Control.GetPresence(users[2]).Availability == "DoNotDisturb", because: "the write-back did not reach Teams");

        // Free texts: only in last-known records, and each of those expires.
        foreach (var text in texts)
        {
            foreach (var key in await RedisTrace.FindAsync(redis.Configuration, "", text))
            {
                Assert.Contains(":lk:", key, StringComparison.Ordinal);
                Assert.True(long.Parse(await redis.CliAsync("PTTL", key), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{key} holds a free text and does not expire");
            }
        }

        Assert.NotEmpty(await RedisTrace.FindAsync(redis.Configuration, "", status));
        // Profile texts: only in the user's directory record, which expires too (the relay's profile events name the user and no more).
        foreach (var text in profileTexts)
        {
            var keys = await RedisTrace.FindAsync(redis.Configuration, "", text);
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                Assert.Contains(":profile:", key, StringComparison.Ordinal);
                Assert.True(long.Parse(await redis.CliAsync("PTTL", key), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{key} holds profile text and does not expire");
            }
        }

        // Metadata entries: the five fields (time, sender, receiver, type, session) and nothing else.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            var metalogs = await connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pattern: "*:metalog").ToListAsync();
            Assert.NotEmpty(metalogs);
            foreach (var key in metalogs)
            {
                foreach (var entry in await connection.GetDatabase().StreamRangeAsync(key))
                {
                    Assert.Equal(["k", "r", "s", "t", "x"], entry.Values.Select(v => v.Name.ToString()).Order(StringComparer.Ordinal).ToArray());
                }
            }
        }

        var everything = texts.Concat(profileTexts).ToArray();
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => everything.Any(c => line.Contains(c, StringComparison.OrdinalIgnoreCase)));
        Assert.NotEmpty(telemetry.MetricTags);
        Assert.DoesNotContain(telemetry.MetricTags, value => everything.Any(c => value.Contains(c, StringComparison.OrdinalIgnoreCase)));
        Assert.NotEmpty(telemetry.TraceValues);
        Assert.DoesNotContain(telemetry.TraceValues, value => everything.Any(c => value.Contains(c, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Records presence and profile events with their content.</summary>
    private sealed class ContentHandler : IConnectorHandler
    {
        public ConcurrentQueue<PresenceEvent> Presence { get; } = new();

        public ConcurrentQueue<ProfileEvent> Profiles { get; } = new();

        public ValueTask OnPresenceAsync(PresenceEvent presenceEvent, CancellationToken cancellationToken)
        {
            Presence.Enqueue(presenceEvent);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnProfileAsync(ProfileEvent profileEvent, CancellationToken cancellationToken)
        {
            Profiles.Enqueue(profileEvent);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Every log line the gateway writes, with its message, structured values and exception.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                provider.Lines.Enqueue($"{category} scope {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                provider.Lines.Enqueue($"{category} {formatter(state, exception)} {values} {exception}");
            }
        }
    }

    /// <summary>Every tag value of every measurement and every activity of the process while it lives.</summary>
    private sealed class TelemetryCapture : IDisposable
    {
        private readonly MeterListener _meters = new();
        private readonly ActivityListener _activities;

        public TelemetryCapture()
        {
            _meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
            _meters.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
            _meters.SetMeasurementEventCallback<int>((_, _, tags, _) => Record(tags));
            _meters.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
            _meters.Start();
            _activities = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = (System.Diagnostics.Activity activity) =>
                {
                    TraceValues.Enqueue(activity.DisplayName + " " + activity.StatusDescription);
                    foreach (var (key, value) in activity.EnumerateTagObjects())
                    {
                        TraceValues.Enqueue($"{key}={value}");
                    }

                    foreach (var e in activity.Events)
                    {
                        TraceValues.Enqueue(e.Name);
                        foreach (var (key, value) in e.EnumerateTagObjects())
                        {
                            TraceValues.Enqueue($"{key}={value}");
                        }
                    }

                    foreach (var (key, value) in activity.Baggage)
                    {
                        TraceValues.Enqueue($"{key}={value}");
                    }
                },
            };
            ActivitySource.AddActivityListener(_activities);
        }

        public ConcurrentQueue<string> MetricTags { get; } = new();

        public ConcurrentQueue<string> TraceValues { get; } = new();

        public void Dispose()
        {
            _meters.Dispose();
            _activities.Dispose();
        }

        private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var (key, value) in tags)
            {
                MetricTags.Enqueue($"{key}={value}");
            }
        }
    }
}
