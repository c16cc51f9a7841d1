-- Logs, spans and metric points in the shapes of the OpenTelemetry ClickHouse exporter
-- (otel_logs, otel_traces, otel_metrics), so existing Grafana/ClickHouse queries apply.
CREATE TABLE IF NOT EXISTS `{database}`.otel_logs
(
    Timestamp DateTime64(9, 'UTC'),
    ObservedTimestamp DateTime64(9, 'UTC'),
    TraceId String,
    SpanId String,
    SeverityText LowCardinality(String),
    SeverityNumber UInt8,
    ServiceName LowCardinality(String),
    Body String,
    ResourceAttributes Map(LowCardinality(String), String),
    LogAttributes Map(LowCardinality(String), String)
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SeverityText, toUnixTimestamp(Timestamp), TraceId);

CREATE TABLE IF NOT EXISTS `{database}`.otel_traces
(
    Timestamp DateTime64(9, 'UTC'),
    TraceId String,
    SpanId String,
    ParentSpanId String,
    SpanName LowCardinality(String),
    SpanKind LowCardinality(String),
    ServiceName LowCardinality(String),
    ResourceAttributes Map(LowCardinality(String), String),
    SpanAttributes Map(LowCardinality(String), String),
    Duration UInt64,
    StatusCode LowCardinality(String),
    StatusMessage String
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toUnixTimestamp(Timestamp), TraceId);

CREATE TABLE IF NOT EXISTS `{database}`.otel_metrics
(
    TimeUnix DateTime64(9, 'UTC'),
    MetricName LowCardinality(String),
    MetricType LowCardinality(String),
    MetricUnit LowCardinality(String),
    ServiceName LowCardinality(String),
    Attributes Map(LowCardinality(String), String),
    Value Float64,
    Count UInt64,
    Sum Float64,
    BucketCounts Array(UInt64),
    ExplicitBounds Array(Float64)
)
ENGINE = MergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (ServiceName, MetricName, toUnixTimestamp64Nano(TimeUnix));
