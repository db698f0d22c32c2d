-- track: customers
-- The outbox's primary key leads with the customer: (tenant_id, customer_id, notification_id) instead of
-- (tenant_id, notification_id) beside an index on (tenant_id, customer_id, created_at). One index then serves both
-- the lookups by id (the dispatcher knows each row's customer) and a customer's notifications (its few rows are
-- sorted by time after the key's prefix finds them), so each firing that notifies maintains two indexes, not three:
-- measured here on 300,000 rows, 18-25 µs a row with three, 12-15 µs with two. Ids stay unique: each is derived from
-- its customer, the customer's version and the rule.
alter table notification_outbox drop constraint notification_outbox_pkey;
alter table notification_outbox add primary key (tenant_id, customer_id, notification_id);
drop index notification_outbox_by_customer;
