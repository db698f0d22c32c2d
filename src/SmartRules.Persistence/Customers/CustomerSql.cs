namespace SmartRules.Persistence.Customers;

/// <summary>The statements of the customer store.</summary>
internal static class CustomerSql
{
    /// <summary>
    /// One statement per batch. <c>written</c> upserts the rows whose version is as expected (a new row when the
    /// expected version is 0 and none exists); audit entries and outbox rows are inserted only for those rows; the
    /// result names the rows written. Being one statement, it commits or fails as a whole.
    /// </summary>
    public const string WriteBatch = """
        with input as (
            select * from unnest(
                @tenant_id::text[], @customer_id::text[], @name::text[], @outstanding::numeric[], @due::numeric[],
                @overdue::numeric[], @rating::text[], @delay::numeric[], @custom_fields::jsonb[], @users::jsonb[],
                @workflow::text[], @methods::jsonb[], @excluded::boolean[], @last_sequence::bigint[], @version::bigint[],
                @extra::jsonb[], @updated_at::timestamptz[])
            as t(tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating,
                 average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                 last_sequence, version, extra, updated_at)
        ),
        written as (
            insert into customers as c (tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount,
                rating, average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                last_sequence, version, extra, created_at, updated_at)
            select tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating::char(1),
                average_payment_delay_days, custom_fields, assigned_users, workflow, payment_methods, excluded,
                last_sequence, version, extra, updated_at, updated_at
            from input
            where version = 1 or exists (select 1 from customers x where x.tenant_id = input.tenant_id and x.customer_id = input.customer_id)
            on conflict (tenant_id, customer_id) do update set
                name = excluded.name,
                outstanding_amount = excluded.outstanding_amount,
                due_amount = excluded.due_amount,
                overdue_amount = excluded.overdue_amount,
                rating = excluded.rating,
                average_payment_delay_days = excluded.average_payment_delay_days,
                custom_fields = excluded.custom_fields,
                assigned_users = excluded.assigned_users,
                workflow = excluded.workflow,
                payment_methods = excluded.payment_methods,
                excluded = excluded.excluded,
                last_sequence = excluded.last_sequence,
                version = excluded.version,
                extra = excluded.extra,
                updated_at = excluded.updated_at
            where c.version = excluded.version - 1
            returning c.tenant_id, c.customer_id
        ),
        audit as (
            insert into customer_audit (tenant_id, customer_id, at, kind, rule_id, rule_version, trigger, before, after, note)
            select a.tenant_id, a.customer_id, a.at, a.kind, a.rule_id, a.rule_version, a.trigger, a.before, a.after, a.note
            from unnest(@a_tenant_id::text[], @a_customer_id::text[], @a_at::timestamptz[], @a_kind::text[],
                        @a_rule_id::text[], @a_rule_version::int[], @a_trigger::text[], @a_before::jsonb[],
                        @a_after::jsonb[], @a_note::text[])
                 with ordinality as a(tenant_id, customer_id, at, kind, rule_id, rule_version, trigger, before, after, note, ord)
            where exists (select 1 from written w where w.tenant_id = a.tenant_id and w.customer_id = a.customer_id)
            order by a.ord
        ),
        outbox as (
            insert into notification_outbox (tenant_id, notification_id, customer_id, rule_id, rule_version, channel,
                recipient, subject, body, status, attempts, next_attempt_at, created_at)
            select o.tenant_id, o.id, o.customer_id, o.rule_id, o.rule_version, o.channel, o.recipient, o.subject, o.body,
                'pending', 0, o.created_at, o.created_at
            from unnest(@o_tenant_id::text[], @o_id::uuid[], @o_customer_id::text[], @o_rule_id::text[],
                        @o_rule_version::int[], @o_channel::text[], @o_recipient::text[], @o_subject::text[],
                        @o_body::text[], @o_created_at::timestamptz[])
                 as o(tenant_id, id, customer_id, rule_id, rule_version, channel, recipient, subject, body, created_at)
            where exists (select 1 from written w where w.tenant_id = o.tenant_id and w.customer_id = o.customer_id)
            on conflict (tenant_id, notification_id) do nothing
        )
        select tenant_id, customer_id from written
        """;

    public const string Read = """
        select name, outstanding_amount, due_amount, overdue_amount, rating, average_payment_delay_days,
               custom_fields::text, assigned_users::text, workflow, payment_methods::text, excluded,
               last_sequence, version, extra::text
        from customers where tenant_id = @tenant_id and customer_id = @customer_id
        """;
}
