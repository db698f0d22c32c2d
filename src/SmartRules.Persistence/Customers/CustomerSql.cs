namespace SmartRules.Persistence.Customers;

/// <summary>The statements of the customer store.</summary>
internal static class CustomerSql
{
    /// <summary>
    /// One statement per batch: existing rows are updated only where their version is the one the grain read
    /// (<c>updated</c>), new rows inserted only where none exists yet (<c>inserted</c>); the change's audit row and outbox rows
    /// are inserted only for the rows written; the result names those rows. Outbox rows are plain inserts, without ON
    /// CONFLICT (whose arbiter check cost each row an extra index probe): their ids derive from the customer's new
    /// version, which only this statement can write, so they cannot exist yet (were one to, the statement would fail and
    /// the batch split find the write). Being one statement, it commits or fails
    /// as a whole. A plain UPDATE joined to the batch costs less than INSERT … ON CONFLICT DO UPDATE for the common
    /// case, and a missing row can never be re-created by a stale write. An in-app notification is delivered by being
    /// stored: its row is written as sent, and the dispatcher never touches it.
    /// The batch's rows are numbered (<c>ord</c>, from 1, in the order of the column arrays): a change row and an outbox
    /// row name their customer by that number, and the result is the numbers written, so neither the keys' text nor
    /// their comparison is sent or paid twice (the written rows are joined by an integer). Only a creation's number is
    /// found by its key (an INSERT returns the row, not its source); creations are picked by <c>version &lt;= 1</c>, which
    /// is <c>version = 1</c> (versions start at 1) but which the planner estimates as a third of the batch instead of a
    /// few rows: with <c>= 1</c> it joined the creations back to the batch in a nested loop, comparing every key with
    /// every other (an import line then cost PostgreSQL twice as much).
    /// </summary>
    public const string WriteBatch = """
        with input as (
            select * from unnest(
                @tenant_id::text[], @customer_id::text[], @name::text[], @outstanding::numeric[], @due::numeric[],
                @overdue::numeric[], @rating::text[], @delay::numeric[], @custom_fields::jsonb[], @users::jsonb[],
                @workflow::text[], @methods::jsonb[], @excluded::boolean[], @last_sequence::bigint[], @version::bigint[],
                @extra::jsonb[], @updated_at::timestamptz[]) with ordinality
            as t(tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating,
                 average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                 last_sequence, version, extra, updated_at, ord)
        ),
        updated as (
            update customers as c set
                name = i.name,
                outstanding_amount = i.outstanding_amount,
                due_amount = i.due_amount,
                overdue_amount = i.overdue_amount,
                rating = i.rating::char(1),
                average_payment_delay_days = i.average_payment_delay_days,
                custom_fields = coalesce(i.custom_fields, c.custom_fields),
                assigned_users = coalesce(i.assigned_users, c.assigned_users),
                workflow = i.workflow,
                payment_methods = coalesce(i.payment_methods, c.payment_methods),
                excluded = i.excluded,
                last_sequence = i.last_sequence,
                version = i.version,
                extra = i.extra,
                updated_at = i.updated_at
            from input i
            where i.version > 1 and c.tenant_id = i.tenant_id and c.customer_id = i.customer_id and c.version = i.version - 1
            returning i.ord, c.tenant_id, c.customer_id
        ),
        inserted as (
            insert into customers (tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount,
                rating, average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                last_sequence, version, extra, created_at, updated_at)
            select tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating::char(1),
                average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                last_sequence, version, extra, updated_at, updated_at
            from input
            where version <= 1
            on conflict (tenant_id, customer_id) do nothing
            returning tenant_id, customer_id
        ),
        written as (
            select ord, tenant_id, customer_id from updated
            union all
            select i.ord, i.tenant_id, i.customer_id
            from inserted n join input i on i.version <= 1 and i.tenant_id = n.tenant_id and i.customer_id = n.customer_id
        ),
        audit as (
            insert into customer_changes (tenant_id, customer_id, at, entries)
            select w.tenant_id, w.customer_id, a.at, a.entries
            from unnest(@a_ord::bigint[], @a_at::timestamptz[], @a_entries::bytea[]) as a(ord, at, entries)
            join written w on w.ord = a.ord
        ),
        outbox as (
            insert into notification_outbox (tenant_id, notification_id, customer_id, rule_id, rule_version, channel,
                recipient, subject, body, status, attempts, next_attempt_at, created_at, sent_at)
            select w.tenant_id, o.id, w.customer_id, o.rule_id, o.rule_version, o.channel, o.recipient, o.subject, o.body,
                case when o.channel = 'inApp' then 'sent' else 'pending' end, case when o.channel = 'inApp' then 1 else 0 end,
                o.created_at, o.created_at, case when o.channel = 'inApp' then o.created_at end
            from unnest(@o_ord::bigint[], @o_id::uuid[], @o_rule_id::text[], @o_rule_version::int[], @o_channel::text[],
                        @o_recipient::text[], @o_subject::text[], @o_body::text[], @o_created_at::timestamptz[])
                 as o(ord, id, rule_id, rule_version, channel, recipient, subject, body, created_at)
            join written w on w.ord = o.ord
        )
        select ord from written
        """;
}
