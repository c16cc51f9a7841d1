-- What each analysis run could not compare (its report's `issues`), one row per issue in the
-- report's order: an empty window, a type mismatch, a reduced sample, a column missing from a
-- window. A table of its own, not a drift_results column: a run that compared nothing (an empty
-- window, an unknown model) writes no drift_results row, and its issues are the ones that say why.
-- window_name, column_name and column_kind are '' where the issue names none.
CREATE TABLE IF NOT EXISTS `{database}`.report_issues
(
    run_id String,
    computed_at DateTime64(3, 'UTC'),
    model LowCardinality(String),
    model_version LowCardinality(String),
    reference_from DateTime64(3, 'UTC'),
    reference_to DateTime64(3, 'UTC'),
    current_from DateTime64(3, 'UTC'),
    current_to DateTime64(3, 'UTC'),
    position UInt32,
    reason LowCardinality(String),
    window_name LowCardinality(String),
    column_name String,
    column_kind LowCardinality(String),
    message String
)
ENGINE = MergeTree
ORDER BY (model, computed_at, run_id, position);
