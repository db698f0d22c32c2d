-- track: customers
-- SmartRules' own tables. Every table is keyed by tenant first and nothing joins across tenants, so a tenant's
-- rows can later move to another PostgreSQL primary.

-- Customer grains' state, written only through the group-commit store (CustomerGrainStorage). It is also the
-- queryable view behind lists, counts, previews and backfill enumeration: one write, nothing to reconcile.
create table customers (
    tenant_id                  text        not null,
    customer_id                text        not null,
    name                       text,
    outstanding_amount         numeric     not null default 0,
    due_amount                 numeric     not null default 0,
    overdue_amount             numeric     not null default 0,
    rating                     char(1)     check (rating in ('A', 'B', 'C', 'D')),
    average_payment_delay_days numeric,
    custom_fields              jsonb       not null default '{}'::jsonb,
    assigned_users             jsonb       not null default '[]'::jsonb,
    workflow                   text,
    payment_methods            jsonb       not null default '[]'::jsonb,
    excluded                   boolean     not null default false,
    last_sequence              bigint,
    version                    bigint      not null,
    extra                      jsonb       not null default '{}'::jsonb,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null,
    primary key (tenant_id, customer_id)
);

-- The full audit trail; the grain keeps only the newest entries.
create table customer_audit (
    tenant_id    text        not null,
    customer_id  text        not null,
    entry_id     bigint      generated always as identity,
    at           timestamptz not null,
    kind         text        not null,
    rule_id      text,
    rule_version int,
    trigger      text,
    before       jsonb       not null default '{}'::jsonb,
    after        jsonb       not null default '{}'::jsonb,
    note         text,
    primary key (tenant_id, customer_id, entry_id)
);

-- The notification outbox, written in the same statement as the customer state that fired it. The id is the
-- firing's idempotency key: derived from the customer, its version and the rule, so a row is written exactly once.
create table notification_outbox (
    tenant_id       text        not null,
    notification_id uuid        not null,
    customer_id     text        not null,
    rule_id         text        not null,
    rule_version    int         not null,
    channel         text        not null,
    recipient       text        not null,
    subject         text,
    body            text        not null,
    status          text        not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    last_error      text,
    created_at      timestamptz not null,
    sent_at         timestamptz,
    primary key (tenant_id, notification_id)
);

create index notification_outbox_due on notification_outbox (next_attempt_at) where status = 'pending';
create index notification_outbox_by_customer on notification_outbox (tenant_id, customer_id, created_at);

-- Updates rewrite whole customer rows; free space on each page lets PostgreSQL keep them as HOT updates.
alter table customers set (fillfactor = 80);
