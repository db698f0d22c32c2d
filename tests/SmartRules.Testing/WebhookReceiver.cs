using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SmartRules.Testing;

/// <summary>A real HTTP server (on loopback unless told otherwise) that records every webhook call; it can be told to fail the next calls.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresToAnswer;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public string Url { get; private set; } = "";

    /// <param name="address">Where to listen: loopback, or an address that silos in other network namespaces reach.</param>
    public static async Task<WebhookReceiver> StartAsync(string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{address}:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var failing = Interlocked.Decrement(ref receiver._failuresToAnswer) >= 0;
            receiver.Received.Enqueue(new ReceivedWebhook(
                body,
                request.Headers["X-SmartRules-Signature"].ToString(),
                request.Headers["Idempotency-Key"].ToString(),
                Accepted: !failing));
            return failing ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = listening + "/hook";
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> calls answer 500.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresToAnswer, count);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record ReceivedWebhook(string Body, string Signature, string IdempotencyKey, bool Accepted);
