#!/usr/bin/env bash
# README's first command (`npm run quickstart`): from a machine with only Node 20 + npm to the
# running embedded demo. Installs pnpm 10 when missing (corepack cannot verify signatures here).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  echo "quickstart: installing pnpm 10"
  if ! npm install -g pnpm@10 >/dev/null 2>&1; then
    # No write access to the global prefix: install beside the project instead.
    npm install --no-save --prefix .tools pnpm@10 >/dev/null
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
fi

pnpm install --frozen-lockfile
pnpm build
pnpm demo
