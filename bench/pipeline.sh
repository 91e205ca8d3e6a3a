#!/usr/bin/env bash
# Benchmark of issues 2 and 13: import of a ledger of 200,000 deals and ~1,000,000 stage events,
# and `report pipeline` over it, side by side with the same statistics computed by pandas from
# the same CSV files (parsing included). Two ledgers of different shapes: gigops' own generator
# (examples/synth_ledger.rs) and bench/other_ledger.py (many platforms, long quoted notes,
# Chinese names, skewed stage counts). Imports are measured into SQLite and into PostgreSQL.
#   bash bench/pipeline.sh [DEALS]
# Every figure is the median of its runs (bench/measure.py); the output is what BENCHMARKS.md
# records, header and tables as printed. PostgreSQL: $GIGOPS_BENCH_POSTGRES (default: the local
# server, database gigops_bench, dropped and created for each run).
set -euo pipefail
cd "$(dirname "$0")/.."
deals=${1:-200000}
out=bench/out
pg_server=${GIGOPS_BENCH_POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import pandas' 2>/dev/null || pip install -q pandas
source bench/machine.sh

cargo build --release -q --bin gigops --example synth_ledger
release=$(realpath "${CARGO_TARGET_DIR:-target}")/release
bin=$release/gigops
machine_header

for ledger in ours other; do
  dir=$out/$ledger
  db=$out/$ledger.db
  rm -rf "$dir" "$db" "$db-wal" "$db-shm"
  echo "== ledger: $ledger"
  case $ledger in
    ours) "$release/examples/synth_ledger" "$deals" 7 2026-10-31 "$dir" ;;
    other) python3 bench/other_ledger.py "$deals" 11 "$dir" ;;
  esac
  files=$(ls "$dir"/*.csv | wc -l)
  # CSV rows, less one header line per file (a quoted note may hold a line break: count records).
  rows=$(python3 -c 'import csv,sys,glob; print(sum(sum(1 for _ in csv.reader(open(f, encoding="utf-8"))) - 1 for f in glob.glob(sys.argv[1] + "/*.csv")))' "$dir")
  echo "rows in CSVs: $rows ($(du -sh "$dir" | cut -f1))"

  echo "== $ledger: import into a fresh SQLite file"
  # sync: the previous run's 600 MB of written pages would otherwise be flushed during this one.
  python3 bench/measure.py --runs 5 --warmup 1 --per "$rows" rows \
    --prepare "rm -f $db $db-wal $db-shm; sync" \
    -n "gigops import" "$bin --db $db import $dir > /dev/null"

  echo "== $ledger: import into a fresh PostgreSQL database"
  python3 bench/measure.py --runs 3 --warmup 0 --per "$rows" rows \
    --prepare "psql -q '$pg_server/postgres' -c 'DROP DATABASE IF EXISTS gigops_bench' -c 'CREATE DATABASE gigops_bench'" \
    -n "gigops import (PostgreSQL)" "$bin --db $pg_server/gigops_bench import $dir > /dev/null"

  echo "== $ledger: report pipeline (gigops on SQLite, on PostgreSQL) vs the same statistics in pandas from the CSV files"
  python3 bench/measure.py --runs 5 --warmup 1 \
    -n gigops "$bin --db $db report pipeline --json > $out/$ledger-gigops.json" \
    -n "gigops (PostgreSQL)" "$bin --db $pg_server/gigops_bench report pipeline --json > $out/$ledger-gigops-pg.json" \
    -n pandas "python3 bench/pipeline_pandas.py $dir > $out/$ledger-pandas.json"
  python3 bench/compare_reports.py "$out/$ledger-gigops.json" "$out/$ledger-pandas.json"
  cmp -s "$out/$ledger-gigops.json" "$out/$ledger-gigops-pg.json" \
    && echo "the SQLite and PostgreSQL reports are identical" \
    || { echo "the SQLite and PostgreSQL reports DIFFER"; exit 1; }
done
