-- Predictions keyed by (model, model_version, prediction_id): keyed by model and id alone, two
-- versions of one model scoring the same caller-supplied id (a canary next to the stable
-- version) replaced each other's prediction. A redelivered batch still replaces its twin (same
-- version, same id), so at-least-once delivery never doubles a sample; labels stay keyed by
-- (model, prediction_id) and apply to every version's prediction with that id.
-- Rebuilt by copy and an atomic swap, as 0005 rebuilt labels (EXCHANGE TABLES: Atomic databases,
-- the default on chDB and ClickHouse server since 20.10). Each step can run again after an
-- interrupted run: the scratch table only ever holds a copy, or the old table once swapped, so it
-- is dropped first and last. Two versions' predictions of one id already merged into one before
-- this migration stay one. Predictions inserted by another collector between the copy and the
-- swap are not carried over (run `driftwatch migrate` first, or stop the others).
DROP TABLE IF EXISTS `{database}`.predictions_rebuild;

CREATE TABLE `{database}`.predictions_rebuild
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
ORDER BY (model, model_version, prediction_id);

-- Every row, not FINAL: twins the old key had not merged yet are merged by the new key, and
-- the versions it would have merged are both kept. The copy touches every month the table holds:
-- no cap on partitions per insert (as event-writer.ts lifts it for a backfill's batch).
INSERT INTO `{database}`.predictions_rebuild
    (prediction_id, model, model_version, timestamp, num_features, cat_features,
     missing_features, prediction, prediction_num, score, segment, request_id, trace_id,
     span_id, service_name, inserted_at)
SETTINGS max_partitions_per_insert_block = 0
SELECT prediction_id, model, model_version, timestamp, num_features, cat_features,
       missing_features, prediction, prediction_num, score, segment, request_id, trace_id,
       span_id, service_name, inserted_at
FROM `{database}`.predictions;

EXCHANGE TABLES `{database}`.predictions AND `{database}`.predictions_rebuild;

DROP TABLE `{database}`.predictions_rebuild;
