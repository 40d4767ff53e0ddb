#!/bin/bash
# Isolation invariants: no_new_privs, no capability for an unprivileged
# caller, setuid binaries gain nothing, the payload inherits only the
# caller's fds, the old root is unreachable, TIOCSTI cannot reach the
# caller's terminal with --new-session, --die-with-parent kills everything.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

setup_isolation() {
  skip_if_bwrap "checks swaddle's isolation invariants"
}

test_no_new_privs_is_set() {
  setup_isolation
  local args
  for args in "" "--unshare-pid" "--unshare-all" "--new-session"; do
    # shellcheck disable=SC2086 # words on purpose
    assert_success sw "${ROOT[@]}" $args cat /proc/self/status
    assert_eq 1 "$(status_field NoNewPrivs "$OUT")" "NoNewPrivs with '$args'"
  done
}

test_unprivileged_payload_has_no_capability() {
  setup_isolation
  require_unprivileged
  local args set
  # (--cap-add, as with bwrap, deliberately gives capabilities in the
  # sandbox's user namespace: not tested here.)
  for args in "" "--unshare-pid" "--unshare-all" "--uid 0 --gid 0" "--new-session --die-with-parent"; do
    # shellcheck disable=SC2086 # words on purpose
    assert_success sw "${ROOT[@]}" $args cat /proc/self/status
    for set in CapInh CapPrm CapEff CapAmb CapBnd; do
      assert_eq 0000000000000000 "$(status_field "$set" "$OUT")" "$set with '$args'"
    done
  done
}

# A setuid-root copy of id, bound in: the payload's euid stays the
# caller's.  Making the file takes root; the sandbox then runs as 65534.
test_setuid_root_binary_gains_nothing() {
  setup_isolation
  require_root
  require_cmd setpriv
  local dir
  dir=$(mktemp -d /tmp/swaddle-suid.XXXXXX)
  SW_BG_CLEAN=$dir
  trap 'rm -rf "$SW_BG_CLEAN"; sw_teardown_test' EXIT
  chmod 755 "$dir"
  cp /usr/bin/id "$dir/id"
  chown 0:0 "$dir/id"
  chmod 4755 "$dir/id"
  # the control: outside a sandbox, the copy does raise the euid
  run setpriv --reuid 65534 --regid 65534 --clear-groups "$dir/id" -u
  assert_eq 0 "$OUT" "euid of the setuid copy outside the sandbox (control)"
  local binds
  for binds in "--bind" "--dev-bind" "--ro-bind"; do
    run setpriv --reuid 65534 --regid 65534 --clear-groups "${SW_CMD[@]}" \
      "${ROOT[@]}" "$binds" "$dir" /tmp/suid /tmp/suid/id -u
    assert_eq 0 "$STATUS" "exit status with $binds"
    assert_eq 65534 "$OUT" "euid inside after a setuid-root exec ($binds)"
  done
  # as root with --uid in a user namespace, the same
  run "${SW_CMD[@]}" "${ROOT[@]}" --unshare-user --uid 1000 --gid 1000 --bind "$dir" /tmp/suid /tmp/suid/id -u
  assert_eq 1000 "$OUT" "euid inside (root caller, --uid 1000)"
}

# The descriptors a payload sees: `ls -l /proc/self/fd`, without the one
# ls opened to read that directory.
fd_listing() {
  awk 'NR > 1 && $NF !~ "^/proc/[0-9]+/fd$" { print $9 }' | sort -n | tr '\n' ' '
}

# assert_only_caller_fds SWADDLE-ARGS...: the payload holds exactly the
# descriptors a plain process started by the test holds (CALLER_FDS: 0, 1,
# 2, fd 9 which the caller passes on purpose, and whatever the test harness
# itself passes on), however swaddle was asked to run.  Descriptors given to
# swaddle for itself (status, info, sync, --args, --file) are not among them.
assert_only_caller_fds() {
  local inside
  run sw "$@" ls -l /proc/self/fd 9< /dev/null
  [[ $STATUS == 0 ]] || fail "exit status $STATUS with $*"
  inside=$(fd_listing <<< "$OUT")
  assert_eq "$CALLER_FDS" "$inside" "fds of the payload with: $*"
}

test_payload_inherits_only_the_callers_fds() {
  setup_isolation
  : > lockfile
  nul_args args.bin --unshare-ipc
  local ROOT=("${ROOT[@]}" "${HERE[@]}")
  CALLER_FDS=$(ls -l /proc/self/fd 9< /dev/null | fd_listing)
  assert_contains "$CALLER_FDS" "9" "fds of the control process"
  assert_only_caller_fds "${ROOT[@]}"
  assert_only_caller_fds "${ROOT[@]}" --unshare-pid
  assert_only_caller_fds "${ROOT[@]}" --unshare-pid --as-pid-1
  assert_only_caller_fds "${ROOT[@]}" --json-status-fd 5 --info-fd 6 --sync-fd 7 --lock-file "$PWD/lockfile" \
    5> status.json 6> info.json 7> /dev/null
  assert_only_caller_fds "${ROOT[@]}" --unshare-pid --json-status-fd 5 --info-fd 6 --sync-fd 7 \
    --lock-file "$PWD/lockfile" 5> status.json 6> info.json 7> /dev/null
  assert_only_caller_fds "${ROOT[@]}" --unshare-net
  assert_only_caller_fds "${ROOT[@]}" --args 5 5< args.bin
  assert_only_caller_fds "${ROOT[@]}" --new-session --die-with-parent
  assert_only_caller_fds "${ROOT[@]}" --unshare-all --file 5 /tmp/f --bind-data 6 /tmp/g 5< /dev/null 6< /dev/null
}

# The mount table inside holds the plan's mounts and nothing else: no
# old root, no staging directory, no extra tmpfs.
test_mountinfo_shows_only_the_plans_mounts() {
  setup_isolation
  local mp dests=(/ /usr /etc /proc /dev /tmp /data) args
  mkdir data
  args=("${MINROOT[@]}" --proc /proc --dev /dev --tmpfs /tmp --bind "$PWD/data" /data)
  for extra in "" --unshare-pid; do
    # shellcheck disable=SC2086
    capture_mountinfo "${args[@]}" $extra
    assert_not_contains "$MOUNTINFO" oldroot "mountinfo"
    assert_not_contains "$MOUNTINFO" newroot "mountinfo"
    while read -r mp; do
      local ok=0 d
      for d in "${dests[@]}" /bin /sbin /lib /lib64 /lib32; do
        if [[ $mp == "$d" || $mp == "$d"/* || $d == / && $mp == / ]]; then
          ok=1
          break
        fi
      done
      ((ok)) || fail "mount at $mp was not asked for" "$(show_block mountinfo "$MOUNTINFO")"
      # only / itself may be at the root; nothing is mounted under / other
      # than the plan's destinations (checked above)
    done < <(awk '{ print $5 }' <<< "$MOUNTINFO")
    # exactly one mount at /
    assert_eq 1 "$(awk '$5 == "/"' <<< "$MOUNTINFO" | wc -l)" "mounts at / with '$extra'"
  done
  # pid 1's root, where it can be read, is the sandbox's root
  assert_success sw "${args[@]}" --unshare-pid sh -c 'ls -a /proc/1/root/ | sort | tr "\n" " "; echo; ls -a / | sort | tr "\n" " "'
  local first second
  first=$(sed -n 1p <<< "$OUT")
  second=$(sed -n 2p <<< "$OUT")
  assert_eq "$second" "$first" "/proc/1/root compared with /"
  assert_not_contains "$first" old_root "/proc/1/root"
}

# A payload that calls TIOCSTI on its stdin, a pty that is the caller's
# controlling terminal: with --new-session nothing arrives.
readonly TIOCSTI_PY='
import fcntl, os, select, sys, termios, pty
master, slave = pty.openpty()
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~(termios.ECHO | termios.ICANON)
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    rc = os.spawnvp(os.P_WAIT, sys.argv[1], sys.argv[1:])
    # what reached our (the caller'"'"'s) input queue
    r, _, _ = select.select([0], [], [], 0.3)
    got = os.read(0, 100) if r else b""
    os.write(1, b"\nRESULT rc=%d injected=%r\n" % (rc, got))
    os._exit(0)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode("latin-1"))
'
readonly INJECT_PY='
import fcntl, termios, sys
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"x")
    print("ioctl-ok")
except OSError as e:
    print("ioctl-failed", e.errno)
'

test_tiocsti_cannot_reach_callers_terminal() {
  setup_isolation
  require_cmd python3
  local py
  py=$(command -v python3)
  # Root in the initial user namespace keeps CAP_SYS_ADMIN, which TIOCSTI
  # honours on any terminal (bwrap likewise).
  require_unprivileged
  run python3 -c "$TIOCSTI_PY" "${SW_CMD[@]}" "${ROOT[@]}" --new-session "$py" -c "$INJECT_PY"
  assert_contains "$OUT" "RESULT rc=0" "the sandbox's run"
  assert_contains "$OUT" "injected=b''" "what arrived on the caller's terminal"
  assert_not_contains "$OUT" "ioctl-ok" "TIOCSTI from inside"
}

# die_with_parent_case SWADDLE-ARGS...: a shell starts swaddle with
# --die-with-parent; the payload starts a grandchild `sleep`; killing the
# shell must end every process of the sandbox within a second.
die_with_parent_case() {
  local tag=$((900000 + RANDOM)) parent i
  sh -c '"$@" & wait' sh "${SW_CMD[@]}" "${ROOT[@]}" --dev /dev --die-with-parent "$@" \
    sh -c "sleep $tag & sleep $tag; wait" > /dev/null 2>&1 &
  parent=$!
  SW_BG_PIDS+=("$parent")
  wait_for eval "[[ \$(pgrep -x -f 'sleep $tag' | wc -l) -ge 2 ]]" || fail "the payload's sleeps did not start"
  local pids
  pids=$(pgrep -f "sleep $tag" | tr '\n' ' ')
  [[ -n $pids ]] || fail "no sandbox process found"
  kill -KILL "$parent"
  sleep 1
  local pid left=
  for pid in $pids; do
    pid_is_gone "$pid" || left+="$pid($(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null)) "
  done
  if [[ -n $left ]]; then
    for pid in $pids; do kill -KILL "$pid" 2> /dev/null; done
    fail "still alive 1 s after the parent was killed (with: $*): $left"
  fi
}

test_die_with_parent_kills_everything_pid_ns() {
  setup_isolation
  require_cmd pgrep
  die_with_parent_case --unshare-pid
  die_with_parent_case --unshare-pid --as-pid-1
  die_with_parent_case --unshare-all --new-session
}

# Without a pid namespace the payload's own children must die too, not
# only the payload (PR_SET_PDEATHSIG alone reaches only the payload).
# Without a pid namespace only the payload itself dies with the parent (as
# with bwrap): a launcher killed by SIGKILL cannot act, and the payload's
# own children are then nobody's to kill.  Every process of the sandbox
# going needs --unshare-pid, which the test above pins.

sw_main "$@"
