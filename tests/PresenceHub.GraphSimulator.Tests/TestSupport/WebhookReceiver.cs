using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PresenceHub.GraphSimulator.Tests.TestSupport;

/// <summary>A real HTTP listener playing the gateway's webhook: answers handshakes and records notification POSTs.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedPost> _posts = new();
    private int _handshakes;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string Url => BaseUrl + "notify";

    public string LifecycleUrl => BaseUrl + "lifecycle";

    public HandshakeMode Handshake { get; set; } = HandshakeMode.Echo;

    /// <summary>A path whose handshakes always fail with 500, whatever <see cref="Handshake"/> says.</summary>
    public string? FailHandshakeOnPath { get; set; }

    /// <summary>Decides the status of a notification POST; default 202.</summary>
    public Func<ReceivedPost, int> Respond { get; set; } = _ => 202;

    public int Handshakes => Volatile.Read(ref _handshakes);

    public IReadOnlyList<ReceivedPost> Posts => _posts.ToArray();

    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> Items(string path = "notify") =>
        Posts.Where(p => p.Path == path).SelectMany(p => p.Items).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{path}", async (HttpContext context, string path) =>
        {
            var token = context.Request.Query["validationToken"].ToString();
            if (!string.IsNullOrEmpty(token))
            {
                Interlocked.Increment(ref receiver._handshakes);
                return (path == receiver.FailHandshakeOnPath ? HandshakeMode.ServerError : receiver.Handshake) switch
                {
                    HandshakeMode.Echo => Results.Text(token, "text/plain", statusCode: 200),
                    HandshakeMode.WrongToken => Results.Text("not-the-token", "text/plain", statusCode: 200),
                    _ => Results.StatusCode(500),
                };
            }

            using var reader = new StreamReader(context.Request.Body);
            var post = new ReceivedPost(path, await reader.ReadToEndAsync(), context.Request.ContentType);
            var status = receiver.Respond(post);
            receiver._posts.Enqueue(post);
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/') + "/";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
