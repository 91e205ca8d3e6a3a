#!/usr/bin/env bash
# Benchmark of issue 2: import of a generated ledger (200,000 deals, ~1,000,000 stage events) into
# SQLite, and `report pipeline` over it, side by side with the same aggregation in pandas.
#   bash bench/pipeline.sh [DEALS]
# Figures go to stdout; copy them with the date into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
deals=${1:-200000}
out=bench/out
mkdir -p "$out"
rm -rf "$out/ledger" "$out/bench.db" "$out/bench.db-wal" "$out/bench.db-shm"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import pandas' 2>/dev/null || pip install -q pandas

cargo build --release -q --bin gigops --example synth_ledger
bin=target/release/gigops
target/release/examples/synth_ledger "$deals" 7 2026-10-31 "$out/ledger"
files=$(ls "$out"/ledger/*.csv | wc -l)
rows=$(( $(cat "$out"/ledger/*.csv | wc -l) - files ))  # less one header line per file
echo "rows in CSVs: $rows"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

echo "== import (fresh SQLite file each run)"
hyperfine --runs 3 --prepare "rm -f $out/bench.db $out/bench.db-wal $out/bench.db-shm" \
  --export-json "$out/import.json" "$bin --db $out/bench.db import $out/ledger"
python3 - "$out/import.json" "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
rows = int(sys.argv[2])
print(f"import: mean {r['mean']:.2f} s, min {r['min']:.2f} s -> {rows / r['mean']:,.0f} rows/s (mean), {rows / r['min']:,.0f} rows/s (best)")
PY
/usr/bin/time -f "import peak RSS: %M KiB" sh -c "rm -f $out/bench.db*; $bin --db $out/bench.db import $out/ledger >/dev/null"

echo "== report pipeline (gigops, SQLite) vs the same aggregation in pandas (from the same SQLite file)"
hyperfine --warmup 1 --runs 5 --export-json "$out/report.json" \
  -n gigops "$bin --db $out/bench.db report pipeline --json > $out/gigops-report.json" \
  -n pandas "python3 bench/pipeline_pandas.py $out/bench.db > $out/pandas-report.json"
/usr/bin/time -f "gigops report pipeline peak RSS: %M KiB" $bin --db $out/bench.db report pipeline --json >/dev/null
/usr/bin/time -f "pandas peak RSS: %M KiB" python3 bench/pipeline_pandas.py $out/bench.db >/dev/null
python3 bench/compare_reports.py "$out/gigops-report.json" "$out/pandas-report.json"
