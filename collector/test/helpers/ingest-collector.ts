/**
 * A collector on embedded ClickHouse for ingest tests: `post` sends a body to `/v1/ingest`
 * (objects as JSON, strings as they are), `rows` runs SQL whose `{table}` names are resolved to
 * the collector's tables.
 */
import { buildApp, type CollectorApp } from '../../src/app.js';
import { openTempStorage } from './temp-storage.js';

export interface IngestCollector {
  readonly collector: CollectorApp;
  post(body: unknown): Promise<Awaited<ReturnType<CollectorApp['app']['inject']>>>;
  rows<T = unknown>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function startIngestCollector(database: string): Promise<IngestCollector> {
  const temp = await openTempStorage(database);
  const collector = await buildApp({ storageInstance: temp.storage, logLevel: 'silent' });
  return {
    collector,
    post: async (body) =>
      await collector.app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { 'content-type': 'application/json' },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async rows<T>(sql: string) {
      const query = sql.replace(/\{(\w+)\}/g, (_, name: string) => collector.storage.table(name));
      return (await collector.storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
    },
    async close() {
      await collector.app.close();
      await temp.dispose();
    },
  };
}
