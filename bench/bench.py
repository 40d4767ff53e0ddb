#!/usr/bin/python3
"""swaddle vs bubblewrap: scaling, start-up and memory, in one interleaved run.

Run through bench/run (which installs the Debian packages first):

    bench/run [--quick] [BUILDDIR]

See bench/README.md for what every number means.  Outline:

  * Everything runs as an unprivileged user (uid/gid 65534 through setpriv
    when started as root), from copies of both binaries in a world-readable
    temporary directory, on source trees created there.
  * bench/harness.c (compiled at start) does the fork/exec/wait4 and the
    CLOCK_MONOTONIC timing; this script only decides what to run, in which
    order, and summarises.  Within every case the commands alternate run by
    run (swaddle, bwrap, swaddle, ...; the order flips every round), so a
    drift of the machine hits both.
  * Scaling cases pass all options through `--args 3` (a NUL-separated
    file) for every N, so that both tools parse the same way and ARG_MAX
    never matters.
"""
import argparse
import hashlib
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
UNPRIV_ID = 65534
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C"}
QUICK_OUT = "/tmp/swaddle-bench-quick"
OPS = ["ro-bind", "bind-data", "symlink", "dir"]
SLOW_RUN_S = 2.0          # above this, a case may get fewer than --runs runs
SLOW_CASE_BUDGET_S = 60.0  # ... about this much time per slow command and case
MIN_SLOW_RUNS = 5


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.runs = args.runs or (3 if self.quick else 21)
        self.startup_runs = args.runs or (3 if self.quick else 41)
        self.mem_runs = 1 if self.quick else 3
        if args.sizes:
            self.sizes = [int(s) for s in args.sizes.split(",")]
        else:
            # 2,000: the largest of these that bwrap 0.8 accepts for every op
            # (it refuses more than 9000 arguments).
            self.sizes = [10, 100] if self.quick else [100, 1000, 2000, 3000, 10000]
        self.timeout = args.timeout
        self.as_root = os.geteuid() == 0
        self.failures = []
        self.results = {"meta": {}, "scaling": [], "startup": [], "memory": [],
                        "crosscheck": None, "targets": []}

    # ---- setup ---------------------------------------------------------
    def setup(self):
        builddir = os.path.abspath(self.args.builddir)
        swaddle = os.path.join(builddir, "swaddle")
        bwrap = shutil.which("bwrap") or "/usr/bin/bwrap"
        for b in (swaddle, bwrap):
            if not os.access(b, os.X_OK):
                sys.exit(f"bench: {b} not found or not executable")
        self.work = tempfile.mkdtemp(prefix="swaddle-bench.", dir="/tmp")
        os.chmod(self.work, 0o755)
        self.bin = self.mkdir("bin")
        self.swaddle = os.path.join(self.bin, "swaddle")
        self.bwrap = os.path.join(self.bin, "bwrap")
        shutil.copyfile(swaddle, self.swaddle)
        shutil.copyfile(bwrap, self.bwrap)
        for b in (self.swaddle, self.bwrap):
            os.chmod(b, 0o755)
        self.harness = self.compile("harness")
        self.rawbind = self.compile("rawbind")
        nmax = max(self.sizes + [200])
        # Resources for file descriptors: the scaling --bind-data case keeps
        # one descriptor per option open, plus slack.
        want = nmax + 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < want:
            if not self.as_root:
                sys.exit(f"bench: RLIMIT_NOFILE hard limit {hard} < {want}; raise it (ulimit -Hn)")
            hard = want
        # Inherited through setpriv by the harness, which raises soft to hard.
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
        # Source trees: one empty directory per bind, one small file per
        # --bind-data.
        self.src = self.mkdir("src")
        self.data = self.mkdir("data")
        for i in range(nmax):
            os.mkdir(os.path.join(self.src, str(i)), 0o755)
            with open(os.path.join(self.data, str(i)), "w") as f:
                f.write(f"data {i}\n")
        self.plans = self.mkdir("plans")
        self.logfile = os.path.join(self.work, "stderr.log")
        open(self.logfile, "w").close()
        os.chmod(self.logfile, 0o666)
        self.opam_tmp = self.mkdir("opam-tmp", owned=True)
        self.opam_pwd = self.mkdir("opam-pwd", owned=True)
        self.collect_meta(swaddle, bwrap)
        try:
            with open(os.path.join(builddir, "meson-info", "intro-buildoptions.json")) as f:
                o = {x["name"]: x["value"] for x in json.load(f)}
            self.results["meta"]["swaddle_buildtype"] = f"{o['buildtype']} (-O{o['optimization']})"
        except (OSError, ValueError, KeyError):
            self.results["meta"]["swaddle_buildtype"] = "unknown"

    def mkdir(self, name, owned=False):
        path = os.path.join(self.work, name)
        os.mkdir(path, 0o755)
        os.chmod(path, 0o755)
        if owned and self.as_root:
            os.chown(path, UNPRIV_ID, UNPRIV_ID)
        return path

    def compile(self, name, libs=()):
        out = os.path.join(self.bin, name)
        subprocess.run(["gcc", "-O2", "-Wall", "-o", out, os.path.join(BENCH, name + ".c"), *libs],
                       check=True)
        os.chmod(out, 0o755)
        return out

    def collect_meta(self, swaddle_src, bwrap_src):
        def sh(cmd):
            try:
                return subprocess.run(cmd, capture_output=True, text=True, env=ENV).stdout.strip()
            except OSError:
                return ""
        cpu = ""
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        # The checkout the build directory belongs to (read-only git commands;
        # --no-optional-locks: status must not even refresh the index).
        src = os.path.dirname(os.path.dirname(os.path.abspath(swaddle_src)))
        commit = self.args.commit or sh(["git", "-C", src, "rev-parse", "--short", "HEAD"]) or "unknown"
        dirty = sh(["git", "--no-optional-locks", "-C", src, "status", "--porcelain",
                    "--untracked-files=no"]) if not self.args.commit and commit != "unknown" else ""
        with open(swaddle_src, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()[:16]
        self.results["meta"] = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "command": " ".join(["bench/run"] + sys.argv[1:]),
            "quick": self.quick,
            "kernel": platform.release(),
            "nproc": os.cpu_count(),
            "cpu": cpu,
            "loadavg_before": os.getloadavg(),
            "bwrap_version": sh([bwrap_src, "--version"]),
            "bwrap_path": bwrap_src,
            "swaddle_path": swaddle_src,
            "swaddle_sha256_16": sha,
            "swaddle_commit": commit,
            "swaddle_tree_modified": bool(dirty),
            "user": f"uid {UNPRIV_ID} via setpriv" if self.as_root else f"uid {os.getuid()}",
            "runs": self.runs,
            "startup_runs": self.startup_runs,
            "sizes": self.sizes,
            "timeout_s": self.timeout,
        }

    # ---- running the harness ---------------------------------------------
    def write_plan(self, name, cmds, sched, fds=(), timeout=None):
        path = os.path.join(self.plans, name)
        with open(path, "w") as f:
            f.write(f"timeout\t{timeout or self.timeout}\n")
            f.write(f"log\t{self.logfile}\n")
            for num, p in fds:
                f.write(f"fd\t{num}\t{p}\n")
            for c in cmds:
                f.write("cmd\t" + "\t".join(c) + "\n")
            f.write("sched\t" + " ".join(map(str, sched)) + "\n")
        os.chmod(path, 0o644)
        return path

    def harness_run(self, mode, plan):
        cmd = [self.harness, mode, plan]
        if self.as_root:
            cmd = ["setpriv", f"--reuid={UNPRIV_ID}", f"--regid={UNPRIV_ID}",
                   "--clear-groups", "--"] + cmd
        log_start = os.path.getsize(self.logfile)
        p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=self.work)
        if p.returncode != 0:
            sys.exit(f"bench: harness failed ({p.returncode}): {p.stderr}")
        with open(self.logfile, errors="replace") as f:
            f.seek(log_start)
            errors = f.read()
        return p.stdout, errors

    def time_runs(self, name, cmds, sched, fds=(), timeout=None):
        """Runs sched; returns per command index a list of (seconds, status, maxrss)."""
        out, errors = self.harness_run("time", self.write_plan(name, cmds, sched, fds, timeout))
        res = {i: [] for i in range(len(cmds))}
        for line in out.splitlines():
            f = line.split("\t")
            if f[0] == "R":
                res[int(f[2])].append((int(f[3]) / 1e9, f[4], int(f[5]), int(f[6]) / 1e6, int(f[7]) / 1e6))
        return res, errors

    # ---- schedules ---------------------------------------------------------
    @staticmethod
    def alternate(ncmds, rounds, repeat=None):
        """Round r runs every command (repeat[i] times); odd rounds reverse the order."""
        repeat = repeat or [1] * ncmds
        sched = []
        for r in range(rounds):
            order = list(range(ncmds))
            if r % 2:
                order.reverse()
            for i in order:
                sched += [i] * repeat[i]
        return sched

    # ---- scaling -----------------------------------------------------------
    def op_args(self, op, n):
        """The --args content and the extra descriptors of one scaling case."""
        a = ["--ro-bind", "/", "/", "--tmpfs", "/tmp"]
        fds = []
        for i in range(n):
            if op == "ro-bind":
                a += ["--ro-bind", f"{self.src}/{i}", f"/tmp/r{i}"]
            elif op == "bind-data":
                a += ["--bind-data", str(4 + i), f"/tmp/f{i}"]
                fds.append((4 + i, os.path.join(self.data, str(i))))
            elif op == "symlink":
                a += ["--symlink", f"/usr/share/t{i}", f"/tmp/l{i}"]
            elif op == "dir":
                a += ["--dir", f"/tmp/d{i}"]
        path = os.path.join(self.plans, f"args-{op}-{n}")
        with open(path, "wb") as f:
            f.write(b"".join(s.encode() + b"\0" for s in a))
        os.chmod(path, 0o644)
        return [(3, path)] + fds

    def scaling(self):
        skip_bwrap = {}
        for op in OPS:
            for n in self.sizes:
                fds = self.op_args(op, n)
                names = ["swaddle", "bwrap"]
                cmds = [[self.swaddle, "--args", "3", "true"],
                        [self.bwrap, "--args", "3", "true"]]
                if op == "ro-bind":
                    names.append("floor")
                    cmds.append([self.rawbind, str(n), self.src])
                entry = {"op": op, "n": n, "tools": {}}
                if n == self.sizes[0]:
                    entry["check"] = self.check(op, n, fds)
                active = list(range(len(cmds)))
                if op in skip_bwrap:
                    active.remove(1)
                    entry["tools"]["bwrap"] = {"skipped": skip_bwrap[op], "short": "-"}
                # Warm-up and probe: one run each, with the timeout.
                sub = [cmds[i] for i in active]
                res, errors = self.time_runs(f"warm-{op}-{n}", sub,
                                             self.alternate(len(sub), 1), fds)
                warm = {}
                keep = []
                for j, i in enumerate(active):
                    t, status = res[j][0][:2]
                    if status == "timeout" and names[i] == "bwrap":
                        why = f"one run exceeded {self.timeout:g} s at N={n}"
                        entry["tools"]["bwrap"] = {"skipped": why, "timed_out": True,
                                                   "short": f">{self.timeout:g} s"}
                        skip_bwrap[op] = f"not run: {why}"
                        log(f"  {op} N={n}: bwrap exceeded {self.timeout:g} s, skipped from here on")
                        continue
                    if (status == "exit:1" and names[i] == "bwrap"
                            and "Exceeded maximum number of arguments" in errors):
                        # bubblewrap's MAX_ARGS: it refuses this N outright.
                        why = "bwrap refuses more than 9000 arguments (its MAX_ARGS), --args included"
                        entry["tools"]["bwrap"] = {"skipped": why, "short": "refused"}
                        skip_bwrap[op] = f"not run: refused N={n}, {why}"
                        log(f"  {op} N={n}: bwrap refuses this many arguments, skipped from here on")
                        continue
                    if status != "exit:0":
                        self.fail(f"{names[i]} {op} N={n}: {status}: {self.last_error(errors)}")
                        entry["tools"][names[i]] = {"failed": status,
                                                    "stderr": self.last_error(errors)}
                        continue
                    warm[i] = t
                    keep.append(i)
                if not keep:
                    self.results["scaling"].append(entry)
                    continue
                slowest = max(warm[i] for i in keep)
                rounds = self.runs
                if slowest > SLOW_RUN_S:
                    rounds = min(self.runs, max(MIN_SLOW_RUNS, int(SLOW_CASE_BUDGET_S / slowest)))
                # Fast commands run several times per round so that they still
                # get at least --runs runs when the slow one gets fewer.
                repeat = [1 if warm[i] > SLOW_RUN_S else math.ceil(self.runs / rounds)
                          for i in keep]
                sub = [cmds[i] for i in keep]
                log(f"  {op} N={n}: {rounds} rounds "
                    + ", ".join(f"{names[i]}~{warm[i]:.3f}s" for i in keep))
                res, errors = self.time_runs(f"{op}-{n}", sub, self.alternate(len(sub), rounds, repeat),
                                             fds, timeout=max(self.timeout, 4 * slowest))
                for j, i in enumerate(keep):
                    entry["tools"][names[i]] = self.summarise(res[j], errors, f"{names[i]} {op} N={n}")
                self.results["scaling"].append(entry)

    def check(self, op, n, fds):
        """Untimed: the sandbox of each tool must show exactly n new entries in /tmp."""
        out = {}
        for tool, path in (("swaddle", self.swaddle), ("bwrap", self.bwrap)):
            res, errors = self.time_runs(
                f"check-{op}-{n}-{tool}",
                [[path, "--args", "3", "/bin/sh", "-c", "ls -A /tmp | wc -l >&2"]], [0], fds)
            status = res[0][0][1]
            lines = errors.strip().splitlines()
            count = lines[-1].strip() if lines else ""
            ok = status == "exit:0" and count == str(n)
            out[tool] = {"status": status, "entries": count, "ok": ok}
            if tool == "bwrap" and "Exceeded maximum number of arguments" in errors:
                out[tool] = {"status": status, "refused": "more than 9000 arguments", "ok": None}
                continue
            if not ok:
                self.fail(f"check {tool} {op} N={n}: {status}, {count[:20]!r} entries in /tmp "
                          f"(expected {n}): {self.last_error(errors)}")
        return out

    def summarise(self, runs, errors, label):
        ok = [r for r in runs if r[1] == "exit:0"]
        times = [r[0] for r in ok]
        bad = [r[1] for r in runs if r[1] != "exit:0"]
        med = lambda xs: statistics.median(xs) if xs else None
        d = {"runs": len(times), "median_s": med(times),
             "min_s": min(times) if times else None, "max_s": max(times) if times else None,
             "user_s_median": med([r[3] for r in ok]), "sys_s_median": med([r[4] for r in ok]),
             "maxrss_kb_median": med([r[2] for r in ok]), "times_s": times}
        if len(times) >= 4:
            q = statistics.quantiles(times, n=4)
            d["q1_s"], d["q3_s"] = q[0], q[2]
        if bad:
            d["failed_runs"] = bad
            self.fail(f"{label}: {len(bad)} failed runs ({bad[0]}): {self.last_error(errors)}")
        return d

    @staticmethod
    def last_error(errors):
        """The last distinct stderr line of a case, for failure messages."""
        lines = [l for l in errors.strip().splitlines() if l.strip()]
        return lines[-1][-300:] if lines else "(no stderr)"

    def fail(self, msg):
        log("bench: FAILURE: " + msg)
        self.failures.append(msg)

    # ---- start-up ----------------------------------------------------------
    def flatpak_args(self):
        """A flatpak-style argv of about 150 options, from what this machine has."""
        a = ["--unshare-pid", "--unshare-ipc", "--die-with-parent",
             "--dev", "/dev", "--proc", "/proc",
             "--ro-bind", "/usr", "/usr",
             "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
             "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
             "--dir", "/tmp", "--dir", "/var/tmp", "--symlink", "../run", "/var/run",
             "--dir", "/run/host", "--dir", f"/run/user/{UNPRIV_ID}",
             "--ro-bind", "/etc", "/run/host/etc"]
        for d in ("block", "bus", "class", "dev", "devices"):
            a += ["--ro-bind-try", f"/sys/{d}", f"/sys/{d}"]
        for i, (k, v) in enumerate([("PATH", "/app/bin:/usr/bin"), ("XDG_RUNTIME_DIR", f"/run/user/{UNPRIV_ID}"),
                                    ("XDG_CONFIG_DIRS", "/app/etc/xdg:/etc/xdg"), ("XDG_DATA_DIRS", "/app/share:/usr/share"),
                                    ("SHELL", "/bin/sh"), ("TMPDIR", "/tmp"), ("LANG", "C.UTF-8"),
                                    ("GST_PLUGIN_SYSTEM_PATH", "/app/lib/gstreamer-1.0"),
                                    ("FLATPAK_ID", "org.example.App"), ("container", "flatpak")]):
            a += ["--setenv", k, v]
        fds = []
        for i, dest in enumerate(["/.flatpak-info", "/etc/passwd", "/etc/group",
                                  "/run/host/container-manager", "/etc/machine-id",
                                  "/run/user/%d/flatpak-info" % UNPRIV_ID]):
            a += ["--ro-bind-data" if i % 2 else "--bind-data", str(3 + i), dest]
            fds.append((3 + i, os.path.join(self.data, str(i))))
        share = sorted(e for e in os.listdir("/usr/share")
                       if os.path.isdir(os.path.join("/usr/share", e)) and not os.path.islink(os.path.join("/usr/share", e)))
        for e in share[:60]:
            a += ["--ro-bind", f"/usr/share/{e}", f"/run/host/share/{e}"]
        etc = sorted(e for e in os.listdir("/etc") if e not in ("passwd", "group", "machine-id"))
        for e in etc[:40]:
            a += ["--symlink", f"/run/host/etc/{e}", f"/etc/{e}"]
        for i in range(15):
            a += ["--dir", f"/var/cache/app{i}"]
        a += ["--chdir", "/", "true"]
        nopts = sum(1 for w in a if w.startswith("--"))
        return a, fds, nopts

    # Calls `true` and swaddle's last steps need: never in the 300-name list.
    STARTUP_CALLS = {"execve", "brk", "arch_prctl", "mmap", "munmap", "mprotect", "access",
                     "openat", "open", "newfstatat", "fstat", "stat", "close", "read", "pread64",
                     "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrandom",
                     "exit_group", "exit", "write", "futex", "rt_sigaction", "rt_sigprocmask",
                     "rt_sigreturn", "wait4", "waitid", "kill", "getpid", "getppid"}

    def seccomp_cases(self):
        """Policy by name (issue 16): swaddle compiles its filter from names
        at every start; bwrap is given the same filter, compiled once by
        seccomp-export with libseccomp, on a descriptor."""
        export = self.compile("seccomp-export", libs=["-lseccomp"])
        p = subprocess.run([self.swaddle, "--seccomp-profile", "default", "--print-plan", "true"],
                           capture_output=True, text=True, check=True)
        profile = json.loads(p.stdout.splitlines()[0])["sandbox"]["seccomp_rules"]["deny"]
        names = subprocess.run([export, "--names"], capture_output=True, text=True,
                               check=True).stdout.split()
        deny300 = [n for n in names if n not in self.STARTUP_CALLS][:300]
        if len(deny300) < 300:
            sys.exit(f"bench: only {len(deny300)} call names for the 300-name deny list")
        fds, bwrap_argv = [], {}
        base = ["--ro-bind", "/", "/"]
        cases = [("seccomp-profile", "--seccomp-profile default",
                  base + ["--seccomp-profile", "default", "true"], profile),
                 ("seccomp-300", "--seccomp-deny with 300 call names",
                  base + ["--seccomp-deny", ",".join(deny300), "true"], deny300)]
        for i, (key, desc, argv, calls) in enumerate(cases):
            path, fd = os.path.join(self.data, key + ".bpf"), 9 + i
            with open(path, "wb") as f:
                subprocess.run([export, "1", ",".join(calls)], stdout=f, check=True)
            fds.append((fd, path))
            bwrap_argv[key] = base + ["--seccomp", str(fd), "true"]
        return [c[:3] for c in cases], bwrap_argv, fds

    def startup(self):
        fp_args, fp_fds, fp_nopts = self.flatpak_args()
        opam = ["--unshare-net", "--new-session", "--proc", "/proc", "--dev", "/dev",
                "--bind", self.opam_tmp, "/tmp", "--setenv", "TMPDIR", "/tmp", "--tmpfs", "/run",
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--ro-bind", "/etc", "/etc", "--bind", self.opam_pwd, self.opam_pwd, "--", "true"]
        cases = [("minimal", "--ro-bind / / true", ["--ro-bind", "/", "/", "true"]),
                 ("opam", "opam build sandbox (issue 2)", opam),
                 ("flatpak", f"flatpak-style, {fp_nopts} options", fp_args),
                 ("unshare-all", "--unshare-all --ro-bind / / --proc --dev --tmpfs", [
                     "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                     "--tmpfs", "/tmp", "true"])]
        sc_cases, sc_bwrap, sc_fds = self.seccomp_cases()
        cases += sc_cases
        fp_fds = fp_fds + sc_fds
        cmds, labels = [], []
        for key, desc, argv in cases:
            cmds.append([self.swaddle] + argv)
            labels.append((key, "swaddle"))
            cmds.append([self.bwrap] + sc_bwrap.get(key, argv))
            labels.append((key, "bwrap"))
        nf = len(cmds)
        cmds.append(["/usr/bin/unshare", "-r", "true"])
        labels.append(("floor-unshare", "unshare -r true"))
        cmds.append(["/usr/bin/true"])
        labels.append(("floor-true", "true"))
        # swaddle alone (bwrap has no id ranges): the minimal case with its
        # maps written from outside by newuidmap and newgidmap (the caller's
        # own ids: no /etc/subuid entry needed), i.e. the cost of the helper
        # process and of the two setuid programs.
        uid, gid = (UNPRIV_ID, UNPRIV_ID) if self.as_root else (os.getuid(), os.getgid())
        cmds.append([self.swaddle, "--ro-bind", "/", "/", "--uid-map", f"{uid}:{uid}:1",
                     "--gid-map", f"{gid}:{gid}:1", "true"])
        labels.append(("id-maps", "swaddle"))
        # Options bwrap does not have: their cost is swaddle's time over the
        # minimal case's.
        only = [("rlimit", "minimal + --rlimit nofile=1024:4096",
                 ["--ro-bind", "/", "/", "--rlimit", "nofile=1024:4096", "true"]),
                ("timeout", "minimal + --timeout 60", ["--ro-bind", "/", "/", "--timeout", "60", "true"])]
        for key, desc, argv in only:
            cmds.append([self.swaddle] + argv)
            labels.append((key, "swaddle"))
        # Units: each swaddle/bwrap pair stays adjacent (order flipping every
        # round); the units are shuffled per round with a fixed seed.
        units = [[2 * i, 2 * i + 1] for i in range(len(cases))] + [[nf], [nf + 1], [nf + 2]] \
            + [[nf + 3 + i] for i in range(len(only))]
        rng = random.Random(4)
        warmup_rounds = 1 if self.quick else 2
        sched = []
        for r in range(warmup_rounds + self.startup_runs):
            order = units[:]
            rng.shuffle(order)
            for u in order:
                sched += u if r % 2 == 0 else list(reversed(u))
        res, errors = self.time_runs("startup", cmds, sched, fp_fds)
        # Drop the warm-up rounds: the first warmup_rounds runs of each command.
        per = {}
        for i in range(len(cmds)):
            runs = res[i][warmup_rounds:]
            per[i] = self.summarise(runs, errors, f"startup {labels[i][0]} {labels[i][1]}")
        for ci, (key, desc, argv) in enumerate(cases):
            self.results["startup"].append({
                "case": key, "desc": desc, "argv": argv,
                "options": sum(1 for w in argv if w.startswith("--")),
                "tools": {"swaddle": per[2 * ci], "bwrap": per[2 * ci + 1]}})
        self.results["startup"].append({"case": "floor-unshare", "desc": "unshare -r true",
                                        "tools": {"floor": per[nf]}})
        self.results["startup"].append({"case": "floor-true", "desc": "true",
                                        "tools": {"floor": per[nf + 1]}})
        self.results["startup"].append({"case": "id-maps", "desc": "minimal, with --uid-map/--gid-map via newuidmap",
                                        "argv": cmds[nf + 2][1:], "tools": {"swaddle": per[nf + 2]}})
        self.results["startup_swaddle_only"] = [
            {"case": key, "desc": desc, "argv": argv, "tools": {"swaddle": per[nf + 3 + i]}}
            for i, (key, desc, argv) in enumerate(only)]
        self.startup_cmds = (cases, cmds, fp_fds)

    # ---- the user-mode network (issue 14) ---------------------------------------
    def net_user(self):
        """--net-user true against bwrap --unshare-net with pasta attached by hand, and
        against swaddle --unshare-net: the price of the network."""
        if not shutil.which("pasta"):
            self.fail("net-user: pasta (Debian package passt) is not installed")
            return
        by_hand = os.path.join(self.bin, "net-by-hand.sh")
        shutil.copyfile(os.path.join(BENCH, "net-by-hand.sh"), by_hand)
        os.chmod(by_hand, 0o755)
        argv = ["--ro-bind", "/", "/", "true"]
        cmds = [[self.swaddle, "--net-user"] + argv,
                ["/bin/sh", by_hand, self.bwrap] + argv,
                [self.swaddle, "--unshare-net"] + argv]
        runs = 3 if self.quick else 21
        warmup = 1
        sched = []
        for r in range(warmup + runs):
            sched += [0, 1, 2] if r % 2 == 0 else [2, 1, 0]
        res, errors = self.time_runs("net-user", cmds, sched)
        labels = ("swaddle --net-user", "bwrap --unshare-net + pasta by hand", "swaddle --unshare-net")
        per = [self.summarise(res[i][warmup:], errors, f"net-user {labels[i]}") for i in range(3)]
        self.results["net_user"] = {"argv": argv, "tools": dict(zip(("net-user", "by-hand", "unshare-net"), per))}

    def report_net_user(self, p):
        e = self.results.get("net_user")
        if not e:
            return
        t = e["tools"]
        n, h, u = (t[k]["median_s"] for k in ("net-user", "by-hand", "unshare-net"))
        p("")
        p("== The user-mode network: --ro-bind / / true, median wall time (ms) ==")
        for key, label in (("net-user", "swaddle --net-user"), ("by-hand", "bwrap --unshare-net + pasta by hand"),
                           ("unshare-net", "swaddle --unshare-net")):
            m = t[key]["median_s"]
            p(f"  {label:<38} {m * 1e3:9.3f}" if m else f"  {label:<38} FAILED")
        if n and h and u:
            p(f"  ratio --net-user / by hand: {n / h:.3f}; --net-user costs {(n - u) * 1e3:+.1f} ms over --unshare-net")
            self.results["targets"].append({"target": "start-up --net-user: swaddle <= 0.7x bwrap + pasta by hand",
                                            "measured": f"{n / h:.3f}x ({n * 1e3:.1f} vs {h * 1e3:.1f} ms)",
                                            "pass": n / h <= 0.7})

    # ---- memory --------------------------------------------------------------
    def memory(self):
        cases, cmds, fp_fds = self.startup_cmds
        plan_cmds, labels = [], []
        for ci, (key, desc, argv) in enumerate(cases):
            plan_cmds += [cmds[2 * ci], cmds[2 * ci + 1]]
            labels += [(key, "swaddle"), (key, "bwrap")]
        nf = 2 * len(cases)
        plan_cmds += [cmds[nf], cmds[nf + 1]]
        labels += [("floor-unshare", "floor"), ("floor-true", "floor")]
        self.mem_plan("startup", plan_cmds, labels, fp_fds)
        if not self.quick:
            for op, n, tools in (("ro-bind", 1000, ("swaddle", "bwrap")),
                                 ("bind-data", 1000, ("swaddle", "bwrap")),
                                 ("ro-bind", max(self.sizes), ("swaddle",))):
                if n not in self.sizes or (tools == ("swaddle",) and n == 1000):
                    continue
                fds = self.op_args(op, n)
                c = [[self.swaddle if t == "swaddle" else self.bwrap, "--args", "3", "true"] for t in tools]
                self.mem_plan(f"{op}-{n}", c, [(f"{op} N={n}", t) for t in tools], fds)

    def mem_plan(self, name, cmds, labels, fds):
        sched = self.alternate(len(cmds), self.mem_runs)
        out, errors = self.harness_run("mem", self.write_plan("mem-" + name, cmds, sched, fds,
                                                               timeout=max(self.timeout, 120)))
        runs = {}  # (cmd, seq) -> records
        status = {}
        for line in out.splitlines():
            f = line.split("\t")
            if f[0] == "M":
                runs.setdefault((int(f[2]), int(f[1])), []).append((f[4], f[5], int(f[6])))
            elif f[0] == "S":
                status[(int(f[2]), int(f[1]))] = f[3]
                runs.setdefault((int(f[2]), int(f[1])), [])
        for i, (case, tool) in enumerate(labels):
            per_run = [(seq, recs) for (ci, seq), recs in sorted(runs.items()) if ci == i]
            ok = [recs for seq, recs in per_run if status.get((i, seq)) == "exit:0"]
            if len(ok) < len(per_run) or not ok:
                bad = [status.get((i, seq)) for seq, _ in per_run]
                self.fail(f"memory {case} {tool}: runs {bad}: {self.last_error(errors)}")
                if not ok:
                    continue
            tool_max = statistics.median([max([h for r, _, h in recs if r == "tool"] or [0]) for recs in ok])
            tool_sum = statistics.median([sum(h for r, _, h in recs if r == "tool") for recs in ok])
            nproc = statistics.median([sum(1 for r, _, _ in recs if r == "tool") for recs in ok])
            payload = statistics.median([max([h for r, _, h in recs if r == "payload"] or [0]) for recs in ok])
            self.results["memory"].append({"case": case, "tool": tool, "runs": len(ok),
                                           "tool_max_kb": tool_max, "tool_sum_kb": tool_sum,
                                           "tool_processes": nproc, "payload_kb": payload,
                                           "records_first_run": ok[0]})

    # ---- hyperfine cross-check ------------------------------------------------
    def crosscheck(self):
        hf = shutil.which("hyperfine")
        if not hf or self.quick:
            return
        out = os.path.join(self.work, "hyperfine.json")
        cmd = [hf, "-N", "--warmup", "3", "--runs", str(self.startup_runs), "--export-json", out,
               "--style", "none",
               f"{self.swaddle} --ro-bind / / true", f"{self.bwrap} --ro-bind / / true",
               "unshare -r true"]
        if self.as_root:
            os.chmod(self.work, 0o777)
            cmd = ["setpriv", f"--reuid={UNPRIV_ID}", f"--regid={UNPRIV_ID}", "--clear-groups", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=self.work)
        if self.as_root:
            os.chmod(self.work, 0o755)
        if p.returncode != 0:
            log(f"bench: hyperfine cross-check failed: {p.stderr.strip()[-300:]}")
            return
        with open(out) as f:
            data = json.load(f)
        self.results["crosscheck"] = [{"command": r["command"].replace(self.bin + "/", ""),
                                       "median_s": r["median"], "runs": len(r["times"])}
                                      for r in data["results"]]

    # ---- report ------------------------------------------------------------------
    def med(self, entry, tool):
        t = entry["tools"].get(tool, {})
        return t.get("median_s")

    def report(self):
        R = self.results
        R["meta"]["loadavg_after"] = os.getloadavg()
        lines = []
        p = lines.append
        m = R["meta"]
        p(f"swaddle {m['swaddle_commit']}{' (modified tree)' if m['swaddle_tree_modified'] else ''}"
          f" {m.get('swaddle_buildtype', '')}"
          f" vs {m['bwrap_version']}; kernel {m['kernel']}, {m['nproc']} CPUs, {m['cpu']};"
          f" load {m['loadavg_before'][0]:.2f} before, {m['loadavg_after'][0]:.2f} after; {m['user']}")
        p("")
        p("== Scaling: median wall time of `TOOL --args 3 true`, after --ro-bind / / --tmpfs /tmp ==")
        p(f"{'op':<10}{'N':>7} {'swaddle':>11} {'bwrap':>11} {'ratio':>7} {'floor':>9}  runs (swaddle/bwrap)")
        for e in R["scaling"]:
            s, b, fl = self.med(e, "swaddle"), self.med(e, "bwrap"), self.med(e, "floor")
            bt = e["tools"].get("bwrap", {})
            if b is not None:
                bs, ratio = f"{b:11.4f}", f"{s / b:7.3f}" if s else "      -"
            elif "skipped" in bt:
                bs, ratio = f"{bt.get('short', 'skipped'):>11}", "      -"
            else:
                bs, ratio = f"{'FAILED':>11}", "      -"
            ss = f"{s:11.4f}" if s is not None else f"{'FAILED':>11}"
            fs = f"{fl:9.4f}" if fl is not None else " " * 9
            runs = f"{e['tools'].get('swaddle', {}).get('runs', '-')}/{bt.get('runs', '-')}"
            p(f"{e['op']:<10}{e['n']:>7} {ss} {bs} {ratio} {fs}  {runs}")
        p("  (seconds; ratio = swaddle/bwrap; floor = raw open_tree+mount_setattr+move_mount in a userns, no exec)")
        for e in R["scaling"]:
            bt = e["tools"].get("bwrap", {})
            if bt.get("short") not in (None, "-"):
                p(f"  bwrap {e['op']} N={e['n']}: {bt['skipped']}; not run at this or larger N")
        few = [(e["op"], e["n"], t, e["tools"][t]["runs"]) for e in R["scaling"] for t in e["tools"]
               if e["tools"][t].get("runs", 10 ** 9) < self.runs]
        for op, n, t, r in few:
            p(f"  {t} {op} N={n}: only {r} runs (one run takes > {SLOW_RUN_S:g} s)")
        p("")
        p("Growth per 10x of N: time(10N)/time(N)")
        growth = {}
        for op in OPS:
            for tool in ("swaddle", "bwrap", "floor"):
                pts = {e["n"]: self.med(e, tool) for e in R["scaling"] if e["op"] == op and self.med(e, tool)}
                if len(pts) < 2:
                    continue
                parts = []
                ns = sorted(pts)
                for a in ns:
                    if a * 10 in pts:
                        g = pts[a * 10] / pts[a]
                        growth[f"{op}/{tool}/{a}-{a * 10}"] = g
                        parts.append(f"{a}->{a * 10}: {g:6.2f}")
                last2 = ns[-2:]
                k = math.log(pts[last2[1]] / pts[last2[0]]) / math.log(last2[1] / last2[0])
                growth[f"{op}/{tool}/exponent-{last2[0]}-{last2[1]}"] = k
                parts.append(f"slope {last2[0]}->{last2[1]}: t ~ N^{k:.2f} (x{10 ** k:.1f} per 10x)")
                p(f"  {op:<10}{tool:<8} " + ";  ".join(parts))
        R["growth"] = growth
        p("")
        p("== Start-up: median wall time (ms) ==")
        floor_u = next(e for e in R["startup"] if e["case"] == "floor-unshare")["tools"]["floor"]["median_s"]
        floor_t = next(e for e in R["startup"] if e["case"] == "floor-true")["tools"]["floor"]["median_s"]
        p(f"{'case':<13}{'opts':>5} {'swaddle':>9} {'bwrap':>9} {'ratio':>7} {'sw-unshare':>11}"
          f"  {'cpu u+s: swaddle':>16} {'bwrap':>11}  runs")
        cpu = lambda t: (f"{t['user_s_median'] * 1e3:.1f}+{t['sys_s_median'] * 1e3:.1f}"
                         if t.get("user_s_median") is not None else "-")
        for e in R["startup"]:
            if e["case"].startswith("floor") or e["case"] == "id-maps":
                continue
            s, b = self.med(e, "swaddle"), self.med(e, "bwrap")
            ratio = f"{s / b:7.3f}" if s and b else "      -"
            ss = f"{s * 1e3:9.3f}" if s else f"{'FAILED':>9}"
            bs = f"{b * 1e3:9.3f}" if b else f"{'FAILED':>9}"
            d = f"{(s - floor_u) * 1e3:+11.3f}" if s and floor_u else " " * 11
            p(f"{e['case']:<13}{e['options']:>5} {ss} {bs} {ratio} {d}"
              f"  {cpu(e['tools']['swaddle']):>16} {cpu(e['tools']['bwrap']):>11}"
              f"  {e['tools']['swaddle']['runs']}/{e['tools']['bwrap']['runs']}")
        for key, name in (("floor-unshare", "floor: unshare -r true"), ("floor-true", "floor: true")):
            t = next(e for e in R["startup"] if e["case"] == key)["tools"]["floor"]
            if t["median_s"]:
                p(f"{name:<29} {t['median_s'] * 1e3:9.3f} {'':>30}{cpu(t):>16}")
            else:
                p(f"{name:<29} FAILED")
        idm = next(e for e in R["startup"] if e["case"] == "id-maps")["tools"]["swaddle"]
        if idm["median_s"]:
            p(f"{'swaddle minimal, id maps':<29} {idm['median_s'] * 1e3:9.3f} {'':>30}{cpu(idm):>16}"
              "  (newuidmap/newgidmap from outside; bwrap has none)")
        else:
            p(f"{'swaddle minimal, id maps':<29} FAILED")
        p("  (ms; ratio = swaddle/bwrap; sw-unshare = swaddle minus `unshare -r true`; cpu = median"
          " user+system CPU ms of the whole process tree)")
        minimal = self.med(next(e for e in R["startup"] if e["case"] == "minimal"), "swaddle")
        for e in R.get("startup_swaddle_only", []):
            s = self.med(e, "swaddle")
            extra = f"{(s - minimal) * 1e3:+.3f} ms over minimal" if s and minimal else "-"
            ss = f"{s * 1e3:9.3f}" if s else f"{'FAILED':>9}"
            p(f"{e['case']:<13}{'':>5} {ss}  ({extra}; {e['desc']}; swaddle only)")
        p("")
        p("== Memory: peak RSS (VmHWM, kB) of the tool's own processes; payload separately ==")
        p(f"{'case':<20}{'tool':<8} {'max':>7} {'sum':>7} {'procs':>5} {'payload':>8}   ratio(max) ratio(sum) sw/bw")
        mem = R["memory"]
        for e in mem:
            other = None
            if e["tool"] == "swaddle":
                other = next((o for o in mem if o["case"] == e["case"] and o["tool"] == "bwrap"), None)
            r = ""
            if other and other["tool_max_kb"]:
                r = f"{e['tool_max_kb'] / other['tool_max_kb']:10.3f} {e['tool_sum_kb'] / other['tool_sum_kb']:10.3f}"
            p(f"{e['case']:<20}{e['tool']:<8} {e['tool_max_kb']:>7.0f} {e['tool_sum_kb']:>7.0f}"
              f" {e['tool_processes']:>5.0f} {e['payload_kb']:>8.0f}   {r}")
        if R["crosscheck"]:
            p("")
            p("== hyperfine cross-check (not interleaved; sequential per command) ==")
            for c in R["crosscheck"]:
                p(f"  {c['command']:<40} {c['median_s'] * 1e3:9.3f} ms  ({c['runs']} runs)")
        p("")
        self.report_net_user(p)
        p("")
        p("== Targets (issue 4; issue 14: --net-user) ==")
        self.targets(floor_u)
        for t in R["targets"]:
            p(f"  [{'PASS' if t['pass'] else 'FAIL' if t['pass'] is not None else 'n/a '}] {t['target']}: {t['measured']}")
        text = "\n".join(lines)
        print(text)
        return text

    def targets(self, floor_u):
        R = self.results
        T = R["targets"]
        sc = {(e["op"], e["n"]): e for e in R["scaling"]}
        e10k = sc.get(("ro-bind", 10000))
        e1k = sc.get(("ro-bind", 1000))
        if e10k and self.med(e10k, "swaddle"):
            t = self.med(e10k, "swaddle")
            T.append({"target": "10,000 --ro-bind under 0.25 s", "measured": f"{t:.3f} s", "pass": t < 0.25})
            if e1k and self.med(e1k, "swaddle"):
                g = t / self.med(e1k, "swaddle")
                T.append({"target": "time(10,000)/time(1,000) <= 12", "measured": f"{g:.2f}", "pass": g <= 12})
        else:
            T.append({"target": "10,000 --ro-bind under 0.25 s", "measured": "N=10,000 not run", "pass": None})
        for e in R["startup"]:
            if e["case"].startswith("floor"):
                continue
            s, b = self.med(e, "swaddle"), self.med(e, "bwrap")
            # Rules by name: compiled at every start, against bwrap given
            # the program precompiled (issue 16).
            limit = 1.0 if e["case"].startswith("seccomp") else 0.7
            if s and b:
                T.append({"target": f"start-up {e['case']}: swaddle <= {limit}x bwrap",
                          "measured": f"{s / b:.3f}x ({s * 1e3:.2f} vs {b * 1e3:.2f} ms)", "pass": s / b <= limit})
        e = next(e for e in R["startup"] if e["case"] == "minimal")
        s = self.med(e, "swaddle")
        for o in R.get("startup_swaddle_only", []):
            so = self.med(o, "swaddle")
            if s and so:
                T.append({"target": f"{o['case']}: the option adds under 0.2 ms to the minimal start-up",
                          "measured": f"{(so - s) * 1e3:+.3f} ms ({so * 1e3:.2f} vs {s * 1e3:.2f} ms)",
                          "pass": so - s < 0.0002})
        if s and floor_u:
            T.append({"target": "minimal within 1.5 ms of unshare -r true",
                      "measured": f"{(s - floor_u) * 1e3:+.2f} ms ({s * 1e3:.2f} vs {floor_u * 1e3:.2f} ms)",
                      "pass": s - floor_u <= 0.0015})
        for e in R["memory"]:
            if e["tool"] != "swaddle":
                continue
            o = next((o for o in R["memory"] if o["case"] == e["case"] and o["tool"] == "bwrap"), None)
            if o:
                T.append({"target": f"peak RSS {e['case']}: swaddle <= bwrap (max over processes; sum)",
                          "measured": f"{e['tool_max_kb']:.0f} vs {o['tool_max_kb']:.0f} kB; "
                                      f"{e['tool_sum_kb']:.0f} vs {o['tool_sum_kb']:.0f} kB",
                          "pass": e["tool_max_kb"] <= o["tool_max_kb"] and e["tool_sum_kb"] <= o["tool_sum_kb"]})

    # ---- plot --------------------------------------------------------------------
    def plot(self, outdir):
        gp = shutil.which("gnuplot")
        png = os.path.join(outdir, "scaling.png")
        if not gp:
            log("bench: gnuplot not found, no plot")
            return None
        datadir = self.mkdir("plot")
        series = []
        colors = {"ro-bind": "#1f77b4", "bind-data": "#d62728", "symlink": "#2ca02c", "dir": "#9467bd"}
        for op in OPS:
            for tool in ("swaddle", "bwrap", "floor"):
                pts = [(e["n"], self.med(e, tool)) for e in self.results["scaling"]
                       if e["op"] == op and self.med(e, tool)]
                if not pts:
                    continue
                path = os.path.join(datadir, f"{op}-{tool}.dat")
                with open(path, "w") as f:
                    for n, t in pts:
                        f.write(f"{n} {t}\n")
                dt = {"swaddle": 1, "bwrap": 2, "floor": 3}[tool]
                pt = {"swaddle": 7, "bwrap": 5, "floor": 1}[tool]
                title = f"{tool} --{op}" if tool != "floor" else "floor: raw syscalls, ro-bind"
                series.append(f"'{path}' using 1:2 with linespoints dt {dt} pt {pt} lw 2 "
                              f"lc rgb '{colors[op]}' title '{title}'")
        if not series:
            return None
        m = self.results["meta"]
        labels = ""
        skipped = [(e["op"], e["n"], e["tools"]["bwrap"]) for e in self.results["scaling"]
                   if e["tools"].get("bwrap", {}).get("short") not in (None, "-")]
        for k, (op, n, bt) in enumerate(skipped):
            why = (f"one run > {self.timeout:g} s" if bt.get("timed_out")
                   else "refuses > 9000 arguments")
            labels += (f'set label {k + 1} "bwrap --{op}: {why} at N={n}, not run" '
                       f'at graph 0.98, graph {0.05 + 0.05 * k} right tc rgb "{colors[op]}"\n')
        title = (f"swaddle {m['swaddle_commit']} vs {m['bwrap_version']}: wall time of one sandbox"
                 f" vs N options\\n--ro-bind / / --tmpfs /tmp, then N ops through --args; median of"
                 f" >= {MIN_SLOW_RUNS} runs; kernel {m['kernel']}, {m['nproc']} CPUs")
        script = f"""
set terminal pngcairo size 1100,750 font ',11'
set output '{png}'
set logscale xy
set xlabel 'N options'
set ylabel 'median wall time (s)'
set title "{title}"
set grid xtics ytics mxtics mytics
set key top left
set xrange [{min(self.sizes) * 0.8}:{max(self.sizes) * 1.25}]
{labels}
plot {", ".join(series)}
"""
        p = subprocess.run([gp], input=script, text=True, capture_output=True)
        if p.returncode != 0:
            log(f"bench: gnuplot failed: {p.stderr}")
            return None
        return png


def main():
    ap = argparse.ArgumentParser(description="swaddle vs bwrap benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke run: N=10,100, 5 runs, < 15 s; outputs go to " + QUICK_OUT)
    ap.add_argument("builddir", nargs="?", default=os.path.join(REPO, "build"),
                    help="meson build directory holding swaddle (default: build/)")
    ap.add_argument("--runs", type=int, help="runs per case (default 21; 41 for start-up; 3 with --quick)")
    ap.add_argument("--sizes", help="comma-separated N list (default 100,1000,2000,3000,10000)")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="a tool whose single run exceeds this many seconds is skipped for larger N")
    ap.add_argument("--out", help="where results.json, results.txt and scaling.png go (default: bench/, or "
                         + QUICK_OUT + " with --quick)")
    ap.add_argument("--commit", help="the swaddle commit BUILDDIR was built from, when BUILDDIR is not"
                    " inside a git checkout (e.g. a build of `git archive HEAD`)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    args = ap.parse_args()

    t0 = time.monotonic()
    b = Bench(args)
    b.setup()
    log(f"bench: setup: {time.monotonic() - t0:.1f} s")
    outdir = args.out or (QUICK_OUT if args.quick else BENCH)
    try:
        log(f"bench: work dir {b.work}; load {os.getloadavg()[0]:.2f}")
        for name, phase in (("start-up", b.startup), ("net-user", b.net_user), ("scaling", b.scaling),
                            ("memory", b.memory), ("hyperfine cross-check", b.crosscheck)):
            t = time.monotonic()
            phase()
            log(f"bench: {name}: {time.monotonic() - t:.1f} s")
        text = b.report()
        b.results["meta"]["elapsed_s"] = time.monotonic() - t0
        b.results["failures"] = b.failures
        os.makedirs(outdir, exist_ok=True)
        png = b.plot(outdir)
        with open(os.path.join(outdir, "results.json"), "w") as f:
            json.dump(b.results, f, indent=1)
        with open(os.path.join(outdir, "results.txt"), "w") as f:
            f.write(text + "\n")
        print(f"\nwrote {os.path.join(outdir, 'results.json')}, {os.path.join(outdir, 'results.txt')}"
              + (f", {png}" if png else "") + f"  ({time.monotonic() - t0:.1f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(b.work, ignore_errors=True)
        else:
            log(f"bench: kept {b.work}")
    if b.failures:
        print(f"\n{len(b.failures)} failures:", *b.failures, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
