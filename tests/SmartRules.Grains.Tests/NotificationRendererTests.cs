using SmartRules.Domain.Customers;
using SmartRules.Grains.Notifications;

namespace SmartRules.Grains.Tests;

/// <summary>Every customer value a template can name, rendered as the API names it; values are data, never templates.</summary>
public sealed class NotificationRendererTests
{
    private static readonly CustomerSnapshot Customer = new()
    {
        Id = "c1",
        Name = "Acme {{ 7 * 7 }}",
        OutstandingAmount = 7000.50m,
        DueAmount = 12m,
        OverdueAmount = -3m,
        Rating = Rating.B,
        AveragePaymentDelayDays = 45.5m,
        CustomFields = CustomFields.From(new Dictionary<string, string?> { ["Segment"] = "B2B", ["CSM email"] = "ann@acme.test" }),
        AssignedUsers = UserSet.From(["bob@acme.test", "ann@acme.test"]),
        Workflow = "collections",
        PaymentMethods = PaymentMethods.Card | PaymentMethods.DirectDebit,
    };

    [Theory]
    [InlineData("{{ customer.id }}", "c1")]
    [InlineData("{{ customer.name }}", "Acme {{ 7 * 7 }}")]
    [InlineData("{{ customer.outstandingAmount }} {{ customer.dueAmount }} {{ customer.overdueAmount }}", "7000.5 12 -3")]
    [InlineData("{{ customer.rating }} {{ customer.averagePaymentDelayDays }}", "B 45.5")]
    [InlineData("{{ customer.workflow }}", "collections")]
    [InlineData("{{ customer.assignedUsers | join: ', ' }}", "ann@acme.test, bob@acme.test")]
    [InlineData("{{ customer.paymentMethods | join: ',' }}", "card,directDebit")]
    [InlineData("{{ customer.customFields.Segment }}/{{ customer.customFields['CSM email'] }}", "B2B/ann@acme.test")]
    [InlineData("{% for f in customer.customFields %}{{ f[0] }}={{ f[1] }};{% endfor %}", "CSM email=ann@acme.test;Segment=B2B;")]
    [InlineData("[{{ customer.customFields.Missing }}][{{ customer.unknown }}]", "[][]")]
    [InlineData("{% if customer.outstandingAmount > 5000 %}big{% endif %}", "big")]
    public void Renders_the_customer_values(string template, string expected) =>
        Assert.Equal(expected, new NotificationRenderer().Render(template, Customer));

    [Fact]
    public void Unset_values_render_empty() =>
        Assert.Equal("[][][]", new NotificationRenderer().Render("[{{ customer.rating }}][{{ customer.workflow }}][{{ customer.averagePaymentDelayDays }}]", new CustomerSnapshot { Id = "c2" }));
}
