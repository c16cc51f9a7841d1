-- Results of each analysis run, read by the dashboards and the API.
CREATE TABLE IF NOT EXISTS `{database}`.drift_results
(
    run_id String,
    computed_at DateTime64(3, 'UTC'),
    model LowCardinality(String),
    model_version LowCardinality(String),
    reference_from DateTime64(3, 'UTC'),
    reference_to DateTime64(3, 'UTC'),
    current_from DateTime64(3, 'UTC'),
    current_to DateTime64(3, 'UTC'),
    column_name LowCardinality(String),
    column_kind LowCardinality(String),
    column_type LowCardinality(String),
    method LowCardinality(String),
    score Float64,
    threshold Float64,
    drifted UInt8,
    reference_count UInt64,
    current_count UInt64
)
ENGINE = MergeTree
ORDER BY (model, computed_at, column_name);

CREATE TABLE IF NOT EXISTS `{database}`.performance_results
(
    run_id String,
    computed_at DateTime64(3, 'UTC'),
    model LowCardinality(String),
    model_version LowCardinality(String),
    window_name LowCardinality(String),
    window_from DateTime64(3, 'UTC'),
    window_to DateTime64(3, 'UTC'),
    metric LowCardinality(String),
    value Nullable(Float64),
    labelled UInt64
)
ENGINE = MergeTree
ORDER BY (model, computed_at, window_name, metric);
