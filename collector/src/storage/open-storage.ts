/**
 * The one storage code path: @clickhouse/client everywhere, over HTTP to a ClickHouse server
 * (production) or over chDB's connection to embedded ClickHouse (default, tests).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import { shownUrl } from './shown-url.js';
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

/** Whether a process of that id runs (EPERM: it does, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds an embedded data directory, when another process does. libchdb prints ClickHouse's
 * reason ("Cannot lock file <path>/status. Another server instance in same directory is already
 * running") to stderr and throws only "Failed to create connection for path …", so a second
 * collector on one chdbPath failed without saying why. ClickHouse writes its PID to that status
 * file while it holds the lock and removes the file on a clean close (a crash leaves it behind
 * with a dead PID, which holds nothing).
 */
function lockHolder(path: string): string | undefined {
  const statusFile = join(resolve(path), 'status');
  let status: string;
  try {
    status = readFileSync(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID: (\d+)\s*$/m.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !running(pid)) return undefined;
  return `cannot lock file ${statusFile}: another server instance (PID ${pid}) holds this data directory; stop it, or give each collector its own storage.chdbPath`;
}

/** Where storage is, for messages: a server URL's password is never shown. */
function location(options: StorageOptions): string {
  return options.url ? shownUrl(options.url) : options.chdbPath;
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
    const holder = kind === 'embedded' ? lockHolder(options.chdbPath) : undefined;
    throw new CollectorError(
      CollectorErrorCodes.STORAGE_FAILED,
      `cannot open ${kind} ClickHouse storage (${location(options)}): ${(cause as Error).message}${holder ? ` (${holder})` : ''}`,
      { kind },
      { cause },
    );
  }
}
