-- track: cluster
-- Which PostgreSQL server (customer shard) holds a tenant's customer data: the name of its connection string, written
-- once when the tenant is created. A tenant without a row lives on the cluster's own database ("SmartRules"), so a
-- deployment that adds shards later keeps its tenants where they are.
create table tenant_shards (
    tenant_id  text        primary key,
    shard      text        not null,
    created_at timestamptz not null default now()
);
