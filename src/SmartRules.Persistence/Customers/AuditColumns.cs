using Npgsql;
using NpgsqlTypes;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// The audit rows of one batch (one per change), as the column arrays the batch statement unnests; each names its
/// customer by the number of the customer's row in the batch.
/// </summary>
internal sealed class AuditColumns(int capacity)
{
    private readonly List<long> _ord = new(capacity);
    private readonly List<DateTime> _at = new(capacity);
    private readonly List<byte[]> _entries = new(capacity);

    public void Add(long ord, AuditChange change)
    {
        _ord.Add(ord);
        _at.Add(change.At.UtcDateTime);
        _entries.Add(change.EntriesJson);
    }

    public void AddParameters(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter<long[]>("a_ord", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. _ord] });
        p.Add(new NpgsqlParameter<DateTime[]>("a_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. _at] });
        p.Add(new NpgsqlParameter<byte[][]>("a_entries", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. _entries] });
    }
}
