/**
 * The one storage code path: @clickhouse/client everywhere, over HTTP to a ClickHouse server
 * (production) or over chDB's connection to embedded ClickHouse (default, tests).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { StorageOptions } from '../options.js';

export interface Storage {
  /**
   * The client. Table names are always qualified (`storage.table('predictions')`): chDB's
   * connection has no default-database setting, and one rule for both backends is simpler.
   */
  readonly client: ClickHouseClient;
  readonly database: string;
  /** `server` (HTTP) or `embedded` (chDB). */
  readonly kind: 'server' | 'embedded';
  /** Qualified, quoted name of one of Driftwatch's tables. */
  table(name: string): string;
  close(): Promise<void>;
}

async function embeddedClient(path: string): Promise<ClickHouseClient> {
  // chdb is loaded lazily: a server deployment never loads the 500 MB engine.
  const { createChdbConnection } = await import('chdb/connection');
  mkdirSync(path, { recursive: true });
  // chdb types its connection against @clickhouse/client-common 1.23.0 while the client
  // bundles its own copy of the same interface; they are the same at run time.
  const connection = createChdbConnection({
    path: resolve(path),
  }) as unknown as ClickHouseClientConfigOptions['connection'];
  return createClient({ connection });
}

function serverClient(options: StorageOptions): ClickHouseClient {
  return createClient({ url: options.url, username: options.username, password: options.password });
}

/** Opens storage and makes sure the database exists (migrations create the tables). */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const kind = options.url ? 'server' : 'embedded';
  const table = (name: string) => `\`${options.database}\`.\`${name}\``;
  try {
    const client =
      kind === 'embedded' ? await embeddedClient(options.chdbPath) : serverClient(options);
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${options.database}\`` });
    return {
      client,
      database: options.database,
      kind,
      table,
      async close() {
        await client.close();
        if (kind === 'embedded') {
          // chDB keeps working after close() returns while an operation is still running.
          const chdb = (await import('chdb')) as { drainPending?: () => Promise<void> };
          await chdb.drainPending?.();
        }
      },
    };
  } catch (cause) {
    throw new CollectorError(
      CollectorErrorCodes.STORAGE_FAILED,
      `cannot open ${kind} ClickHouse storage (${options.url ?? options.chdbPath}): ${(cause as Error).message}`,
      { kind },
      { cause },
    );
  }
}
