using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;
using SmartRules.Domain.Customers;

namespace SmartRules.Grains.Notifications;

/// <summary>
/// Renders notification templates (Liquid, through Fluid) with a customer's values. Only the template, written by the
/// tenant with the rule, is parsed; customer values are handed to it as data and are never parsed or evaluated, so a
/// customer named "{{ 7 * 7 }}" is printed as exactly that. Parsed templates are cached per text.
/// </summary>
public sealed class NotificationRenderer
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _templates = new(StringComparer.Ordinal);
    private readonly TemplateOptions _options = CreateOptions();

    /// <summary>
    /// The customer is handed to templates as itself; each member a template names is computed when it is read (a
    /// notification usually reads two or three of them), instead of a dictionary of every member built per render.
    /// </summary>
    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions();
        options.MemberAccessStrategy.Register<CustomerSnapshot, object?>(static (customer, name) => Member(customer, name));
        return options;
    }

    /// <summary>Why a template cannot be used, or <c>null</c>.</summary>
    public static string? Problem(string? template) =>
        template is null || Parser.TryParse(template, out _, out var error) ? null : "is not a valid template: " + error;

    public string Render(string template, CustomerSnapshot customer)
    {
        var parsed = _templates.GetOrAdd(template, static t => Parser.TryParse(t, out var p, out var error)
            ? p
            : throw new InvalidOperationException("Invalid template: " + error));
        var context = new TemplateContext(_options);
        context.SetValue("customer", customer);
        return parsed.Render(context, NullEncoder.Default);
    }

    /// <summary>The template names of a customer's values (API.md's field names).</summary>
    private static object? Member(CustomerSnapshot c, string name) => name switch
    {
        "id" => c.Id,
        "name" => c.Name,
        "outstandingAmount" => c.OutstandingAmount,
        "dueAmount" => c.DueAmount,
        "overdueAmount" => c.OverdueAmount,
        "rating" => c.Rating is { } r ? Ratings.Name(r) : null,
        "averagePaymentDelayDays" => c.AveragePaymentDelayDays,
        "workflow" => c.Workflow,
        "assignedUsers" => c.AssignedUsers.ToArray(),
        "paymentMethods" => PaymentMethodNames.ToNames(c.PaymentMethods),
        "customFields" => c.CustomFields.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal),
        _ => null,
    };
}
