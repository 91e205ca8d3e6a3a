"""Checks that gigops' `report pipeline --json` agrees with the pandas reference."""
import json
import math
import sys

g = json.load(open(sys.argv[1]))
p = json.load(open(sys.argv[2]))
problems = []


def close(a, b, what, tol=1e-6):
    if a is None or b is None:
        if a != b:
            problems.append(f"{what}: gigops {a} vs pandas {b}")
    elif not math.isclose(a, b, rel_tol=tol, abs_tol=tol):
        problems.append(f"{what}: gigops {a} vs pandas {b}")


close(g["deals"], p["deals"], "deals")
for gs, ps in zip(g["stages"], p["stages"]):
    close(gs["reached"], ps["reached"], f"{gs['stage']}.reached")
    for k in ["n", "mean", "median", "std", "p90"]:
        close(gs["hours"][k], ps["hours"][k], f"{gs['stage']}.hours.{k}")
for k in ["n", "median", "p90"]:
    close(g["cycle_hours"][k], p["cycle_hours"][k], f"cycle_hours.{k}")
close(g["win_rate"], p["win_rate"], "win_rate")
for platform, rate in p["win_rate_by_platform"].items():
    close(g["win_rate_by_platform"].get(platform), rate, f"win_rate_by_platform.{platform}")
for gs, ps in zip(g["bottleneck_shares"], p["bottleneck_shares"]):
    close(gs["blocked_share"], ps["blocked_share"], f"bottleneck.{gs['stage']}")
# gigops adds each reason's share of the list; pandas gives the counts.
if [(r["reason"], r["count"]) for r in g["lost_reasons"]] != [(r["reason"], r["count"]) for r in p["lost_reasons"]]:
    problems.append("lost_reasons differ")
total = sum(r["count"] for r in p["lost_reasons"])
for r in g["lost_reasons"]:
    close(r["share"], r["count"] / total, f"lost_reasons.{r['reason']}.share")
# gigops orders platforms by their key (ASCII case ignored), pandas by the bytes of the name.
def bands(report):
    return sorted(report["value_bands"], key=lambda b: (b["platform"], b["kind"], b["currency"]))


if bands(g) != bands(p):
    problems.append("value_bands differ")
close(g["time"]["total_hours"], p["time"]["total_hours"], "time.total_hours")
for c in g["time"]["by_category"]:
    close(c["hours"], p["time"]["by_category"].get(c["category"], 0.0), f"time.{c['category']}")
close(g["time"]["hours_per_day"], p["time"]["hours_per_day"], "time.hours_per_day")

if problems:
    print("gigops and pandas DISAGREE:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("gigops and pandas agree on every compared statistic")
