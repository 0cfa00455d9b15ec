#!/usr/bin/env bash
# Writes server/cli/startup-order.txt: the functions of the `dols` binary that a `dols test` run
# executes (one-test, in memory and on disk), sorted by name (their order within the group does
# not matter; sorted, the file's diffs stay small). build.rs hands the list to the linker, which
# places those functions together at the start of the code, so that a cold start faults fewer
# pages of code in (see docs/performance.md). Run it after changing the toolchain, the
# dependencies or the runtime's code paths; the linker skips names the build does not have, so a
# stale list only costs speed.
# Needs valgrind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo build --release -p dols
bin="${CARGO_TARGET_DIR:-target}/release/dols"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
project=server/runtime/examples/projects/one-test
valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$tmp/mem.out" \
  "$bin" test "$project" --in-memory >/dev/null 2>&1
valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$tmp/disk.out" \
  "$bin" test "$project" --persist-to "$tmp/state" >/dev/null 2>&1
# Functions (`fn=`) of the binary's own object (`ob=`), without callgrind's recursion marks
# (`'2`) and without the nameless ones callgrind shows as addresses.
awk -v bin="$(realpath "$bin")" '
  /^ob=/ { ob = substr($0, 4) }
  /^fn=/ && ob == bin {
    f = substr($0, 4); sub(/'"'"'[0-9]+$/, "", f)
    if (f !~ /^0x/) print f
  }' "$tmp/mem.out" "$tmp/disk.out" | LC_ALL=C sort -u > server/cli/startup-order.txt
echo "$(wc -l < server/cli/startup-order.txt) functions in server/cli/startup-order.txt"
