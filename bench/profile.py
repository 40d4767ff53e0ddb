#!/usr/bin/python3
"""Where swaddle's and bwrap's time goes: system calls per operation and at start-up.

    bench/profile [--n N] [--out FILE] [BUILDDIR]

Run as root (perf needs it; every sandbox still runs as uid 65534).  Same
binaries copies, source trees and --args files as bench/run.  Prints, and
writes to bench/profile.txt:

  1. strace -c -f: system calls of the minimal sandbox (`--ro-bind / / true`),
     and per operation: (calls at N - calls at 0) / N for --ro-bind,
     --bind-data, --symlink, --dir (prefix --ro-bind / / --tmpfs /tmp, all
     through --args 3).  Counts, not times: strace's own overhead would
     swamp the times.
  2. perf trace -s: time inside each kind of system call, minimal case and
     N --ro-bind (a software tracer, much lighter than strace; includes
     setpriv's few calls before the exec).
  3. perf stat -r: task-clock, page faults, context switches of the minimal
     case, swaddle, bwrap, `unshare -r true`, `true` (software events: this
     VM exposes no hardware counters).
  4. valgrind --tool=callgrind: user-space instructions (Ir), when valgrind
     can run the tool at all.
"""
import argparse
import collections
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

WAITING = {"poll", "ppoll", "wait4", "waitid", "rt_sigtimedwait", "epoll_wait", "epoll_pwait",
           "pselect6", "select", "rt_sigsuspend"}
SETPRIV = ["setpriv", f"--reuid={bench.UNPRIV_ID}", f"--regid={bench.UNPRIV_ID}", "--clear-groups", "--"]


def parse_strace_c(path):
    """{syscall: (calls, errors)} from an `strace -c` summary."""
    out = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) in (5, 6) and re.match(r"^\d+\.\d+$", w[0]) and w[-1] != "total":
                calls = int(w[3])
                errors = int(w[4]) if len(w) == 6 else 0
                out[w[-1]] = (calls, errors)
    return out


def parse_perf_trace(text):
    """{syscall: [calls, errors, total_ms]} summed over all threads of a `perf trace -s`."""
    out = collections.defaultdict(lambda: [0, 0, 0.0])
    for line in text.splitlines():
        w = line.split()
        if len(w) == 8 and w[1].isdigit() and re.match(r"^\d+\.\d+$", w[3]):
            o = out[w[0]]
            o[0] += int(w[1])
            o[1] += int(w[2])
            o[2] += float(w[3])
    return out


class Profile:
    def __init__(self, args):
        self.args = args
        ns = argparse.Namespace(quick=False, runs=1, sizes=str(args.n), timeout=120.0,
                                builddir=args.builddir, keep=False, out=None, commit=args.commit)
        self.b = bench.Bench(ns)
        self.lines = []

    def p(self, s=""):
        print(s, flush=True)
        self.lines.append(s)

    def setup(self):
        self.b.setup()
        self.dir = self.b.mkdir("prof", owned=True)
        os.chmod(self.dir, 0o777)

    def sandbox(self, argv, fds=(), wrap=(), as_root_wrap=()):
        """Runs as_root_wrap + setpriv + wrap + argv with fds placed; returns the CompletedProcess."""
        opened = []
        try:
            for num, path in fds:
                fd = os.open(path, os.O_RDONLY)
                if fd != num:
                    os.dup2(fd, num, inheritable=True)
                    os.close(fd)
                else:
                    os.set_inheritable(fd, True)
                opened.append(num)
            cmd = list(as_root_wrap) + SETPRIV + list(wrap) + argv
            return subprocess.run(cmd, capture_output=True, text=True, env=bench.ENV,
                                  cwd=self.b.work, pass_fds=opened)
        finally:
            for num in opened:
                os.close(num)

    def tools(self):
        return (("swaddle", self.b.swaddle), ("bwrap", self.b.bwrap))

    # 1. strace -c
    def strace_counts(self, name, argv, fds=()):
        out = os.path.join(self.dir, name + ".strace")
        r = self.sandbox(argv, fds, wrap=["strace", "-f", "-c", "-o", out])
        if r.returncode != 0:
            self.p(f"  {name}: exit {r.returncode}: {r.stderr.strip()[-200:]}")
        return parse_strace_c(out)

    def strace_section(self):
        n = self.args.n
        self.p("== 1. strace -c -f: system calls ==")
        self.p("Minimal `TOOL --ro-bind / / true` (counts include the payload `true`, the same for both):")
        mins = {}
        for tool, path in self.tools():
            mins[tool] = self.strace_counts(f"min-{tool}", [path, "--ro-bind", "/", "/", "true"])
        t = self.strace_counts("min-true", ["/usr/bin/true"])
        names = sorted(set(mins["swaddle"]) | set(mins["bwrap"]),
                       key=lambda s: -(mins["swaddle"].get(s, (0, 0))[0] + mins["bwrap"].get(s, (0, 0))[0]))
        tot = {k: sum(c for c, _ in v.values()) for k, v in mins.items()}
        self.p(f"  total: swaddle {tot['swaddle']}, bwrap {tot['bwrap']}, bare `true` {sum(c for c, _ in t.values())}")
        self.p(f"  {'syscall':<18}{'swaddle':>8}{'bwrap':>8}{'true':>6}   (errors)")
        for s in names:
            sw, bw, tr = mins["swaddle"].get(s, (0, 0)), mins["bwrap"].get(s, (0, 0)), t.get(s, (0, 0))
            err = f"   ({sw[1]}/{bw[1]})" if sw[1] or bw[1] else ""
            self.p(f"  {s:<18}{sw[0]:>8}{bw[0]:>8}{tr[0]:>6}{err}")
        self.p("")
        self.p(f"Per operation: (calls with N={n} - calls with N=0) / N, prefix --ro-bind / / --tmpfs /tmp:")
        for op in bench.OPS:
            fds0 = self.b.op_args(op, 0)
            fdsn = self.b.op_args(op, n)
            per = {}
            for tool, path in self.tools():
                c0 = self.strace_counts(f"{op}-0-{tool}", [path, "--args", "3", "true"], fds0)
                cn = self.strace_counts(f"{op}-{n}-{tool}", [path, "--args", "3", "true"], fdsn)
                per[tool] = {s: (cn.get(s, (0, 0))[0] - c0.get(s, (0, 0))[0]) / n
                             for s in set(c0) | set(cn)}
                per[tool + "_err"] = {s: (cn.get(s, (0, 0))[1] - c0.get(s, (0, 0))[1]) / n
                                      for s in set(c0) | set(cn)}
            for tool, _ in self.tools():
                items = sorted(((s, v) for s, v in per[tool].items() if abs(v) >= 0.05), key=lambda x: -x[1])
                total = sum(v for _, v in items)
                errs = sum(v for v in per[tool + "_err"].values() if v > 0)
                self.p(f"  --{op:<10}{tool:<8} {total:7.2f} calls/op ({errs:.2f} failing): "
                       + ", ".join(f"{s} {v:.2f}" if abs(v - round(v)) > 0.04 else f"{s} {round(v)}"
                                   for s, v in items))
        self.p("")

    # 2. perf trace -s
    def perf_trace_section(self):
        if not shutil.which("perf"):
            self.p("== 2. perf trace: perf not installed ==\n")
            return
        n = self.args.n
        self.p(f"== 2. perf trace -s: ms inside each system call, median of {self.args.trace_runs} runs (top 12,"
               " (calls); includes setpriv; calls that only wait for a child are listed apart) ==")
        for case, argv_fn, fds in (
                ("minimal", lambda p: [p, "--ro-bind", "/", "/", "true"], ()),
                (f"--ro-bind N={n}", lambda p: [p, "--args", "3", "true"], self.b.op_args("ro-bind", n))):
            for tool, path in self.tools():
                runs = []
                for _ in range(self.args.trace_runs):
                    r = self.sandbox(argv_fn(path), fds, as_root_wrap=["perf", "trace", "-s", "--"])
                    st = parse_perf_trace(r.stderr)
                    if r.returncode != 0 or not st:
                        self.p(f"  {case} {tool}: perf trace failed ({r.returncode}): {r.stderr.strip()[-200:]}")
                        break
                    runs.append(st)
                if not runs:
                    continue
                # Per syscall: median over the runs of its total time and calls.
                names = set().union(*runs)
                st = {s: [statistics.median(r.get(s, [0, 0, 0.0])[0] for r in runs), 0,
                          statistics.median(r.get(s, [0, 0, 0.0])[2] for r in runs)] for s in names}
                waits = {s: v for s, v in st.items() if s in WAITING}
                work = {s: v for s, v in st.items() if s not in WAITING}
                total = sum(v[2] for v in work.values())
                calls = sum(v[0] for v in work.values())
                top = sorted(work.items(), key=lambda kv: -kv[1][2])[:12]
                self.p(f"  {case:<17}{tool:<8} {calls:6.0f} calls, {total:8.2f} ms in syscalls: "
                       + ", ".join(f"{s} {v[2]:.2f} ({v[0]:.0f})" for s, v in top)
                       + (f"; waiting for a child: " + ", ".join(f"{s} {v[2]:.2f}" for s, v in waits.items())
                          if waits else ""))
        self.p("")

    # 3. perf stat
    def perf_stat_section(self):
        if not shutil.which("perf"):
            return
        self.p("== 3. perf stat -r 20, minimal case (software events; includes setpriv) ==")
        self.p(f"  {'command':<26}{'task-clock ms':>14}{'page-faults':>12}{'ctx-sw':>8}")
        for name, argv in (("swaddle --ro-bind / / true", [self.b.swaddle, "--ro-bind", "/", "/", "true"]),
                           ("bwrap --ro-bind / / true", [self.b.bwrap, "--ro-bind", "/", "/", "true"]),
                           ("unshare -r true", ["/usr/bin/unshare", "-r", "true"]),
                           ("true", ["/usr/bin/true"])):
            r = self.sandbox(argv, as_root_wrap=["perf", "stat", "-r", "20", "-x", ";",
                                                 "-e", "task-clock,page-faults,context-switches", "--"])
            vals = {}
            for line in r.stderr.splitlines():
                w = line.split(";")
                if len(w) > 3:
                    vals[w[2].split(":")[0]] = w[0]
            self.p(f"  {name:<26}{float(vals.get('task-clock', 'nan')):>14.2f}"
                   f"{float(vals.get('page-faults', 'nan')):>12.0f}{float(vals.get('context-switches', 'nan')):>8.0f}")
        self.p("")

    # 4. callgrind
    def callgrind_section(self):
        if not shutil.which("valgrind"):
            self.p("== 4. callgrind: valgrind not installed ==\n")
            return
        n = self.args.n
        self.p("== 4. valgrind --tool=callgrind: user-space instructions of the tool (payload not traced) ==")
        for case, argv_fn, fds in (
                ("minimal", lambda p: [p, "--ro-bind", "/", "/", "--bind", self.dir, self.dir, "true"], ()),
                (f"--ro-bind N={n}", lambda p: [p, "--args", "3", "--bind", self.dir, self.dir, "true"],
                 self.b.op_args("ro-bind", n))):
            for tool, path in self.tools():
                out = os.path.join(self.dir, f"cg-{tool}-{case.split()[0].strip('-')}.%p")
                r = self.sandbox(argv_fn(path), fds, wrap=["valgrind", "--tool=callgrind",
                                                           f"--callgrind-out-file={out}"])
                m = re.findall(r"Collected : (\d+)", r.stderr)
                unhandled = sorted(set(re.findall(r"unhandled amd64-linux syscall: (\d+)", r.stderr)))
                if r.returncode == 0 and m:
                    self.p(f"  {case:<17}{tool:<8} {int(m[0]):>12,} Ir  (main process)")
                else:
                    last = [l for l in r.stderr.splitlines() if not l.startswith(("==", "--"))][-1:]
                    self.p(f"  {case:<17}{tool:<8} did not run under valgrind: exit {r.returncode}"
                           + (f"; syscalls valgrind does not know: {', '.join(unhandled)}" if unhandled else "")
                           + (f"; {last[0]}" if last else ""))
        self.p("")


def main():
    ap = argparse.ArgumentParser(description="syscall-level profile of swaddle vs bwrap")
    ap.add_argument("builddir", nargs="?", default=os.path.join(bench.REPO, "build"))
    ap.add_argument("--n", type=int, default=1000, help="operations for the per-op counts (default 1000)")
    ap.add_argument("--out", default=os.path.join(bench.BENCH, "profile.txt"))
    ap.add_argument("--commit", help="as for bench/run")
    ap.add_argument("--trace-runs", type=int, default=5, help="perf trace runs per case (default 5)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/profile: run as root (perf); the sandboxes run as uid 65534")
    pr = Profile(args)
    pr.setup()
    try:
        m = pr.b.results["meta"]
        pr.p(f"swaddle {m['swaddle_commit']}{' (modified tree)' if m['swaddle_tree_modified'] else ''} "
             f"{m['swaddle_buildtype']} vs {m['bwrap_version']}; kernel {m['kernel']}; "
             f"load {os.getloadavg()[0]:.2f}; {m['date']}")
        pr.p("")
        pr.strace_section()
        pr.perf_trace_section()
        pr.perf_stat_section()
        pr.callgrind_section()
        with open(args.out, "w") as f:
            f.write("\n".join(pr.lines) + "\n")
        print(f"wrote {args.out}")
    finally:
        shutil.rmtree(pr.b.work, ignore_errors=True)


if __name__ == "__main__":
    main()
