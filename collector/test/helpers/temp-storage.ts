/** Embedded ClickHouse (chDB) in a fresh temp directory, one per test file (one per process). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../src/storage/open-storage.js';

export async function openTempStorage(
  database = 'dw_test',
): Promise<{ storage: Storage; dir: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-chdb-'));
  const storage = await openStorage({ chdbPath: dir, database, username: 'default', password: '' });
  return {
    storage,
    dir,
    async dispose() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function count(storage: Storage, table: string, where = '1'): Promise<number> {
  const result = await storage.client.query({
    query: `SELECT count() FROM ${storage.table(table)} WHERE ${where}`,
    format: 'JSONCompactEachRow',
  });
  const rows = await result.json<[string]>();
  return Number(rows[0]?.[0]);
}
