#!/usr/bin/env python3
"""The cases of scripts/fault-suite (see its header): standard library only.

Configured by the environment scripts/fault-suite sets: FAULT_* for the paths and
ports, and the server's own RAZEM_* settings (timeouts, pool size).
"""

import http.client
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

ENV = os.environ
HOST = "127.0.0.1"
PORT = int(ENV["FAULT_PORT"])
DB_TIMEOUT = float(ENV["RAZEM_DB_TIMEOUT"])
BOUND = DB_TIMEOUT + 0.5
CLIENT_TIMEOUT = float(ENV["RAZEM_CLIENT_TIMEOUT"])
SHUTDOWN_TIMEOUT = float(ENV["RAZEM_SHUTDOWN_TIMEOUT"])
POOL_SIZE = int(ENV["RAZEM_DB_POOL_SIZE"])
RUN_AS = ENV.get("FAULT_RUN_AS", "").split()
RUN = uuid.uuid4().hex[:6]
PROBLEM = "application/problem+json"

# The outage: how long the cluster stays down, how long a restart may take to show.
OUTAGE_SECONDS = 4.0
RECOVERY_LIMIT = 5.0


def log(message):
    print(f"[fault] {message}", flush=True)


# ---------------------------------------------------------------- HTTP


class Answer:
    """One request and what came back (status None: no complete response)."""

    __slots__ = ("method", "path", "status", "headers", "body", "json", "started",
                 "ended", "error", "tag")

    def __init__(self, method, path, tag=None):
        self.method, self.path, self.tag = method, path, tag
        self.status = None
        self.headers = {}
        self.body = b""
        self.json = None
        self.error = None
        self.started = self.ended = time.monotonic()

    @property
    def took(self):
        return self.ended - self.started

    @property
    def code(self):
        return self.json.get("code") if isinstance(self.json, dict) else None

    def is_unavailable_problem(self):
        return (self.status == 503
                and self.headers.get("content-type", "").startswith(PROBLEM)
                and self.code == "service_unavailable"
                and bool(self.headers.get("retry-after")))

    def __repr__(self):
        what = self.error or f"{self.status} {self.code or ''}".strip()
        return f"{self.method} {self.path} -> {what} in {self.took:.3f}s"


class Client:
    """A keep-alive HTTP/1.1 connection that reconnects after a failure."""

    def __init__(self, token=None, timeout=30):
        self.token = token
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None, tag=None):
        answer = Answer(method, path, tag)
        all_headers = {"Accept": "application/json"}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        answer.started = time.monotonic()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, PORT, timeout=self.timeout)
            self.conn.request(method, path, body=data, headers=all_headers)
            response = self.conn.getresponse()
            answer.body = response.read()
            answer.status = response.status
            answer.headers = {k.lower(): v for k, v in response.getheaders()}
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            answer.error = f"{type(error).__name__}: {error}"
            self.close()
        answer.ended = time.monotonic()
        if answer.body:
            try:
                answer.json = json.loads(answer.body)
            except ValueError:
                pass
        return answer

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def login():
    client = Client()
    answer = client.request("POST", "/api/v1/auth/login",
                            {"email": ENV["FAULT_EMAIL"], "password": ENV["FAULT_PASSWORD"]})
    client.close()
    if answer.status != 200:
        raise SystemExit(f"login failed: {answer} {answer.body[:200]!r}")
    return answer.json["access_token"]


# ---------------------------------------------------------------- the server and the cluster


class Server:
    def __init__(self):
        self.proc = None

    def start(self):
        log_file = open(ENV["FAULT_SERVER_LOG"], "ab")
        self.proc = subprocess.Popen(
            [ENV["FAULT_BIN"], "serve", "--bind", f"{HOST}:{PORT}"],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)
        log_file.close()
        with open(ENV["FAULT_SERVER_PID_FILE"], "w") as pid_file:
            pid_file.write(str(self.proc.pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode} at start")
            client = Client(timeout=2)
            answer = client.request("GET", "/health/ready")
            client.close()
            if answer.status == 200:
                return
            time.sleep(0.2)
        raise SystemExit("the server did not become ready within 60 s")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=SHUTDOWN_TIMEOUT + 5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def pg_ctl(*args):
    command = RUN_AS + [ENV["FAULT_PG_CTL"], "-D", ENV["FAULT_PG_DATA"], *args]
    done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=90)
    if done.returncode != 0:
        raise SystemExit(f"pg_ctl {' '.join(args)} failed: {done.stdout}{done.stderr}")


def psql(sql):
    done = subprocess.run(
        [ENV["FAULT_PSQL"], "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", ENV["FAULT_PG_URL"],
         "-c", sql],
        capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise SystemExit(f"psql failed: {done.stderr.strip()} (SQL: {sql})")
    return [line for line in done.stdout.splitlines() if line]


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


# ---------------------------------------------------------------- case: outage


def case_outage(mode):
    token = login()
    prefix = f"Fault {RUN} {mode}"
    answers = []
    answers_lock = threading.Lock()
    stop = threading.Event()
    writer_orgs = {}  # writer index -> {"id", "version", "description"}

    def keep(answer):
        with answers_lock:
            answers.append(answer)

    # Each writer PATCHes its own organization: made before the load starts.
    setup = Client(token)
    for writer in range(3):
        created = setup.request("POST", "/api/v1/organizations",
                                {"name": f"{prefix} patched {writer}", "kind": "ngo"})
        if created.status != 201:
            raise SystemExit(f"setup: {created} {created.body[:200]!r}")
        writer_orgs[writer] = {"id": created.json["id"], "version": created.json["version"],
                               "description": None}
    setup.close()
    ids = [org["id"] for org in writer_orgs.values()]

    # Many query shapes: a connection's first query after the stop is then often one
    # it has not prepared yet (diesel's prepare path is where a dead connection used
    # to stay in the pool and answer 500 "no connection to the server" next time).
    reads = ["/api/v1/organizations?limit=20", "/api/v1/organizations?q=fault",
             "/api/v1/organizations?kind=ngo&limit=5", "/api/v1/associations",
             "/api/v1/positions", "/api/v1/projects", "/api/v1/consultations",
             "/api/v1/events", "/api/v1/me", "/api/v1/users", "/api/v1/audit?limit=5",
             "/api/v1/tokens", "/health/ready"]

    def reader(index):
        client = Client(token)
        while not stop.is_set():
            if random.random() < 0.3:
                keep(client.request("GET", f"/api/v1/organizations/{random.choice(ids)}"))
            else:
                keep(client.request("GET", random.choice(reads)))
            time.sleep(0.02)
        client.close()

    def writer(index):
        client = Client(token)
        org = writer_orgs[index]
        n = 0
        while not stop.is_set():
            n += 1
            name = f"{prefix} w{index} n{n}"
            keep(client.request("POST", "/api/v1/organizations", {"name": name, "kind": "ngo"},
                                tag=("post", name)))
            patched = client.request(
                "PATCH", f"/api/v1/organizations/{org['id']}", {"description": f"revision {n}"},
                headers={"If-Match": f"\"{org['version']}\""}, tag=("patch", index, n))
            keep(patched)
            if 200 <= (patched.status or 0) < 300:
                org["version"] = patched.json["version"]
                org["description"] = f"revision {n}"
            time.sleep(0.02)
        client.close()

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(3)]
    threads += [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    t_stop = time.monotonic()
    pg_ctl("stop", "-m", mode, "-w", "-t", "60")
    t_down = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    t_start = time.monotonic()
    pg_ctl("start", "-w", "-t", "60", "-l", ENV["FAULT_PG_LOG"])
    t_up = time.monotonic()
    # Load until a read after the restart answered 200 (or the limit passed), then 1 s more.
    deadline = t_up + RECOVERY_LIMIT
    while time.monotonic() < deadline:
        with answers_lock:
            if any(a.status == 200 and a.ended >= t_up and a.method == "GET" for a in answers):
                break
        time.sleep(0.05)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=BOUND + 30)

    problems = []
    no_answer = [a for a in answers if a.status is None]
    if no_answer:
        problems.append(f"{len(no_answer)} requests got no complete answer, e.g. {no_answer[:3]}")
    server_errors = [a for a in answers if a.status is not None and a.status >= 500
                     and a.status != 503]
    if server_errors:
        problems.append(f"{len(server_errors)} answers were 5xx other than 503, e.g. "
                        f"{server_errors[:3]} {server_errors[0].body[:200]!r}")
    bad_503 = [a for a in answers if a.status == 503 and not a.is_unavailable_problem()]
    if bad_503:
        problems.append(f"{len(bad_503)} 503s were not problem+json service_unavailable with "
                        f"Retry-After, e.g. {bad_503[:3]} {bad_503[0].headers}")
    down = [a for a in answers if a.started >= t_down and a.ended <= t_start]
    not_503 = [a for a in down if a.status != 503]
    if not_503:
        problems.append(f"{len(not_503)} answers while the database was down were not 503, "
                        f"e.g. {not_503[:3]}")
    if not down:
        problems.append("no request ran while the database was down")
    slow = [a for a in answers if a.took > BOUND]
    if slow:
        problems.append(f"{len(slow)} answers took longer than RAZEM_DB_TIMEOUT + 0.5 s "
                        f"= {BOUND:.1f} s, e.g. {sorted(slow, key=lambda a: -a.took)[:3]}")
    unexpected = [a for a in answers if a.status is not None and a.status < 500
                  and not 200 <= a.status < 300]
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected 4xx answers (a 412 means a PATCH that "
                        f"answered 503 was written), e.g. {unexpected[:3]}")
    recovered = [a for a in answers if a.status == 200 and a.ended >= t_up and a.method == "GET"]
    recovery = min(a.ended for a in recovered) - t_up if recovered else None
    if recovery is None or recovery > RECOVERY_LIMIT:
        problems.append(f"no read answered 200 within {RECOVERY_LIMIT:.0f} s of the restart")

    # Nothing half-written: compare every write's answer with what is stored.
    stored = set(psql(f"SELECT name FROM organizations WHERE name LIKE {sql_text(prefix + ' w%')}"))
    posts = [a for a in answers if a.tag and a.tag[0] == "post"]
    posted_ok = [a for a in posts if a.status == 201]
    posted_503 = [a for a in posts if a.status == 503]
    missing = [a.tag[1] for a in posted_ok if a.tag[1] not in stored]
    ghosts = [a.tag[1] for a in posted_503 if a.tag[1] in stored]
    if missing:
        problems.append(f"{len(missing)} POSTs answered 201 but are not stored: {missing[:3]}")
    if ghosts:
        problems.append(f"{len(ghosts)} POSTs answered 503 but are stored: {ghosts[:3]}")
    patches = [a for a in answers if a.tag and a.tag[0] == "patch"]
    for index, org in writer_orgs.items():
        rows = psql(f"SELECT coalesce(description, 'null') || ' ' || version::text || ' ' || "
                    f"(SELECT count(*) FROM audit_log WHERE object_type = 'organization' "
                    f"AND object_id = {org['id']}::text) FROM organizations WHERE id = {org['id']}")
        acknowledged = sum(1 for a in patches if a.tag[1] == index and 200 <= (a.status or 0) < 300)
        expected = f"{org['description'] or 'null'} " \
                   f"{org['version']} {1 + acknowledged}"
        if rows != [expected]:
            problems.append(f"organization {org['id']}: stored description, version, audit rows "
                            f"{rows} but the answers acknowledged {expected}")

    statuses = {}
    for a in answers:
        key = a.status if a.status is not None else "none"
        statuses[key] = statuses.get(key, 0) + 1
    numbers = (f"{len(answers)} requests {dict(sorted(statuses.items(), key=str))}; "
               f"{len(down)} while down, all 503: {not not_503 and bool(down)}; "
               f"max {max(a.took for a in answers):.2f}s (bound {BOUND:.1f}s); "
               f"stop {t_down - t_stop:.2f}s, start {t_up - t_start:.2f}s, "
               f"first 200 {'-' if recovery is None else f'{recovery:.2f}s'} after start; "
               f"POST 201/503 {len(posted_ok)}/{len(posted_503)}, "
               f"PATCH 2xx {sum(1 for a in patches if 200 <= (a.status or 0) < 300)}: consistent "
               f"{not (missing or ghosts) and not any('stored description' in p for p in problems)}")
    return problems, numbers


# ---------------------------------------------------------------- case: slow clients


def slow_connection(kind, token, outcome):
    """One slow client; records when and how the server cut it off."""
    started = time.monotonic()
    sock = socket.create_connection((HOST, PORT), timeout=5)
    sock.setblocking(False)
    received = b""
    head_sent = started
    try:
        if kind == "body":
            head = (f"POST /api/v1/organizations HTTP/1.1\r\nHost: {HOST}\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: 4000\r\n\r\n{{").encode()
            sock.sendall(head)
            head_sent = time.monotonic()
        elif kind == "head":
            sock.sendall(f"GET /api/v1/organizations HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        give_up = started + CLIENT_TIMEOUT + 10
        step = 0
        while time.monotonic() < give_up:
            readable, _, _ = select.select([sock], [], [], 0.25)
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    outcome.update(closed=time.monotonic() - started, response=received,
                                   head_to_close=time.monotonic() - head_sent)
                    return
                received += chunk
                continue
            step += 1
            try:
                if kind == "head":
                    sock.send(f"X-Slow-{step}: {'x' * 8}\r\n".encode())
                elif kind == "body":
                    sock.send(b" ")
            except BlockingIOError:
                pass
        outcome.update(closed=None, response=received)
    except (ConnectionResetError, BrokenPipeError) as error:
        outcome.update(closed=time.monotonic() - started, response=received,
                       head_to_close=time.monotonic() - head_sent, reset=str(error))
    finally:
        sock.close()


def case_slow_clients():
    token = login()
    kinds = ["head"] * 40 + ["body"] * 20 + ["silent"] * 10
    outcomes = [dict(kind=kind) for kind in kinds]
    threads = [threading.Thread(target=slow_connection, args=(kind, token, outcome), daemon=True)
               for kind, outcome in zip(kinds, outcomes)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    # Normal traffic while the slow clients hang on, each on a fresh connection.
    normal = []
    until = time.monotonic() + CLIENT_TIMEOUT + 1.5
    while time.monotonic() < until:
        client = Client(token, timeout=10)
        normal.append(client.request("GET", "/api/v1/organizations?limit=5"))
        client.close()
        time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=CLIENT_TIMEOUT + 15)

    problems = []
    limit = CLIENT_TIMEOUT + 2.0  # the timeout, the 1 s disconnect grace, scheduling
    for kind in ("head", "body", "silent"):
        group = [o for o in outcomes if o["kind"] == kind]
        held = [o for o in group if o.get("closed") is None]
        if held:
            problems.append(f"{len(held)} of {len(group)} {kind} clients were not cut off")
        late = [o for o in group if o.get("closed") is not None and o["closed"] > limit]
        if late:
            problems.append(f"{len(late)} {kind} clients were cut off only after "
                            f"{max(o['closed'] for o in late):.2f}s (limit {limit:.1f}s)")
    for o in outcomes:
        if o["kind"] == "body" and o.get("closed") is not None:
            response = o.get("response", b"")
            status_line = response.split(b"\r\n", 1)[0]
            if b" 408 " not in status_line + b" " or PROBLEM.encode() not in response \
                    or b"request_timeout" not in response:
                problems.append(f"a slow body was not answered 408 problem+json request_timeout: "
                                f"{response[:300]!r}")
                break
    bad = [a for a in normal if a.status != 200]
    if bad:
        problems.append(f"{len(bad)} normal requests failed meanwhile, e.g. {bad[:3]}")
    slowest = max((a.took for a in normal), default=0.0)
    if slowest > 1.0:
        problems.append(f"a normal request took {slowest:.2f}s while slow clients hung on")
    if len(normal) < 10:
        problems.append(f"only {len(normal)} normal requests were answered meanwhile")

    def closed_max(kind):
        times = [o["closed"] for o in outcomes if o["kind"] == kind and o.get("closed")]
        return f"{max(times):.2f}s" if times else "-"

    numbers = (f"{kinds.count('head')} slow heads cut after <= {closed_max('head')}, "
               f"{kinds.count('body')} slow bodies <= {closed_max('body')} (408), "
               f"{kinds.count('silent')} silent <= {closed_max('silent')} "
               f"(RAZEM_CLIENT_TIMEOUT {CLIENT_TIMEOUT:.0f}s); meanwhile {len(normal)} normal "
               f"requests, {sum(1 for a in normal if a.status == 200)} x 200, "
               f"slowest {slowest:.3f}s")
    return problems, numbers


# ---------------------------------------------------------------- case: SIGTERM


def case_sigterm(server):
    token = login()
    name = f"Fault {RUN} in flight at SIGTERM"
    hold = 2.0
    locker = subprocess.Popen(
        [ENV["FAULT_PSQL"], "-X", "-q", "-d", ENV["FAULT_PG_URL"]],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    locker.stdin.write("BEGIN; LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE; "
                       f"SELECT pg_sleep({hold}); COMMIT;\n")
    locker.stdin.close()
    problems = []
    lock_query = ("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                  "WHERE c.relname = 'organizations' AND l.mode = 'AccessExclusiveLock' "
                  "AND l.granted")
    deadline = time.monotonic() + 10
    while psql(lock_query) != ["1"]:
        if time.monotonic() > deadline:
            raise SystemExit("the table lock was not taken within 10 s")
        time.sleep(0.05)

    requests = [("GET", "/api/v1/organizations?limit=50", None),
                ("GET", "/api/v1/organizations?limit=5", None),
                ("GET", "/health/ready", None),
                ("POST", "/api/v1/organizations", {"name": name, "kind": "ngo"})]
    answers = [None] * len(requests)

    def send(index, method, path, body):
        client = Client(token, timeout=SHUTDOWN_TIMEOUT + 10)
        answers[index] = client.request(method, path, body)
        client.close()

    threads = [threading.Thread(target=send, args=(i, *r), daemon=True)
               for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    # The three requests that touch organizations wait for the lock (the health check
    # answers at once): wait until PostgreSQL shows them waiting.
    waiting = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               "AND datname = current_database()")
    deadline = time.monotonic() + 5
    while int(psql(waiting)[0]) < 3:
        if time.monotonic() > deadline:
            problems.append("the requests did not reach the database within 5 s")
            break
        time.sleep(0.02)
    t_term = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    refused = Client(timeout=2).request("GET", "/health/live")
    try:
        returncode = server.proc.wait(timeout=SHUTDOWN_TIMEOUT + 5)
    except subprocess.TimeoutExpired:
        returncode = None
    exited_after = time.monotonic() - t_term
    for thread in threads:
        thread.join(timeout=5)
    locker.wait(timeout=30)

    in_flight = [a for a in answers if a is not None and a.ended > t_term]
    for (method, path, _), answer in zip(requests, answers):
        if answer is None or answer.status is None:
            problems.append(f"{method} {path} was cut off: {answer}")
        elif not 200 <= answer.status < 300:
            problems.append(f"{method} {path} answered {answer}")
        elif "content-length" in answer.headers and \
                int(answer.headers["content-length"]) != len(answer.body):
            problems.append(f"{method} {path}: incomplete body")
        elif answer.json is None:
            problems.append(f"{method} {path}: the body is not JSON")
    if len(in_flight) < 3:
        problems.append(f"only {len(in_flight)} requests were still in flight at SIGTERM")
    if returncode != 0:
        problems.append(f"the server exited with {returncode} (expected 0)")
    if exited_after > SHUTDOWN_TIMEOUT:
        problems.append(f"the server took {exited_after:.2f}s to exit "
                        f"(RAZEM_SHUTDOWN_TIMEOUT {SHUTDOWN_TIMEOUT:.0f}s)")
    stored = psql(f"SELECT count(*) FROM organizations WHERE name = {sql_text(name)}")
    if stored != ["1"]:
        problems.append(f"the POST in flight at SIGTERM is not stored exactly once ({stored})")
    numbers = (f"{len(in_flight)} requests in flight at SIGTERM, "
               f"{sum(1 for a in answers if a and a.status and 200 <= a.status < 300)} complete "
               f"2xx (last {max((a.ended for a in answers if a), default=t_term) - t_term:.2f}s "
               f"after SIGTERM); new connection after SIGTERM: "
               f"{'refused' if refused.status is None else refused.status}; exit status "
               f"{returncode} after {exited_after:.2f}s "
               f"(RAZEM_SHUTDOWN_TIMEOUT {SHUTDOWN_TIMEOUT:.0f}s)")
    return problems, numbers


# ---------------------------------------------------------------- main


def main():
    cases = ENV.get("FAULT_CASES", "").split()
    server = Server()
    results = []
    started = time.monotonic()
    try:
        server.start()
        log(f"server pid {server.proc.pid} on {HOST}:{PORT}; RAZEM_DB_TIMEOUT={DB_TIMEOUT:.0f}s, "
            f"pool {POOL_SIZE}, RAZEM_CLIENT_TIMEOUT={CLIENT_TIMEOUT:.0f}s, "
            f"RAZEM_SHUTDOWN_TIMEOUT={SHUTDOWN_TIMEOUT:.0f}s")
        for case in cases:
            if not server.running():
                server.start()
            log(f"case {case}")
            case_started = time.monotonic()
            if case.startswith("outage-"):
                problems, numbers = case_outage(case.split("-", 1)[1])
            elif case == "slow-clients":
                problems, numbers = case_slow_clients()
            elif case == "sigterm":
                problems, numbers = case_sigterm(server)
            else:
                raise SystemExit(f"unknown case {case}")
            took = time.monotonic() - case_started
            for problem in problems:
                log(f"  FAIL {case}: {problem}")
            log(f"  {'ok' if not problems else 'FAILED'} in {took:.1f}s: {numbers}")
            results.append((case, "ok" if not problems else "FAILED", took, numbers))
    finally:
        server.stop()

    print("\n=========================== fault suite summary ===========================")
    for case, result, took, numbers in results:
        print(f"  {case:<17} {result:<7} {took:5.1f}s  {numbers}")
    print(f"  {'total':<17} {'':<7} {time.monotonic() - started:5.1f}s")
    failed = [case for case, result, _, _ in results if result != "ok"]
    print(f"RESULT: {'FAILED (' + ' '.join(failed) + ')' if failed else 'OK'}")
    print("===========================================================================")
    return 1 if failed or len(results) != len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())
