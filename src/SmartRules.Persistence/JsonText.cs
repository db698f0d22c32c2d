using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SmartRules.Persistence;

/// <summary>
/// Writes JSON text on the hot path without a new buffer each time: each thread keeps one buffer and one writer, reset
/// for every use, so a call allocates only the text or bytes it returns. (Every customer write serialises its custom fields
/// and its audit entries; fresh buffers for those were a good part of the write path's garbage.)
/// </summary>
public static class JsonText
{
    /// <summary>No structural validation: every caller writes a fixed shape, and the checks were measurable on the write
    /// path (docs/benchmarks.md, change 20). The default encoder stays, so the text is escaped as before.</summary>
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The JSON as UTF-8 bytes, which Npgsql sends as they are (json and jsonb parameters take them).</summary>
    public static byte[] WriteUtf8<TState>(TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(state, write, static span => span.ToArray());

    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(state, write, static span => Encoding.UTF8.GetString(span));

    private static TResult Write<TState, TResult>(TState state, Action<Utf8JsonWriter, TState> write, Func<ReadOnlySpan<byte>, TResult> result)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, Options);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            write(writer, state);
            writer.Flush();
            return result(buffer.WrittenSpan);
        }
        finally
        {
            // A rare huge document must not stay pinned to the thread.
            if (buffer.Capacity > 64 * 1024) (t_buffer, t_writer) = (null, null);
        }
    }
}
