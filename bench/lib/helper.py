#!/usr/bin/env python3
"""Helpers of bench/run (standard library only).

  startup RUNS URL -- CMD...      start CMD RUNS times, time each from spawn to the first
                                  200 of URL (polled every millisecond), stop it; prints
                                  "median min max" in milliseconds
  walk URL PAGES                  follow next_cursor from URL; prints the cursor that
                                  fetches page PAGES
  cursor SORT KEY ID              the cursor of a row (what the API's next_cursor encodes)
  pgbench-script LOG OFFSET [ID_MIN ID_MAX]
                                  the statements one request sent, read from the PostgreSQL
                                  log (log_statement=all) after byte OFFSET, as a pgbench
                                  script: bound parameters become literals; with ID_MIN and
                                  ID_MAX, the requested id (and '{id}') becomes :id, drawn by
                                  \\set id random(ID_MIN, ID_MAX)
  report CSV                      print the results CSV as a table with the targets
"""

import base64
import csv
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse


def get(url):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    path = parts.path + ("?" + parts.query if parts.query else "")
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def startup(argv):
    runs, url = int(argv[0]), argv[1]
    command = argv[argv.index("--") + 1:]
    parts = urllib.parse.urlsplit(url)
    timings = []
    for _ in range(runs):
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = None
        while time.monotonic() - started < 30:
            if process.poll() is not None:
                sys.exit(f"startup: the server exited with status {process.returncode}")
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1)
                conn.request("GET", parts.path)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    elapsed = (time.monotonic() - started) * 1000
                    break
            except OSError:
                pass
            time.sleep(0.001)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if elapsed is None:
            sys.exit("startup: no 200 within 30 s")
        timings.append(elapsed)
        time.sleep(0.2)
    print(f"{statistics.median(timings):.1f} {min(timings):.1f} {max(timings):.1f}")


def walk(argv):
    url, pages = argv[0], int(argv[1])
    cursor = None
    for page in range(1, pages):
        target = url if cursor is None else url + "&cursor=" + urllib.parse.quote(cursor)
        status, body = get(target)
        if status != 200:
            sys.exit(f"walk: page {page} answered {status}: {body[:200]!r}")
        cursor = json.loads(body)["next_cursor"]
        if cursor is None:
            print(f"walk: the list ends at page {page}, before page {pages}", file=sys.stderr)
            print("")
            return
    print(cursor or "")


def cursor(argv):
    sort, key, row_id = argv[0], argv[1], int(argv[2])
    raw = json.dumps({"s": sort, "k": key, "i": row_id}, separators=(",", ":"))
    print(base64.urlsafe_b64encode(raw.encode()).decode().rstrip("="))


PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (LOG|DETAIL):  (.*)$")


def pgbench_script(argv):
    log, offset = argv[0], int(argv[1])
    id_range = (int(argv[2]), int(argv[3])) if len(argv) >= 4 else None
    with open(log, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    statements = []  # [pid, sql, params]
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        pid, kind, message = match.groups()
        if kind == "LOG":
            found = re.match(r"(?:execute [^:]+|statement): (.*)$", message)
            if found:
                statements.append([pid, found.group(1), {}])
        elif kind == "DETAIL" and message.startswith("parameters: ") and statements:
            statements[-1][2] = {int(n): v for n, v in PARAM.findall(message)}
    if not statements:
        sys.exit("pgbench-script: no statements in the log")
    # One request runs on one pooled connection: keep that backend's statements.
    pid = statements[0][0]
    statements = [s for s in statements if s[0] == pid]
    requested = None
    if id_range:
        # GET /positions/{id}: the first statement looks the id up.
        requested = statements[0][2].get(1)
    out = []
    if id_range:
        out.append(f"\\set id random({id_range[0]}, {id_range[1]})")
    for _, sql, params in statements:
        def literal(match):
            n = int(match.group(1))
            value = params.get(n)
            if value is None:
                sys.exit(f"pgbench-script: no value for ${n} in: {sql}")
            if requested is not None and value == requested:
                return ":id"
            if requested is not None and value == "'{" + requested.strip("'") + "}'":
                return "ARRAY[:id]::int8[]"
            return value
        out.append(re.sub(r"\$(\d+)\b", literal, sql) + ";")
    print("\n".join(out))


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def report(argv):
    with open(argv[0], newline="") as f:
        rows = list(csv.DictReader(f))
    columns = ["db", "scenario", "req_s", "p50_ms", "p99_ms", "pgbench_tps", "pgbench_p50_ms",
               "pgbench_p99_ms", "ratio", "minimal_tps", "ceiling_ratio", "rest_ratio", "non_2xx",
               "value", "target", "held"]
    widths = {c: max(len(c), *(len(r.get(c) or "") for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        print("  ".join((r.get(c) or "").ljust(widths[c]) for c in columns))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, argv = sys.argv[1], sys.argv[2:]
    {"startup": startup, "walk": walk, "cursor": cursor, "pgbench-script": pgbench_script,
     "report": report}.get(command, lambda _: sys.exit(__doc__))(argv)


if __name__ == "__main__":
    main()
