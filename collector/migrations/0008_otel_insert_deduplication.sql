-- Insert deduplication on the OpenTelemetry tables, which have no event id to merge twins on
-- (predictions and labels are ReplacingMergeTree keyed by their ids). The Kafka source inserts
-- each batch with a token naming its topic, partition and offset range: a batch written again
-- (a write retried after a timeout that had in fact landed, or redelivered after a crash with
-- the same records) is dropped by ClickHouse instead of doubling logs, spans and metric points.
-- The HTTP ingest passes a fresh token per insert, so its behaviour is unchanged. The window is
-- how many recent insert blocks per table are remembered.
ALTER TABLE `{database}`.otel_logs MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE `{database}`.otel_traces MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE `{database}`.otel_metrics MODIFY SETTING non_replicated_deduplication_window = 1000;
