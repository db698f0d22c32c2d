-- track: customers
-- One row per change in the audit trail instead of one per entry: a change (the external update and what each rule
-- did) is written as one row holding its entries as a JSON array. A firing-heavy update wrote four to five rows,
-- each with its own index entries; now it writes one. customer_audit stays, as a view that answers entry by entry,
-- so every reader (the audit endpoint, operators' queries) sees the same rows as before.
--
-- An entry: {"kind", "ruleId", "ruleVersion", "trigger", "before", "after", "note"}. The update entry of a
-- creation stores no "before": it is the new-customer default (amounts 0, lists empty, not excluded, the rest
-- unset), which readers fill in from the fields of "after".
-- The entries are stored as json (checked, kept as text), not jsonb: they are written on every change and read only
-- when someone opens a customer's trail, so converting each into jsonb's binary form would be paid for nothing.
create table customer_changes (
    tenant_id   text        not null,
    customer_id text        not null,
    change_id   bigint      generated always as identity,
    at          timestamptz not null,
    entries     json        not null,
    primary key (tenant_id, customer_id, change_id)
);

-- Existing entries become changes of one entry each, keeping their ids and order.
insert into customer_changes (tenant_id, customer_id, change_id, at, entries) overriding system value
select tenant_id, customer_id, entry_id, at,
       json_build_array(json_build_object('kind', kind, 'ruleId', rule_id, 'ruleVersion', rule_version,
           'trigger', trigger, 'before', before, 'after', after, 'note', note))
from customer_audit;
select setval(pg_get_serial_sequence('customer_changes', 'change_id'), coalesce(max(change_id), 0) + 1, false)
from customer_changes;

drop table customer_audit;

-- Entry ids: the change's id times 100,000 plus the entry's place in it (a change has at most one entry per rule).
create view customer_audit as
select c.tenant_id, c.customer_id, c.change_id * 100000 + e.ord as entry_id, c.at,
       e.entry ->> 'kind' as kind, e.entry ->> 'ruleId' as rule_id, (e.entry ->> 'ruleVersion')::int as rule_version,
       e.entry ->> 'trigger' as trigger, (e.entry -> 'before')::jsonb as before, coalesce(e.entry -> 'after', '{}'::json)::jsonb as after,
       e.entry ->> 'note' as note
from customer_changes c
cross join lateral json_array_elements(c.entries) with ordinality as e(entry, ord);
