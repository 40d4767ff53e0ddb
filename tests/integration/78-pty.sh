#!/bin/bash
# --pty: the payload runs on a terminal of the sandbox's own, with job
# control; the caller's terminal is relayed, raw for the run and restored
# after; window size changes pass; nothing inside holds the caller's
# terminal or can push input into it.
#
# The caller's terminal is made by the test: a Python driver opens a
# pseudo-terminal, starts the command on it, and types and reads like a
# person at a terminal would (as `script` or tmux do).
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

readonly PYTHON=/usr/bin/python3

# The driver: python3 -c "$TERMINAL_PY" STEPS COMMAND...
# STEPS is a file of lines, done in order:
#   expect TEXT     wait (10 s at most) until the output since the last
#                   match holds TEXT
#   send TEXT       type TEXT (Python escapes: \n, \x03 ...)
#   resize ROWS COLS   change the terminal's size (the kernel sends SIGWINCH)
#   modes           note the terminal's modes now: "MODES icanon=0 echo=0 isig=0"
# The terminal starts 33 rows by 101 columns.  At the end the driver reads
# until the command ends and prints its output, then a line
#   OUTER dev=D rdev=R     the identity of the caller's terminal
#   STATUS N               the command's exit status
readonly TERMINAL_PY='
import codecs, fcntl, os, select, struct, sys, termios, time
steps_file, argv = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
def resize(rows, cols):
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
resize(33, 101)
outer = os.fstat(slave)
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(slave)
    os.execvp(argv[0], argv)
os.close(slave)
out = b""
seen = 0    # expect looks at what came after the last match
def read_some(timeout):
    global out
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return True
    try:
        chunk = os.read(master, 4096)
    except OSError:
        return False
    out += chunk
    return bool(chunk)
def finish(status):
    sys.stdout.write(out.decode("latin-1"))
    sys.stdout.write("\nOUTER dev=%d rdev=%d\nSTATUS %s\n" % (outer.st_dev, outer.st_rdev, status))
    sys.exit(0)
for line in open(steps_file).read().splitlines():
    verb, _, arg = line.partition(" ")
    arg = codecs.decode(arg, "unicode_escape").encode("latin-1")
    if verb == "expect":
        deadline = time.time() + 10
        while arg not in out[seen:]:
            if time.time() > deadline or not read_some(0.1):
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                sys.stdout.write("TIMEOUT waiting for %r\n" % arg)
                finish("timeout")
        seen += out[seen:].index(arg) + len(arg)
    elif verb == "send":
        os.write(master, arg)
    elif verb == "modes":
        lflag = termios.tcgetattr(master)[3]
        out += b"\nMODES icanon=%d echo=%d isig=%d\n" % tuple(
            int(bool(lflag & f)) for f in (termios.ICANON, termios.ECHO, termios.ISIG))
    elif verb == "resize":
        rows, cols = arg.split()
        resize(int(rows), int(cols))
deadline = time.time() + 10
while time.time() < deadline and read_some(0.2):
    pass
while time.time() < deadline:
    r = os.waitpid(pid, os.WNOHANG)
    if r[0] != 0:
        finish(os.waitstatus_to_exitcode(r[1]))
    time.sleep(0.05)
os.kill(pid, 9)
os.waitpid(pid, 0)
finish("still running after 10 s")
'

setup_pty() {
  [[ -x $PYTHON ]] || skip "python3 is not installed"
  skip_if_bwrap
}

# on_terminal STEPS-TEXT COMMAND...: run COMMAND on a terminal of the test's,
# doing STEPS; sets OUT (all it printed and the driver's lines), TERM_STATUS.
on_terminal() {
  printf '%s\n' "$1" > steps
  shift
  run "$PYTHON" -c "$TERMINAL_PY" steps "$@"
  [[ $STATUS == 0 ]] || fail "the terminal driver failed" "$(show_block stderr "$ERR")"
  TERM_STATUS=$(sed -n 's/^STATUS //p' <<< "$OUT")
  OUTER_TTY=$(sed -n 's/^OUTER //p' <<< "$OUT")
  [[ $OUT != *TIMEOUT* ]] || fail "the terminal did not show what was expected" "$(show_block output "$OUT")"
}

# What the payload sees of its standard input: a Python program printing
# "key=value" words.
readonly WHOAMI_PY='
import os
st = os.fstat(0)
try:
    name = os.ttyname(0)
except OSError:
    name = "none"
print("tty=%s session-leader=%s foreground=%s dev=%d rdev=%d" % (
    name, os.getsid(0) == os.getpid(), os.tcgetpgrp(0) == os.getpgrp(), st.st_dev, st.st_rdev))
if os.path.isdir("/dev/pts"):
    print("pts=%s" % ",".join(sorted(os.listdir("/dev/pts"))))
'

test_the_payload_runs_on_a_terminal_of_the_sandboxs_own() {
  setup_pty
  on_terminal 'expect STATUS-MARK' sh -c '"$@"; echo STATUS-MARK' sh \
    "${SW_CMD[@]}" "${ROOT[@]}" --dev /dev --proc /proc --unshare-pid --pty \
    "$PYTHON" -c "$WHOAMI_PY"
  assert_eq 0 "$TERM_STATUS" "exit status ($OUT)"
  assert_contains "$OUT" "tty=/dev/pts/0 session-leader=True foreground=True" "what the payload sees"
  # The sandbox's devpts holds its one terminal, nothing of the host's.
  assert_contains "$OUT" "pts=0,ptmx" "/dev/pts inside"
  local inner_dev
  inner_dev=$(grep -o 'dev=[0-9]* rdev=[0-9]*' <<< "$OUT" | head -1)
  [[ -n $inner_dev ]] || fail "no identity printed" "$(show_block output "$OUT")"
  assert_ne "$OUTER_TTY" "$inner_dev" "the payload's terminal, against the caller's"
  # /dev/pts/0 inside is the payload's own standard input.
  run sw "${ROOT[@]}" --dev /dev --pty sh -c 'test "$(stat -Lc %d:%t:%T /dev/stdin)" = "$(stat -c %d:%t:%T /dev/pts/0)" && echo same' < /dev/null
  assert_eq 0 "$STATUS" "exit status ($ERR)"
  assert_contains "$OUT" same "/dev/pts/0 is the payload's standard input"
}

test_pty_without_dev_gets_a_devpts_of_its_own() {
  setup_pty
  on_terminal 'expect STATUS-MARK' sh -c '"$@"; echo STATUS-MARK' sh \
    "${SW_CMD[@]}" "${ROOT[@]}" --pty "$PYTHON" -c "$WHOAMI_PY"
  assert_eq 0 "$TERM_STATUS" "exit status ($OUT)"
  assert_contains "$OUT" "session-leader=True foreground=True" "what the payload sees"
  local inner_dev
  inner_dev=$(grep -o 'dev=[0-9]* rdev=[0-9]*' <<< "$OUT" | head -1)
  [[ -n $inner_dev ]] || fail "no identity printed" "$(show_block output "$OUT")"
  # Not the caller's terminal, and not on the host's devpts (whose /dev/pts
  # the payload sees through --ro-bind / /).
  assert_ne "$OUTER_TTY" "$inner_dev" "the payload's terminal, against the caller's"
  local host_pts_dev
  host_pts_dev=$(stat -c %d /dev/pts/ptmx)
  assert_not_contains "$inner_dev" "dev=$host_pts_dev " "the payload's terminal is on the host's devpts"
}

# A background job that says IN-FRONT once its process group is the
# terminal's foreground group (fields 5 and 8 of /proc/self/stat), then sleeps.
readonly JOB_SH='
while [ "$(awk "{ print (\$5 == \$8) }" /proc/self/stat)" = 0 ]; do sleep 0.05; done
echo IN-FRONT
exec sleep 100'

# job_control_case SWADDLE-ARGS...: an interactive sh inside starts a job in
# the background, lists it, brings it to the foreground, and interrupts it
# with Ctrl-C; then exits 7.
job_control_case() {
  printf '%s\n' "$JOB_SH" > job.sh
  on_terminal 'expect $ 
send sh ./job.sh &\n
expect $ 
send jobs\n
expect Running
expect $ 
send fg\n
expect IN-FRONT
send \x03
expect $ 
send echo rc=$?\n
expect rc=130
send exit 7\n' \
    env PS1='$ ' "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" --chdir "$PWD" --pty "$@" sh -i
  assert_eq 7 "$TERM_STATUS" "exit status of the shell's 'exit 7' (with: $*)" "$(show_block output "$OUT")"
  assert_not_contains "$OUT" "job control turned off" "the shell's job control"
  assert_not_contains "$OUT" "can't access tty" "the shell's terminal"
}

test_job_control_in_an_interactive_shell() {
  setup_pty
  job_control_case --dev /dev --proc /proc --unshare-pid
}

test_job_control_without_pid_namespace() {
  setup_pty
  job_control_case
}

test_the_callers_terminal_is_raw_during_the_run_and_restored_after() {
  setup_pty
  on_terminal 'expect RUNNING
modes
send \n
expect AFTER' sh -c 'stty -g; echo; "$@"; echo; stty -g; echo AFTER' sh \
    "${SW_CMD[@]}" "${ROOT[@]}" --pty sh -c 'echo INSIDE $(stty -g); echo RUNNING; read line'
  local modes before after
  modes=$(grep -E '^[0-9a-f]+(:[0-9a-f]+){10,}' <<< "$OUT" | tr -d '\r')
  before=$(sed -n 1p <<< "$modes")
  after=$(sed -n 2p <<< "$modes")
  [[ -n $before && -n $after ]] || fail "stty -g printed nothing" "$(show_block output "$OUT")"
  assert_eq "$before" "$after" "the caller's terminal modes before and after the run"
  assert_contains "$OUT" "MODES icanon=0 echo=0 isig=0" "the caller's terminal while the sandbox runs"
  # The sandbox's terminal started with the caller's modes.
  assert_contains "$OUT" "INSIDE $before" "the sandbox's terminal modes, against the caller's"
}

test_window_size_and_its_changes_reach_the_payload() {
  setup_pty
  on_terminal 'expect READY
resize 40 120
expect NEW 40 120' \
    "${SW_CMD[@]}" "${ROOT[@]}" --dev /dev --pty sh -c '
      echo SIZE $(stty size)
      trap "echo NEW \$(stty size); exit 0" WINCH
      echo READY
      i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done'
  assert_contains "$OUT" "SIZE 33 101" "the size the payload starts with"
  assert_eq 0 "$TERM_STATUS" "exit status"
}

test_input_from_a_pipe_ends_with_end_of_file() {
  setup_pty
  run sh -c 'printf "one\ntwo\n" | "$@"' sh "${SW_CMD[@]}" "${ROOT[@]}" --pty sh -c 'test -t 0 && cat'
  assert_eq 0 "$STATUS" "exit status ($ERR)"
  # Each line once: a pipe's input is not echoed.
  assert_eq $'one\r\ntwo\r' "$OUT" "what cat read through the sandbox's terminal"
}

# The sandbox's terminal takes input only as fast as the payload reads it:
# meanwhile the payload's output must still come out (a relay that waited
# for the input to go in would wait for ever).
test_unread_input_does_not_hold_up_the_output() {
  setup_pty
  run timeout -s KILL 60 sh -c 'seq 100000 | "$@"' sh "${SW_CMD[@]}" "${ROOT[@]}" --pty \
    sh -c 'seq 200000; wc -l'
  assert_eq 0 "$STATUS" "exit status ($ERR; 137: the relay hung)"
  local last_two
  last_two=$(tail -n 2 <<< "$OUT" | tr -d '\r ')
  assert_eq $'200000\n100000' "$last_two" "the payload's last output line, then the line count of its input"
}

test_exit_status_and_signals_pass_through() {
  setup_pty
  run sw "${ROOT[@]}" --pty sh -c 'exit 3' < /dev/null
  assert_eq 3 "$STATUS" "exit status of 'exit 3'"
  run sw "${ROOT[@]}" --pty sh -c 'kill -TERM $$' < /dev/null
  assert_eq 143 "$STATUS" "exit status of a payload killed by SIGTERM"
  # A signal sent to swaddle reaches the payload.
  "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" --pty sh -c 'trap "echo got > \"$1/term\"; exit 5" TERM; touch "$1/ready"; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done' sh "$PWD" < /dev/null > /dev/null 2>&1 &
  local pid=$!
  SW_BG_PIDS+=("$pid")
  wait_for test -e ready || fail "the payload did not start"
  kill -TERM "$pid"
  wait "$pid"
  assert_eq 5 "$?" "exit status after SIGTERM to swaddle"
  assert_exists term
}

# What every process of the sandbox holds open: "dev rdev" of each
# character device, one a line.
readonly OPEN_TTYS_PY='
import os
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        fds = os.listdir("/proc/%s/fd" % p)
    except OSError:
        continue
    for fd in fds:
        try:
            st = os.stat("/proc/%s/fd/%s" % (p, fd))
        except OSError:
            continue
        if st.st_rdev:
            print("HELD pid=%s fd=%s dev=%d rdev=%d" % (p, fd, st.st_dev, st.st_rdev))
'

test_nothing_inside_holds_the_callers_terminal() {
  setup_pty
  on_terminal 'expect STATUS-MARK' sh -c '"$@"; echo STATUS-MARK' sh \
    "${SW_CMD[@]}" "${ROOT[@]}" --dev /dev --proc /proc --unshare-pid --pty "$PYTHON" -c "$OPEN_TTYS_PY"
  assert_eq 0 "$TERM_STATUS" "exit status"
  assert_contains "$OUT" "HELD pid=1 fd=0" "pid 1's standard input is listed"
  assert_not_contains "$(grep HELD <<< "$OUT")" "$OUTER_TTY" "descriptors inside the sandbox on the caller's terminal"
}

readonly INJECT_PY='
import fcntl, os, termios
# Every descriptor the payload can reach: its own, then /dev/tty.
fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
try:
    fds.append(os.open("/dev/tty", os.O_RDWR))
except OSError:
    pass
for fd in fds:
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b"X")
    except OSError:
        pass
print("INJECTED")
'

test_tiocsti_inside_cannot_reach_the_callers_terminal() {
  setup_pty
  # Root in the initial user namespace may TIOCSTI any terminal it can open.
  require_unprivileged
  # After the sandbox, the caller's shell reads what reached its terminal.
  on_terminal 'expect READ' sh -c '"$@"; stty -icanon min 0 time 5; printf "\nREAD[%s]\n" "$(dd bs=64 count=1 2>/dev/null)"' sh \
    "${SW_CMD[@]}" "${ROOT[@]}" --dev /dev --pty "$PYTHON" -c "$INJECT_PY"
  assert_contains "$OUT" INJECTED "the payload ran"
  assert_contains "$OUT" "READ[]" "what reached the caller's terminal"
}

sw_main "$@"
