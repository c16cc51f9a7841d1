#!/usr/bin/env bash
# README's second command (`pnpm test`): build, lint + format check, type-check (sources and
# tests), then every vitest suite. Integration tests start real parts themselves: embedded
# ClickHouse (chDB), Mokapi (Kafka protocol), Prometheus + promtool (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian packages the integration tests start: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
  else
    echo "test: the integration tests need ${missing[*]} (apt-get install ${missing[*]}); run as root or install them first" >&2
    exit 1
  fi
fi

pnpm build
pnpm lint
pnpm exec tsc -p tsconfig.tests.json
pnpm exec vitest run
