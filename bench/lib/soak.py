#!/usr/bin/env python3
"""cloudsql-guard soak: does memory, or anything else, grow over time under the worst steady load a
guard sees: a database that keeps flapping and probes that fail as fast as the settings allow?

One PostgreSQL server (bench.py's, on a Cloud SQL shaped socket) and, at the same time, one guard per
runtime (the jar, run as the README says, and the native executable, with its built-in heap
defaults), each with two targets:
  - db:      the server, with a user (the query stage's kept session), probed every 100 ms;
             failed probes are rechecked every 10 ms and the OPEN wait is 500 ms;
  - refused: an optional TCP target on a port where nothing listens: it never starts, so it is
             probed at the startup pace, every 10 ms (about 90 failed probes a second).
Every minute the server is stopped and started again (20 s after the minute begins, for 10 s;
`pg_ctl stop -m fast` and `-m immediate` in turns) and hung (SIGSTOP at 45 s, SIGCONT at 55 s).

Sampled every 5 s per guard: RSS, open files, threads; at the end of each minute's two up phases, the
server's client backends of the guard's role. Reported per minute, with the verdict the issue asks
for: RSS in the last minute within 10 % of the second minute, open files, threads and backends flat.
The guards' heaps after each full collection come from their GC logs (native -XX:+PrintGC, JVM
-Xlog:gc), and for the JVM a class histogram (jcmd GC.class_histogram) after the second and the last
minute: a leak shows as a live heap that keeps growing, a heap growing to its bound does not.
Standard library only; writes bench/results/soak.md.
"""
import argparse
import datetime
import os
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the project's PostgreSQL, guard and HTTP helpers)

SAMPLE = 5.0  # seconds between samples


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(path):
    try:
        return len(os.listdir(path))
    except OSError:
        return None


class Soaked:
    """One guard under soak, and what is sampled of it."""

    def __init__(self, runtime, artifact, pg, base, port, jvm_options):
        refused = free_port()  # closed again at once: nothing listens there
        env = {
            "GUARD_TARGETS_DB_INSTANCE": bench.INSTANCE, "GUARD_TARGETS_DB_SOCKET_DIR": pg.socket_root,
            "GUARD_TARGETS_DB_USER": "guard", "GUARD_TARGETS_DB_DATABASE": "guard",
            "GUARD_TARGETS_REFUSED_HOST": "127.0.0.1", "GUARD_TARGETS_REFUSED_PORT": str(refused),
            "GUARD_TARGETS_REFUSED_REQUIRED": "false",
            "GUARD_PROBE_INTERVAL": "100ms", "GUARD_PROBE_STARTUP_INTERVAL": "10ms",
            "GUARD_CIRCUIT_RECHECK_INTERVAL": "10ms", "GUARD_CIRCUIT_OPEN_WAIT": "500ms",
            "QUARKUS_LOG_CONSOLE_JSON_ENABLED": "false",
        }
        self.g = bench.Guard(runtime, artifact, pg, base, port, name="soak", env=env)
        # two named targets instead of bench.Guard's one
        pwfile = self.g.env.pop("GUARD_TARGET_PASSWORD_FILE")
        self.g.env["GUARD_TARGETS_DB_PASSWORD_FILE"] = pwfile
        for key in [k for k in self.g.env if k.startswith("GUARD_TARGET_")]:
            del self.g.env[key]
        if runtime == "native":
            self.g.cmd = [artifact, "-XX:+PrintGC"]
        else:
            self.g.cmd = ["java"] + jvm_options + ["-Xlog:gc:stdout", "-jar", artifact]
        self.runtime = runtime
        self.samples = []  # (seconds since start, rss MB, files, threads)
        self.histograms = {}

    def start(self):
        self.g.start()
        return self

    def sample(self, t):
        pid = self.g.proc.pid
        if self.g.proc.poll() is not None:
            raise RuntimeError(f"the {self.runtime} guard exited with {self.g.proc.returncode}; log {self.g.logfile}")
        self.samples.append((t, self.g.rss_mb(), count(f"/proc/{pid}/fd"), count(f"/proc/{pid}/task")))

    def probes(self):
        """guard_probes_total per target."""
        per = {}
        try:
            for line in bench.http_body(self.g.port, "/q/metrics").splitlines():
                m = re.match(r'guard_probes_total\{.*target="([^"]+)".*\} ([0-9.e+]+)', line)
                if m:
                    per[m.group(1)] = per.get(m.group(1), 0.0) + float(m.group(2))
        except OSError:
            pass
        return per

    def histogram(self, label):
        if self.runtime != "jvm":
            return
        out = subprocess.run(["jcmd", str(self.g.proc.pid), "GC.class_histogram"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout.decode(errors="replace")
        rows = {}
        total = None
        for line in out.splitlines():
            m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
            if m:
                rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
            m = re.match(r"Total\s+(\d+)\s+(\d+)", line)
            if m:
                total = (int(m.group(1)), int(m.group(2)))
        self.histograms[label] = (total, rows)

    def log_lines(self, t0):
        """The guard's own log lines (not the GC log) per minute of the soak (from wall-clock t0), and the loud ones."""
        per_minute, errors, ooms = {}, 0, 0
        with open(self.g.logfile, errors="replace") as f:
            for line in f:
                m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.\d{3} (\w+)", line)
                if "OutOfMemory" in line:
                    ooms += 1
                if not m:
                    continue
                ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
                minute = int((ts - t0) // 60) + 1
                per_minute[minute] = per_minute.get(minute, 0) + 1
                if m.group(2) == "ERROR":
                    errors += 1
        return per_minute, errors, ooms

    def heap_after_full_gc(self):
        """(seconds into the log, heap MB after a full collection) from the GC log."""
        out = []
        with open(self.g.logfile, errors="replace") as f:
            for line in f:
                m = re.match(r"\[(\d+\.\d+)s\].*Pause Full.*?(\d+(?:\.\d+)?)M->(\d+(?:\.\d+)?)M", line)
                if m:
                    out.append((float(m.group(1)), float(m.group(3))))
        return out


def flap(pg, stop_event, t0, minutes, events):
    """Each minute: up 0-20 s, stopped 20-30 s (fast and immediate in turns), up, hung 45-55 s."""
    for minute in range(minutes):
        base = t0 + 60 * minute
        for at, action in ((20, "stop"), (30, "start"), (45, "hang"), (55, "resume")):
            delay = base + at - time.monotonic()
            if delay > 0 and stop_event.wait(delay):
                return
            pid = pg.pid()
            if action == "stop":
                pg.stop("immediate" if minute % 2 else "fast", check=True)
            elif action == "start":
                pg.start()
            elif action == "hang" and pid:
                os.kill(pid, signal.SIGSTOP)
            elif action == "resume" and pid:
                os.kill(pid, signal.SIGCONT)
            events.append((time.monotonic() - t0, action))


def backends(pg):
    try:
        return int(pg.sql("select count(*) from pg_stat_activity where usename = 'guard'"))
    except subprocess.CalledProcessError:
        return None


def pct(a, b):
    return 100.0 * (a - b) / b if b else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar")
    p.add_argument("--native")
    p.add_argument("--minutes", type=int, default=10)
    p.add_argument("--jvm-options", default=os.environ.get("GUARD_JVM_OPTIONS", "-Xmx64m -XX:+UseSerialGC"),
                   help="how the jar is run (the README's options; default: %(default)s)")
    p.add_argument("--out", default=os.path.join(bench.ROOT, "bench", "results", "soak.md"))
    args = p.parse_args()
    runtimes = [(r, os.path.abspath(a)) for r, a in (("jvm", args.jar), ("native", args.native)) if a]
    if not runtimes:
        p.error("give --jar and/or --native")
    base = tempfile.mkdtemp(prefix="guard-soak.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(base, 0o755)
    pg = bench.new_pg(base, "soak", 100)
    pg.start()
    soaked = [Soaked(r, a, pg, base, free_port(), args.jvm_options.split()) for r, a in runtimes]
    stop_event, events, server = threading.Event(), [], {}
    began = time.time()
    try:
        for s in soaked:
            s.start()
        for s in soaked:
            s.g.wait_code("/q/health/started", 200)
        t0 = time.monotonic()
        server["t0"] = time.time()
        flapper = threading.Thread(target=flap, args=(pg, stop_event, t0, args.minutes, events), daemon=True)
        flapper.start()
        probes_at = {0: {s.runtime: s.probes() for s in soaked}}
        next_sample = t0
        while True:
            t = time.monotonic() - t0
            if t >= args.minutes * 60:
                break
            for s in soaked:
                s.sample(t)
            minute = int(t // 60) + 1
            in_minute = t - 60 * (minute - 1)
            # both up phases end at 18 s and 43 s; the server answers then
            for mark in (15, 40):
                if mark <= in_minute < mark + SAMPLE and (minute, mark) not in server:
                    server[(minute, mark)] = backends(pg)
            if in_minute >= 60 - SAMPLE and minute not in probes_at:
                probes_at[minute] = {s.runtime: s.probes() for s in soaked}
                if minute in (2, args.minutes):
                    for s in soaked:
                        s.histogram(f"minute {minute}")
            bench.log(" | ".join(f"{s.runtime} {s.samples[-1][1]:.0f} MB {s.samples[-1][2]} files "
                                 f"{s.samples[-1][3]} threads" for s in soaked) + f" | t={t:.0f}s")
            next_sample += SAMPLE
            time.sleep(max(0.0, next_sample - time.monotonic()))
        stop_event.set()
        flapper.join(30)
    finally:
        stop_event.set()
        for s in soaked:
            s.g.stop()
        pg.stop()
    md = report(args, soaked, events, server, probes_at, began)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(md + "\n")
    print(md)
    bench.log(f"written to {os.path.relpath(args.out, bench.ROOT)}")
    if os.environ.get("BENCH_KEEP") == "1":
        bench.log(f"kept {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)


def report(args, soaked, events, server, probes_at, began):
    minutes = args.minutes
    out = [f"# cloudsql-guard soak — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}", "",
           f"machine: {bench.machine()} · {minutes} minutes · run took {(time.time() - began) / 60:.1f} min · "
           + ", ".join(f"{s.runtime}: `{' '.join(os.path.relpath(c, bench.ROOT) if os.path.isabs(c) else c for c in s.g.cmd)}`"
                       for s in soaked), "",
           "Each minute the database is stopped at 20 s and started at 30 s (`pg_ctl stop -m fast`, then `-m immediate`, "
           "in turns), and hung (SIGSTOP) from 45 s to 55 s. Each guard probes it every 100 ms (rechecks every 10 ms, "
           "OPEN wait 500 ms) and, at the same time, a refused port every 10 ms (a target that never starts). "
           "RSS, open files and threads sampled every 5 s; backends of the guard's role counted at 15 s and 40 s. "
           "The JVM's class histograms (jcmd) are taken at the end of minute 2 and of the last minute: the first "
           "attach adds to the JVM's RSS from minute 3 on, which can only make growth look larger.", ""]
    verdicts = []
    for s in soaked:
        per_minute_logs, errors, ooms = s.log_lines(server["t0"])
        rows = []
        rss_by_minute = {}
        for m in range(1, minutes + 1):
            window = [x for x in s.samples if 60 * (m - 1) <= x[0] < 60 * m]
            if not window:
                continue
            rss = [x[1] for x in window]
            files = [x[2] for x in window]
            threads = [x[3] for x in window]
            rss_by_minute[m] = statistics.median(rss)
            probes = {}
            if m in probes_at and (m - 1) in probes_at:
                now, before = probes_at[m][s.runtime], probes_at[m - 1][s.runtime]
                probes = {k: now.get(k, 0) - before.get(k, 0) for k in now}
            rows.append([m, f"{statistics.median(rss):.0f} ({min(rss):.0f}–{max(rss):.0f})", f"{min(files)}–{max(files)}", f"{min(threads)}–{max(threads)}",
                         " / ".join(str(server.get((m, mark), "–")) for mark in (15, 40)),
                         " / ".join(f"{probes.get(t, 0):.0f}" for t in ("db", "refused")) if probes else "–",
                         per_minute_logs.get(m, 0)])
        out += [f"## {s.runtime}", "",
                "| minute | RSS MB, median (min–max) | open files | threads | backends of the guard's role (15 s / 40 s) "
                "| probes: db / refused | log lines |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        second, last = rss_by_minute.get(2), rss_by_minute.get(minutes)
        steady = [x for x in s.samples if x[0] >= 60]
        files = sorted({x[2] for x in steady})
        threads = sorted({x[3] for x in steady})
        held = sorted({v for k, v in server.items() if k != "t0" and v is not None and k[0] >= 2})
        gc = s.heap_after_full_gc()
        gc_note = ""
        if gc:
            early = [h for t, h in gc if 60 <= t < 180] or [gc[0][1]]
            late = [h for t, h in gc if t >= (minutes - 2) * 60] or [gc[-1][1]]
            gc_note = (f"heap after a full collection: {min(early):.1f}–{max(early):.1f} MB in minutes 2–3, "
                       f"{min(late):.1f}–{max(late):.1f} MB in the last two minutes ({len(gc)} full collections)")
        verdict = (f"**{s.runtime}**: RSS (median of the minute's samples) minute 2 {second:.0f} MB, minute {minutes} {last:.0f} MB: "
                   f"{pct(last, second):+.1f} % ({'within' if abs(pct(last, second)) <= 10 else 'NOT within'} 10 %); "
                   f"open files {files[0]}–{files[-1]}, threads {threads[0]}–{threads[-1]} from minute 2 on; "
                   f"backends of the guard's role {held[0] if held else '–'}–{held[-1] if held else '–'}; "
                   f"{errors} ERROR lines, {ooms} OutOfMemoryError"
                   + (f"; {gc_note}" if gc_note else ""))
        verdicts.append(verdict)
        out += ["", "- " + verdict]
        if len(s.histograms) == 2:
            (t2, r2), (tn, rn) = s.histograms["minute 2"], s.histograms[f"minute {minutes}"]
            growth = sorted(((rn.get(k, (0, 0))[1] - r2.get(k, (0, 0))[1], k) for k in set(r2) | set(rn)), reverse=True)[:5]
            out.append(f"- JVM live heap (`jcmd GC.class_histogram`, after a full GC): {t2[1] / 1e6:.1f} MB in "
                       f"{t2[0]} objects after minute 2, {tn[1] / 1e6:.1f} MB in {tn[0]} objects after minute {minutes}; "
                       "largest growth: " + ", ".join(f"{k} {d / 1e3:+.0f} kB" for d, k in growth))
        out.append("")
    out += ["## Verdict", ""] + [f"- {v}" for v in verdicts]
    return "\n".join(out)


if __name__ == "__main__":
    main()
