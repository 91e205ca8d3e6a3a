#!/usr/bin/env bash
# Benchmark of issue 2: import of a generated ledger (200,000 deals, ~1,000,000 stage events) into
# SQLite, and `report pipeline` over it, side by side with the same aggregation in pandas.
#   bash bench/pipeline.sh [DEALS]
# Every figure is the median of its runs (bench/measure.py); the output is what BENCHMARKS.md
# records, header and tables as printed.
set -euo pipefail
cd "$(dirname "$0")/.."
deals=${1:-200000}
out=bench/out
mkdir -p "$out"
rm -rf "$out/ledger" "$out/bench.db" "$out/bench.db-wal" "$out/bench.db-shm"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import pandas' 2>/dev/null || pip install -q pandas
source bench/machine.sh

cargo build --release -q --bin gigops --example synth_ledger
release=$(realpath "${CARGO_TARGET_DIR:-target}")/release
bin=$release/gigops
"$release/examples/synth_ledger" "$deals" 7 2026-10-31 "$out/ledger"
files=$(ls "$out"/ledger/*.csv | wc -l)
rows=$(( $(cat "$out"/ledger/*.csv | wc -l) - files ))  # less one header line per file
machine_header
echo "rows in CSVs: $rows"

echo "== import into a fresh SQLite file"
python3 bench/measure.py --runs 5 --warmup 1 --per "$rows" rows \
  --prepare "rm -f $out/bench.db $out/bench.db-wal $out/bench.db-shm" \
  -n "gigops import" "$bin --db $out/bench.db import $out/ledger > /dev/null"

echo "== report pipeline (gigops, SQLite) vs the same aggregation in pandas (from the same SQLite file)"
python3 bench/measure.py --runs 5 --warmup 1 \
  -n gigops "$bin --db $out/bench.db report pipeline --json > $out/gigops-report.json" \
  -n pandas "python3 bench/pipeline_pandas.py $out/bench.db > $out/pandas-report.json"
python3 bench/compare_reports.py "$out/gigops-report.json" "$out/pandas-report.json"
