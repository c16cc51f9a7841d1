export { buildApp, startCollector } from './app.js';
export type { BuildAppInput, CollectorApp } from './app.js';
export { CollectorError, CollectorErrorCodes } from './errors.js';
export type { CollectorErrorCode } from './errors.js';
export { resolveCollectorOptions } from './options.js';
export type { CollectorOptions, CollectorOptionsInput, StorageOptions } from './options.js';
export { openStorage } from './storage/open-storage.js';
export type { Storage } from './storage/open-storage.js';
export { loadMigrations, migrate, MIGRATIONS_DIR } from './storage/migrate.js';
export type { Migration, MigrationReport } from './storage/migrate.js';
export { EventWriter } from './storage/event-writer.js';
export type { ValidEvents, WriteOptions } from './storage/event-writer.js';
export { KafkaSource } from './sources/kafka-source.js';
export type { KafkaSourceState, KafkaSourceStatus } from './sources/kafka-source.js';
export { resolveKafkaSourceOptions } from './sources/kafka-options.js';
export type {
  KafkaSaslMechanism,
  KafkaSaslOptions,
  KafkaSourceOptions,
  KafkaSourceOptionsInput,
  KafkaTlsOptions,
} from './sources/kafka-options.js';
export { DeadLetterHeaders } from './sources/dead-letter.js';
export { RejectionReasons } from './sources/kafka-record.js';
export type { RejectionReason } from './sources/kafka-record.js';
export { listModels, countLabels, runModelReport } from './analysis/model-report.js';
export type { ModelReport, ModelSummary, ReportRequest } from './analysis/model-report.js';
export type { ColumnDriftResult, ReportIssue } from './analysis/drift-analysis.js';
export type { PerformanceResult } from './analysis/performance-analysis.js';
export type { TimeWindow } from './analysis/time-window.js';
