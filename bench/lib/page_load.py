#!/usr/bin/env python3
"""The status page and /guard/history under wrk cost the database nothing: a measurement.

A real PostgreSQL (pg-cluster, log_connections on, log_statement = all for the guard's role), the
packaged guard with its default settings, then wrk on /guard/ (the page), /guard/status and /guard/history (what the page
loads first) and /guard/history?after=N (what it polls), one after the other. Over the same wall-clock
window it counts from the server's log the statements the guard's role ran and the backends forked
('connection received'), and the probes the guard ran and the walks of a new
connection among them, from the guard's own /guard/history read after the window (each probe's query
round trip is one statement, each walk forks one backend) and the logins of its kept session (a new
session is a backend too: under a CPU-starving load a round trip can pass guard.probe.session-timeout,
and the guard then walks and logs in again). Whatever is left over is a database round trip caused by
the requests. Uses bench/lib/bench.py's PostgreSQL and guard
launchers. Prints a Markdown summary; no pass/fail.

  python3 bench/lib/page_load.py --jar target/quarkus-app/quarkus-run.jar [--native target/*-runner]
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the launchers of the main benchmark)


def epoch(iso):
    """Seconds since the epoch of an ISO-8601 UTC instant with up to nanoseconds."""
    whole, _, frac = iso.rstrip("Z").partition(".")
    base = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.timezone.utc).timestamp()
    return base + (float("0." + frac) if frac else 0.0)


def expected(port, w0, w1):
    """What the guard's own probes did on the server in [w0, w1], from its history (each probe's finish time
    and stage latencies): statements (one per query stage, logged when it starts) and backends forked (one
    per walk of a new connection, at the start of its connect stage)."""
    statements = backends = probes = 0
    bad = {}
    for target in json.loads(bench.http_body(port, "/guard/history"))["targets"]:
        for p in target["probes"]:
            at, stages = epoch(p["at"]), p["stages_ms"]
            start = at - p["latency_ms"] / 1000.0
            probes += w0 <= start <= w1
            if w0 <= start <= w1 and p["outcome"] != "ok":
                key = f"{p['outcome']} {p['reason']}"
                bad[key] = bad.get(key, 0) + 1
            if "query" in stages and w0 <= at - stages["query"] / 1000.0 <= w1:
                statements += 1
            if "connect" in stages and w0 <= start + stages.get("socket", 0) / 1000.0 <= w1:
                backends += 1
    return probes, statements, backends, bad


def measure(runtime, artifact, base, port, seconds, connections):
    pg = bench.new_pg(base, f"pg-{runtime}", 100)
    pg.start()
    guard = bench.Guard(runtime, artifact, pg, base, port, name="page").start()
    try:
        guard.wait_live()
        guard.wait_code("/q/health/ready", 200)
        time.sleep(3)
        after = json.loads(bench.http_body(port, "/guard/history"))["sequence"]
        paths = ["/guard/", "/guard/status", "/guard/history", f"/guard/history?after={after}"]
        for path in paths:  # warm-up
            bench.wrk(f"http://127.0.0.1:{port}{path}", 2, connections)
        time.sleep(1)
        w0 = time.time()
        runs = {path: bench.wrk(f"http://127.0.0.1:{port}{path}", seconds, connections) for path in paths}
        w1 = time.time()
        time.sleep(2)  # the probes running at w1 finish; the server writes its log asynchronously
        statements, backends = pg.statements_between(w0, w1), pg.backends_between(w0, w1)
        sessions = pg.sessions_between(w0, w1)  # logins of the guard's kept session (each its own backend)
        probes, own_statements, walks, bad = expected(port, w0, w1)
        return {"runtime": runtime, "window": w1 - w0, "runs": runs, "probes": probes, "walks": walks, "bad": bad,
                "own_statements": own_statements, "statements": statements, "backends": backends,
                "sessions": sessions, "caused": (statements - own_statements) + (backends - walks - sessions)}
    finally:
        guard.stop()
        pg.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--native")
    p.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--port", type=int, default=18190)
    args = p.parse_args()
    if not shutil.which("wrk"):
        sys.exit("page_load: wrk is missing (bench/setup installs it)")
    runtimes = [("jvm", os.path.abspath(args.jar))] + ([("native", os.path.abspath(args.native))] if args.native else [])
    base = tempfile.mkdtemp(prefix="guard-page-bench-")
    os.chmod(base, 0o755)
    results = []
    try:
        for runtime, artifact in runtimes:
            results.append(measure(runtime, artifact, base, args.port, args.seconds, args.connections))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"`wrk -t2 -c{args.connections} -d{args.seconds}s` on each endpoint, one after the other\n")
    print("| guard | endpoint | requests | req/s | p50 | p99 | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        for path, w in r["runs"].items():
            print(f"| {r['runtime']} | `{path}` | {w['requests']} | {w['rps']:.0f} | {w['p50']:.2f} ms | "
                  f"{w['p99']:.2f} ms | {w['non2xx']} |")
    print()
    for r in results:
        served = sum(w["requests"] for w in r["runs"].values())
        bad = ", ".join(f"{n} {k}" for k, n in sorted(r["bad"].items())) or "none"
        print(f"- {r['runtime']}: {served} requests in {r['window']:.1f} s; meanwhile the guard ran {r['probes']} probes "
              f"({r['own_statements']} query round trips, {r['walks']} walks of a new connection, from its history; "
              f"not ok: {bad}), and the server logged {r['statements']} statements of the guard's role, "
              f"{r['backends']} backends forked and {r['sessions']} logins of the guard's session: **{r['caused']} "
              f"database round trips caused by the requests** (statements − the probes' round trips + backends − "
              f"walks − logins).")


if __name__ == "__main__":
    main()
