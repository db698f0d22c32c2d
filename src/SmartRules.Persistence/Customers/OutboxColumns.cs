using Npgsql;
using NpgsqlTypes;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// The outbox rows of one batch, as the column arrays the batch statement unnests; each names its customer by the
/// number of the customer's row in the batch.
/// </summary>
/// <param name="capacity">The rows expected (a batch writes ~0.7 notifications a change in a firing-heavy stream), so that
/// the columns are not grown row by row.</param>
internal sealed class OutboxColumns(int capacity)
{
    private readonly List<long> _ord = new(capacity);
    private readonly List<Guid> _id = new(capacity);
    private readonly List<string> _ruleId = new(capacity);
    private readonly List<int> _ruleVersion = new(capacity);
    private readonly List<string> _channel = new(capacity);
    private readonly List<string> _recipient = new(capacity);
    private readonly List<string?> _subject = new(capacity);
    private readonly List<string> _body = new(capacity);
    private readonly List<DateTime> _createdAt = new(capacity);

    public void Add(long ord, OutboxMessage message)
    {
        _ord.Add(ord);
        _id.Add(message.Id);
        _ruleId.Add(message.RuleId);
        _ruleVersion.Add(message.RuleVersion);
        _channel.Add(message.Channel);
        _recipient.Add(message.Recipient);
        _subject.Add(message.Subject);
        _body.Add(message.Body);
        _createdAt.Add(message.CreatedAt.UtcDateTime);
    }

    public void AddParameters(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter<long[]>("o_ord", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. _ord] });
        p.Add(new NpgsqlParameter<Guid[]>("o_id", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = [.. _id] });
        p.Add(new NpgsqlParameter<string[]>("o_rule_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _ruleId] });
        p.Add(new NpgsqlParameter<int[]>("o_rule_version", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. _ruleVersion] });
        p.Add(new NpgsqlParameter<string[]>("o_channel", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _channel] });
        p.Add(new NpgsqlParameter<string[]>("o_recipient", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _recipient] });
        p.Add(new NpgsqlParameter<string?[]>("o_subject", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _subject] });
        p.Add(new NpgsqlParameter<string[]>("o_body", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. _body] });
        p.Add(new NpgsqlParameter<DateTime[]>("o_created_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. _createdAt] });
    }
}
