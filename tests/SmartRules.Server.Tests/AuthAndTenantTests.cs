using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

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
