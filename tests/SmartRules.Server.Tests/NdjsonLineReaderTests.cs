using System.IO.Pipelines;
using System.Text;
using SmartRules.Server.Apis;

namespace SmartRules.Server.Tests;

/// <summary>The NDJSON line reader alone, fed in small chunks as a body arrives.</summary>
public sealed class NdjsonLineReaderTests
{
    private static async Task<(List<string?> Lines, bool TooLarge)> ReadAsync(string body, int maxLine, long maxBody, int chunk = 3)
    {
        var pipe = new Pipe();
        var bytes = Encoding.UTF8.GetBytes(body);
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
            }

            await pipe.Writer.CompleteAsync();
        });
        var reader = new NdjsonLineReader(pipe.Reader, maxLine, maxBody);
        var lines = new List<string?>();
        await foreach (var line in reader.ReadAsync())
        {
            Assert.Equal(lines.Count + 1, line.Number);
            lines.Add(line.Bytes is null ? null : Encoding.UTF8.GetString(line.Bytes));
        }

        await pipe.Reader.CompleteAsync();
        await writing;
        return (lines, reader.TooLarge);
    }

    [Theory]
    [InlineData("a\nbb\nccc\n", "a|bb|ccc")]
    [InlineData("a\nbb\nccc", "a|bb|ccc")] // the last line needs no newline
    [InlineData("a\n\nc\n", "a||c")] // blank lines are lines (the handler skips them)
    [InlineData("a\n0123456789012\nc", "a|<long>|c")] // over the maximum: reported, then dropped as it streams past
    [InlineData("0123456789012345678901234567890\nc", "<long>|c")]
    [InlineData("a\n0123456789012", "a|<long>")]
    public async Task Lines_come_out_in_order_and_an_overlong_one_is_reported_once(string body, string expected)
    {
        var (lines, tooLarge) = await ReadAsync(body, maxLine: 10, maxBody: 1000);
        Assert.Equal(expected, string.Join("|", lines.Select(l => l ?? "<long>")));
        Assert.False(tooLarge);
    }

    [Fact]
    public async Task A_body_past_its_maximum_stops_before_the_line_that_crosses_it()
    {
        var (lines, tooLarge) = await ReadAsync("aaaa\nbbbb\ncccc\ndddd\n", maxLine: 10, maxBody: 12);
        Assert.Equal(["aaaa", "bbbb"], lines);
        Assert.True(tooLarge);
    }

    [Fact]
    public async Task A_caller_that_stops_early_leaves_the_body_readable()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("a\nb\nc\n"u8.ToArray());
        var reader = new NdjsonLineReader(pipe.Reader, 10, 1000);
        await foreach (var line in reader.ReadAsync())
        {
            break;
        }

        await pipe.Writer.CompleteAsync();
        var rest = await pipe.Reader.ReadAsync(); // throws if the reader was left mid-read
        Assert.True(rest.Buffer.Length > 0);
    }
}
