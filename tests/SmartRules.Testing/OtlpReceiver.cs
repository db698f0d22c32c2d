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

/// <summary>
/// A real OTLP/HTTP (protobuf) receiver on loopback: keeps every export of metrics, traces and logs, and reads spans
/// out of trace exports with a minimal protobuf walker (trace id, span name, instrumentation scope).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public ConcurrentQueue<byte[]> Metrics { get; } = new();

    public ConcurrentQueue<byte[]> Traces { get; } = new();

    public ConcurrentQueue<byte[]> Logs { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        foreach (var (path, queue) in new[] { ("/v1/metrics", receiver.Metrics), ("/v1/traces", receiver.Traces), ("/v1/logs", receiver.Logs) })
        {
            app.MapPost(path, async (HttpRequest request) =>
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer);
                queue.Enqueue(buffer.ToArray());
                return Results.Bytes([], "application/x-protobuf");
            });
        }

        await app.StartAsync();
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return receiver;
    }

    /// <summary>Every span received so far: (trace id as hex, span name, instrumentation scope name).</summary>
    public IReadOnlyList<(string TraceId, string Name, string Scope)> Spans()
    {
        var spans = new List<(string, string, string)>();
        foreach (var export in Traces)
        {
            foreach (var resourceSpans in Fields(export, 1))
            {
                foreach (var scopeSpans in Fields(resourceSpans, 2))
                {
                    var scope = Fields(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? "";
                    foreach (var span in Fields(scopeSpans, 2))
                    {
                        var traceId = Fields(span, 1).Select(Convert.ToHexStringLower).FirstOrDefault() ?? "";
                        spans.Add((traceId, Text(span, 5) ?? "", scope));
                    }
                }
            }
        }

        return spans;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string? Text(byte[] message, int field) =>
        Fields(message, field).Select(bytes => System.Text.Encoding.UTF8.GetString(bytes)).FirstOrDefault();

    /// <summary>The length-delimited fields numbered <paramref name="wanted"/> of a protobuf message.</summary>
    private static List<byte[]> Fields(byte[] message, int wanted)
    {
        var found = new List<byte[]>();
        var i = 0;
        while (i < message.Length)
        {
            var key = Varint(message, ref i);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    Varint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    if (field == wanted) found.Add(message[i..(i + length)]);
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    return found; // not a message we can walk
            }
        }

        return found;
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; i < data.Length; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }

        return value;
    }
}
