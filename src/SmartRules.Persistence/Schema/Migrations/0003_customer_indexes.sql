-- track: customers
-- Serves customer filters on custom fields (a single-value "contains" is written as jsonb containment).
create index customers_custom_fields on customers using gin (custom_fields jsonb_path_ops);
