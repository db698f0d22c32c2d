using Npgsql;
using NpgsqlTypes;
using SmartRules.Contracts.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>The audit entries of one batch, as the column arrays the batch statement unnests.</summary>
internal sealed class AuditColumns
{
    private readonly List<string> _tenant = [];
    private readonly List<string> _customer = [];
    private readonly List<DateTime> _at = [];
    private readonly List<string> _kind = [];
    private readonly List<string?> _ruleId = [];
    private readonly List<int?> _ruleVersion = [];
    private readonly List<string?> _trigger = [];
    private readonly List<string> _before = [];
    private readonly List<string> _after = [];
    private readonly List<string?> _note = [];

    public void Add(CustomerWrite write, AuditRecord entry)
    {
        _tenant.Add(write.TenantId);
        _customer.Add(write.CustomerId);
        _at.Add(entry.At.UtcDateTime);
        _kind.Add(entry.Kind);
        _ruleId.Add(entry.RuleId);
        _ruleVersion.Add(entry.RuleVersion);
        _trigger.Add(entry.Trigger);
        _before.Add(entry.BeforeJson);
        _after.Add(entry.AfterJson);
        _note.Add(entry.Note);
    }

    public void AddParameters(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter<string[]>("a_tenant_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _tenant] });
        p.Add(new NpgsqlParameter<string[]>("a_customer_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _customer] });
        p.Add(new NpgsqlParameter<DateTime[]>("a_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. _at] });
        p.Add(new NpgsqlParameter<string[]>("a_kind", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _kind] });
        p.Add(new NpgsqlParameter<string?[]>("a_rule_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _ruleId] });
        p.Add(new NpgsqlParameter<int?[]>("a_rule_version", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. _ruleVersion] });
        p.Add(new NpgsqlParameter<string?[]>("a_trigger", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _trigger] });
        p.Add(new NpgsqlParameter<string[]>("a_before", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = [.. _before] });
        p.Add(new NpgsqlParameter<string[]>("a_after", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = [.. _after] });
        p.Add(new NpgsqlParameter<string?[]>("a_note", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _note] });
    }
}
