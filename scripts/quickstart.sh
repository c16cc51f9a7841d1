#!/usr/bin/env bash
# README's first command (`npm run quickstart`): from a machine with only Node 20 + npm to the
# running embedded demo. Installs pnpm 10 when missing (corepack cannot verify signatures here).
set -euo pipefail
cd "$(dirname "$0")/.."

has_pnpm10() { command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == 10.* ]]; }

beside_project=""
if ! has_pnpm10; then
  echo "quickstart: installing pnpm 10"
  npm install -g pnpm@10 >/dev/null 2>&1 && hash -r || true
  if ! has_pnpm10; then
    # No write access to the global prefix, or its bin is not on PATH: install beside the project.
    npm install --no-save --prefix .tools pnpm@10 >/dev/null
    beside_project="$PWD/.tools/node_modules/.bin"
    export PATH="$beside_project:$PATH"
  fi
fi
# This script's PATH dies with it: say how the user's own shell reaches pnpm (for `pnpm test`).
path_hint() {
  if [[ -n $beside_project ]]; then
    echo "quickstart: pnpm 10 is in .tools; for pnpm test and the other pnpm commands run:"
    echo "  export PATH=\"$beside_project:\$PATH\""
  fi
}
trap path_hint EXIT

pnpm install --frozen-lockfile
pnpm build
pnpm demo
