/**
 * The collector as a Fastify app: HTTP ingest and, when brokers are configured, the Kafka source
 * → validation → ClickHouse, and the analysis API. `buildApp` opens storage and applies
 * migrations unless given an open Storage (tests), and starts the Kafka source; `app.close()`
 * stops the source (its batch in progress finished) before storage closes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerBodyDeadline } from './api/body-deadline.js';
import { registerErrorHandler } from './api/error-handler.js';
import { registerHealthRoutes } from './api/health-routes.js';
import { registerIngestRoute } from './api/ingest-route.js';
import { registerReportRoutes } from './api/report-routes.js';
import { registerShuttingDown } from './api/shutting-down.js';
import {
  resolveCollectorOptions,
  type CollectorOptions,
  type CollectorOptionsInput,
} from './options.js';
import { KafkaSource } from './sources/kafka-source.js';
import { EventWriter } from './storage/event-writer.js';
import { migrate, type MigrationReport } from './storage/migrate.js';
import { openStorage, type Storage } from './storage/open-storage.js';

export interface CollectorApp {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly options: Readonly<CollectorOptions>;
  readonly migrations: MigrationReport;
  /** The Kafka source, when `options.kafka` is set. */
  readonly kafka?: KafkaSource;
}

export interface BuildAppInput extends CollectorOptionsInput {
  /** An already open storage (the app will not close it). */
  storageInstance?: Storage;
}

export async function buildApp(input: BuildAppInput = {}): Promise<CollectorApp> {
  const { storageInstance, ...optionsInput } = input;
  const options = resolveCollectorOptions(optionsInput);
  const storage = storageInstance ?? (await openStorage(options.storage));
  const migrations = await migrate(storage);
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: options.maxBodyBytes,
    // Requests during shutdown are answered by registerShuttingDown, with Retry-After and a code.
    return503OnClosing: false,
  });
  registerErrorHandler(app);
  registerShuttingDown(app);
  registerBodyDeadline(app, options.requestTimeoutMs);
  const writer = new EventWriter(storage);
  const kafka = options.kafka
    ? new KafkaSource(options.kafka, writer, app.log.child({ source: 'kafka' }))
    : undefined;
  registerHealthRoutes(app, storage, kafka);
  registerIngestRoute(app, {
    writer,
    maxConcurrentIngests: options.maxConcurrentIngests,
    ...(options.ingestToken ? { token: options.ingestToken } : {}),
  });
  registerReportRoutes(app, storage, options.maxWindowSamples);
  if (kafka) {
    // preClose: before onClose hooks close storage, so the batch in progress can still land.
    app.addHook('preClose', async () => kafka.close());
    kafka.start();
  }
  if (!storageInstance) app.addHook('onClose', async () => storage.close());
  return { app, storage, options, migrations, ...(kafka ? { kafka } : {}) };
}

/** Builds the app and listens; resolves with the URL. */
export async function startCollector(
  input: BuildAppInput = {},
): Promise<CollectorApp & { url: string }> {
  const collector = await buildApp(input);
  const url = await collector.app.listen({
    host: collector.options.host,
    port: collector.options.port,
  });
  return { ...collector, url };
}
