#!/bin/bash
# Signals and the process tree: signals sent to the launcher reach the
# payload; Ctrl-C in a terminal reaches it once; the exit status tells how it
# ended; with a pid namespace, the rest of the sandbox dies with the payload;
# without anything that needs a monitor, the launcher becomes the payload.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

readonly FORWARDED="INT TERM HUP QUIT USR1 USR2 WINCH"

# A payload that records each forwarded signal it gets in $1/got (one name a
# line), says it is ready in $1/ready, exits 0 on a line "TERM" after the
# others, and ends by itself after about 20 s.
# shellcheck disable=SC2034 # used through eval-free expansion in payload strings
readonly TRAPPER='
d=$1
for s in INT HUP QUIT USR1 USR2 WINCH; do trap "echo $s >> \"\$d/got\"" $s; done
trap "echo TERM >> \"\$d/got\"; exit 0" TERM
echo $$ > "$d/ready"
i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
exit 9'

# start_bg ARGS...: like sw_bg, but with SIGINT and SIGQUIT at their default
# (a non-interactive shell starts background jobs with both ignored, and a
# shell cannot trap a signal ignored on entry).
start_bg() {
  env --default-signal=INT,QUIT "${SW_CMD[@]}" "$@" &
  SW_BG_PID=$!
  SW_BG_PIDS+=("$SW_BG_PID")
}

got_line_count() {
  [[ -e got ]] && [[ $(wc -l < got) -ge $1 ]]
}

signals_reach_the_payload() {
  local n=0 sig status
  start_bg "${ROOT[@]}" "${HERE[@]}" "$@" sh -c "$TRAPPER" sh "$PWD"
  wait_for test -s ready || fail "the payload did not start ($*)"
  for sig in $FORWARDED; do
    [[ $sig == TERM ]] && continue
    n=$((n + 1))
    kill "-$sig" "$SW_BG_PID"
    wait_for got_line_count "$n" ||
      fail "SIG$sig to the launcher did not reach the payload (${*:-no option})" "$(show_block got "$(cat got 2> /dev/null)")"
  done
  kill -TERM "$SW_BG_PID"
  wait "$SW_BG_PID"
  status=$?
  assert_eq "INT HUP QUIT USR1 USR2 WINCH TERM" "$(tr '\n' ' ' < got | sed 's/ $//')" \
    "signals the payload got, in order (${*:-no option})"
  assert_eq 0 "$status" "exit status after the payload's TERM trap exits 0 (${*:-no option})"
}

test_signals_reach_the_payload_without_pid_namespace() {
  signals_reach_the_payload
}

test_signals_reach_the_payload_with_unshare_pid() {
  signals_reach_the_payload --unshare-pid
}

test_signals_reach_the_payload_as_pid_1() {
  signals_reach_the_payload --unshare-pid --as-pid-1
}

test_signals_reach_the_payload_with_a_user_namespace() {
  signals_reach_the_payload --unshare-user --unshare-pid --unshare-net
}

# A payload that does not catch the signal dies of it; the launcher then
# exits 128+N.
test_uncaught_signal_to_the_launcher_gives_128_plus_n() {
  local pidns sig num
  for pidns in "" --unshare-pid; do
    for sig in TERM HUP INT USR1; do
      num=$(kill -l "$sig")
      rm -f ready
      # shellcheck disable=SC2086 # pidns is one word or none
      start_bg "${ROOT[@]}" "${HERE[@]}" $pidns sh -c \
        'echo > "$1/ready"; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done' sh "$PWD"
      wait_for test -e ready || fail "the payload did not start"
      kill "-$sig" "$SW_BG_PID"
      wait "$SW_BG_PID"
      assert_eq $((128 + num)) "$?" "exit status after SIG$sig to the launcher (${pidns:-no pid namespace})"
    done
  done
}

test_exit_status_codes_and_signals() {
  local pidns sig
  for pidns in "" --unshare-pid "--unshare-pid --as-pid-1"; do
    for code in 0 1 42 127 255; do
      # shellcheck disable=SC2086 # pidns is one word or none
      assert_status "$code" sw --ro-bind / / $pidns sh -c "exit $code"
    done
  done
  for pidns in "" --unshare-pid; do
    for sig in HUP INT QUIT USR1 USR2 TERM KILL; do
      # The payload is a child of sh: pid 1 of a namespace (--as-pid-1)
      # cannot be killed by a signal it has no handler for, so not that.
      # shellcheck disable=SC2086
      assert_status $((128 + $(kill -l "$sig"))) sw --ro-bind / / $pidns sh -c "kill -$sig \$\$"
    done
  done
}

# --- Ctrl-C in a terminal ---------------------------------------------------------

# in_pty TIMEOUT ARGS...: run the launcher with ARGS under a new pty (its
# controlling terminal, the launcher in the foreground process group); when
# the payload has written $PWD/ready, type Ctrl-C once; print what the pty
# showed and the exit status.
in_pty() {
  local python
  python=$(command -v python3) || skip "python3 is not installed"
  "$python" - "$@" << 'EOF'
import os, sys, time, select
args = sys.argv[1:]
pid, master = os.forkpty()
if pid == 0:
    os.execvp(args[0], args)
out = b""
def pump(timeout):
    global out
    r, _, _ = select.select([master], [], [], timeout)
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
    return True
deadline = time.time() + 15
while not os.path.exists("ready") and time.time() < deadline:
    pump(0.05)
if not os.path.exists("ready"):
    print("payload never became ready")
os.write(master, b"\x03")
status = None
deadline = time.time() + 20
while time.time() < deadline:
    if not pump(0.05):
        pass
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
        break
if status is None:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    print("timed out")
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
if os.WIFEXITED(status):
    print("status", os.WEXITSTATUS(status))
else:
    print("signal", os.WTERMSIG(status))
EOF
}

# The payload counts SIGINTs for 1 s after the first and reports the count.
readonly COUNT_INT='
n=0
trap "n=\$((n + 1))" INT
echo > "$1/ready"
i=0; while [ $n -eq 0 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
i=0; while [ $i -lt 20 ]; do sleep 0.05; i=$((i + 1)); done
echo "ints=$n"
exit 3'

ctrl_c_reaches_the_payload_once() {
  run in_pty "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" "$@" sh -c "$COUNT_INT" sh "$PWD"
  assert_contains "$OUT" "ints=1" "what the payload counted (${*:-no option})"
  assert_contains "$OUT" "status 3" "exit status under the pty (${*:-no option})"
}

test_ctrl_c_in_a_terminal_reaches_the_payload_once() {
  ctrl_c_reaches_the_payload_once
}

test_ctrl_c_in_a_terminal_reaches_the_payload_once_with_unshare_pid() {
  ctrl_c_reaches_the_payload_once --unshare-pid
}

test_ctrl_c_in_a_terminal_reaches_the_payload_once_as_pid_1() {
  ctrl_c_reaches_the_payload_once --unshare-pid --as-pid-1
}

# A payload that ignores nothing dies of Ctrl-C: 130.
test_ctrl_c_in_a_terminal_ends_a_payload_that_does_not_catch_it() {
  local pidns
  for pidns in "" --unshare-pid; do
    # shellcheck disable=SC2086 # pidns is one word or none
    run in_pty "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" $pidns sh -c \
      'echo > "$1/ready"; i=0; while [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done; exit 5' sh "$PWD"
    rm -f ready
    assert_match "$OUT" "(status 130|signal 2)" "how the launcher ended after Ctrl-C (${pidns:-no pid namespace})"
  done
}

# --- the process tree ------------------------------------------------------------

background_children_die_with_the_payload() {
  local ns members
  assert_status 0 sw "${ROOT[@]}" "${HERE[@]}" "$@" sh -c \
    'sleep 1000 & echo $! > "$1/bg"; readlink /proc/self/ns/pid > "$1/ns"' sh "$PWD"
  ns=$(cat ns)
  assert_match "$ns" '^pid:\[[0-9]+\]$' "the payload's pid namespace"
  assert_ne "$(host_ns pid)" "$ns" "the payload's pid namespace"
  # Killed and reaped before the launcher exits: nothing left, not even a zombie.
  members=$(pidns_members "$ns")
  [[ -z $members ]] || {
    ps -o pid,stat,args -p "${members// /,}0" >&2
    # shellcheck disable=SC2086 # a list of pids
    kill -KILL $members 2> /dev/null
    fail "processes of the sandbox survive the payload ($*): $members"
  }
}

test_background_children_die_with_the_payload() {
  background_children_die_with_the_payload --unshare-pid
}

test_background_children_die_with_the_payload_as_pid_1() {
  background_children_die_with_the_payload --unshare-pid --as-pid-1
}

test_background_children_die_with_the_payload_in_a_user_namespace() {
  background_children_die_with_the_payload --unshare-user --unshare-pid
}

# A payload that exits with a status while a child holds on: the status is
# the payload's.
test_exit_status_is_the_payloads_not_the_childrens() {
  assert_status 4 sw --ro-bind / / --unshare-pid sh -c 'sleep 1000 & exit 4'
}

# --- exec without a monitor ------------------------------------------------------

test_launcher_execs_the_payload_without_pid_namespace() {
  skip_if_bwrap "bwrap 0.8 always forks a monitor"
  wait_launcher_pid "${ROOT[@]}" "${HERE[@]}"
  assert_eq "$SW_BG_PID" "$PAYLOAD_PID" "the payload's pid (the pid the caller started)"
}

test_launcher_execs_the_payload_with_namespaces_but_no_pid_namespace() {
  skip_if_bwrap "bwrap 0.8 always forks a monitor"
  wait_launcher_pid "${ROOT[@]}" "${HERE[@]}" --unshare-net --unshare-ipc --unshare-uts
  assert_eq "$SW_BG_PID" "$PAYLOAD_PID" "the payload's pid (the pid the caller started)"
}

# A supervisor that starts `swaddle ... daemon` signals the daemon directly.
test_supervisor_signals_the_daemon_directly() {
  skip_if_bwrap "bwrap 0.8 always forks a monitor"
  start_bg "${ROOT[@]}" "${HERE[@]}" sh -c 'echo $$ > "$1/ready"; trap "echo got-usr1 > \"$1/got\"; exit 0" USR1; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done' sh "$PWD"
  wait_for test -s ready || fail "the payload did not start"
  assert_eq "$SW_BG_PID" "$(cat ready)" "the daemon's pid"
  kill -USR1 "$SW_BG_PID"
  wait "$SW_BG_PID"
  assert_eq 0 "$?" "exit status"
  assert_eq got-usr1 "$(cat got)" "what the daemon got"
}

test_with_unshare_pid_there_is_a_monitor() {
  wait_launcher_pid "${ROOT[@]}" "${HERE[@]}" --unshare-pid
  assert_eq 2 "$PAYLOAD_PID" "the payload's pid in its namespace"
}

# wait_launcher_pid ARGS...: start `sh -c 'echo $$'` in a sandbox in the
# background; PAYLOAD_PID is what it printed (into ./pid), SW_BG_PID the pid
# the caller started.
wait_launcher_pid() {
  sw_bg "$@" sh -c 'echo $$ > "$1/pid"' sh "$PWD"
  wait "$SW_BG_PID"
  assert_eq 0 "$?" "exit status"
  PAYLOAD_PID=$(cat pid)
}

sw_main "$@"
