#!/usr/bin/env bash
# Runs the dols latency benchmark: dols and typescript-language-server on the same generated
# 10,000-line Durable Object project, in one run.
#
#   server/bench/run.sh [dols-bench options]      e.g. server/bench/run.sh --iterations 50
#
# 1. installs the pinned peer (server/bench/peer: typescript-language-server, typescript,
#    @cloudflare/workers-types) with npm ci;
# 2. builds dols and dols-bench in release;
# 3. runs the benchmark, prints the Markdown report and, if every server was measured,
#    writes it into docs/performance.md between the bench:results markers.
#    BENCH_NO_DOCS=1 only prints.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
peer=server/bench/peer
doc=docs/performance.md

echo "run.sh: installing the peer in $peer" >&2
if [ -f "$peer/package-lock.json" ]; then
  (cd "$peer" && npm ci --no-audit --no-fund >&2)
else
  (cd "$peer" && npm install --no-audit --no-fund >&2)
fi

echo "run.sh: building dols and dols-bench (release)" >&2
cargo build --release -p dols -p dols-bench >&2
target="${CARGO_TARGET_DIR:-target}"
case "$target" in
  /*) ;;
  *) target="$root/$target" ;;
esac
# Programs are found on PATH so that the report's command line holds no machine paths.
export PATH="$target/release:$root/$peer/node_modules/.bin:$PATH"

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
dols-bench \
  --phases \
  --server "dols lsp" \
  --peer "typescript-language-server --stdio" \
  --peer-tsserver "$peer/node_modules/typescript/lib/tsserver.js" \
  "$@" >"$report" || status=$?
cat "$report"

if [ -n "${BENCH_NO_DOCS:-}" ]; then
  exit "$status"
fi
if [ "$status" -ne 0 ]; then
  echo "run.sh: not every server was measured; $doc left unchanged" >&2
  exit "$status"
fi
if ! grep -q '<!-- bench:results:begin -->' "$doc" || ! grep -q '<!-- bench:results:end -->' "$doc"; then
  echo "run.sh: $doc has no bench:results markers; not written" >&2
  exit 1
fi
awk -v report="$report" '
  /<!-- bench:results:begin -->/ {
    print; print ""
    while ((getline line < report) > 0) print line
    print ""
    skip = 1; next
  }
  /<!-- bench:results:end -->/ { skip = 0 }
  !skip { print }
' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
echo "run.sh: wrote the results into $doc" >&2
