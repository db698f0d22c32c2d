using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests;

public sealed class AuthAndTenantTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Api_calls_without_a_key_or_with_a_wrong_one_answer_401_problem_details()
    {
        using var anonymous = api.CreateClient();
        var missing = await anonymous.GetAsync("/api/rules");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "acme.not-a-key");
        var wrong = await anonymous.GetAsync("/api/rules");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "garbage");
        var garbage = await anonymous.GetAsync("/api/customers/x");

        foreach (var response in new[] { missing, wrong, garbage })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Admin_endpoints_need_the_admin_key_and_a_tenant_key_is_not_one()
    {
        var (_, tenant) = await api.TenantAsync();
        using var anonymous = api.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/admin/tenants", new { id = "x1", name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.PostAsJsonAsync("/admin/tenants", new { id = "x2", name = "X" })).StatusCode);
    }

    [Fact]
    public async Task A_tenant_is_created_once_with_a_key_shown_once_and_a_duplicate_is_a_conflict()
    {
        using var admin = api.Admin();
        var id = "dup-" + Guid.NewGuid().ToString("N")[..8];

        var first = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Dup" });
        var second = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Dup again" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.StartsWith(id + ".", (await first.Body())["apiKey"].Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(0L, await api.Database.ScalarAsync<long>("select count(*) from orleansstorage where encode(payloadbinary, 'escape') like '%' || @key || '%'", ("key", (await first.Body())["apiKey"].Text())));
    }

    [Fact]
    public async Task Keys_rotate_list_without_secrets_and_a_revoked_key_is_refused_at_once()
    {
        using var admin = api.Admin();
        var id = "rot-" + Guid.NewGuid().ToString("N")[..8];
        var created = await (await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Rotating" })).Body();
        var (firstKey, firstId) = (created["apiKey"].Text(), created["keyId"].Text());
        using var first = Client(firstKey);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/rules")).StatusCode);

        var added = await admin.PostAsync($"/admin/tenants/{id}/keys", null);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var (secondKey, secondId) = ((await added.Body())["apiKey"].Text(), (await added.Body())["keyId"].Text());
        Assert.StartsWith(id + ".", secondKey, StringComparison.Ordinal);
        Assert.NotEqual(firstId, secondId);
        using var second = Client(secondKey);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/rules")).StatusCode); // the old key keeps working

        // Listed oldest first, with explicit nulls, never with the key or its hash.
        var listing = await admin.GetAsync($"/admin/tenants/{id}/keys");
        var text = await listing.Content.ReadAsStringAsync();
        var keys = JsonNode.Parse(text)!.AsArray();
        Assert.Equal([firstId, secondId], keys.Select(k => k!["keyId"].Text()));
        Assert.All(keys, k => Assert.Equal(["keyId", "createdAt", "lastUsedAt"], k!.AsObject().Select(p => p.Key)));
        Assert.NotNull(keys[0]!["lastUsedAt"]); // used above
        Assert.DoesNotContain(firstKey.Split('.')[1], text, StringComparison.Ordinal);
        Assert.DoesNotContain(secondKey.Split('.')[1], text, StringComparison.Ordinal);

        // Revoked: refused on the next request; the other key goes on; a repeated DELETE answers alike.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/tenants/{id}/keys/{firstId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/tenants/{id}/keys/{firstId}")).StatusCode);
        Assert.Equal([secondId], (await (await admin.GetAsync($"/admin/tenants/{id}/keys")).Body()).AsArray().Select(k => k!["keyId"].Text()));

        // The last key may go too: the tenant is then reachable only after an admin makes a new key.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/tenants/{id}/keys/{secondId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/rules")).StatusCode);
        Assert.Empty((await (await admin.GetAsync($"/admin/tenants/{id}/keys")).Body()).AsArray());
        using var third = Client((await (await admin.PostAsync($"/admin/tenants/{id}/keys", null)).Body())["apiKey"].Text());
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/api/rules")).StatusCode);
    }

    [Fact]
    public async Task A_key_never_used_lists_lastUsedAt_as_null_and_unknown_tenants_or_keys_are_404()
    {
        using var admin = api.Admin();
        var id = "unused-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Unused" });
        var key = (await (await admin.GetAsync($"/admin/tenants/{id}/keys")).Body()).AsArray().Single()!;
        Assert.True(key.AsObject().ContainsKey("lastUsedAt"));
        Assert.Null(key["lastUsedAt"]);

        foreach (var response in new[]
        {
            await admin.GetAsync("/admin/tenants/no-such-tenant/keys"),
            await admin.PostAsync("/admin/tenants/no-such-tenant/keys", null),
            await admin.DeleteAsync("/admin/tenants/no-such-tenant/keys/abc"),
            await admin.DeleteAsync($"/admin/tenants/{id}/keys/abc"),
            await admin.GetAsync("/admin/tenants/NOT_AN_ID/keys"),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var (_, tenant) = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync($"/admin/tenants/{id}/keys")).StatusCode);
    }

    private HttpClient Client(string key)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Theory]
    [InlineData("""{"id":"Upper","name":"X"}""", "id")]
    [InlineData("""{"id":"a_b","name":"X"}""", "id")]
    [InlineData("""{"id":"ok-id","name":""}""", "name")]
    [InlineData("""{"id":"ok-id","name":"X","extra":1}""", "extra")]
    public async Task Invalid_tenants_are_refused_with_the_field(string body, string field)
    {
        using var admin = api.Admin();
        await (await admin.PostJson("/admin/tenants", body)).AssertInvalid(field);
    }

    [Fact]
    public async Task One_tenant_never_sees_or_changes_another_tenants_data()
    {
        var (_, a) = await api.TenantAsync();
        var (_, b) = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await a.PutJson("/api/customers/shared-id", """{"outstandingAmount":10}""")).StatusCode);
        var rule = await a.PostJson("/api/rules", """{"name":"r","trigger":{"type":"customerCreated"},"action":{"type":"exclude"}}""");
        var ruleId = (await rule.Body())["id"].Text();

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/customers/shared-id")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/customers/shared-id/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/rules/{ruleId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/rules/{ruleId}")).StatusCode);
        Assert.Equal(0L, (await (await b.PostJson("/api/customers/count", "{}")).Body())["count"]!.GetValue<long>());
        Assert.Empty((await (await b.GetAsync("/api/rules")).Body()).AsArray());
        Assert.Equal(HttpStatusCode.Created, (await b.PutJson("/api/customers/shared-id", """{"outstandingAmount":99}""")).StatusCode);
        Assert.Equal(10m, (await (await a.GetAsync("/api/customers/shared-id")).Body())["outstandingAmount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Health_alive_openapi_and_the_reference_page_answer()
    {
        using var client = api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var openApi = await (await client.GetAsync("/openapi/v1.json")).Body();
        foreach (var path in new[] { "/admin/tenants", "/api/customers/{id}", "/api/customers", "/api/customer-updates", "/api/rules", "/api/rules/{id}/activate", "/api/rule-order", "/api/notifications", "/api/settings" })
        {
            Assert.NotNull(openApi["paths"]![path]);
        }

        var reference = await client.GetAsync("/reference");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("html", reference.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
