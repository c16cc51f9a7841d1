-- Prediction samples and their (late) ground-truth labels.
-- ReplacingMergeTree keyed by the event id: a redelivered event replaces its twin, so
-- at-least-once delivery never doubles a sample once parts merge (queries read FINAL).
CREATE TABLE IF NOT EXISTS `{database}`.predictions
(
    prediction_id String,
    model LowCardinality(String),
    model_version LowCardinality(String),
    timestamp DateTime64(3, 'UTC'),
    num_features Map(LowCardinality(String), Float64),
    cat_features Map(LowCardinality(String), String),
    missing_features Array(LowCardinality(String)),
    prediction String,
    prediction_num Nullable(Float64),
    score Nullable(Float64),
    segment LowCardinality(String),
    request_id String,
    trace_id String,
    span_id String,
    service_name LowCardinality(String),
    inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (model, prediction_id);

CREATE TABLE IF NOT EXISTS `{database}`.labels
(
    prediction_id String,
    model LowCardinality(String),
    label String,
    label_num Nullable(Float64),
    timestamp DateTime64(3, 'UTC'),
    inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
ORDER BY (prediction_id);
