using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using SmartRules.ApiClient;
using SmartRules.ApiClient.Models;

namespace SmartRules.Server.Tests;

/// <summary>
/// The API through the C# client Kiota generates at build time from openapi/v1.json (the served document, as
/// OpenApiDocumentTests checks): what a client's developer writes, with the tenant key sent by the document's Bearer scheme.
/// </summary>
public sealed class GeneratedClientTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Creates_a_customer_reads_it_back_with_its_nulls_and_lists_it()
    {
        var (client, http) = await TenantClientAsync();
        using var _ = http;

        var created = await client.Api.Customers["acme/eu 1"].PutAsync(new CustomerUpdateBody
        {
            OutstandingAmount = 7000,
            CustomFields = new CustomerUpdateBody_customFields { AdditionalData = { ["Segment"] = "B2B" } },
            PaymentMethods = ["card"],
        });
        var read = await client.Api.Customers["acme/eu 1"].GetAsync();
        var page = await client.Api.Customers.GetAsync(r => r.QueryParameters.Limit = 10);

        Assert.NotNull(created);
        Assert.Equal("acme/eu 1", created.Id);
        Assert.Equal(1, created.Version);
        Assert.NotNull(read);
        Assert.Equal("acme/eu 1", read.Id);
        Assert.Equal(7000, read.OutstandingAmount);
        Assert.Equal(0, read.DueAmount);
        Assert.Equal("B2B", read.CustomFields!.AdditionalData["Segment"]);
        Assert.Equal("card", Assert.Single(read.PaymentMethods!));
        Assert.Empty(read.AssignedUsers!);
        Assert.False(read.Excluded);
        // Never set: present in the answer (the schema requires them) and null.
        Assert.Null(read.Name);
        Assert.Null(read.Rating);
        Assert.Null(read.Workflow);
        Assert.Null(read.AveragePaymentDelayDays);
        Assert.Equal("acme/eu 1", Assert.Single(page!.Items!).Id);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task A_bad_update_is_a_validation_problem_and_an_unknown_customer_a_problem()
    {
        var (client, http) = await TenantClientAsync();
        using var _ = http;

        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            client.Api.Customers["c1"].PutAsync(new CustomerUpdateBody { Rating = "Z", OutstandingAmount = 1 }));
        var missing = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Customers["nobody"].GetAsync());

        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Equal(400, invalid.Status);
        Assert.Equal("Invalid input", invalid.Title);
        Assert.Contains("rating", invalid.Errors!.AdditionalData.Keys);
        Assert.False(string.IsNullOrEmpty(invalid.TraceId));
        Assert.Equal(404, missing.ResponseStatusCode);
        Assert.Contains("nobody", missing.Detail, StringComparison.Ordinal);
        // Nothing was created by the bad update.
        Assert.Equal(404, (await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Customers["c1"].GetAsync())).ResponseStatusCode);
    }

    [Fact]
    public async Task Without_the_key_the_client_gets_a_401_problem()
    {
        using var http = api.CreateClient();
        using var adapter = Adapter(new AnonymousAuthenticationProvider(), http);

        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => new SmartRulesClient(adapter).Api.Customers.GetAsync());

        Assert.Equal(401, refused.ResponseStatusCode);
        Assert.Equal("Unauthorized", refused.Title);
    }

    /// <summary>A client of a new tenant: the key goes through Kiota's Bearer provider, not a default header.</summary>
    private async Task<(SmartRulesClient Client, IDisposable Resources)> TenantClientAsync()
    {
        var (_, tenant) = await api.TenantAsync();
        var key = tenant.DefaultRequestHeaders.Authorization!.Parameter!;
        tenant.Dispose();
        var http = api.CreateClient();
        var adapter = Adapter(new BaseBearerTokenAuthenticationProvider(new KeyProvider(key)), http);
        return (new SmartRulesClient(adapter), new Resources(adapter, http));
    }

    private static HttpClientRequestAdapter Adapter(IAuthenticationProvider authentication, HttpClient http) =>
        new(authentication, httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') };

    private sealed class KeyProvider(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }

    private sealed class Resources(params IDisposable[] resources) : IDisposable
    {
        public void Dispose()
        {
            foreach (var resource in resources) resource.Dispose();
        }
    }
}
