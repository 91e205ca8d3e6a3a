#!/usr/bin/env python3
"""Times commands side by side and prints their medians as a Markdown table for BENCHMARKS.md.

    python3 bench/measure.py --runs 5 --warmup 1 --input FILE \
        -n gigops 'target/release/gigops gate ingest FILE --json > /dev/null' \
        -n gotestsum 'gotestsum --raw-command -- cat FILE > /dev/null'

Each round runs every command once, in turn, so that a neighbour's load on a shared machine
falls on all of them alike. Every run is measured by the kernel (wait4): wall time, CPU time
(user + system, the command and the processes it waited for) and peak RSS. The table gives the
MEDIAN of the runs — never the best one — and, with --input, the input's size over the median
wall time and over the median CPU time ("per core": a single-threaded reader's throughput, the
figure other load on the machine disturbs least). Standard library only.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(command, rss_file):
    # Peak RSS through GNU time, a small process: a child forked from this Python would count
    # Python's own pages as its peak until it execs. CPU time from wait4, to the microsecond.
    start = time.monotonic()
    process = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file, "sh", "-c", command])
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(rss_file) as f:
        rss_kib = int(f.read().split()[-1])
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": rss_kib / 1024,
        "code": process.returncode,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--input", help="the file read, for throughput")
    parser.add_argument("--prepare", help="a command run before every run, not timed")
    parser.add_argument("--per", nargs=2, metavar=("COUNT", "UNIT"),
                        help="also give COUNT UNIT over the median wall time (rows/s)")
    parser.add_argument("--allow-failure", action="store_true",
                        help="a non-zero exit is expected (a gate that fails its inputs)")
    parser.add_argument("-n", "--named", nargs=2, action="append", metavar=("NAME", "COMMAND"),
                        required=True)
    args = parser.parse_args()

    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("GNU time is needed for peak RSS: apt-get install time")
    rss_file = tempfile.NamedTemporaryFile(prefix="measure-rss-", delete=False).name
    runs = {name: [] for name, _ in args.named}
    for round_ in range(args.warmup + args.runs):
        for name, command in args.named:
            if args.prepare:
                subprocess.run(["sh", "-c", args.prepare], check=True)
            result = run_once(command, rss_file)
            if result["code"] != 0 and not args.allow_failure:
                sys.exit(f"{name}: exit {result['code']}: {command}")
            if round_ >= args.warmup:
                runs[name].append(result)

    os.unlink(rss_file)
    size_mb = os.path.getsize(args.input) / 1e6 if args.input else None
    header = "| tool | median wall | median CPU | peak RSS (median) |"
    rule = "|---|---:|---:|---:|"
    if size_mb:
        header += " wall throughput | per core |"
        rule += "---:|---:|"
    if args.per:
        header += f" {args.per[1]}/s |"
        rule += "---:|"
    print(f"{args.runs} runs each after {args.warmup} warm-up, alternating; medians"
          + (f"; input {size_mb:,.0f} MB" if size_mb else ""))
    print()
    print(header)
    print(rule)
    for name, _ in args.named:
        wall = statistics.median(r["wall"] for r in runs[name])
        cpu = statistics.median(r["cpu"] for r in runs[name])
        rss = statistics.median(r["rss_mb"] for r in runs[name])
        row = f"| {name} | {wall:.3f} s | {cpu:.3f} s | {rss:,.0f} MB |"
        if size_mb:
            row += f" {size_mb / wall:,.0f} MB/s | {size_mb / cpu:,.0f} MB/s |"
        if args.per:
            row += f" {float(args.per[0]) / wall:,.0f} |"
        print(row)
    print()
    if len(args.named) > 1:
        first = args.named[0][0]
        base = statistics.median(r["wall"] for r in runs[first])
        for name, _ in args.named[1:]:
            other = statistics.median(r["wall"] for r in runs[name])
            print(f"{name} / {first} (median wall): {other / base:.2f}")
        print()


if __name__ == "__main__":
    main()
