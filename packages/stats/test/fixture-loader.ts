/** Reads a committed JSON fixture of test/fixtures and compares numbers by relative error. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Parses test/fixtures/<name>. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** |actual − expected| ≤ rel · max(|expected|, floor); exact for infinities. */
export function expectClose(actual: number, expected: number, rel: number, floor = 1e-300): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  const tolerance = rel * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`expected ${actual} to be within ${rel} (relative) of ${expected}`);
  }
}
