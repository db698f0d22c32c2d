using System.Net;
using System.Text;

namespace SmartRules.Server.Tests;

/// <summary>NDJSON ingestion: per-line results, order per customer, size limits (4 KB lines, 200 KB bodies here).</summary>
public sealed class IngestionApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static StringContent Ndjson(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    [Fact]
    public async Task Lines_are_applied_with_per_line_results_and_a_bad_line_rejects_only_itself()
    {
        var (_, client) = await api.TenantAsync();
        var body = string.Join('\n',
            """{"id":"a","outstandingAmount":10,"sequence":1}""",
            """{"id":"b","outstandingAmount":"ten"}""",
            """{"id":"c","outstandingAmount":30}""",
            """{"id":"a","outstandingAmount":11,"sequence":1}""",
            """not json""",
            "",
            """{"outstandingAmount":1}""",
            """{"id":"d","rating":"Z"}""",
            """{"id":"e","outstandingAmount":50}""");

        var result = await (await client.PostAsync("/api/customer-updates", Ndjson(body))).Body();

        Assert.Equal(3, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["stale"]!.GetValue<int>());
        Assert.Equal([2, 5, 7, 8], result["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));
        Assert.Contains("outstandingAmount", result["rejected"]![0]!["error"].Text(), StringComparison.Ordinal);
        Assert.Equal(10m, (await (await client.GetAsync("/api/customers/a")).Body())["outstandingAmount"]!.GetValue<decimal>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/customers/b")).StatusCode);
    }

    [Fact]
    public async Task Each_line_handed_to_its_customer_records_its_time_in_the_line_duration_histogram()
    {
        var (_, client) = await api.TenantAsync();
        var recorded = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "smartrules.ingestion.line_duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) => recorded.Add(milliseconds));
        listener.Start();

        var body = string.Join('\n', """{"id":"m1","outstandingAmount":1}""", """{"id":"m2","outstandingAmount":2}""", "not json", """{"id":"m3","outstandingAmount":3}""");
        var result = await (await client.PostAsync("/api/customer-updates", Ndjson(body))).Body();

        Assert.Equal(3, result["accepted"]!.GetValue<int>());
        // Other test classes may stream lines at the same time: at least this request's three, each a real duration.
        Assert.True(recorded.Count >= 3, $"{recorded.Count} line durations recorded");
        Assert.All(recorded, milliseconds => Assert.InRange(milliseconds, 0.0, 60_000.0));
    }

    [Fact]
    public async Task Lines_of_one_customer_apply_in_line_order_while_customers_run_in_parallel()
    {
        var (_, client) = await api.TenantAsync();
        var lines = new StringBuilder();
        for (var step = 1; step <= 30; step++)
        {
            for (var c = 0; c < 20; c++) lines.Append($$"""{"id":"o{{c}}","outstandingAmount":{{step}}}""").Append('\n');
        }

        var result = await (await client.PostAsync("/api/customer-updates", Ndjson(lines.ToString()))).Body();

        Assert.Equal(600, result["accepted"]!.GetValue<int>());
        for (var c = 0; c < 20; c++)
        {
            var customer = await (await client.GetAsync($"/api/customers/o{c}")).Body();
            Assert.Equal(30m, customer["outstandingAmount"]!.GetValue<decimal>());
            Assert.Equal(30, customer["version"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Property_names_spelled_with_escapes_are_the_names_they_spell()
    {
        // Names are matched as UTF-8 (docs/benchmarks.md, change 22): JSON escapes must still read as the name they spell,
        // and a name that cannot be unescaped is refused on its line only.
        var (_, client) = await api.TenantAsync();
        var body = string.Join('\n',
            """{"\u0069d":"esc1","\u006eame":"Escaped","outstanding\u0041mount":12,"customFields":{"Re\u0067ion":"North"}}""",
            """{"id":"esc2","\udc00":1}""",
            """{"id":"esc3","Name":"case matters"}""");

        var result = await (await client.PostAsync("/api/customer-updates", Ndjson(body))).Body();

        Assert.Equal(1, result["accepted"]!.GetValue<int>());
        Assert.Equal([2, 3], result["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));
        Assert.Contains("Name: unknown field", result["rejected"]![1]!["error"].Text(), StringComparison.Ordinal);
        var customer = await (await client.GetAsync("/api/customers/esc1")).Body();
        Assert.Equal("Escaped", customer["name"].Text());
        Assert.Equal(12m, customer["outstandingAmount"]!.GetValue<decimal>());
        Assert.Equal("North", customer["customFields"]!["Region"].Text());
    }

    [Fact]
    public async Task A_line_over_the_maximum_rejects_only_itself()
    {
        var (_, client) = await api.TenantAsync();
        var longName = new string('x', 10_000);
        var body = $$"""{"id":"l1","outstandingAmount":1}""" + "\n" + $$"""{"id":"l2","name":"{{longName}}"}""" + "\n" + $$"""{"id":"l3","outstandingAmount":3}""" + "\n";

        var result = await (await client.PostAsync("/api/customer-updates", Ndjson(body))).Body();

        Assert.Equal(2, result["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(result["rejected"]!.AsArray());
        Assert.Equal(2, rejected!["line"]!.GetValue<int>());
        Assert.Contains("longer than 4096 bytes", rejected["error"].Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_body_over_the_maximum_answers_413_before_anything_is_read()
    {
        var (_, client) = await api.TenantAsync();
        var content = Ndjson(string.Concat(Enumerable.Repeat("""{"id":"big","outstandingAmount":1}""" + "\n", 8000)));

        var response = await client.PostAsync("/api/customer-updates", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/customers/big")).StatusCode);
    }

    [Fact]
    public async Task A_streamed_body_that_grows_past_the_maximum_stops_with_413_and_the_results_so_far()
    {
        var (_, client) = await api.TenantAsync();
        var lines = string.Concat(Enumerable.Range(0, 8000).Select(i => $$"""{"id":"s{{i % 50}}","outstandingAmount":{{i}}}""" + "\n"));
        var content = new ChunkedContent(Encoding.UTF8.GetBytes(lines));
        content.Headers.ContentType = new("application/x-ndjson");

        // A plain client: the factory's own buffers bodies (to follow redirects) and so declares their length.
        using var streaming = new HttpClient { BaseAddress = client.BaseAddress };
        streaming.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        var response = await streaming.PostAsync("/api/customer-updates", content);
        var body = await response.Body();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        Assert.True(body["results"] is not null, body.ToJsonString());
        var accepted = body["results"]!["accepted"]!.GetValue<int>();
        Assert.InRange(accepted, 1, 7999);
    }

    [Fact]
    public async Task Another_media_type_is_refused()
    {
        var (_, client) = await api.TenantAsync();
        var response = await client.PostAsync("/api/customer-updates", new StringContent("{}", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    /// <summary>A body whose length is not declared (chunked), written in pieces as a streaming client sends it.</summary>
    private sealed class ChunkedContent(byte[] data) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < data.Length; offset += 4096)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(4096, data.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
