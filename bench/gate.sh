#!/usr/bin/env bash
# Benchmark of issue 3 (the delivery gate's parsers), side by side with the tools people use
# today, on inputs generated here:
#   - a 1 GB `go test -json` stream: the real fixture crates/gigops-ingest/tests/fixtures/go/
#     gotest.json repeated under distinct package names — gigops vs gotestsum reading it;
#   - a JUnit file of 1,000,000 testcases (1,000 suites; 1 % failed with output, 2 % skipped)
#     — gigops vs junitparser (counting the cases) and junit2html (rendering it);
#   - an LCOV tracefile of 20,000 files × 250 lines — gigops vs `lcov --summary`.
# gigops reads each with `gate ingest FILE --no-debt --json`, one core. Throughput "per core" is
# the input size over user + system CPU time, which other load on a shared machine disturbs far
# less than the wall clock. Every figure is the median of its runs, the tools alternating
# (bench/measure.py); the output is what BENCHMARKS.md records, header and tables as printed.
#   bash bench/gate.sh [GO_JSON_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-1024}
out=bench/out
mkdir -p "$out"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need gotestsum gotestsum
need lcov lcov
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import junitparser' 2>/dev/null || pip install -q junitparser
command -v junit2html >/dev/null || pip install -q junit2html

source bench/machine.sh
cargo build --release -q --bin gigops
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gigops
machine_header
echo "gotestsum $(gotestsum --version | awk '{print $NF}'), $(lcov --version | head -1), junitparser $(python3 -c 'import junitparser; print(junitparser.version)'), junit2html $(pip show junit2html 2>/dev/null | awk '/^Version/{print $2}')"

python3 - "$mb" "$out" <<'PY'
import os, sys
mb, out = int(sys.argv[1]), sys.argv[2]
src = open("crates/gigops-ingest/tests/fixtures/go/gotest.json").read()
target = mb * 1024 * 1024
with open(f"{out}/big.json", "w") as f:
    i = 0
    while f.tell() < target:
        f.write(src.replace("example.com/shop/", f"example.com/shop{i}/"))
        i += 1
with open(f"{out}/big-junit.xml", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
    for s in range(1000):
        f.write(f'  <testsuite name="pkg{s}.Suite" tests="1000" time="12.5">\n')
        for t in range(1000):
            n = s * 1000 + t
            f.write(f'    <testcase classname="pkg{s}.Suite" name="test_case_{t}" time="0.0125">')
            if n % 100 == 7:
                f.write(f'<failure message="expected 1, got 2" type="AssertionError">Traceback (most recent call last):\n  File "pkg{s}/test.py", line {t}, in test_case_{t}\n    assert f() == 1\nAssertionError: expected 1, got 2</failure><system-out>log line for {n}</system-out>')
            elif n % 50 == 3:
                f.write('<skipped message="not on this platform"/>')
            f.write('</testcase>\n')
        f.write('  </testsuite>\n')
    f.write('</testsuites>\n')
with open(f"{out}/big.info", "w") as f:
    for n in range(20000):
        f.write(f"TN:\nSF:/src/project/pkg{n // 100}/file{n}.c\n")
        for line in range(1, 251):
            f.write(f"DA:{line},{(line * 7 + n) % 5}\n")
        f.write("LF:250\nLH:200\nend_of_record\n")
PY
for f in big.json big-junit.xml big.info; do echo "$f: $(du -m "$out/$f" | cut -f1) MB"; done
cat > "$out/junitparser_count.py" <<'PY'
import sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
total = failed = skipped = 0
for suite in xml:
    for case in suite:
        total += 1
        if any(isinstance(r, (Failure, Error)) for r in case.result):
            failed += 1
        elif any(isinstance(r, Skipped) for r in case.result):
            skipped += 1
print(total, failed, skipped)
PY

# The gate fails these inputs (they hold failed tests), and gotestsum exits 1 on them: both
# exit codes are expected.
measure() { python3 bench/measure.py --allow-failure "$@"; }

echo "== go test -json, $(du -m "$out/big.json" | cut -f1) MB: gigops vs gotestsum"
measure --runs 5 --warmup 1 --input "$out/big.json" \
  -n gigops "$bin gate ingest $out/big.json --no-debt --json > $out/gigops-go.json" \
  -n gotestsum "gotestsum --format dots --raw-command -- cat $out/big.json > /dev/null"
python3 -c "import json; print('gigops counts:', json.load(open('$out/gigops-go.json'))['tests'])"

echo "== JUnit, 1,000,000 testcases: gigops vs junitparser, and junit2html (slow: 3 runs)"
measure --runs 5 --warmup 1 --input "$out/big-junit.xml" \
  -n gigops "$bin gate ingest $out/big-junit.xml --no-debt --json > $out/gigops-junit.json" \
  -n junitparser "python3 $out/junitparser_count.py $out/big-junit.xml > $out/junitparser.txt"
measure --runs 3 --warmup 0 --input "$out/big-junit.xml" \
  -n junit2html "junit2html $out/big-junit.xml $out/big-junit.html"
python3 -c "import json; print('gigops counts:', json.load(open('$out/gigops-junit.json'))['tests'])"
echo "junitparser counts (total failed skipped): $(cat "$out/junitparser.txt")"

echo "== LCOV, 20,000 files x 250 lines: gigops vs lcov --summary"
measure --runs 5 --warmup 1 --input "$out/big.info" \
  -n gigops "$bin gate ingest $out/big.info --no-debt --json > $out/gigops-lcov.json" \
  -n lcov "lcov --summary $out/big.info > $out/lcov-summary.txt 2>&1"
python3 -c "import json; print('gigops coverage:', json.load(open('$out/gigops-lcov.json'))['coverage'])"
grep -i "lines" "$out/lcov-summary.txt" || true

# Instructions, not seconds: the same count on any machine of this kind whatever else it is
# doing (BENCHMARKS.md, "A measure that does not depend on the machine"). valgrind is on every
# machine of this kind; elsewhere the step says it is skipped.
echo "== JUnit, 1,000,000 testcases: instructions counted by callgrind"
if command -v valgrind >/dev/null; then
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$bin" gate ingest "$out/big-junit.xml" --no-debt --json > /dev/null 2> "$out/callgrind.log" || true
  total=$(awk '/^summary:/{print $2}' "$out/callgrind.out")
  bytes=$(stat -c %s "$out/big-junit.xml")
  python3 -c "t=$total; b=$bytes; print(f'{t:,} instructions, {t/b:.1f} per input byte')"
else
  echo "valgrind is not installed: skipped"
fi
