#!/usr/bin/env python3
"""The latency half of bench/search (standard library only).

  measure BASE DB RARE OUT.csv    runs every word of WORDS (and RARE, a word of the data
                                  that few rows have) against /api/v1/search and
                                  /api/v1/positions?q=, one request at a time over one
                                  keep-alive connection, REPEATS times each after one
                                  warm-up round; appends one CSV row per (endpoint, kind
                                  of word) and per endpoint (kind "all"): p50, p95, max in
                                  milliseconds, hits of the first page, non-200 answers;
                                  then a burst (kind "burst"): BURST clients at once, each
                                  sending every common word to both endpoints BURST_ROUNDS
                                  times, to show that slow searches cannot exhaust the
                                  pool (the SQLite denial of service of issue 17)
"""

import csv
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

# The fixed list: (kind, word). Common words are in most synthetic positions (their
# sentences repeat), "rare" is added from the data, absent words are in none.
WORDS = [
    ("common", "samorządu"),
    ("common", "gmin"),
    ("common", "projektu ustawy"),
    ("common", "finansowania"),
    ("absent", "kosmodrom"),
    ("absent", "zzyzx"),
    ("diacritic", "oswiaty"),
    ("diacritic", "zrodel finansowania"),
    ("diacritic", "SCIEKOW"),
    ("inflected", "nauczyciel"),
    ("inflected", "odpady komunalne"),
    ("inflected", "podatek lokalny"),
]
ENDPOINTS = [
    ("search", "/api/v1/search?q={q}"),
    ("positions?q=", "/api/v1/positions?q={q}"),
]
REPEATS = int(os.environ.get("BENCH_SEARCH_REPEATS", "30"))
BURST = int(os.environ.get("BENCH_SEARCH_BURST", "8"))
BURST_ROUNDS = int(os.environ.get("BENCH_SEARCH_BURST_ROUNDS", "3"))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(argv):
    base, db, rare, out = argv
    words = WORDS + [("rare", rare)]
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def get(path):
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, body

    rows = []
    for endpoint, template in ENDPOINTS:
        timings = {}
        hits = {}
        failures = 0
        for round_ in range(REPEATS + 1):
            for kind, word in words:
                path = template.format(q=urllib.parse.quote(word))
                elapsed, status, body = get(path)
                if round_ == 0:
                    hits[word] = len(json.loads(body).get("items", [])) if status == 200 else -1
                    continue
                if status != 200:
                    failures += 1
                timings.setdefault(kind, []).append(elapsed)
        everything = [t for values in timings.values() for t in values]
        for kind, values in list(timings.items()) + [("all", everything)]:
            words_of_kind = [w for k, w in words if k == kind or kind == "all"]
            rows.append({
                "db": db, "endpoint": endpoint, "words": kind,
                "p50_ms": f"{percentile(values, 0.50):.2f}",
                "p95_ms": f"{percentile(values, 0.95):.2f}",
                "max_ms": f"{max(values):.2f}",
                "requests": len(values),
                "first_page_hits": " ".join(str(hits[w]) for w in words_of_kind) if kind != "all" else "",
                "non_200": failures if kind == "all" else "",
                "held": ("yes" if percentile(values, 0.95) <= 30 and failures == 0 else "no") if kind == "all" else "",
            })
    conn.close()
    rows.append(burst(parts, db))
    new = not os.path.exists(out)
    with open(out, "a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        if new:
            writer.writeheader()
        writer.writerows(rows)


def burst(parts, db):
    """BURST clients at once over the common words of both endpoints: every answer and
    its time (a 503 is a client that found no free connection)."""
    paths = [template.format(q=urllib.parse.quote(word))
             for _, template in ENDPOINTS for kind, word in WORDS if kind == "common"]
    timings, failures, lock = [], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for _ in range(BURST_ROUNDS):
            for path in paths:
                started = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                with lock:
                    timings.append((time.perf_counter() - started) * 1000)
                    if response.status != 200:
                        failures[0] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "db": db, "endpoint": "both", "words": f"burst of {BURST} clients (common)",
        "p50_ms": f"{percentile(timings, 0.50):.2f}",
        "p95_ms": f"{percentile(timings, 0.95):.2f}",
        "max_ms": f"{max(timings):.2f}",
        "requests": len(timings), "first_page_hits": "", "non_200": failures[0], "held": "",
    }


def main():
    if len(sys.argv) < 2 or sys.argv[1] != "measure":
        sys.exit(__doc__)
    measure(sys.argv[2:])


if __name__ == "__main__":
    main()
