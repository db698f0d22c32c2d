using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

using System.Text.Json.Nodes;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// Generated malformed and hostile requests (a fixed seed, so a failure reproduces): broken JSON and NDJSON, wrong
/// types, huge numbers, long ids and field names, odd unicode, 10 MB bodies, template syntax, other tenants' ids, bad
/// keys, and junk in every query parameter, cursor and id in a path (cursors of NUL bytes, invalid UTF-8, lone
/// surrogates, padding, negative and huge page sizes) — spread over the three silos of a real cluster, so that grain calls and their failures cross processes. None
/// may answer 5xx, and none may change anything. SMARTRULES_HOSTILE_REQUESTS sets how many (10,000 by default, a few seconds).
/// </summary>
public sealed class HostileInputTests(Xunit.Abstractions.ITestOutputHelper output) : ClusterScenario
{
    protected override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string> { ["SmartRules__Ingestion__MaxBodyBytes"] = "200000" };

    private static readonly string[] Fields =
        ["name", "outstandingAmount", "dueAmount", "overdueAmount", "rating", "averagePaymentDelayDays", "customFields", "workflow", "assignedUsers", "paymentMethods", "sequence"];

    private static readonly string[] BadValues =
    [
        "null", "true", "\"\"", "\"7000\"", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "99999999999999999999999999999999999",
        "0x10", "[]", "[1,2]", "{}", "{\"a\":{\"b\":{}}}", "\"\\ud800\"", "\"\\u0000\"", "\"E\"", "\"a\"", "[\"cash\"]", "[null]",
        "-1", "1.5", "\"{{ 7 * 7 }}\"", "\"{% for x in (1..999999) %}x{% endfor %}\"",
    ];

    /// <summary>
    /// Query values and ids in paths as a URL carries them (escaped): cursors that decode to NUL bytes, invalid UTF-8 or
    /// ids no customer can have, lenient base64 (padding, blanks), lone surrogates, control characters, page sizes out of
    /// range. <c>after=AAAA</c> once reached PostgreSQL and answered 503.
    /// </summary>
    private static readonly string[] BadQueryValues =
    [
        "", "AAAA", "AA", "A", "YQ%3D%3D", "Y%20Q", "%%%", "%00", "a%00b", "a%01b", "%ED%A0%80", "%FF%FE", "%C0%80", "%E2%80%AE",
        "-1", "0", "1001", "99999999999999999999", "1e3", "0x10", "null", "%5B%5D", "%7B%7D", "%5B%7B%7D%5D", new string('A', 3000),
        Cursor([0]), Cursor([0x61, 0, 0x62]), Cursor([0xED, 0xA0, 0x80]), Cursor([0xFF]), Cursor("a\u0001b"), Cursor(new string('x', 201)),
    ];

    /// <summary>Cursors as a JSON body carries them.</summary>
    private static readonly string[] BadJsonCursors =
    [
        "\"AAAA\"", "\"AA\"", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"YQ==\"", "\"Y Q\"", "\"" + Cursor(new string('x', 201)) + "\"", "5", "[]", "null",
    ];

    /// <summary>A cursor as the API spells them: unpadded base64url.</summary>
    private static string Cursor(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string Cursor(string text) => Cursor(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Hostile_requests_never_answer_5xx_and_change_nothing()
    {
        var count = ScenarioSettings.Int("SMARTRULES_HOSTILE_REQUESTS", 10_000);
        const string victimId = "victim";
        using var victim = await Cluster.TenantAsync(victimId);
        using var attacker = await Cluster.TenantAsync("attacker");
        Assert.Equal(HttpStatusCode.Created, (await victim.PutJson("/api/customers/target", """{"name":"Target","outstandingAmount":10}""")).StatusCode);
        var victimRule = (await (await victim.PostJson("/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"action":{"type":"exclude"}}""")).Body())["id"].Text();
        var before = await SnapshotAsync(victim);
        var accepted = 0;
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

        var random = new Random(20261124);
        var requests = Enumerable.Range(0, count).Select(_ => Next(random, victimId, victimRule)).ToArray();
        var failures = new List<string>();
        using var slots = new SemaphoreSlim(16);
        await Task.WhenAll(requests.Select(async r =>
        {
            await slots.WaitAsync();
            try
            {
                using var request = r.Build();
                request.RequestUri = new Uri(new Uri(Cluster.Urls[Interlocked.Increment(ref sent) % Cluster.Urls.Count]), request.RequestUri!);
                if (r.UseAttackerKey) request.Headers.Authorization = attacker.DefaultRequestHeaders.Authorization;
                HttpResponseMessage response;
                try
                {
                    response = await attacker.SendAsync(request);
                }
                catch (HttpRequestException e)
                {
                    lock (failures) failures.Add($"no answer to {r.Description}: {e.InnerException?.Message ?? e.Message}");
                    return;
                }

                using var answered = response;
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.IsSuccessStatusCode && request.Method != HttpMethod.Get) Interlocked.Increment(ref accepted);
                if ((int)response.StatusCode >= 500)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    lock (failures) failures.Add($"{(int)response.StatusCode} {r.Description}: {body}");
                }
            }
            finally
            {
                slots.Release();
            }
        }));

        output.WriteLine($"{count:N0} hostile requests over {Cluster.Urls.Count} silos: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value:N0} × {s.Key}")) + $"; {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} answered 5xx, e.g.: {string.Join("\n", failures.Take(5))}");
        // Nothing reached the other tenant; the attacker's own data changed only through requests answered 2xx
        // (some generated bodies are valid: a null name, a negative amount).
        Assert.Equal(before, await SnapshotAsync(victim));
        var attackerCustomers = (await (await attacker.PostJson("/api/customers/search", """{"limit":1000}""")).Body())["items"]!.AsArray().Count;
        var attackerRules = (await (await attacker.GetAsync("/api/rules")).Body()).AsArray().Count;
        Assert.True(attackerCustomers + attackerRules <= accepted, $"{attackerCustomers} customers and {attackerRules} rules from {accepted} accepted writes");
        // And the database agrees: the victim tenant's rows are the ones it wrote itself.
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand("select (select count(*) from customers where tenant_id = 'victim'), (select count(*) from customer_audit where tenant_id = 'victim')", connection);
        await using var row = await rows.ExecuteReaderAsync();
        await row.ReadAsync();
        Assert.Equal((1L, 1L), (row.GetInt64(0), row.GetInt64(1)));
    }

    /// <summary>What a tenant holds: customers (as JSON), rules and notifications.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client) =>
        await (await client.PostJson("/api/customers/search", """{"limit":1000}""")).Content.ReadAsStringAsync() + "\n" +
        await (await client.GetAsync("/api/rules")).Content.ReadAsStringAsync() + "\n" +
        await (await client.GetAsync("/api/customers/target/audit")).Content.ReadAsStringAsync();

    private static HostileRequest Next(Random random, string victimTenant, string victimRule)
    {
        string Field() => random.Next(10) == 0 ? new string('f', random.Next(201, 5000)) : Fields[random.Next(Fields.Length)];
        string Bad() => BadValues[random.Next(BadValues.Length)];
        string Id() => random.Next(6) switch
        {
            0 => new string('x', random.Next(201, 3000)),
            1 => "a%00b",
            2 => "%E2%80%AE" + "evil",
            3 => "..%2F..%2Fadmin",
            4 => Uri.EscapeDataString("\u200b\ud83d\ude00\u0301"),
            _ => "c" + random.Next(100),
        };
        string BrokenJson()
        {
            var valid = "{\"name\":\"n\",\"outstandingAmount\":" + random.Next(10000) + ",\"customFields\":{\"Segment\":\"B2B\"}}";
            return valid[..random.Next(1, valid.Length - 1)];
        }

        // Valid JSON objects carrying one bad value, or a field that does not exist, or broken JSON.
        string Body() => random.Next(4) switch
        {
            0 => BrokenJson(),
            1 => $$"""{"{{Field()}}":{{Bad()}}}""",
            2 => $$"""{"outstandingAmount":1,"{{Field()}}":{{Bad()}},"unknown{{random.Next(9)}}":1}""",
            _ => "{\"customFields\":{\"" + new string('k', random.Next(1, 400)) + "\":" + Bad() + "}}",
        };

        string Query() => BadQueryValues[random.Next(BadQueryValues.Length)];
        string Condition() => "{\"field\":" + Bad() + ",\"operator\":\"contains\",\"value\":" + Bad() + "}";

        switch (random.Next(12))
        {
            case 0:
                var hostileId = Id();
                var hostileBody = Body();
                return new($"PUT customer {hostileId[..Math.Min(20, hostileId.Length)]} {hostileBody[..Math.Min(60, hostileBody.Length)]}", () => Json(HttpMethod.Put, "/api/customers/" + hostileId, hostileBody));
            case 1:
                var id = "c" + random.Next(100);
                var body = Body();
                return new($"PUT customer {id} {body[..Math.Min(60, body.Length)]}", () => Json(HttpMethod.Put, "/api/customers/" + id, body));
            case 2:
                var lines = string.Join('\n', Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(3) == 0 ? BrokenJson() : Body().Replace("{", "{\"id\":\"c1\",", StringComparison.Ordinal)));
                return new("NDJSON", () => Content(HttpMethod.Post, "/api/customer-updates", lines, "application/x-ndjson"));
            case 3:
                return random.Next(20) switch
                {
                    0 => new("NDJSON of 10 MB", () => Content(HttpMethod.Post, "/api/customer-updates", new string('{', 10 << 20), "application/x-ndjson")),
                    1 => new("PUT customer of 10 MB", () => Json(HttpMethod.Put, "/api/customers/c1", "{\"name\":\"" + new string('n', 10 << 20) + "\"}")),
                    2 => new("rule of 10 MB", () => Json(HttpMethod.Post, "/api/rules", "{\"name\":\"" + new string('r', 10 << 20) + "\"}")),
                    _ => new("NDJSON over the body limit", () => Content(HttpMethod.Post, "/api/customer-updates", new string('{', 300_000), "application/x-ndjson")),
                };
            case 4:
                var rule = "{\"name\":" + Bad() + ",\"trigger\":{\"type\":" + Bad() + ",\"value\":" + Bad() + "},\"conditions\":[{\"field\":" + Bad() +
                    ",\"operator\":\"min\",\"value\":" + Bad() + "}],\"action\":{\"type\":\"assignUsers\",\"users\":" + Bad() + "}}";
                return new("rule junk", () => Json(HttpMethod.Post, "/api/rules", rule));
            case 5:
                return new("another tenant's rule", () => Json(HttpMethod.Put, "/api/rules/" + victimRule, """{"name":"stolen","trigger":{"type":"customerCreated"},"action":{"type":"exclude"}}"""));
            case 6:
                return new("another tenant's customer", () => Json(HttpMethod.Put, "/api/customers/target", """{"outstandingAmount":-1}""").WithKey("Bearer", victimTenant + ".forged"));
            case 7:
                return new("bad key", () => new HttpRequestMessage(HttpMethod.Get, "/api/customers/target").WithKey(random.Next(2) == 0 ? "Basic" : "Bearer", new string('k', random.Next(0, 3000))), UseAttackerKey: false);
            case 8:
                // Every query parameter and cursor of every endpoint that takes one, and the ids of paths that reach storage.
                var query = random.Next(7) switch
                {
                    0 => "/api/customers?after=" + Query(),
                    1 => "/api/customers?limit=" + Query() + "&after=" + Query(),
                    2 => "/api/customers?filter=" + Query() + "&limit=" + Query(),
                    3 => "/api/notifications?customerId=" + Query(),
                    4 => "/api/backfills/" + Query(),
                    5 => "/api/customers/" + Query() + "/audit",
                    _ => "/api/rules/" + Query(),
                };
                return new("query junk " + query[..Math.Min(120, query.Length)], () => new HttpRequestMessage(HttpMethod.Get, query));
            case 9:
                var search = random.Next(3) switch
                {
                    0 => "{\"after\":" + BadJsonCursors[random.Next(BadJsonCursors.Length)] + "}",
                    1 => "{\"conditions\":[" + Condition() + "],\"limit\":" + Bad() + ",\"after\":" + BadJsonCursors[random.Next(BadJsonCursors.Length)] + "}",
                    _ => "{\"limit\":" + Bad() + "}",
                };
                var count = "{\"conditions\":[" + Condition() + "]}";
                return random.Next(4) == 0
                    ? new("count junk " + count[..Math.Min(120, count.Length)], () => Json(HttpMethod.Post, "/api/customers/count", count))
                    : new("search junk " + search[..Math.Min(120, search.Length)], () => Json(HttpMethod.Post, "/api/customers/search", search));
            case 10:
                var path = Query();
                var name = "{\"name\":" + Bad() + "}";
                return random.Next(3) switch
                {
                    0 => new("cancel junk " + path[..Math.Min(60, path.Length)], () => new HttpRequestMessage(HttpMethod.Post, "/api/backfills/" + path + "/cancel")),
                    1 => new("user junk " + path[..Math.Min(60, path.Length)], () => Json(HttpMethod.Put, "/api/users/" + path, name)),
                    _ => new("workflow junk " + path[..Math.Min(60, path.Length)], () => Json(HttpMethod.Put, "/api/workflows/" + path, name)),
                };
            default:
                var url = "/api/customers?limit=" + Uri.EscapeDataString(Bad()) + "&after=" + Uri.EscapeDataString(Bad()) + "&filter=" + Uri.EscapeDataString("[" + Body() + "]");
                return new("filter junk " + url[..Math.Min(120, url.Length)], () => new HttpRequestMessage(HttpMethod.Get, url));
        }
    }

    private static HttpRequestMessage Json(HttpMethod method, string url, string body) => Content(method, url, body, "application/json");

    private static HttpRequestMessage Content(HttpMethod method, string url, string body, string type) =>
        new(method, url) { Content = new StringContent(body, Encoding.UTF8, type) };

    private sealed record HostileRequest(string Description, Func<HttpRequestMessage> Build, bool UseAttackerKey = true);
}

internal static class HostileRequestExtensions
{
    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string url, string json) =>
        client.PutAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> Body(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static string Text(this JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("missing value");

    public static HttpRequestMessage WithKey(this HttpRequestMessage request, string scheme, string key)
    {
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {key}");
        return request;
    }
}
