using System.Globalization;
using System.Text;

namespace SmartRules.LoadBench;

/// <summary>
/// The real workloads' generator: a tenant directory, 20 active rules covering every trigger kind and every action,
/// customers as a new tenant imports them, and update lines of three kinds. Seeded, so a run can be repeated; the
/// shape of the lines varies (how many custom fields, which optional fields, which values) so that no single shape
/// is what gets tuned.
/// </summary>
internal sealed class Workload(int seed)
{
    public static readonly string[] Users = ["ann@acme.test", "bob@acme.test", "carol@acme.test", "dan@acme.test", "erin@acme.test"];

    public static readonly string[] Workflows = ["collections", "legal", "standard", "review"];

    private static readonly string[] Segments = ["B2B", "B2C", "Enterprise", "Public", "b2b", "SMB"];
    private static readonly string[] Regions = ["EU", "US", "APAC", "LATAM"];
    private static readonly string[] Plans = ["Basic", "Starter", "Premium", "Custom"];
    private static readonly string[] Ratings = ["A", "B", "C", "D"];

    /// <summary>20 rules: created, created-or-updated and the three thresholds in both directions; every action,
    /// in-app notifications with templates, and one exclusion that only a rare customer meets.</summary>
    public static readonly string[] Rules =
    [
        """{"name":"new: CSM from field","trigger":{"type":"customerCreated"},"action":{"type":"assignUsers","fromCustomFields":["CSM email"]}}""",
        """{"name":"new enterprise: tell CSM","trigger":{"type":"customerCreated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"Enterprise"}],"action":{"type":"sendNotification","recipient":{"customField":"CSM email"},"channel":"inApp","subject":"New customer","body":"{{ customer.name }} joined with {{ customer.outstandingAmount }} outstanding"}}""",
        """{"name":"basic plans pay by card","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Plan","operator":"isAnyOf","value":["Basic","Starter"]}],"action":{"type":"assignPaymentMethods","methods":["card"]}}""",
        """{"name":"US to bob","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Region","operator":"contains","value":"US"}],"action":{"type":"assignUsers","users":["bob@acme.test"]}}""",
        """{"name":"over 5k to collections","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""",
        """{"name":"over 20k overdue to legal","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":20000},"conditions":[{"field":"overdueAmount","operator":"min","value":5000}],"action":{"type":"assignWorkflow","workflowId":"legal"}}""",
        """{"name":"under 1k back to standard","trigger":{"type":"outstandingAmountThreshold","direction":"fallsBelow","value":1000},"action":{"type":"assignWorkflow","workflowId":"standard"}}""",
        """{"name":"over 8k: tell ann","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":8000},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"{{ customer.name }} owes {{ customer.outstandingAmount }}"}}""",
        """{"name":"D: bank transfer","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"assignPaymentMethods","methods":["bankTransfer"]}}""",
        """{"name":"A or B: card and debit","trigger":{"type":"ratingThreshold","direction":"exceeds","value":"C"},"action":{"type":"assignPaymentMethods","methods":["card","directDebit"]}}""",
        """{"name":"below B: CSM","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"B"},"conditions":[{"field":"customFields.Segment","operator":"isAnyOf","value":["B2B","Enterprise"]}],"action":{"type":"assignUsers","fromCustomFields":["CSM email"]}}""",
        """{"name":"lost A: tell CSM","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"A"},"action":{"type":"sendNotification","recipient":{"customField":"CSM email"},"channel":"inApp","body":"{{ customer.name }} is now rated {{ customer.rating }}"}}""",
        """{"name":"late 60: collections","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":60},"conditions":[{"field":"rating","operator":"atMost","value":"C"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}""",
        """{"name":"late 90: legal","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":90},"conditions":[{"field":"outstandingAmount","operator":"greaterThan","value":2000}],"action":{"type":"assignWorkflow","workflowId":"legal"}}""",
        """{"name":"on time: standard","trigger":{"type":"averagePaymentDelayThreshold","direction":"fallsBelow","value":30},"action":{"type":"assignWorkflow","workflowId":"standard"}}""",
        """{"name":"closing and very late: exclude","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":150},"conditions":[{"field":"customFields.Status","operator":"contains","value":"Closing"},{"field":"rating","operator":"isOneOf","value":["D"]}],"action":{"type":"exclude"}}""",
        """{"name":"tier 1 to carol","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Tier","operator":"contains","value":"1"}],"action":{"type":"assignUsers","users":["carol@acme.test"]}}""",
        """{"name":"over 15k: dan","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":15000},"action":{"type":"assignUsers","users":["dan@acme.test"]}}""",
        """{"name":"now A: tell bob","trigger":{"type":"ratingThreshold","direction":"exceeds","value":"B"},"action":{"type":"sendNotification","recipient":{"user":"bob@acme.test"},"channel":"inApp","body":"{{ customer.name }} is now rated {{ customer.rating }}"}}""",
        """{"name":"big overdue: review","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"overdueAmount","operator":"min","value":9000},{"field":"customFields.Segment","operator":"doesNotContain","value":"B2C"}],"action":{"type":"assignWorkflow","workflowId":"review"}}""",
    ];

    private readonly Random _random = new(seed);

    /// <summary>A new customer as an import sends it: name, three amounts, rating, delay and 6–8 custom fields, one of them
    /// its own account number (a value no other customer has, as real tenants' customers carry).</summary>
    public string NewCustomer(int i)
    {
        var b = new StringBuilder(320);
        var outstanding = _random.Next(0, 12_000);
        b.Append("{\"id\":\"c").Append(i).Append("\",\"name\":\"Customer ").Append(i).Append(" Ltd\"")
         .Append(",\"outstandingAmount\":").Append(outstanding).Append('.').Append(_random.Next(0, 100).ToString("00", CultureInfo.InvariantCulture))
         .Append(",\"dueAmount\":").Append(outstanding / 2)
         .Append(",\"overdueAmount\":").Append(_random.Next(0, outstanding / 2 + 1));
        if (_random.Next(10) != 0) b.Append(",\"rating\":\"").Append(Ratings[_random.Next(4)]).Append('"');
        if (_random.Next(10) != 0) b.Append(",\"averagePaymentDelayDays\":").Append(_random.Next(-5, 120));
        b.Append(",\"customFields\":{\"Segment\":\"").Append(Segments[_random.Next(Segments.Length)])
         .Append("\",\"Region\":\"").Append(Regions[_random.Next(Regions.Length)])
         .Append("\",\"Plan\":\"").Append(Plans[_random.Next(Plans.Length)])
         .Append("\",\"CSM email\":\"").Append(Users[_random.Next(Users.Length)])
         .Append("\",\"Tier\":\"").Append(_random.Next(1, 4))
         .Append("\",\"Account number\":\"AC-").Append(i.ToString("D7", CultureInfo.InvariantCulture)).Append('"');
        if (_random.Next(4) == 0) b.Append(",\"Account manager\":\"").Append("Manager ").Append(_random.Next(200)).Append('"');
        if (_random.Next(50) == 0) b.Append(",\"Status\":\"Closing\"");
        b.Append('}');
        if (_random.Next(3) == 0) b.Append(",\"assignedUsers\":[\"").Append(Users[_random.Next(Users.Length)]).Append("\"]");
        b.Append('}');
        return b.ToString();
    }

    /// <summary>
    /// A firing-heavy update: outstanding and overdue amounts, rating and delay all move at random (wide ranges, so
    /// thresholds cross on a large share of lines); now and then the due amount, a custom field or a workflow too.
    /// </summary>
    public string HeavyUpdate(int customers, int first = 0)
    {
        var b = new StringBuilder(200);
        var outstanding = _random.Next(0, 25_000);
        b.Append("{\"id\":\"c").Append(first + _random.Next(customers)).Append('"')
         .Append(",\"outstandingAmount\":").Append(outstanding)
         .Append(",\"overdueAmount\":").Append(_random.Next(0, outstanding / 2 + 1))
         .Append(",\"rating\":\"").Append(Ratings[_random.Next(4)]).Append('"')
         .Append(",\"averagePaymentDelayDays\":").Append(_random.Next(0, 130)).Append('.').Append(_random.Next(10));
        switch (_random.Next(10))
        {
            case 0: b.Append(",\"dueAmount\":").Append(outstanding / 3); break;
            case 1: b.Append(",\"customFields\":{\"Segment\":\"").Append(Segments[_random.Next(Segments.Length)]).Append("\"}"); break;
            case 2: b.Append(",\"customFields\":{\"Tier\":\"").Append(_random.Next(1, 4)).Append("\",\"Plan\":\"").Append(Plans[_random.Next(Plans.Length)]).Append("\"}"); break;
            case 3: b.Append(",\"workflow\":\"").Append(Workflows[_random.Next(Workflows.Length)]).Append('"'); break;
        }

        return b.Append('}').ToString();
    }

    /// <summary>The light workload of earlier rounds: only the outstanding amount moves.</summary>
    public string LightUpdate(int customers) =>
        $$"""{"id":"c{{_random.Next(customers)}}","outstandingAmount":{{_random.Next(10_000)}}}""";

    /// <summary>A customer-sized row for the durable-write floor, with the values an import line carries.</summary>
    public FloorRow FloorRow(int i)
    {
        var outstanding = _random.Next(0, 12_000);
        var fields = new StringBuilder("{\"Segment\": \"").Append(Segments[_random.Next(Segments.Length)])
            .Append("\", \"Region\": \"").Append(Regions[_random.Next(Regions.Length)])
            .Append("\", \"Plan\": \"").Append(Plans[_random.Next(Plans.Length)])
            .Append("\", \"CSM email\": \"").Append(Users[_random.Next(Users.Length)])
            .Append("\", \"Tier\": \"").Append(_random.Next(1, 4)).Append("\"}").ToString();
        return new FloorRow("c" + i, $"Customer {i} Ltd", outstanding + _random.Next(100) / 100m, outstanding / 2, _random.Next(0, outstanding / 2 + 1),
            Ratings[_random.Next(4)], _random.Next(-5, 120), fields, $"[\"{Users[_random.Next(Users.Length)]}\"]");
    }
}

internal sealed record FloorRow(string Id, string Name, decimal Outstanding, decimal Due, decimal Overdue, string Rating, decimal Delay, string CustomFields, string Users);
