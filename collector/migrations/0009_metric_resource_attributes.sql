-- The resource of each metric point, as otel_logs and otel_traces keep theirs (the OpenTelemetry
-- ClickHouse exporter's column): without it the cumulative series of two replicas of a service
-- (same name, same attributes, another service.instance.id and host.name) were stored as one.
-- Rows written before keep an empty map.
ALTER TABLE `{database}`.otel_metrics
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(LowCardinality(String), String) AFTER ServiceName;
