-- Labels keyed by (model, prediction_id), as predictions are: keyed by the id alone, two models
-- sharing a caller-supplied id (champion and challenger scoring one order) replaced each other's
-- labels. The version is the label's observation time, so the newest observation wins however
-- late a correction is delivered (with inserted_at, an older label inserted later replaced a
-- newer one). A label with model '' (logged without one) still joins any model's prediction.
-- Rebuilt by copy and an atomic swap (EXCHANGE TABLES: Atomic databases, the default on chDB and
-- ClickHouse server since 20.10). Each step can run again after an interrupted run: the scratch
-- table only ever holds a copy, or the old table once swapped, so it is dropped first and last.
-- Labels inserted by another collector between the copy and the swap are not carried over.
DROP TABLE IF EXISTS `{database}`.labels_rebuild;

CREATE TABLE `{database}`.labels_rebuild
(
    prediction_id String,
    model LowCardinality(String),
    label String,
    label_num Nullable(Float64),
    timestamp DateTime64(3, 'UTC'),
    inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(timestamp)
ORDER BY (model, prediction_id);

INSERT INTO `{database}`.labels_rebuild
    (prediction_id, model, label, label_num, timestamp, inserted_at)
SELECT prediction_id, model, label, label_num, timestamp, inserted_at
FROM `{database}`.labels;

EXCHANGE TABLES `{database}`.labels AND `{database}`.labels_rebuild;

DROP TABLE `{database}`.labels_rebuild;
