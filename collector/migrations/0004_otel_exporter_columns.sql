-- The OpenTelemetry ClickHouse exporter's remaining columns: span events (where a failed span's
-- exception is), links and trace state, which Grafana's ClickHouse plugin selects for its trace
-- view; metric description, start time and monotonicity (a counter's rate and resets); log trace
-- flags and scope. Columns the wire schema does not carry keep their defaults.
ALTER TABLE `{database}`.otel_traces
    ADD COLUMN IF NOT EXISTS TraceState String AFTER ParentSpanId,
    ADD COLUMN IF NOT EXISTS Events Nested (
        Timestamp DateTime64(9, 'UTC'),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ),
    ADD COLUMN IF NOT EXISTS Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    );

ALTER TABLE `{database}`.otel_metrics
    ADD COLUMN IF NOT EXISTS MetricDescription String AFTER MetricName,
    ADD COLUMN IF NOT EXISTS StartTimeUnix DateTime64(9, 'UTC') AFTER TimeUnix,
    ADD COLUMN IF NOT EXISTS IsMonotonic Bool AFTER Value;

ALTER TABLE `{database}`.otel_logs
    ADD COLUMN IF NOT EXISTS TraceFlags UInt8 AFTER SpanId,
    ADD COLUMN IF NOT EXISTS ScopeName String,
    ADD COLUMN IF NOT EXISTS ScopeVersion LowCardinality(String);
