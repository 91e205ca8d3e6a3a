"""A second ledger generator for the pipeline benchmark, written apart from gigops' own
(`crates/gigops-pipeline/src/synth.rs`) so that the benchmark does not only measure the shapes
gigops was tuned on:

- many platforms (400, Zipf-distributed: a few large, a long tail of small ones), names in
  Chinese and in Latin letters;
- client names in Chinese and with commas, quotes and ampersands, so that CSV quoting is hit;
- skewed stage counts: a fifth of the deals never leave `lead`, two fifths go all the way;
- about half as many time entries as events, with long notes (40 to 600 characters of
  mixed Chinese and English, commas, doubled quotes, some line breaks);
- four currencies with 0 and 2 decimals (JPY, CNY, USD, EUR).

    python3 bench/other_ledger.py DEALS SEED OUT_DIR

Writes clients.csv, deals.csv, stage_events.csv, time_entries.csv and an empty reopenings.csv
in the interchange format of docs/ledger.md.
"""
import csv
import os
import random
import sys
from datetime import datetime, timedelta, timezone

STAGES = ["lead", "responded", "proposal", "legal_review", "approval", "signed", "delivered"]
# How many stages a deal reaches: bimodal, most stop at once or go the whole way.
REACH_WEIGHTS = [20, 5, 5, 5, 10, 15, 40]
CURRENCIES = [("CNY", 2, 0.45), ("USD", 2, 0.3), ("EUR", 2, 0.15), ("JPY", 0, 0.1)]
KINDS = [("project", 0.55), ("retainer", 0.2), ("consulting", 0.2), ("sponsorship", 0.05)]
CATEGORIES = ["coding", "communication", "testing", "docs", "negotiation", "admin"]
LOST = ["价格太高", "budget cut", "chose another vendor, \"cheaper\"", "no reply", "scope unclear",
        "时间不合适", "went in-house"]
ZONES = ["Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
WORDS = ["接口", "联调", "数据库迁移", "性能", "测试用例", "部署", "需求确认", "回归",
         "refactor", "the \"payments\" module", "review, then fix", "CI pipeline", "gRPC",
         "rate limiter", "schema", "客户反馈", "上线", "on-call", "docs, again"]


def platforms(rng):
    latin = ["Upwork", "Toptal", "Freelancer.com", "Fiverr Pro", "Gun.io", "Braintrust",
             "Arc.dev", "Contra", "Malt", "direct"]
    chinese = ["码市", "程序员客栈", "电鸭", "猪八戒", "开源众包", "实现网", "云队友", "解放号"]
    names = latin + chinese
    while len(names) < 400:
        n = len(names)
        names.append(f"{rng.choice(['agency', '渠道', 'partner', '社区'])}-{n:03}")
    return names


def note(rng):
    target = rng.randint(40, 600)
    parts = []
    size = 0
    while size < target:
        w = rng.choice(WORDS)
        parts.append(w)
        size += len(w) + 2
        if rng.random() < 0.02:
            parts.append("\n")
    return ", ".join(parts)


def main(deals, seed, out):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    plats = platforms(rng)
    plat_weights = [1 / (i + 1) for i in range(len(plats))]
    end = datetime(2026, 10, 31, tzinfo=timezone.utc)
    start = end - timedelta(days=900)
    n_clients = max(1, deals // 8)

    clients = []
    for i in range(n_clients):
        if rng.random() < 0.6:
            name = f"{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}科技有限公司 {i}"
        else:
            name = f"Client {i}, \"{rng.choice(['Acme', 'Globex', 'Initech'])}\" & Co"
        currency = rng.choices([c for c, _, _ in CURRENCIES], [w for _, _, w in CURRENCIES])[0]
        platform = rng.choices(plats, plat_weights)[0]
        clients.append((name, currency, rng.choice(["en", "zh-CN"]), rng.choice(ZONES), platform))
    exponent = {c: e for c, e, _ in CURRENCIES}

    def stamp(t):
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    with open(os.path.join(out, "clients.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "currency", "locale", "time_zone", "platform"])
        w.writerows(clients)

    fd = open(os.path.join(out, "deals.csv"), "w", newline="", encoding="utf-8")
    fe = open(os.path.join(out, "stage_events.csv"), "w", newline="", encoding="utf-8")
    ft = open(os.path.join(out, "time_entries.csv"), "w", newline="", encoding="utf-8")
    wd, we, wt = (csv.writer(f, lineterminator="\n") for f in (fd, fe, ft))
    wd.writerow(["id", "client", "platform", "kind", "currency", "value", "opened_at", "outcome",
                 "closed_at", "lost_reason", "tech_doc_score", "github_score", "demo_score"])
    we.writerow(["deal_id", "stage", "entered_at"])
    wt.writerow(["deal_id", "started_at", "minutes", "category", "note"])
    counts = [0, 0]
    for d in range(deals):
        client = clients[rng.randrange(n_clients)]
        deal_id = f"OTH-{d:07}"
        currency = client[1]
        e = exponent[currency]
        units = rng.lognormvariate(8.5, 1.1) * (150 if currency == "JPY" else 1)
        value = f"{units:.{e}f}" if e else str(int(units))
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        opened = start + timedelta(seconds=rng.randrange(0, 800 * 86400),
                                   microseconds=rng.randrange(0, 1_000_000))
        reach = rng.choices(range(1, 8), REACH_WEIGHTS)[0]
        t = opened
        for s in range(reach):
            if s:
                t += timedelta(hours=rng.expovariate(1 / (30 + 40 * s)))
            we.writerow([deal_id, STAGES[s], stamp(t)])
        counts[0] += reach
        outcome, closed, reason = "open", "", ""
        if reach >= 6:
            outcome, closed = "won", stamp(t + timedelta(hours=1))
            if kind == "retainer" and rng.random() < 0.25:
                outcome, reason = "lost", rng.choice(LOST)
                closed = stamp(t + timedelta(days=rng.randint(30, 200)))
        elif t < end - timedelta(days=60) and rng.random() < 0.8:
            outcome, closed = "lost", stamp(t + timedelta(hours=2))
            reason = rng.choice(LOST) if rng.random() < 0.85 else ""
        scores = [f"{rng.random():.3f}" if rng.random() < 0.7 else "" for _ in range(3)]
        wd.writerow([deal_id, client[0], rng.choices(plats, plat_weights)[0] if rng.random() < 0.3
                     else client[4], kind, currency, value, stamp(opened), outcome, closed, reason,
                     *scores])
        # Time entries: half as many as events, on the deals that got past `responded`.
        if reach >= 3:
            for _ in range(rng.randint(0, reach)):
                at = opened + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
                wt.writerow([deal_id, stamp(at), rng.randint(5, 480), rng.choice(CATEGORIES),
                             note(rng) if rng.random() < 0.9 else ""])
                counts[1] += 1
    for f in (fd, fe, ft):
        f.close()
    with open(os.path.join(out, "reopenings.csv"), "w", encoding="utf-8") as f:
        f.write("deal_id,reopened_at,reason,outcome,closed_at,lost_reason\n")
    print(f"{n_clients} clients, {deals} deals, {counts[0]} stage events, {counts[1]} time entries")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
