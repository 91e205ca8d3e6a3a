#!/usr/bin/env bash
# Benchmark of issue 4: sizing a tree of more than 1,000,000 lines, gigops against the tokei CLI,
# in the same run. The tree is assembled from this repository's own sources (Rust,
# Markdown, TOML, JSON, YAML, shell, Python), copied into numbered directories until it passes
# the line count, so that it has the language mix of a real project.
#   bash bench/quote.sh [MIN_LINES]
# gigops is `quote estimate --repo DIR --json` (sizing plus the whole estimate); tokei is
# `tokei DIR` (its table). Every figure is the median of 20 runs, the tools alternating
# (bench/measure.py); the output is what BENCHMARKS.md records, header and tables as printed.
set -euo pipefail
cd "$(dirname "$0")/.."
min_lines=${1:-1000000}
out=bench/out
# Outside the repository: inside it, bench/out is git-ignored, and both tools would skip it.
tree="${TMPDIR:-/tmp}/gigops-quote-bench-tree"
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
command -v tokei >/dev/null || cargo install tokei --locked

source bench/machine.sh
cargo build --release -q --bin gigops
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gigops
machine_header
echo "$(tokei --version)"

rm -rf "$tree"
mkdir -p "$tree"
sources=$(git ls-files crates docs bench .ci | grep -v '^crates/.*/tests/fixtures/.*\.json$' || true)
copy=0
while :; do
  lines=$(find "$tree" -type f -exec cat {} + 2>/dev/null | wc -l)
  [ "$lines" -ge "$min_lines" ] && break
  dest="$tree/copy$copy"
  mkdir -p "$dest"
  echo "$sources" | while IFS= read -r f; do mkdir -p "$dest/$(dirname "$f")"; cp "$f" "$dest/$f"; done
  copy=$((copy + 1))
done
echo "tree: $tree, $copy copies, $(find "$tree" -type f | wc -l) files, $lines lines"

# gigops leaves vendored code out of a size by default (quote.exclude); tokei is given the same
# exclusions, so that both count the same files.
excludes=(-e vendor/ -e third_party/ -e node_modules/)
# Both must count the same lines before their times mean anything.
gigops_code=$("$bin" quote estimate --repo "$tree" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"]["code_lines"])')
tokei_code=$(tokei "${excludes[@]}" "$tree" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["Total"]["code"])')
echo "code lines: gigops $gigops_code, tokei $tokei_code"
[ "$gigops_code" = "$tokei_code" ] || { echo "the counts differ" >&2; exit 1; }

python3 bench/measure.py --runs 20 --warmup 3 \
  -n gigops "$bin quote estimate --repo $tree --json > /dev/null" \
  -n tokei "tokei ${excludes[*]} $tree > /dev/null"
