"""The pipeline aggregation of `gigops report pipeline`, written independently in pandas, as the
side-by-side reference of bench/pipeline.sh (and a cross-check of gigops' numbers).

Reads the interchange CSV files that `gigops import` reads (docs/ledger.md), parsing included,
as a data analyst given the same files would. Covers: reached/conversion per stage, time in stage
(hours: n, mean, median, std, P90), cycle time, bottleneck shares, win rates (with the churn
rule), lost reasons, value quartiles, hours by category and per day (UTC). Not covered: business
days and the logistic regression.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

STAGES = ["lead", "responded", "proposal", "legal_review", "approval", "signed", "delivered"]
RANK = {s: i for i, s in enumerate(STAGES)}
US_PER_HOUR = 3_600_000_000


# Decimals of each currency the generators write (ISO 4217).
EXPONENT = {"USD": 2, "EUR": 2, "CNY": 2, "GBP": 2, "JPY": 0, "KWD": 3}


def micros(column):
    """RFC 3339 or YYYY-MM-DD text to microseconds since the epoch, UTC."""
    parsed = pd.to_datetime(column, utc=True, format="ISO8601")
    return parsed.dt.as_unit("us").astype("int64")


def main(folder):
    def read(table, columns):
        return pd.read_csv(os.path.join(folder, f"{table}.csv"), usecols=columns, dtype=str,
                           keep_default_na=False, na_values=[""])

    deals = read("deals", ["id", "platform", "kind", "currency", "value", "outcome", "lost_reason"])
    deals = deals.rename(columns={"id": "key"})
    scale = 10.0 ** deals["currency"].map(EXPONENT)
    deals["value_minor"] = (pd.to_numeric(deals["value"]) * scale).round().astype("int64")
    events = read("stage_events", ["deal_id", "stage", "entered_at"])
    events = events.rename(columns={"deal_id": "deal_key"})
    events["entered_at"] = micros(events["entered_at"])
    entries = read("time_entries", ["deal_id", "started_at", "minutes", "category"])
    entries = entries.rename(columns={"deal_id": "deal_key"})
    entries["started_at"] = micros(entries["started_at"])
    entries["minutes"] = entries["minutes"].astype("int64")

    events["rank"] = events["stage"].map(RANK)
    events = events.sort_values(["deal_key", "entered_at", "rank"], kind="stable")

    # Reached: an event at S or at any later stage.
    top = events.groupby("deal_key")["rank"].max()
    reached = [int((top >= i).sum()) for i in range(len(STAGES))]

    # Time in stage: to the deal's next event.
    nxt = events.groupby("deal_key")["entered_at"].shift(-1)
    events["hours"] = (nxt - events["entered_at"]) / US_PER_HOUR
    done = events.dropna(subset=["hours"])
    stages = []
    for i, stage in enumerate(STAGES):
        h = done.loc[done["stage"] == stage, "hours"]
        stages.append({
            "stage": stage,
            "reached": reached[i],
            "hours": {
                "n": int(h.size),
                "mean": float(h.mean()) if h.size else None,
                "median": float(h.median()) if h.size else None,
                "std": float(h.std(ddof=1)) if h.size > 1 else None,
                "p90": float(h.quantile(0.9)) if h.size else None,
            },
        })

    # Cycle: first event -> first `signed` event.
    first = events.groupby("deal_key")["entered_at"].min()
    signed = events[events["stage"] == "signed"].groupby("deal_key")["entered_at"].min()
    cycle = ((signed - first.loc[signed.index]) / US_PER_HOUR)
    cycle_hours = {"n": int(cycle.size), "median": float(cycle.median()), "p90": float(cycle.quantile(0.9))}

    # Bottleneck: the longest stage duration above twice the deal's median duration.
    med = done.groupby("deal_key")["hours"].transform("median")
    over = done[done["hours"] > 2 * med]
    idx = over.sort_values(["deal_key", "hours", "rank"], ascending=[True, False, True]).drop_duplicates("deal_key")
    with_durations = done["deal_key"].nunique()
    blocked = idx["stage"].value_counts()
    shares = [{"stage": s, "blocked_share": float(blocked.get(s, 0)) / with_durations} for s in STAGES]

    # Win rates: a retainer that reached `signed` and was then lost has churned: the sale was won.
    signed_keys = set(signed.index)
    churned = (deals["kind"] == "retainer") & (deals["outcome"] == "lost") & deals["key"].isin(signed_keys)
    won = (deals["outcome"] == "won") | churned
    lost = (deals["outcome"] == "lost") & ~churned
    win_rate = float(won.sum() / (won.sum() + lost.sum()))
    by_platform = {}
    for platform, g in deals.assign(won=won, lost=lost).groupby("platform"):
        closed = g["won"].sum() + g["lost"].sum()
        by_platform[platform] = float(g["won"].sum() / closed) if closed else None
    reasons = deals.loc[lost, "lost_reason"].fillna("unspecified").value_counts()
    lost_reasons = sorted(({"reason": r, "count": int(c)} for r, c in reasons.items()),
                          key=lambda x: (-x["count"], x["reason"]))

    bands = []
    for (platform, kind, currency), g in deals.groupby(["platform", "kind", "currency"]):
        q = np.quantile(g["value_minor"].to_numpy(dtype=np.float64), [0.25, 0.5, 0.75])
        bands.append({"platform": platform, "kind": kind, "currency": currency, "n": int(len(g)),
                      "p25_minor": int(np.floor(q[0] + 0.5)), "p50_minor": int(np.floor(q[1] + 0.5)),
                      "p75_minor": int(np.floor(q[2] + 0.5))})

    hours = entries.groupby("category")["minutes"].sum() / 60
    days = (entries["started_at"] // (86_400 * 1_000_000)).nunique()
    report = {
        "deals": int(len(deals)),
        "stages": stages,
        "cycle_hours": cycle_hours,
        "win_rate": win_rate,
        "win_rate_by_platform": by_platform,
        "bottleneck_shares": shares,
        "lost_reasons": lost_reasons,
        "value_bands": bands,
        "time": {
            "total_hours": float(hours.sum()),
            "by_category": {c: float(h) for c, h in hours.items()},
            "hours_per_day": float(hours.sum() / days) if days else None,
        },
    }
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
