using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PresenceHub.Gateway.Tests.Operations;

/// <summary>
/// A minimal OTLP/HTTP collector on a loopback port: it answers every POST 200 and keeps the path and the protobuf
/// body, so a test can see which signals arrived and search their bytes for names (protobuf stores strings as UTF-8).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._requests.Enqueue((context.Request.Path.Value!, body.ToArray()));
            // An empty Export*ServiceResponse is a valid protobuf message of zero bytes.
            context.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>Whether any request to <paramref name="path"/> (e.g. <c>/v1/metrics</c>) carried <paramref name="text"/>.</summary>
    public bool Received(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return _requests.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>What arrived, for failure messages: each path with its request count.</summary>
    public override string ToString() =>
        _requests.IsEmpty ? "nothing" : string.Join(", ", _requests.GroupBy(r => r.Path).Select(g => $"{g.Key} x{g.Count()}"));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
