using System.Net;

namespace SmartRules.Server.Tests;

public sealed class DirectoryApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Users_workflows_and_payment_methods_are_listed()
    {
        var (_, client) = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PutJson("/api/users/Dee@Acme.test", """{"name":"Dee"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutJson("/api/users/dee@acme.test", """{"name":"Dee Renamed"}""")).StatusCode);

        var users = (await (await client.GetAsync("/api/users")).Body()).AsArray();
        var workflows = (await (await client.GetAsync("/api/workflows")).Body()).AsArray();
        var methods = (await (await client.GetAsync("/api/payment-methods")).Body()).AsArray();

        Assert.Equal(4, users.Count);
        Assert.Equal("Dee Renamed", users.Single(u => u!["email"].Text().Equals("dee@acme.test", StringComparison.OrdinalIgnoreCase))!["name"].Text());
        Assert.Equal(["collections", "legal", "vip"], workflows.Select(w => w!["id"].Text()));
        Assert.Equal(["card", "bankTransfer", "directDebit"], methods.Select(m => m.Text()));
    }

    [Theory]
    [InlineData("/api/users/not-an-email", """{"name":"X"}""", "email")]
    [InlineData("/api/users/a%20b@acme.test", """{"name":"X"}""", "email")]
    [InlineData("/api/users/ok@acme.test", """{"name":""}""", "name")]
    [InlineData("/api/users/ok@acme.test", """{"name":"X","role":"admin"}""", "role")]
    [InlineData("/api/workflows/w1", """{"name":5}""", "name")]
    [InlineData("/api/workflows/w1", """{}""", "name")]
    public async Task Invalid_directory_entries_are_refused_with_the_field(string url, string body, string field)
    {
        var (_, client) = await api.TenantAsync();
        await (await client.PutJson(url, body)).AssertInvalid(field);
    }

    [Fact]
    public async Task A_user_assigned_on_a_customer_must_be_in_the_directory()
    {
        var (_, client) = await api.TenantAsync();

        var known = await (await client.PutJson("/api/customers/u1", """{"assignedUsers":["ANN@acme.test"],"workflow":"vip","paymentMethods":["card"]}""")).Body();

        Assert.Equal("""["ann@acme.test"]""", known["assignedUsers"]!.ToJsonString());
        Assert.Equal("""["card"]""", known["paymentMethods"]!.ToJsonString());
        await (await client.PutJson("/api/customers/u2", """{"assignedUsers":["nobody@acme.test"]}""")).AssertInvalid("assignedUsers[0]");
    }
}
