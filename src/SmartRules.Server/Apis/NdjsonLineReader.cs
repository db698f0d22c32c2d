using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace SmartRules.Server.Apis;

/// <summary>A line of an NDJSON body: its number (from 1) and its bytes, or <c>null</c> bytes when it is over the maximum.</summary>
public readonly record struct NdjsonLine(int Number, byte[]? Bytes);

/// <summary>
/// Reads an NDJSON body as it arrives, line by line, in bounded memory: a line over <c>maxLineBytes</c> is reported as
/// soon as it is known to be too long and dropped as it streams past; the body stops at <c>maxBodyBytes</c> (then
/// <see cref="TooLarge"/>: the line that crosses the limit and everything after it are not read). The last line needs
/// no newline.
/// </summary>
public sealed class NdjsonLineReader(PipeReader reader, int maxLineBytes, long maxBodyBytes)
{
    /// <summary>The body went past the maximum; the lines read before it were answered.</summary>
    public bool TooLarge { get; private set; }

    public async IAsyncEnumerable<NdjsonLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long consumed = 0;
        var number = 0;
        var skippingLongLine = false;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var advanced = false;
            try
            {
                while (TryTakeLine(ref buffer, out var line))
                {
                    consumed += line.Length + 1;
                    if (consumed > maxBodyBytes)
                    {
                        TooLarge = true; // this line ends past the limit: it and everything after it are not read
                        break;
                    }

                    if (skippingLongLine)
                    {
                        skippingLongLine = false; // the rest of an overlong line, already reported
                        continue;
                    }

                    number++;
                    yield return new NdjsonLine(number, line.Length > maxLineBytes ? null : line.ToArray());
                }

                if (!TooLarge && !skippingLongLine && buffer.Length > maxLineBytes)
                {
                    // A line already too long with no end in sight: report it now and drop it as it streams past.
                    number++;
                    yield return new NdjsonLine(number, null);
                    skippingLongLine = true;
                }

                if (skippingLongLine)
                {
                    consumed += buffer.Length;
                    buffer = buffer.Slice(buffer.End);
                }

                if (TooLarge || consumed + buffer.Length > maxBodyBytes)
                {
                    TooLarge = true;
                    advanced = true;
                    reader.AdvanceTo(buffer.End);
                    yield break;
                }

                if (read.IsCompleted)
                {
                    if (!skippingLongLine && buffer.Length > 0)
                    {
                        number++;
                        yield return new NdjsonLine(number, buffer.ToArray());
                    }

                    advanced = true;
                    reader.AdvanceTo(buffer.End);
                    yield break;
                }

                advanced = true;
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
            finally
            {
                // A caller that stops early (a failed line) leaves the body consumed up to here, so the server can drain it.
                if (!advanced) reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }
}
