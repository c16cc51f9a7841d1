/**
 * scripts/quickstart.sh (README's first command) on a machine without pnpm, where npm cannot
 * install it globally, or installs it where PATH does not look. npm and pnpm are stubs: the
 * real ones would need the registry and a global install. PATH holds only the stubs, so the
 * host's own pnpm cannot stand in.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BASH = '/bin/bash';

/** A pnpm 10 stub that records its arguments. */
const PNPM_STUB = `#!${BASH}
if [[ "$1" == "--version" ]]; then echo 10.0.0; exit 0; fi
echo "$*" >> "$QUICKSTART_CALLS"
`;

/** An npm stub: a global install fails (no write access) or lands off PATH; --prefix works. */
const NPM_STUB = `#!${BASH}
if [[ "$*" == *" -g "* ]]; then
  if [[ "$NPM_GLOBAL" == "denied" ]]; then echo "EACCES" >&2; exit 243; fi
  mkdir -p "$NPM_GLOBAL_BIN" && cp "$PNPM_STUB_FILE" "$NPM_GLOBAL_BIN/pnpm" && exit 0
fi
prefix=""
while [[ $# -gt 0 ]]; do [[ "$1" == "--prefix" ]] && prefix="$2"; shift; done
mkdir -p "$prefix/node_modules/.bin" && cp "$PNPM_STUB_FILE" "$prefix/node_modules/.bin/pnpm"
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  calls: string[];
}

async function quickstart(npmGlobal: 'denied' | 'off-path'): Promise<Outcome> {
  dir = mkdtempSync(join(tmpdir(), 'driftwatch-quickstart-'));
  const project = join(dir, 'project');
  mkdirSync(join(project, 'scripts'), { recursive: true });
  copyFileSync(join(ROOT, 'scripts/quickstart.sh'), join(project, 'scripts/quickstart.sh'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['dirname', 'mkdir', 'cp']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  writeFileSync(join(bin, 'npm'), NPM_STUB);
  chmodSync(join(bin, 'npm'), 0o755);
  const pnpmStub = join(dir, 'pnpm-stub');
  writeFileSync(pnpmStub, PNPM_STUB);
  chmodSync(pnpmStub, 0o755);
  const calls = join(dir, 'calls');
  writeFileSync(calls, '');
  return new Promise((done) => {
    execFile(
      BASH,
      [join(project, 'scripts/quickstart.sh')],
      {
        env: {
          PATH: bin,
          HOME: dir,
          QUICKSTART_CALLS: calls,
          PNPM_STUB_FILE: pnpmStub,
          NPM_GLOBAL: npmGlobal,
          NPM_GLOBAL_BIN: join(dir!, 'global-bin'),
        },
      },
      (error, stdout, stderr) =>
        done({
          code: error ? Number(error.code) : 0,
          stdout,
          stderr,
          calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean),
        }),
    );
  });
}

describe('quickstart.sh without pnpm', () => {
  it.each(['denied', 'off-path'] as const)(
    'global install %s: installs pnpm beside the project, runs the demo, says how to reach pnpm',
    async (npmGlobal) => {
      const outcome = await quickstart(npmGlobal);
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(outcome.calls).toEqual(['install --frozen-lockfile', 'build', 'demo']);
      // README's second command is `pnpm test`, run from the user's shell.
      expect(outcome.stdout).toContain(
        `export PATH="${join(dir!, 'project')}/.tools/node_modules/.bin:$PATH"`,
      );
    },
  );
});
