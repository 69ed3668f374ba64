#!/usr/bin/env python3
"""cloudsql-guard benchmarks: how fast the guard notices and how little it costs, each figure
measured in the same run as the baseline users have today (a pg_isready loop, nginx).

Everything is real: a PostgreSQL server on a Cloud SQL shaped socket, the packaged guard (the
JVM jar and, where built, the native executable), wrk, nginx. No pass/fail: it prints a Markdown
table and writes it to bench/results/latest.md. Started by bench/run, which checks the tools.
Standard library only (this machine reaches no PyPI).
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
INSTANCE = "bench-project:europe-west1:bench-db"
PASSWORD = "bench-password-not-a-secret"
POLL = 0.005  # seconds between polls of an endpoint or a file


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def mono():
    return time.monotonic()


# ---------------------------------------------------------------- PostgreSQL

# the project's one PostgreSQL launcher (the tests and bench/demo use it too): it writes the
# server's configuration and runs it as the postgres OS user
LAUNCHER = os.path.join(ROOT, "src", "test", "pg", "pg-cluster")
# its log_line_prefix '%m [%p] %e %q%u@%d ': time (UTC, ms), [pid], SQLSTATE, user@db in sessions
LOG_LINE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+) \[\d+\] \w{5} (?:(\S*)@\S* )?(.*)")


def pg_cluster(*args, check=True):
    out = subprocess.run([LAUNCHER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and out.returncode != 0:
        raise RuntimeError(f"pg-cluster {' '.join(args)} failed ({out.returncode}): {out.stderr.decode().strip()}")
    return out.stdout.decode().strip()


def pg_bin():
    return pg_cluster("bindir")


class Pg:
    """A throw-away cluster whose only socket is <base>/cloudsql/<instance>/.s.PGSQL.5432, made and
    run by pg-cluster, with log_connections on and log_statement = all for the role guard, so
    every forked backend, login and statement of the guard is counted from the server's log."""

    def __init__(self, base, max_connections):
        self.bin = pg_bin()
        self.base = base
        self.data = os.path.join(base, "pgdata")
        self.socket_root = os.path.join(base, "cloudsql")
        self.sockdir = os.path.join(self.socket_root, INSTANCE)
        self.logfile = os.path.join(base, "postgres.log")
        self.max_connections = max_connections

    def init(self):
        os.makedirs(self.socket_root, exist_ok=True)
        pg_cluster("init", self.data, "--socket-dir", self.sockdir, "--max-connections", str(self.max_connections),
                   "--user", "guard", "--password", PASSWORD, "--database", "guard", "--log-statements-of", "guard")

    def pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def start(self):
        """Starts the server (socket directory created first, as the proxy would) and returns the
        monotonic time at which pg_ctl -w returned: the server accepts connections from then on."""
        pg_cluster("start", self.data, self.logfile)
        return mono()

    def stop(self, mode="fast", check=False):
        """Stops the server (resumed first if SIGSTOPped) in the given mode: fast for teardown,
        immediate for a crash-like restart; check=True when a failure to stop must end the run."""
        pg_cluster("stop", self.data, mode, check=check)

    def sql(self, query):
        out = subprocess.run([f"{self.bin}/psql", "-h", self.sockdir, "-U", "postgres", "-d", "postgres", "-XAtc", query],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return out.stdout.decode().strip()

    def ready_at(self, after):
        """Wall-clock time of the server's own 'database system is ready to accept connections' line
        (log_line_prefix %m: milliseconds) logged after `after`, or None."""
        times = self._log_times(after, time.time() + 1, lambda user, msg: "database system is ready to accept connections" in msg)
        return times[0] if times else None

    def server_pids(self):
        """The postmaster and every process it started (backends, checkpointer, WAL writer...)."""
        master = self.pid()
        pids = [master]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                            pids.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return pids

    def session_times(self, t0, t1):
        """When sessions of the role guard passed authentication (log_connections) between two times."""
        return self._log_times(t0, t1, lambda user, msg: msg.startswith("LOG:  connection authorized: user=guard "))

    def sessions_between(self, t0, t1):
        return len(self.session_times(t0, t1))

    def held(self, user="guard"):
        return int(self.sql(f"select count(*) from pg_stat_activity where usename = '{user}'"))

    def backends_between(self, t0, t1):
        """Backends forked (log_connections: 'connection received') between two wall-clock times."""
        return len(self._log_times(t0, t1, lambda user, msg: msg.startswith("LOG:  connection received")))

    def statements_between(self, t0, t1):
        """Statements run by the role guard (log_statement = all for that role) between two times."""
        return len(self._log_times(t0, t1, lambda user, msg: user == "guard" and
                                   (msg.startswith("LOG:  statement: ") or re.match(r"LOG:  execute [^:]*:", msg))))

    def _log_times(self, t0, t1, wanted):
        """Times of the log lines for which wanted(user, message) holds, between two wall-clock times."""
        out = []
        with open(self.logfile, errors="replace") as f:
            for line in f:
                m = LOG_LINE.match(line)
                if not m or not wanted(m.group(3), m.group(4)):
                    continue
                ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
                ts = ts.replace(tzinfo=datetime.timezone.utc if m.group(2) in ("UTC", "GMT") else None).timestamp()
                if t0 <= ts <= t1:
                    out.append(ts)
        return out


# ---------------------------------------------------------------- HTTP

def http_get(port, path, timeout):
    """(status, body) of a GET on a fresh loopback connection."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def http_code(port, path, timeout=1.0):
    try:
        return http_get(port, path, timeout)[0]
    except OSError:
        return None


def http_body(port, path, timeout=2.0):
    return http_get(port, path, timeout)[1]


def wait_for(predicate, timeout, what):
    deadline = mono() + timeout
    while mono() < deadline:
        if predicate():
            return mono()
        time.sleep(POLL)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


class Watch(threading.Thread):
    """Polls a predicate from now on and keeps the monotonic time (and the wall-clock time) at which it
    first held."""

    def __init__(self, predicate, timeout=60):
        super().__init__(daemon=True)
        self.predicate, self.timeout, self.at, self.wall = predicate, timeout, None, None
        self.start()

    def run(self):
        deadline = mono() + self.timeout
        while mono() < deadline:
            if self.predicate():
                self.at, self.wall = mono(), time.time()
                return
            time.sleep(POLL)


class ProcessExit(threading.Thread):
    """Keeps the monotonic time at which a baseline loop (a subprocess) exited."""

    def __init__(self, proc):
        super().__init__(daemon=True)
        self.proc, self.at, self.wall = proc, None, None
        self.start()

    def run(self):
        self.proc.wait()
        self.at, self.wall = mono(), time.time()


class SseWatch(threading.Thread):
    """Subscribes to /guard/events and keeps the time of the first event saying ready=false."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall(b"GET /guard/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
        self.at = None
        self.start()

    def run(self):
        buf = b""
        try:
            while self.at is None:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
                for line in buf.split(b"\n")[:-1]:
                    if line.startswith(b"data:") and b'"ready":false' in line.replace(b" ", b""):
                        self.at = mono()
                        break
                buf = buf.split(b"\n")[-1]
        except OSError:
            return
        finally:
            self.sock.close()


def state_file_ready(path):
    try:
        with open(path) as f:
            return json.load(f).get("ready")
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- the guard

class Guard:
    """The packaged guard as a user runs it: the native executable or java -jar, configured by
    GUARD_* environment variables only, default settings unless a benchmark says otherwise."""

    def __init__(self, runtime, artifact, pg, base, port, name="guard", env=None):
        self.runtime, self.pg, self.port = runtime, pg, port
        self.dir = os.path.join(base, f"{name}-{runtime}-{port}")
        os.makedirs(self.dir, exist_ok=True)
        self.state_file = os.path.join(self.dir, "state.json")
        self.logfile = os.path.join(self.dir, "guard.log")
        pwfile = os.path.join(self.dir, "password")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(pwfile, 0o600)
        self.cmd = [artifact] if runtime == "native" else ["java"] + os.environ.get("BENCH_JAVA_OPTS", "").split() + ["-jar", artifact]
        self.env = dict(os.environ,
                        GUARD_TARGET_INSTANCE=INSTANCE, GUARD_TARGET_SOCKET_DIR=pg.socket_root,
                        GUARD_TARGET_USER="guard", GUARD_TARGET_PASSWORD_FILE=pwfile, GUARD_TARGET_DATABASE="guard",
                        GUARD_SIGNAL_STATE_FILE=self.state_file, QUARKUS_HTTP_PORT=str(port),
                        QUARKUS_LOG_FILE_ENABLED="false", **(env or {}))
        self.proc = None

    def start(self):
        self.log_handle = open(self.logfile, "w")
        self.spawned = mono()
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self.log_handle, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        return self

    def code(self, path):
        return http_code(self.port, path)

    def wait_code(self, path, code, timeout=60):
        """Waits until GET path answers code; fails at once, with the log's tail, if the guard exits."""
        return wait_for(lambda: self.code(path) == code or self._died(), timeout, f"{self.runtime} guard: {path} = {code}")

    def wait_live(self):
        return self.wait_code("/q/health/live", 200)

    def _died(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"the guard exited with {self.proc.returncode}; log: {self.logfile}\n" + open(self.logfile).read()[-3000:])
        return False

    def started_in(self):
        """Quarkus's own 'started in X s' from the log: boot time inside the process."""
        with open(self.logfile, errors="replace") as f:
            m = re.search(r"started in ([0-9.]+)s", f.read())
        return float(m.group(1)) if m else None

    def rss_mb(self, field="VmRSS"):
        """Resident memory in MB from /proc/PID/status: VmRSS (all), RssAnon (heap, stacks, native
        allocations) or RssFile (clean pages of the executable and libraries)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
        return None

    def probes(self):
        """Sum of guard_probes_total over all outcomes (the guard's own count of probes)."""
        total = 0.0
        for line in http_body(self.port, "/q/metrics").splitlines():
            if line.startswith("guard_probes_total{"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log_handle.close()


# ---------------------------------------------------------------- statistics and the table

def ms(seconds):
    return None if seconds is None else seconds * 1000.0


def since(at, t0):
    """Milliseconds from t0 to a watcher's time, None when it never saw its event."""
    return None if at is None or t0 is None else ms(at - t0)


def num(value):
    return "never" if value is None else f"{value:.0f}"


def summary(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "missing": len(values) - len(vals)}


def fmt(s, unit="ms", digits=0):
    if s is None:
        return "n/a"
    f = f"{{:.{digits}f}}"
    text = f"{f.format(s['median'])} {unit} ({f.format(s['min'])}–{f.format(s['max'])})"
    if s.get("missing"):
        text += f", {s['missing']} of {s['n'] + s['missing']} trials never saw it"
    return text


def ratio(a, b):
    if a is None or b is None or a["median"] <= 0 or b["median"] <= 0:
        return "n/a"  # a time at or before the start cannot be compared by division
    return f"{a['median'] / b['median']:.2f}×"


class Report:
    def __init__(self):
        self.sections = []

    def table(self, title, header, rows, notes=()):
        self.sections.append((title, header, rows, list(notes)))

    def markdown(self, meta):
        out = [f"# cloudsql-guard benchmarks — {meta['date']}", "",
               " · ".join(f"{k}: {v}" for k, v in meta.items() if k != "date"), "",
               "Medians over the trials, (min–max) in brackets; ratio = guard ÷ baseline (below 1 is better "
               "for times, above 1 for throughput).", ""]
        for title, header, rows, notes in self.sections:
            out += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
            out += [""] + [f"- {n}" for n in notes] + ([""] if notes else [])
        return "\n".join(out)


# ---------------------------------------------------------------- 1. detection

def bench_detection(args, runtimes, base, report):
    """PostgreSQL starts while the guard (already running, gate held) and two pg_isready loops
    wait for it; each trial starts the database after a random pause so the loops' phases vary."""
    pg = new_pg(base, "detect", 100)
    rows = []
    loops = {"1 s": "1", "0.1 s": "0.1"}
    for runtime, artifact in runtimes:
        guard_t, loop_t = [], {k: [] for k in loops}
        for trial in range(args.trials):
            g = Guard(runtime, artifact, pg, base, args.port, name=f"detect{trial}").start()
            try:
                g.wait_live()
                assert g.code("/q/health/started") == 503, "the gate must hold while the database is down"
                procs = {k: subprocess.Popen(["bash", "-c", f"until pg_isready -q -h '{pg.sockdir}' -U guard -d guard; "
                                                            f"do sleep {s}; done"]) for k, s in loops.items()}
                exits = {k: ProcessExit(p) for k, p in procs.items()}
                watch = Watch(lambda: g.code("/q/health/started") == 200)
                time.sleep(random.uniform(0.5, 1.5))
                before = time.time()
                pg.start()
                for t in [watch, *exits.values()]:
                    t.join(30)
                ready = pg.ready_at(before)  # the server's own "ready to accept connections" line
                guard_t.append(since(watch.wall, ready))
                for k in loops:
                    loop_t[k].append(since(exits[k].wall, ready))
                log(f"detection {runtime} #{trial + 1}: guard {num(guard_t[-1])} ms, "
                    + ", ".join(f"pg_isready/{k} {num(loop_t[k][-1])} ms" for k in loops))
            finally:
                g.stop()
                pg.stop()
                shutil.rmtree(pg.sockdir, ignore_errors=True)  # absent at the next start, as before a proxy runs
        gs = summary(guard_t)
        for k in loops:
            ls = summary(loop_t[k])
            rows.append([runtime, fmt(gs), f"`until pg_isready; do sleep {loops[k]}; done`", fmt(ls), ratio(gs, ls)])
    report.table("1. Detection: database accepting → gate open",
                 ["guard", "guard: `/q/health/started` = 200", "baseline", "baseline exits", "ratio"], rows,
                 ["From the server's own `database system is ready to accept connections` log line (its "
                  "timestamp, milliseconds) to the first 200 (the guard's endpoint is polled every 5 ms) or the "
                  "loop's exit. The guard ran before the database started; its socket directory did not exist yet.",
                  "The guard's time includes a full login and `SELECT 1` (SCRAM); pg_isready stops at the "
                  "server's authentication request."])


# ---------------------------------------------------------------- 2. outage

# The two hangs: the whole server stops answering (every process SIGSTOPped: as a frozen VM, the cgroup
# freezer of `podman pause`, or a network path that stopped delivering), and the postmaster alone
# (new connections hang while existing sessions, the guard's kept one too, still answer).
HANGS = (("server", "SIGSTOP of every server process"), ("postmaster", "SIGSTOP of the postmaster only"))


def bench_outage(args, runtimes, base, report):
    """A hang while healthy, at the default configuration; a `while pg_isready; do sleep 1; done`
    loop runs beside it."""
    pg = new_pg(base, "outage", 100)
    pg.start()
    rows = []
    try:
        for runtime, artifact in runtimes:
            g = Guard(runtime, artifact, pg, base, args.port, name="outage").start()
            try:
                g.wait_live()
                g.wait_code("/q/health/ready", 200)
                for kind, label in HANGS:
                    rows += outage_trials(args, runtime, g, pg, kind, label)
            finally:
                g.stop()
    finally:
        pg.stop()
    report.table("2. Outage: a hang of the server → signal",
                 ["guard", "hang", "signal", "guard", "`while pg_isready; do sleep 1; done` exits", "ratio"], rows,
                 ["Default configuration: interval 500 ms, session timeout 300 ms, timeout 1 s, a walk of a new "
                  "connection every 30 s and at once after a bad probe, circuit window 4 with 50 % failure rate. "
                  "pg_isready uses its default 3 s timeout.",
                  "The guard reports the circuit (a confirmed degradation: two bad probes of four), not the first "
                  "failed probe; the loop stops at the first unanswered check. A postmaster alone stopped is seen "
                  "by the next walk of a new connection (every 30 s), not by the kept session, which still "
                  "answers. Recovery includes the randomised OPEN wait (5 s ± 50 %) and two good HALF_OPEN trials."])


def outage_trials(args, runtime, g, pg, kind, label):
    ready_t, sse_t, file_t, loop_t, back_t = [], [], [], [], []
    for trial in range(args.trials):
        time.sleep(3 + random.uniform(0, 2))  # steady state, random probe phase
        sse = SseWatch(g.port)
        loop = subprocess.Popen(["bash", "-c", f"while pg_isready -q -h '{pg.sockdir}' -U guard -d guard; "
                                               f"do sleep 1; done"])
        time.sleep(random.uniform(0.2, 1.2))
        loop_exit = ProcessExit(loop)
        ready = Watch(lambda: g.code("/q/health/ready") == 503, timeout=90)
        sfile = Watch(lambda: state_file_ready(g.state_file) is False, timeout=90)
        time.sleep(0.05)
        stopped = pg.server_pids() if kind == "server" else [pg.pid()]
        for pid in stopped:  # the postmaster first: it forks nothing new meanwhile
            os.kill(pid, signal.SIGSTOP)
        t0 = mono()
        for t in (ready, sfile, loop_exit, sse):
            t.join(90)
        for pid in reversed(stopped):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        t1 = mono()
        back = Watch(lambda: g.code("/q/health/ready") == 200)
        back.join(60)
        ready_t.append(since(ready.at, t0))
        sse_t.append(since(sse.at, t0))
        file_t.append(since(sfile.at, t0))
        loop_t.append(since(loop_exit.at, t0))
        back_t.append(since(back.at, t1))
        log(f"outage ({kind}) {runtime} #{trial + 1}: ready 503 {num(ready_t[-1])} ms, SSE {num(sse_t[-1])} ms, "
            f"state file {num(file_t[-1])} ms, pg_isready loop {num(loop_t[-1])} ms; "
            f"back {num(back_t[-1])} ms after SIGCONT")
    base_s = summary(loop_t)
    rows = []
    for what, vals in (("`/q/health/ready` = 503", ready_t), ("SSE `ready:false` event", sse_t),
                       ("state file `ready:false`", file_t)):
        s = summary(vals)
        rows.append([runtime, label, what, fmt(s), fmt(base_s), ratio(s, base_s)])
    rows.append([runtime, label, "recovery: SIGCONT → `/q/health/ready` = 200", fmt(summary(back_t)), "n/a", "n/a"])
    return rows


# ---------------------------------------------------------------- 3. scrape load

def parse_wrk(text):
    def dur(v):
        m = re.match(r"([0-9.]+)(us|ms|s)", v)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": rps, "p50": dur(lat["50"]), "p99": dur(lat["99"]), "requests": requests,
            "non2xx": int(errors.group(1)) if errors else 0}


def wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
    return parse_wrk(out)


def start_nginx(base, port):
    d = os.path.join(base, "nginx")
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "ok\\n"; }} }}
}}
""")
    proc = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", d, "-c", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: http_code(port, "/") == 200, 20, "nginx")
    return proc


def bench_scrape(args, runtimes, base, report):
    pg = new_pg(base, "scrape", 100)
    pg.start()
    nginx_port = args.port + 1
    nginx = start_nginx(base, nginx_port)
    rows, notes = [], []
    try:
        ngx = [wrk(f"http://127.0.0.1:{nginx_port}/", args.wrk_seconds, args.wrk_connections) for _ in range(args.trials_wrk)]
        ngx_rps = summary([r["rps"] for r in ngx])
        ngx_p50, ngx_p99 = summary([r["p50"] for r in ngx]), summary([r["p99"] for r in ngx])
        for runtime, artifact in runtimes:
            g = Guard(runtime, artifact, pg, base, args.port, name="scrape").start()
            try:
                g.wait_live()
                g.wait_code("/q/health/ready", 200)
                for path in ("/q/health/ready", "/q/metrics"):  # warm-up (JIT, connection pools)
                    wrk(f"http://127.0.0.1:{g.port}{path}", 3, args.wrk_connections)
                time.sleep(2)
                p0 = g.probes()
                w0 = time.time()
                served = 0
                for path in ("/q/health/ready", "/q/metrics"):
                    runs = [wrk(f"http://127.0.0.1:{g.port}{path}", args.wrk_seconds, args.wrk_connections)
                            for _ in range(args.trials_wrk)]
                    served += sum(r["requests"] for r in runs)
                    bad = sum(r["non2xx"] for r in runs)
                    rps = summary([r["rps"] for r in runs])
                    p50, p99 = summary([r["p50"] for r in runs]), summary([r["p99"] for r in runs])
                    rows.append([runtime, f"`{path}`", fmt(rps, "req/s"), fmt(p50, "ms", 2), fmt(p99, "ms", 2),
                                 fmt(ngx_rps, "req/s"), fmt(ngx_p50, "ms", 2), fmt(ngx_p99, "ms", 2), ratio(rps, ngx_rps)])
                    if bad:
                        notes.append(f"{runtime} `{path}`: {bad} non-2xx answers under load")
                    log(f"scrape {runtime} {path}: {rps['median']:.0f} req/s p50 {p50['median']:.2f} ms p99 {p99['median']:.2f} ms")
                w1 = time.time()
                p1 = g.probes()
                time.sleep(0.5)  # the server's log is written asynchronously
                statements, sessions = pg.statements_between(w0, w1), pg.sessions_between(w0, w1)
                notes.append(f"{runtime}: {served} scrapes answered in {w1 - w0:.0f} s; in the same time the guard "
                             f"ran {p1 - p0:.0f} probes and its role ran {statements} statements (one `SELECT 1` per "
                             f"probe) in {sessions} new sessions: **{max(0, statements - round(p1 - p0))} database "
                             f"round trips caused by scrapes**.")
            finally:
                g.stop()
    finally:
        nginx.terminate()
        nginx.wait()
        pg.stop()
    report.table("3. Scrape load (wrk from loopback)",
                 ["guard", "endpoint", "guard req/s", "p50", "p99", "nginx `return 200` req/s", "p50", "p99", "ratio"],
                 rows, [f"`wrk -t2 -c{args.wrk_connections} -d{args.wrk_seconds}s`, {args.trials_wrk} runs each after a "
                        "3 s warm-up; wrk, nginx (worker_processes auto) and the guard share the machine's cores."]
                 + notes)


# ---------------------------------------------------------------- 4 + 5. footprint and database cost

class SteadyState:
    """What footprint (4: RSS) and cost (5: the database's side) both read: one server, and per
    runtime one guard probing at its defaults for --minute seconds, measured once per run however
    many of the two steps ask for it, so that running both costs one minute per runtime."""

    def __init__(self):
        self.pg, self.minutes = None, {}

    def server(self, base):
        if self.pg is None:
            self.pg = new_pg(base, "steady", 100)
            self.pg.start()
        return self.pg

    def minute(self, args, runtime, artifact, base):
        if runtime not in self.minutes:
            pg = self.server(base)
            g = Guard(runtime, artifact, pg, base, args.port, name="minute").start()
            try:
                g.wait_code("/q/health/started", 200)
                time.sleep(2)
                w0 = time.time()
                time.sleep(args.minute)
                w1 = time.time()
                rss, anon, held = g.rss_mb(), g.rss_mb("RssAnon"), pg.held()
                rtt = session_round_trips(json.loads(http_body(g.port, "/guard/history")), w0, w1)
                time.sleep(0.5)
                m = {"rss": rss, "anon": anon, "held": held, "backends": pg.backends_between(w0, w1),
                     "sessions": pg.sessions_between(w0, w1), "statements": pg.statements_between(w0, w1),
                     "rtt": rtt}
            finally:
                g.stop()
            log(f"steady state {runtime}: RSS {rss:.0f} MB ({anon:.0f} MB anonymous), {m['backends']} backends, "
                f"{m['sessions']} sessions, {m['statements']} statements, held {held} in {args.minute} s; "
                f"kept-session round trips {rtt}")
            self.minutes[runtime] = m
        return self.minutes[runtime]

    def close(self):
        if self.pg is not None:
            self.pg.stop()


STEADY = SteadyState()


def session_round_trips(history, w0, w1):
    """Latencies (ms) of the probes in [w0, w1] that were one round trip on the kept session (ok, and
    only a query stage: a walk also has socket, connect and handshake), from /guard/history: count,
    median, p99, max."""
    lat = []
    for t in history["targets"]:
        for p in t["probes"]:
            at = datetime.datetime.fromisoformat(p["at"].replace("Z", "+00:00")).timestamp()
            if w0 <= at <= w1 and p["outcome"] == "ok" and set(p["stages_ms"]) == {"query"}:
                lat.append(p["stages_ms"]["query"])
    if not lat:
        return {"n": 0}
    lat.sort()
    return {"n": len(lat), "median": statistics.median(lat), "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "max": lat[-1]}


def bench_footprint(args, runtimes, base, report):
    pg = STEADY.server(base)
    foot_rows, notes = [], []

    def rss_under_wrk(runtime, artifact):
        """Peak RSS of a fresh guard during 30 s of wrk on /q/health/ready, wrk's errors, and OutOfMemoryErrors logged."""
        g = Guard(runtime, artifact, pg, base, args.port, name="footwrk").start()
        try:
            g.wait_code("/q/health/ready", 200)
            peak, done = [g.rss_mb()], threading.Event()

            def sample():
                while not done.wait(0.2):
                    peak.append(g.rss_mb())
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            out = subprocess.run(["wrk", "-t2", f"-c{args.wrk_connections}", "-d30s", "--latency",
                                  f"http://127.0.0.1:{g.port}/q/health/ready"],
                                 check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
            done.set()
            sampler.join()
            result = parse_wrk(out)
            socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
            result["socket_errors"] = sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
        finally:
            g.stop()
        with open(g.logfile, errors="replace") as f:
            result["oom"] = f.read().count("OutOfMemoryError")
        return max(peak), result

    for runtime, artifact in runtimes:
        started_in, to_open = [], []
        for trial in range(args.trials):  # boot time: several fresh starts against a running database
            g = Guard(runtime, artifact, pg, base, args.port, name=f"boot{trial}").start()
            try:
                at = g.wait_code("/q/health/started", 200)
                to_open.append(ms(at - g.spawned))
                started_in.append(ms(g.started_in()))
            finally:
                g.stop()
        steady = STEADY.minute(args, runtime, artifact, base)
        rss = steady["rss"]
        under_wrk, w = rss_under_wrk(runtime, artifact)
        foot_rows.append([runtime, fmt(summary(started_in)), fmt(summary(to_open)),
                          f"{rss:.0f} MB ({steady['anon']:.0f} MB)", f"{under_wrk:.0f} MB"])
        notes.append(f"{runtime} under wrk: {w['requests']} requests ({w['rps']:.0f} req/s), {w['non2xx']} non-2xx, "
                     f"{w['socket_errors']} socket errors, {w['oom']} OutOfMemoryError in the guard's log.")
        log(f"footprint {runtime}: started in {summary(started_in)['median']:.0f} ms, RSS {rss:.0f} MB, "
            f"{under_wrk:.0f} MB under wrk")
    report.table("4. Footprint",
                 ["guard", "Quarkus `started in`", "process start → gate open (database up)",
                  f"RSS after {args.minute} s of probing (of which anonymous)",
                  "RSS during 30 s of wrk (peak)"],
                 foot_rows, [f"{args.trials} fresh starts each; the JVM runs "
                             + (f"`java {os.environ['BENCH_JAVA_OPTS']} -jar` (the README's command)" if os.environ.get("BENCH_JAVA_OPTS")
                                else "`java -jar` with the JDK's default heap settings")
                             + "; the native executable with its built-in heap defaults (README, Memory).",
                             f"RSS during wrk: a fresh guard, `wrk -t2 -c{args.wrk_connections} -d30s` on `/q/health/ready`, "
                             "RSS sampled every 0.2 s.",
                             "Anonymous: `RssAnon` (heap, stacks, native allocations: what the heap bound limits); the "
                             "rest of RSS is clean pages of the executable file (README, Memory)."] + notes)


def bench_cost(args, runtimes, base, report):
    pg = STEADY.server(base)
    minute = args.minute
    cost_rows, rtt_notes = [], []
    for runtime, artifact in runtimes:
        m = STEADY.minute(args, runtime, artifact, base)
        r = m["rtt"]
        if r["n"]:
            rtt_notes.append(f"{runtime}: {r['n']} probes on the kept session, round trip median {r['median']:.2f} ms, "
                             f"p99 {r['p99']:.2f} ms, max {r['max']:.2f} ms (the guard's own `/guard/history`).")
        cost_rows.append([f"guard ({runtime})", f"{m['backends'] * 60.0 / minute:.1f}",
                          f"{m['sessions'] * 60.0 / minute:.1f}", m["held"], f"{m['statements'] * 60.0 / minute:.1f}"])
    # the baselines: a pg_isready loop at the guard's former interval (2 s) and at its interval (0.5 s), alone
    window = min(minute, 30)
    for pause in ("2", "0.5"):
        w0 = time.time()
        loop = subprocess.Popen(["bash", "-c", f"while :; do pg_isready -q -h '{pg.sockdir}' -U guard -d guard; "
                                               f"sleep {pause}; done"])
        time.sleep(window)
        w1 = time.time()
        loop.terminate()
        loop.wait()
        time.sleep(0.5)
        backends, sessions = pg.backends_between(w0, w1), pg.sessions_between(w0, w1)
        cost_rows.append([f"`pg_isready` every {pause} s", f"{backends * 60.0 / window:.1f}",
                          f"{sessions * 60.0 / window:.1f}", 0, f"{pg.statements_between(w0, w1) * 60.0 / window:.1f}"])
        log(f"cost pg_isready loop every {pause} s: {backends} backends, {sessions} sessions in {window} s")
    report.table("5. Database cost in steady state (per minute)",
                 ["prober", "backends forked / min", "authenticated sessions / min", "backends held",
                  "statements / min"],
                 cost_rows, [f"Measured over {minute} s for each guard and {min(minute, 30)} s for each loop, one after "
                             "the other against the same server: backends forked (`connection received`) and "
                             "authenticated sessions (`connection authorized`) from `log_connections`, statements "
                             "from `log_statement = all` for the guard's role (one simple-query message of the probe "
                             "query and the server reading is one statement line), held from `pg_stat_activity`.",
                             "While its kept session is healthy, a probe is one round trip on it; a walk of a new "
                             "connection (an unauthenticated backend that stops at the authentication request, like "
                             "pg_isready) every 30 s proves new connections still open."] + rtt_notes)


# ---------------------------------------------------------------- 6. fleet

def bench_fleet(args, runtimes, base, report):
    """N guards against one server: steady-state cost, then two shared outages (a hang, and an
    immediate restart that breaks every held session) and how spread out the recoveries are,
    with the randomised OPEN wait and with a fixed one."""
    runtime, artifact = runtimes[-1]  # the native executable where built: the lightest process
    n = args.fleet if args.fleet else (50 if runtime == "native" else 10)
    pg = new_pg(base, "fleet", n * 3 + 20)
    pg.start()
    steady, rows = [], []

    def hang():
        os.kill(pg.pid(), signal.SIGSTOP)

    def resume_hang():
        os.kill(pg.pid(), signal.SIGCONT)

    def crash():
        pg.stop("immediate", check=True)

    outages = (("hang: SIGSTOP of the postmaster … SIGCONT", hang, resume_hang),
               ("restart: `pg_ctl stop -m immediate` … `start`", crash, pg.start))
    try:
        for spread in ("0.5", "0"):
            label = f"± {float(spread) * 100:.0f} %" + (" (default)" if spread == "0.5" else " (fixed 5 s)")
            guards = [Guard(runtime, artifact, pg, base, args.port + 10 + i, name=f"fleet{spread}",
                            env={"GUARD_CIRCUIT_OPEN_WAIT_SPREAD": spread}) for i in range(n)]
            try:
                for g in guards:
                    g.start()
                wait_for(lambda: all(state_file_ready(g.state_file) is True for g in guards), 180, "the fleet ready")
                time.sleep(3)
                w0 = time.time()
                time.sleep(args.fleet_window)
                w1 = time.time()
                held = pg.held()
                time.sleep(0.5)
                backends, sessions = pg.backends_between(w0, w1), pg.sessions_between(w0, w1)
                steady.append([label, n, held, f"{backends * 60.0 / args.fleet_window:.0f}",
                               f"{sessions * 60.0 / args.fleet_window:.1f}"])
                for kind, fail, resume in outages:
                    t_fail = mono()
                    fail()
                    wait_for(lambda: all(state_file_ready(g.state_file) is False for g in guards), 60,
                             "every circuit open")
                    all_open = mono() - t_fail
                    time.sleep(args.fleet_outage)
                    w_resume = time.time()
                    resume()
                    t0 = mono()
                    back = [None] * n
                    deadline = t0 + 60
                    while mono() < deadline and any(b is None for b in back):
                        for i, g in enumerate(guards):
                            if back[i] is None and state_file_ready(g.state_file) is True:
                                back[i] = mono() - t0
                        time.sleep(POLL)
                    time.sleep(0.5)
                    logins = pg.session_times(w_resume, w_resume + 60)
                    peak = max((sum(1 for t in logins if s <= t < s + 1.0) for s in logins), default=0)
                    got = [b for b in back if b is not None]
                    rows.append([label, kind, f"{all_open:.1f} s",
                                 f"{min(got):.2f} / {statistics.median(got):.2f} / {max(got):.2f} s" if got else "n/a",
                                 f"{statistics.pstdev(got):.2f} s" if got else "n/a", f"{len(logins)} / {peak}",
                                 f"{n - len(got)}"])
                    log(f"fleet spread {spread}, {kind.split(':')[0]}: every circuit open after {all_open:.1f} s, "
                        f"recovery {rows[-1][3]} stdev {rows[-1][4]}, logins {len(logins)}, at most {peak} in 1 s")
                    time.sleep(3)
            finally:
                for g in guards:
                    g.stop()
    finally:
        pg.stop()
    report.table(f"6. Fleet: {n} guards ({runtime} processes) against one PostgreSQL — steady state",
                 ["OPEN wait spread", "guards", "sessions held", "backends forked / min", "new sessions / min"], steady,
                 [f"Each guard is its own {runtime} process with its own port and state file. Measured over "
                  f"{args.fleet_window} s."])
    report.table("6. Fleet — a shared outage and the recoveries",
                 ["OPEN wait spread", "outage", "outage → every circuit open",
                  "resume → ready again: min / median / max", "stdev", "logins after resume: total / most in 1 s",
                  "never recovered"], rows,
                 [f"The outage lasts until every circuit is open, plus {args.fleet_outage} s. Recovery is read from "
                  "each guard's state file (polled every 5 ms).",
                  "The spread randomises each guard's OPEN wait (5 s ± spread) so a fleet does not return to a "
                  "recovering database in one wave. Logins: sessions the guards authenticated (SCRAM) after the "
                  "resume. After a hang the held sessions survive (the probes fail at the handshake stage, so no "
                  "query runs on them); after a restart every guard must log in again."])


# ---------------------------------------------------------------- main

def new_pg(base, name, max_connections):
    d = os.path.join(base, name)
    os.makedirs(d)
    os.chmod(d, 0o755)
    pg = Pg(d, max_connections)
    pg.init()
    return pg


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB"


STEPS = {"detection": bench_detection, "outage": bench_outage, "scrape": bench_scrape,
         "footprint": bench_footprint, "cost": bench_cost, "fleet": bench_fleet}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", required=True)
    p.add_argument("--native", help="the native executable, if built")
    p.add_argument("--trials", type=int, default=5)
    p.add_argument("--trials-wrk", type=int, default=3)
    p.add_argument("--wrk-seconds", type=int, default=5)
    p.add_argument("--wrk-connections", type=int, default=16)
    p.add_argument("--minute", type=int, default=60, help="steady-state window for footprint and database cost")
    p.add_argument("--fleet", type=int, default=0, help="fleet size (default 50 native processes, 10 JVMs)")
    p.add_argument("--fleet-window", type=int, default=60)
    p.add_argument("--fleet-outage", type=int, default=8)
    p.add_argument("--port", type=int, default=18090)
    p.add_argument("--only", default="detection,outage,scrape,footprint,cost,fleet",
                   help="comma-separated steps, in order (default: all): %(default)s")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "latest.md"))
    args = p.parse_args()
    unknown = [n for n in args.only.split(",") if n not in STEPS]
    if unknown:
        p.error(f"--only: unknown step(s) {', '.join(unknown)}; the steps are {', '.join(STEPS)}")
    args.jar = os.path.abspath(args.jar)
    args.native = os.path.abspath(args.native) if args.native else None

    runtimes = [("jvm", args.jar)] + ([("native", args.native)] if args.native else [])
    base = tempfile.mkdtemp(prefix="guard-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(base, 0o755)
    report = Report()
    began = time.time()
    try:
        for name in args.only.split(","):
            log(f"--- {name}")
            STEPS[name](args, runtimes, base, report)
    finally:
        STEADY.close()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(base, ignore_errors=True)
        else:
            log(f"kept {base}")
    pgv = subprocess.run([f"{pg_bin()}/postgres", "--version"], stdout=subprocess.PIPE).stdout.decode().split()[2]
    javav = subprocess.run(["java", "-version"], stderr=subprocess.PIPE).stderr.decode().splitlines()[0]
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "kernel": platform.release(), "PostgreSQL": pgv, "JVM": javav,
            "guard": ", ".join(f"{r} ({os.path.relpath(a, ROOT)})" for r, a in runtimes),
            "trials": args.trials, "run took": f"{(time.time() - began) / 60:.1f} min"}
    md = report.markdown(meta)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(md + "\n")
    print(md)
    log(f"written to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
