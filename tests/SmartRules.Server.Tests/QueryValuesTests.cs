using System.Buffers.Text;
using System.Net;
using System.Text;

namespace SmartRules.Server.Tests;

/// <summary>
/// Cursors, query values and ids in paths are checked at the API boundary: a bad one answers 400 naming it and never
/// reaches PostgreSQL. Found by a hostile-input run: <c>GET /api/customers?after=AAAA</c>, a cursor of NUL bytes, failed in
/// PostgreSQL with 22021 and was answered 503 "cannot be reached", so a client retried a bad request forever.
/// </summary>
public sealed class QueryValuesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string LoneSurrogate = "%ED%A0%80"; // UTF-8 of U+D800, which no well-formed text holds

    /// <summary>A cursor as the API spells them (base64url of the UTF-8 bytes, unpadded).</summary>
    private static string Cursor(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string Cursor(string text) => Cursor(Encoding.UTF8.GetBytes(text));

    private static string Filter(string json) => "/api/customers?filter=" + Uri.EscapeDataString(json);

    public static TheoryData<string, string> BadQueries() => new()
    {
        // Cursors: only what 'next' gave out.
        { "/api/customers?after=AAAA", "after" },
        { "/api/customers?after=AA", "after" },
        { "/api/customers?after=" + Cursor("a\0b"), "after" },
        { "/api/customers?after=" + Cursor("a\u0001b"), "after" },
        { "/api/customers?after=" + Cursor(new string('x', 201)), "after" },
        { "/api/customers?after=" + Cursor([0xED, 0xA0, 0x80]), "after" },
        { "/api/customers?after=" + Cursor([0xFF, 0xFE]), "after" },
        { "/api/customers?after=" + LoneSurrogate, "after" },
        { "/api/customers?after=%00", "after" },
        { "/api/customers?after=%%%", "after" },
        { "/api/customers?after=A", "after" },
        { "/api/customers?after=YQ%3D%3D", "after" },
        { "/api/customers?after=Y%20Q", "after" },
        { "/api/customers?after=YR", "after" },
        { "/api/customers?after=", "after" },
        { "/api/customers?after=" + new string('A', 5000), "after" },
        // Page sizes.
        { "/api/customers?limit=0", "limit" },
        { "/api/customers?limit=-1", "limit" },
        { "/api/customers?limit=1001", "limit" },
        { "/api/customers?limit=99999999999999999999", "limit" },
        { "/api/customers?limit=1e3", "limit" },
        { "/api/customers?limit=abc", "limit" },
        { "/api/customers?limit=", "limit" },
        { "/api/customers?limit=%00", "limit" },
        { "/api/customers?limit=" + LoneSurrogate, "limit" },
        { "/api/customers?limit=1&limit=2", "limit" },
        // Filters.
        { "/api/customers?filter=%00", "filter" },
        { "/api/customers?filter=" + LoneSurrogate, "filter" },
        { "/api/customers?filter=%7B%7D", "filter" },
        { Filter("""[{"field":"name","operator":"contains","value":"a\u0000b"}]"""), "conditions[0].value" },
        { Filter("""[{"field":"name","operator":"contains","value":"\ud800"}]"""), "conditions[0].value" },
        { Filter("""[{"field":"customFields.Plan","operator":"isAnyOf","value":["x","\u0000"]}]"""), "conditions[0].value[1]" },
        { Filter("""[{"field":"customFields.a\u0000","operator":"contains","value":"x"}]"""), "conditions[0].field" },
        { Filter("""[{"field":"outstandingAmount","operator":"min","value":1e400}]"""), "conditions[0].value" },
        // Notifications of one customer: a customer id, as paths spell them.
        { "/api/notifications?customerId=a%00b", "customerId" },
        { "/api/notifications?customerId=a%01b", "customerId" },
        { "/api/notifications?customerId=", "customerId" },
        { "/api/notifications?customerId=" + new string('x', 201), "customerId" },
        // Ids in paths that reach a grain's storage (Kestrel itself refuses %00 in a path).
        { "/api/backfills/a%01b", "id" },
        { "/api/backfills/" + new string('b', 201), "id" },
        { "/api/customers/a%01b/audit", "id" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_query_values_answer_400_naming_the_parameter(string url, string parameter)
    {
        var (_, client) = await api.TenantAsync();
        await (await client.GetAsync(url)).AssertInvalid(parameter);
    }

    [Fact]
    public async Task Cancelling_a_backfill_with_a_bad_id_answers_400()
    {
        var (_, client) = await api.TenantAsync();
        await (await client.PostAsync("/api/backfills/a%01b/cancel", null)).AssertInvalid("id");
    }

    [Theory]
    [InlineData("/api/backfills/a%00b")]
    [InlineData("/api/customers/a%00b")]
    [InlineData("/api/rules/a%00b")]
    public async Task A_NUL_in_a_path_is_refused_by_Kestrel_before_it_reaches_the_API(string url)
    {
        var (_, client) = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(url)).StatusCode);
    }

    public static TheoryData<string, string, string> BadSearches() => new()
    {
        { "/api/customers/search", """{"after":"AAAA"}""", "after" },
        { "/api/customers/search", """{"after":""}""", "after" },
        { "/api/customers/search", """{"after":"\u0000"}""", "after" },
        { "/api/customers/search", """{"after":"\ud800"}""", "after" },
        { "/api/customers/search", """{"after":5}""", "after" },
        { "/api/customers/search", """{"limit":0}""", "limit" },
        { "/api/customers/search", """{"limit":-1}""", "limit" },
        { "/api/customers/search", """{"limit":1e10}""", "limit" },
        { "/api/customers/search", """{"limit":"5"}""", "limit" },
        { "/api/customers/search", """{"conditions":[{"field":"name","operator":"contains","value":"\u0000"}]}""", "conditions[0].value" },
        { "/api/customers/count", """{"conditions":[{"field":"name","operator":"contains","value":"\u0000"}]}""", "conditions[0].value" },
        { "/api/customers/count", """{"conditions":[{"field":"name","operator":"isAnyOf","value":["\ud800"]}]}""", "conditions[0].value" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task Bad_search_values_answer_400_naming_the_field(string url, string body, string field)
    {
        var (_, client) = await api.TenantAsync();
        await (await client.PostJson(url, body)).AssertInvalid(field);
    }

    /// <summary>PostgreSQL text cannot hold U+0000: every text a body stores is refused with it, naming the field.</summary>
    public static TheoryData<string, string, string, string> NulTexts() => new()
    {
        { "PUT", "/api/customers/nul", """{"name":"a\u0000b"}""", "name" },
        { "PUT", "/api/customers/nul", """{"customFields":{"Segment":"\u0000"}}""", "customFields.Segment" },
        { "PUT", "/api/customers/nul", """{"customFields":{"Seg\u0000":"x"}}""", "customFields" },
        { "PUT", "/api/customers/nul", """{"workflow":"vip\u0000"}""", "workflow" },
        { "PUT", "/api/customers/nul", """{"assignedUsers":["ann@acme.test\u0000"]}""", "assignedUsers[0]" },
        { "PUT", "/api/customers/nul", """{"paymentMethods":["card\u0000"]}""", "paymentMethods[0]" },
        { "PUT", "/api/users/ann@acme.test", """{"name":"Ann\u0000"}""", "name" },
        { "PUT", "/api/users/a%01@acme.test", """{"name":"Ann"}""", "email" },
        { "PUT", "/api/workflows/w", """{"name":"W\u0000"}""", "name" },
        { "PUT", "/api/workflows/w%01", """{"name":"W"}""", "id" },
        { "PUT", "/api/settings", """{"webhookUrl":"https://example.test/\u0000"}""", "webhookUrl" },
        { "PUT", "/api/settings", """{"webhookSecret":"s\u0000"}""", "webhookSecret" },
        { "PUT", "/api/settings", """{"ratingSource":"provided\u0000"}""", "ratingSource" },
        { "POST", "/api/rules", """{"name":"r\u0000","trigger":{"type":"customerCreated"},"action":{"type":"exclude"}}""", "name" },
        { "POST", "/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"conditions":[{"field":"name","operator":"contains","value":"\u0000"}],"action":{"type":"exclude"}}""", "conditions[0].value" },
        { "POST", "/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","subject":"\u0000","body":"b"}}""", "action.subject" },
        { "POST", "/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"customField":"CSM\u0000"},"channel":"inApp","body":"b"}}""", "action.recipient.customField" },
        { "POST", "/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"action":{"type":"assignUsers","fromCustomFields":["CSM\u0000"]}}""", "action.fromCustomFields[0]" },
        { "POST", "/api/backfills", """{"kind":"bulkAction","action":{"type":"assignWorkflow","workflowId":"vip\u0000"}}""", "action.workflowId" },
        { "POST", "/api/backfills", """{"kind":"bulkAction","action":{"type":"setUsers","add":["ann@acme.test\u0000"]}}""", "action.add[0]" },
    };

    [Theory]
    [MemberData(nameof(NulTexts))]
    public async Task Texts_with_NUL_in_bodies_answer_400_naming_the_field(string method, string url, string body, string field)
    {
        var (_, client) = await api.TenantAsync();
        await (await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = Http.Json(body) })).AssertInvalid(field);
    }

    [Fact]
    public async Task Cursors_the_API_gave_out_page_through_ids_of_any_text()
    {
        var (_, client) = await api.TenantAsync();
        string[] ids = ["a/b", "é", "z\ud83d\ude00", "~+=?&"];
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/" + Uri.EscapeDataString(id), """{"outstandingAmount":1}""")).StatusCode);
        }

        var listed = new List<string>();
        string? next = null;
        do
        {
            var response = await client.GetAsync("/api/customers?limit=1" + (next is null ? "" : "&after=" + next));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var page = await response.Body();
            listed.AddRange(page["items"]!.AsArray().Select(c => c!["id"].Text()));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal)); // in the database's collation order
    }
}
