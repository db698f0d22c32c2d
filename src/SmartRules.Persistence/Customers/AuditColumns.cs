using Npgsql;
using NpgsqlTypes;

namespace SmartRules.Persistence.Customers;

/// <summary>The audit rows of one batch (one per change), as the column arrays the batch statement unnests.</summary>
internal sealed class AuditColumns(int capacity)
{
    private readonly List<string> _tenant = new(capacity);
    private readonly List<string> _customer = new(capacity);
    private readonly List<DateTime> _at = new(capacity);
    private readonly List<byte[]> _entries = new(capacity);

    public void Add(CustomerWrite write, AuditChange change)
    {
        _tenant.Add(write.TenantId);
        _customer.Add(write.CustomerId);
        _at.Add(change.At.UtcDateTime);
        _entries.Add(change.EntriesJson);
    }

    public void AddParameters(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter<string[]>("a_tenant_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _tenant] });
        p.Add(new NpgsqlParameter<string[]>("a_customer_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _customer] });
        p.Add(new NpgsqlParameter<DateTime[]>("a_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. _at] });
        p.Add(new NpgsqlParameter<byte[][]>("a_entries", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. _entries] });
    }
}
