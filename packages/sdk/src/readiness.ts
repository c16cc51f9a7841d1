/** Readiness checks (`/readiness`): named functions answering true when the service may take traffic. */
import { invalidArgument } from './errors.js';
import { settleWithin } from './pipeline/deadline.js';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    // Accepted silently, either would report "not ready" for ever, with nothing saying why.
    if (typeof name !== 'string' || name === '')
      throw invalidArgument('addReadinessCheck', 'name', name, 'a non-empty string');
    if (typeof check !== 'function')
      throw invalidArgument('addReadinessCheck', 'check', check, 'a function');
    this.checks.set(name, check);
  }

  /** Runs every check; a check that throws or takes longer than `timeoutMs` counts as not ready. */
  async report(timeoutMs = 2000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, boolean]> => {
        try {
          const ok = await settleWithin(Promise.resolve().then(check), timeoutMs, false);
          return [name, ok === true];
        } catch {
          return [name, false];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, ok]) => ok), checks };
  }
}
