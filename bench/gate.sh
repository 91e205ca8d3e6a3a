#!/usr/bin/env bash
# Benchmark of issue 3: `gigops gate ingest` over a large `go test -json` stream, side by side
# with gotestsum reading the same stream (`gotestsum --raw-command -- cat FILE`).
#   bash bench/gate.sh [PACKAGES]
# The stream is the real fixture crates/gigops-ingest/tests/fixtures/go/gotest.json repeated
# under PACKAGES distinct package names (12 tests each). Figures go to stdout; copy them with the
# date into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=${1:-20000}
out=bench/out
mkdir -p "$out"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
command -v gotestsum >/dev/null || { apt-get update -qq && apt-get install -y -qq gotestsum >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

cargo build --release -q --bin gigops
bin=target/release/gigops
python3 - "$packages" "$out/big.json" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
src = open("crates/gigops-ingest/tests/fixtures/go/gotest.json").read()
with open(path, "w") as f:
    for i in range(n):
        f.write(src.replace("example.com/shop/", f"example.com/shop{i}/"))
PY
echo "stream: $(wc -l < "$out/big.json") events, $(du -h "$out/big.json" | cut -f1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "gotestsum: $(gotestsum --version)"

# Both exit 1 (the stream has failing tests): -i ignores that.
hyperfine -i --warmup 1 --runs 5 \
  -n gigops "$bin gate ingest $out/big.json --no-debt --json > /dev/null" \
  -n gotestsum "gotestsum --format dots --raw-command -- cat $out/big.json > /dev/null"
/usr/bin/time -f "gigops peak RSS: %M KiB" $bin gate ingest "$out/big.json" --no-debt --json >/dev/null || true
/usr/bin/time -f "gotestsum peak RSS: %M KiB" gotestsum --format dots --raw-command -- cat "$out/big.json" >/dev/null || true
