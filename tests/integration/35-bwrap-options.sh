#!/bin/bash
# The effect of bwrap's less common options, checked on the state the payload
# (or the caller, from outside) really sees: --userns, --userns2, --pidns,
# --disable-userns, --assert-userns-disabled, --lock-file, --sync-fd,
# --block-fd, --userns-block-fd, --cap-add/--cap-drop, the overlay options,
# --bind-fd and --ro-bind-fd.
#
# The namespaces the sandbox joins are made here with unshare(1), held open
# by a `sleep` killed when the test ends.  bwrap 0.8 knows every option but
# the overlay ones, so SWADDLE=/usr/bin/bwrap validates the rest.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# How long a namespace holder lives if the test's teardown never kills it.
readonly HOLD_SECONDS=120

# A payload that says it started (creates $1/ready) and then waits until
# the test creates $1/go (about 20 s at most).
readonly WAIT_FOR_GO='touch "$1/ready"; i=0; while [ ! -e "$1/go" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done'

python_cmd() {
  if [[ -x /usr/bin/python3 ]]; then
    PYTHON=/usr/bin/python3
  else
    PYTHON=$(command -v python3) || skip "python3 is not installed"
  fi
}

# ns_of PID KIND: the namespace of a host process, e.g. user:[4026532176].
ns_of() {
  readlink "/proc/$1/ns/$2"
}

# ns_differs PID KIND: PID has left the test's namespace of that kind
# (unshare has done its work and exec'ed its command).
ns_differs() {
  local ns
  ns=$(ns_of "$1" "$2" 2> /dev/null) || return 1
  [[ -n $ns && $ns != "$(host_ns "$2")" ]]
}

# hold_userns: a new user namespace in which the caller is root (mapped to
# its own uid), held by a sleep; its pid is in HOLDER.
hold_userns() {
  require_cmd unshare
  unshare --user --map-root-user sleep "$HOLD_SECONDS" &
  HOLDER=$!
  SW_BG_PIDS+=("$HOLDER")
  wait_for ns_differs "$HOLDER" user || fail "unshare --user --map-root-user did not start"
}

# hold_userns_pair: user namespace OUTER (caller is root there, mapped to
# its own uid) and, below it, INNER (root of OUTER is root there).  OUTER's
# user.max_user_namespaces is 1, which INNER uses up: while INNER lives,
# nothing inside OUTER or INNER can create a user namespace, the way
# bubblewrap's --disable-userns leaves a sandbox.  OUTER_PID, INNER_PID.
hold_userns_pair() {
  require_cmd unshare
  unshare --user --map-root-user sh -c '
    echo 1 > /proc/sys/user/max_user_namespaces || exit 1
    unshare --user --map-root-user sleep "$1" &
    echo $! > inner.pid.tmp && mv inner.pid.tmp inner.pid
    exec sleep "$1"' sh "$HOLD_SECONDS" &
  OUTER_PID=$!
  SW_BG_PIDS+=("$OUTER_PID")
  wait_for test -s inner.pid || fail "the holder of the outer user namespace did not start"
  INNER_PID=$(< inner.pid)
  SW_BG_PIDS+=("$INNER_PID")
  wait_for ns_differs "$INNER_PID" user || fail "the holder of the inner user namespace did not start"
  wait_for eval '[[ $(ns_of "$INNER_PID" user) != "$(ns_of "$OUTER_PID" user)" ]]' ||
    fail "the inner user namespace was not created"
}

# hold_pidns [UNSHARE-ARGS...]: a new pid namespace (and whatever
# UNSHARE-ARGS add) whose pid 1 is a sleep; that sleep's host pid is in
# HOLDER.
hold_pidns() {
  require_cmd unshare pgrep
  local launcher
  unshare "$@" --pid --fork --kill-child sleep "$HOLD_SECONDS" &
  launcher=$!
  SW_BG_PIDS+=("$launcher")
  wait_for eval 'HOLDER=$(pgrep -P "$launcher" -x sleep)' || fail "unshare --pid --fork did not start its sleep"
  SW_BG_PIDS+=("$HOLDER")
  wait_for ns_differs "$HOLDER" pid || fail "the holder is not in a new pid namespace"
}

# --- --userns, --userns2 -------------------------------------------------------------

test_userns_joins_the_given_user_namespace() {
  hold_userns
  local ns
  ns=$(ns_of "$HOLDER" user)
  assert_success sw --ro-bind / / --userns 5 \
    sh -c 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map' 5< "/proc/$HOLDER/ns/user"
  assert_eq "$ns" "$(sed -n 1p <<< "$OUT")" "user namespace of the payload (the holder's is $ns)"
  assert_eq 0 "$(sed -n 2p <<< "$OUT")" "uid of the payload (the caller is root in that namespace)"
  assert_eq "0 $SW_UID 1" "$(sed -n 3p <<< "$OUT" | tr -s ' ' | sed 's/^ //')" "uid_map of the payload"
}

test_userns_with_unshare_user_is_rejected() {
  hold_userns
  assert_setup_error userns --ro-bind / / "${HERE[@]}" --userns 5 --unshare-user touch "$MARKER" \
    5< "/proc/$HOLDER/ns/user"
}

test_userns2_switches_to_the_second_namespace_after_setup() {
  hold_userns_pair
  local outer inner
  outer=$(ns_of "$OUTER_PID" user)
  inner=$(ns_of "$INNER_PID" user)
  # The setup (a tmpfs, a directory) is done with the privileges of OUTER,
  # the payload runs in INNER.
  assert_success sw --ro-bind / / --tmpfs /tmp --dir /tmp/made --userns 5 --userns2 6 \
    sh -c 'readlink /proc/self/ns/user; test -d /tmp/made && echo made' \
    5< "/proc/$OUTER_PID/ns/user" 6< "/proc/$INNER_PID/ns/user"
  assert_eq "$inner"$'\n'made "$OUT" "user namespace of the payload (outer $outer, inner $inner) and the setup"
  # --userns alone stays in OUTER: the control
  assert_success sw --ro-bind / / --userns 5 readlink /proc/self/ns/user 5< "/proc/$OUTER_PID/ns/user"
  assert_eq "$outer" "$OUT" "user namespace of the payload with --userns only"
}

# --- --pidns -----------------------------------------------------------------------------

# The payload's view with --pidns: its pid namespace, and pid 1 of the
# fresh /proc (the holder's sleep).
readonly SHOW_PIDNS='readlink /proc/self/ns/pid; cat /proc/1/comm'

test_pidns_joins_the_given_pid_namespace() {
  hold_pidns --user --map-root-user
  local ns
  ns=$(ns_of "$HOLDER" pid)
  assert_success sw --ro-bind / / --userns 5 --pidns 6 --proc /proc sh -c "$SHOW_PIDNS" \
    5< "/proc/$HOLDER/ns/user" 6< "/proc/$HOLDER/ns/pid"
  assert_eq "$ns"$'\n'sleep "$OUT" "pid namespace of the payload and pid 1 there (the holder's is $ns)"
}

# Root needs no user namespace to join a pid namespace it made.
test_pidns_as_root_without_userns() {
  require_root
  hold_pidns
  local ns
  ns=$(ns_of "$HOLDER" pid)
  assert_success sw --ro-bind / / --pidns 6 --proc /proc sh -c "$SHOW_PIDNS" 6< "/proc/$HOLDER/ns/pid"
  assert_eq "$ns"$'\n'sleep "$OUT" "pid namespace of the payload and pid 1 there (the holder's is $ns)"
}

# NS_GET_PARENT, _IO(0xb7, 0x2), of /proc/PID/ns/pid: the parent namespace.
readonly PIDNS_PARENT_PY='
import fcntl, os, sys
fd = os.open("/proc/%s/ns/pid" % sys.argv[1], os.O_RDONLY)
parent = fcntl.ioctl(fd, 0xb702)
print(os.readlink("/proc/self/fd/%d" % parent))
'

# --pidns with --unshare-pid: a new pid namespace whose parent is the given one.
test_pidns_with_unshare_pid_nests_a_new_namespace_below_it() {
  python_cmd
  hold_pidns --user --map-root-user
  local ns inside member parent
  ns=$(ns_of "$HOLDER" pid)
  run sw --ro-bind / / --userns 5 --pidns 6 --unshare-pid true 5< "/proc/$HOLDER/ns/user" 6< "/proc/$HOLDER/ns/pid"
  if [[ $STATUS != 0 && $ERR == *"unshare(CLONE_NEWNS|CLONE_NEWPID): Invalid argument"* ]]; then
    skip "swaddle bug: --pidns FD --unshare-pid fails with unshare(CLONE_NEWPID) EINVAL (no fork after setns(CLONE_NEWPID))"
  fi
  assert_eq 0 "$STATUS" "exit status of --pidns with --unshare-pid"
  sw_bg "${ROOT[@]}" "${HERE[@]}" --userns 5 --pidns 6 --unshare-pid --proc /proc \
    sh -c 'readlink /proc/self/ns/pid > "$1/ns"; '"$WAIT_FOR_GO" sh "$PWD" \
    5< "/proc/$HOLDER/ns/user" 6< "/proc/$HOLDER/ns/pid"
  wait_for test -e ready || fail "the payload did not start"
  inside=$(< ns)
  assert_ne "$ns" "$inside" "pid namespace of the payload (the given one is $ns)"
  assert_ne "$(host_ns pid)" "$inside" "pid namespace of the payload (the host's)"
  member=$(pidns_members "$inside")
  member=${member%% *}
  [[ -n $member ]] || fail "no process of the payload's pid namespace $inside found"
  run "$PYTHON" -c "$PIDNS_PARENT_PY" "$member"
  parent=$OUT
  touch go
  wait "$SW_BG_PID"
  assert_eq "$ns" "$parent" "parent of the payload's pid namespace"
}

# --- --disable-userns, --assert-userns-disabled -----------------------------------------

readonly TRY_USERNS='if unshare --user true 2> /dev/null; then echo created; else echo refused; fi'

test_disable_userns_stops_the_payload_creating_user_namespaces() {
  require_cmd unshare
  local uid
  for uid in "" "--uid 0"; do
    # the control: without the option, the payload may
    # shellcheck disable=SC2086 # uid is words or none
    assert_success sw --ro-bind / / --dev /dev --unshare-user $uid sh -c "$TRY_USERNS"
    assert_eq created "$OUT" "unshare --user inside, without --disable-userns ($uid)"
    # shellcheck disable=SC2086
    assert_success sw --ro-bind / / --dev /dev --unshare-user $uid --disable-userns sh -c "$TRY_USERNS"
    assert_eq refused "$OUT" "unshare --user inside, with --disable-userns ($uid)"
  done
}

# As root there is no user namespace unless asked for.
test_disable_userns_without_a_new_user_namespace_is_rejected() {
  require_root
  assert_setup_error disable-userns --ro-bind / / "${HERE[@]}" --disable-userns touch "$MARKER"
}

# An unprivileged caller always gets a user namespace, which swaddle
# counts as the one --disable-userns needs.
test_disable_userns_uses_the_implied_user_namespace() {
  require_unprivileged
  require_cmd unshare
  skip_if_bwrap "bwrap 0.8 wants --unshare-user spelt out, implied or not"
  assert_success sw --ro-bind / / --dev /dev --disable-userns sh -c "$TRY_USERNS"
  assert_eq refused "$OUT" "unshare --user inside, with --disable-userns"
}

test_assert_userns_disabled_accepts_a_disabled_namespace() {
  hold_userns_pair
  assert_success sw --ro-bind / / --dev /dev "${HERE[@]}" --userns 5 --assert-userns-disabled \
    sh -c "touch '$MARKER'; $TRY_USERNS" 5< "/proc/$INNER_PID/ns/user"
  assert_eq refused "$OUT" "unshare --user inside"
  assert_exists "$MARKER"
  assert_success sw --ro-bind / / "${HERE[@]}" --userns 5 --userns2 6 --assert-userns-disabled true \
    5< "/proc/$OUTER_PID/ns/user" 6< "/proc/$INNER_PID/ns/user"
}

test_assert_userns_disabled_refuses_a_namespace_that_allows_more() {
  hold_userns
  # bwrap 0.8 starts no payload here either; its message is its own
  run sw --ro-bind / / "${HERE[@]}" --userns 5 --assert-userns-disabled touch "$MARKER" 5< "/proc/$HOLDER/ns/user"
  assert_eq 1 "$STATUS" "exit status with --userns of a namespace that allows more"
  assert_not_exists "$MARKER"
  run sw --ro-bind / / "${HERE[@]}" --unshare-user --assert-userns-disabled touch "$MARKER"
  assert_eq 1 "$STATUS" "exit status with --unshare-user --assert-userns-disabled"
  assert_not_exists "$MARKER"
}

# The flatpak pattern: a first sandbox made with --disable-userns; a
# second one joins the first one's user namespace and asserts it.
test_assert_userns_disabled_accepts_a_namespace_left_by_disable_userns() {
  local pid
  sw_bg "${ROOT[@]}" "${HERE[@]}" --unshare-user --disable-userns \
    sh -c 'echo $$ > "$1/pid.tmp"; mv "$1/pid.tmp" "$1/pid"; '"$WAIT_FOR_GO" sh "$PWD"
  wait_for test -e ready || fail "the first sandbox did not start"
  pid=$(< pid)
  assert_success sw --ro-bind / / "${HERE[@]}" --userns 5 --assert-userns-disabled \
    sh -c "touch '$MARKER'; readlink /proc/self/ns/user" 5< "/proc/$pid/ns/user"
  assert_eq "$(ns_of "$pid" user)" "$OUT" "user namespace of the second sandbox"
  assert_exists "$MARKER"
  touch go
  wait "$SW_BG_PID"
}

# --- --lock-file ---------------------------------------------------------------------------

# Probe a file's POSIX (fcntl) locks from outside, as flatpak does: can a
# write lock and a read lock be taken now?  bubblewrap holds a read lock.
# (flock(1) would see nothing: flock and fcntl locks are separate on Linux.)
readonly LOCK_PROBE_PY='
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
res = []
for name, op in (("write", fcntl.LOCK_EX), ("read", fcntl.LOCK_SH)):
    try:
        fcntl.lockf(fd, op | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        res.append(name + "-free")
    except OSError:
        res.append(name + "-held")
print(" ".join(res))
'

lock_state() {
  "$PYTHON" -c "$LOCK_PROBE_PY" "$1"
}

test_lock_file_is_held_while_the_sandbox_runs() {
  python_cmd
  local pidns status
  : > lockfile
  assert_eq "write-free read-free" "$(lock_state lockfile)" "lock state before the sandbox (control)"
  for pidns in "" --unshare-pid; do
    rm -f ready go
    # shellcheck disable=SC2086 # pidns is one word or none
    sw_bg "${ROOT[@]}" "${HERE[@]}" $pidns --lock-file "$PWD/lockfile" sh -c "$WAIT_FOR_GO" sh "$PWD"
    wait_for test -e ready || fail "the payload did not start ($pidns)"
    assert_eq "write-held read-free" "$(lock_state lockfile)" "lock state while the payload runs ($pidns)"
    touch go
    wait "$SW_BG_PID"
    status=$?
    assert_eq 0 "$status" "exit status ($pidns)"
    assert_eq "write-free read-free" "$(lock_state lockfile)" "lock state after the sandbox ended ($pidns)"
  done
}

# The path is the sandbox's: a lock file that exists only inside.
test_lock_file_path_is_resolved_inside_the_sandbox() {
  python_cmd
  : > lockfile
  sw_bg "${ROOT[@]}" --bind "$PWD" /tmp/here --lock-file /tmp/here/lockfile \
    sh -c "$WAIT_FOR_GO" sh /tmp/here
  wait_for test -e ready || fail "the payload did not start"
  assert_eq "write-held read-free" "$(lock_state lockfile)" "lock state while the payload runs"
  touch go
  wait "$SW_BG_PID"
}

test_lock_file_already_write_locked_fails() {
  python_cmd
  : > lockfile
  run "$PYTHON" -c '
import fcntl, os, subprocess, sys
fd = os.open("lockfile", os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
sys.exit(subprocess.run(sys.argv[1:]).returncode)
' "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" --lock-file "$PWD/lockfile" touch "$MARKER"
  assert_eq 1 "$STATUS" "exit status when another process holds a write lock"
  assert_contains "$ERR" "$PWD/lockfile" "stderr"
  # bwrap 0.8 takes the lock in its pid 1, after the payload has started:
  # the payload runs although bwrap then exits 1.
  is_bwrap || assert_not_exists "$MARKER"
}

# --- --sync-fd -------------------------------------------------------------------------------

# A reader of a FIFO sees EOF once every writer is gone: the sandbox holds
# the only one (its --sync-fd) until it ends.
test_sync_fd_stays_open_until_the_sandbox_ends() {
  local pidns status
  for pidns in "" --unshare-pid; do
    rm -f ready go eof sync
    mkfifo sync
    (cat sync > /dev/null && echo eof > eof) &
    SW_BG_PIDS+=("$!")
    # shellcheck disable=SC2086 # pidns is one word or none
    sw_bg "${ROOT[@]}" "${HERE[@]}" $pidns --sync-fd 7 sh -c "$WAIT_FOR_GO" sh "$PWD" 7> sync
    wait_for test -e ready || fail "the payload did not start ($pidns)"
    sleep 0.2 # time for an early EOF to show
    assert_not_exists eof
    touch go
    wait "$SW_BG_PID"
    status=$?
    assert_eq 0 "$status" "exit status ($pidns)"
    wait_for test -e eof || fail "no EOF on the --sync-fd pipe after the sandbox ended ($pidns)"
  done
}

# --- --block-fd, --userns-block-fd ----------------------------------------------------------

# info_child_pid FILE: wait until --info-fd wrote its object to FILE; the
# child pid is in CHILD_PID.
info_child_pid() {
  wait_for grep -q '^}' "$1" || fail "--info-fd wrote no complete object" "$(show_block info "$(cat "$1")")"
  CHILD_PID=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$1")
  [[ -n $CHILD_PID ]] || fail "no child-pid in the --info-fd output" "$(show_block info "$(cat "$1")")"
}

test_block_fd_holds_the_payload_until_a_byte_arrives() {
  local writer status
  mkfifo block
  exec {writer}<> block
  sw_bg "${ROOT[@]}" "${HERE[@]}" --info-fd 8 --block-fd 9 touch "$MARKER" 8> info 9< block {writer}>&-
  info_child_pid info
  sleep 0.3 # time for a payload that does not wait to run
  assert_not_exists "$MARKER"
  pid_is_gone "$SW_BG_PID" && fail "the sandbox ended without the byte"
  echo x >&"$writer"
  wait "$SW_BG_PID"
  status=$?
  assert_eq 0 "$status" "exit status"
  assert_exists "$MARKER"
}

test_userns_block_fd_waits_for_the_callers_id_maps() {
  local writer status
  mkfifo block
  exec {writer}<> block
  sw_bg "${ROOT[@]}" "${HERE[@]}" --unshare-user --info-fd 8 --userns-block-fd 9 \
    sh -c 'touch "$1"; id -u > "$2/ids"; id -g >> "$2/ids"' sh "$MARKER" "$PWD" 8> info 9< block {writer}>&-
  info_child_pid info
  sleep 0.3
  assert_not_exists "$MARKER"
  assert_eq "" "$(cat "/proc/$CHILD_PID/uid_map")" "uid_map of the child before the caller wrote it"
  # The caller, not the sandbox, maps its ids: to 5 and 6.
  echo "5 $SW_UID 1" > "/proc/$CHILD_PID/uid_map" || fail "cannot write the child's uid_map"
  echo deny > "/proc/$CHILD_PID/setgroups" || fail "cannot write the child's setgroups"
  echo "6 $SW_GID 1" > "/proc/$CHILD_PID/gid_map" || fail "cannot write the child's gid_map"
  echo x >&"$writer"
  wait "$SW_BG_PID"
  status=$?
  assert_eq 0 "$status" "exit status"
  assert_eq $'5\n6' "$(cat ids)" "uid and gid of the payload"
}

# --- --cap-add, --cap-drop ------------------------------------------------------------------

readonly SHOW_CAPS='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status'

# Capability sets inside, compared with bwrap 0.8 given the same argv.
# As root the sandbox keeps the host's sets unless told; unprivileged, a
# payload that is uid 0 of its own user namespace gets the added ones.
test_cap_options_give_the_same_sets_as_bwrap() {
  local args
  local cases=(
    "--cap-drop ALL"
    "--cap-drop CAP_SYS_ADMIN"
    "--cap-drop ALL --cap-add CAP_NET_RAW"
    "--uid 0 --cap-drop ALL --cap-add CAP_SYS_ADMIN"
    "--unshare-user --uid 0 --cap-add ALL"
    "--unshare-user --uid 0"
    # Numbers, as libcap reads them for both.
    "--unshare-user --uid 0 --cap-drop ALL --cap-add 12"
    "--unshare-user --uid 0 --cap-drop 21 --cap-drop 40"
  )
  is_root || cases+=(
    "--cap-add CAP_NET_ADMIN"
    "--uid 0 --cap-add CAP_SYS_ADMIN"
    "--unshare-user --uid 0 --cap-add cap_sys_admin"
    "--uid 0 --cap-add ALL"
    "--unshare-user --uid 5 --cap-add CAP_SYS_ADMIN"
    "--unshare-user --cap-drop CAP_CHOWN"
    "--unshare-user --uid 0 --cap-add CAP_SYS_ADMIN --cap-drop CAP_SYS_ADMIN"
  )
  for args in "${cases[@]}"; do
    # shellcheck disable=SC2086 # words on purpose
    assert_same_as_bwrap --ro-bind / / $args sh -c "$SHOW_CAPS"
  done
}

# Root adding a capability it already has: bwrap then raises the requested
# set as inheritable and ambient too.
test_cap_add_as_root_raises_ambient_like_bwrap() {
  require_root
  run sw --ro-bind / / --cap-add CAP_NET_ADMIN sh -c "$SHOW_CAPS"
  if [[ $(status_field CapAmb "$OUT") == 0000000000000000 && $(status_field CapEff "$OUT") != 0000000000000000 ]]; then
    skip "swaddle bug: as root, --cap-add without --cap-drop leaves CapInh/CapAmb empty (bwrap 0.8 sets them to the requested set)"
  fi
  assert_same_as_bwrap --ro-bind / / --cap-add CAP_NET_ADMIN sh -c "$SHOW_CAPS"
  assert_same_as_bwrap --ro-bind / / --uid 0 --cap-add CAP_SYS_ADMIN sh -c "$SHOW_CAPS"
  assert_same_as_bwrap --ro-bind / / --unshare-user --uid 0 --cap-add cap_sys_admin sh -c "$SHOW_CAPS"
}

# Root in a new user namespace: bwrap cuts the bounding set to the
# requested capabilities.
test_cap_drop_in_a_user_namespace_cuts_the_bounding_set_like_bwrap() {
  require_root
  run sw --ro-bind / / --unshare-user --cap-drop CAP_CHOWN sh -c "$SHOW_CAPS"
  local bnd
  bnd=$(status_field CapBnd "$OUT")
  if [[ $STATUS == 0 && $((16#${bnd:-0} & 1)) == 1 ]]; then
    skip "swaddle bug: as root with --unshare-user, --cap-drop CAP_CHOWN leaves CAP_CHOWN in CapBnd (bwrap 0.8 drops it from the bounding set)"
  fi
  assert_same_as_bwrap --ro-bind / / --unshare-user --cap-drop CAP_CHOWN sh -c "$SHOW_CAPS"
  assert_same_as_bwrap --ro-bind / / --unshare-user --uid 0 --cap-add CAP_SYS_ADMIN --cap-drop CAP_SYS_ADMIN \
    sh -c "$SHOW_CAPS"
}

# Root whose bounding set lacks some capability (a container): bwrap 0.8
# runs `--cap-add ALL` with what it can have.
test_cap_add_all_as_root_with_a_reduced_bounding_set() {
  require_root
  local bnd
  bnd=$(status_field CapBnd "$(cat /proc/self/status)")
  [[ $bnd == 000001ffffffffff ]] && skip "the host's bounding set is full: nothing is missing"
  run sw --ro-bind / / --uid 0 --cap-add ALL sh -c "$SHOW_CAPS"
  if [[ $STATUS == 1 && $ERR == *capset* ]]; then
    skip "swaddle bug: as root with a reduced bounding set ($bnd), --cap-add ALL fails (capset: EPERM); bwrap 0.8 runs the payload"
  fi
  assert_same_as_bwrap --ro-bind / / --uid 0 --cap-add ALL sh -c "$SHOW_CAPS"
}

# The effect: CAP_SYS_ADMIN of the sandbox's user namespace lets uid 0
# mount there; dropped, it does not.  (Not with --dev: for it bwrap runs
# the payload in a second, nested user namespace, which owns no mount.)
readonly TRY_MOUNT='if mount -t tmpfs swaddle-cap /tmp 2>&1; then echo mounted; else echo refused; fi'

test_cap_add_sys_admin_lets_the_payload_mount() {
  local userns=()
  is_root && userns=(--unshare-user)
  assert_success sw --ro-bind / / --tmpfs /tmp "${userns[@]}" --uid 0 \
    --cap-drop ALL --cap-add CAP_SYS_ADMIN sh -c "$TRY_MOUNT"
  assert_eq mounted "$(tail -n 1 <<< "$OUT")" "mount inside with --cap-add CAP_SYS_ADMIN"
  assert_success sw --ro-bind / / --tmpfs /tmp "${userns[@]}" --uid 0 \
    --cap-drop CAP_SYS_ADMIN sh -c "$TRY_MOUNT"
  assert_eq refused "$(tail -n 1 <<< "$OUT")" "mount inside with --cap-drop CAP_SYS_ADMIN"
}

# --- overlays ---------------------------------------------------------------------------------

# require_overlay: skip when this kernel refuses overlayfs where the
# sandbox would mount it (in a user namespace for an unprivileged caller),
# asked of the kernel directly, not of swaddle.
require_overlay() {
  skip_if_bwrap "bwrap 0.8 has no overlay options (added in 0.10)"
  require_cmd unshare
  local uns=(unshare --mount)
  is_root || uns=(unshare --user --map-root-user --mount)
  mkdir -p .probe/lower1 .probe/lower2 .probe/mnt
  "${uns[@]}" mount -t overlay swaddle-probe -o "lowerdir=$PWD/.probe/lower1:$PWD/.probe/lower2" \
    "$PWD/.probe/mnt" 2> /dev/null ||
    skip "this kernel refuses overlayfs $(is_root || echo 'in a user namespace ')(unshare ... mount -t overlay failed)"
  rm -rf .probe
}

# Lower layers: lower1 (given first: the bottom) has a and b, lower2 (on
# top) has b and c.
make_layers() {
  mkdir -p lower1 lower2
  echo a1 > lower1/a
  echo b1 > lower1/b
  echo b2 > lower2/b
  echo c2 > lower2/c
  LAYERS=(--overlay-src "$PWD/lower1" --overlay-src "$PWD/lower2")
}

readonly SHOW_LAYERS='cat /tmp/o/a /tmp/o/b /tmp/o/c'

test_overlay_writes_go_to_the_upper_directory() {
  require_overlay
  make_layers
  mkdir upper work
  assert_success sw "${ROOT[@]}" "${LAYERS[@]}" --overlay "$PWD/upper" "$PWD/work" /tmp/o \
    sh -c "$SHOW_LAYERS"'; echo new > /tmp/o/n; echo changed > /tmp/o/a; rm /tmp/o/c; ls /tmp/o | tr "\n" " "; echo; grep " /tmp/o " /proc/self/mountinfo'
  assert_eq $'a1\nb2\nc2\na b n ' "$(head -n 4 <<< "$OUT")" "files through the overlay, then after the writes"
  MOUNTINFO=$(tail -n 1 <<< "$OUT")
  assert_mount /tmp/o type=overlay +rw
  assert_eq new "$(cat upper/n)" "new file in the upper directory"
  assert_eq changed "$(cat upper/a)" "changed file in the upper directory"
  [[ -c upper/c ]] || fail "no whiteout for the removed file in the upper directory" "$(ls -la upper)"
  assert_eq "a1 c2" "$(cat lower1/a lower2/c | tr '\n' ' ' | sed 's/ $//')" "lower layers after the writes"
  # a second sandbox sees the upper directory's state
  assert_success sw "${ROOT[@]}" "${LAYERS[@]}" --overlay "$PWD/upper" "$PWD/work" /tmp/o sh -c 'cat /tmp/o/a /tmp/o/n; ls /tmp/o'
  assert_eq $'changed\nnew\na\nb\nn' "$OUT" "the overlay in a second sandbox"
}

test_overlay_without_a_source_is_rejected() {
  skip_if_bwrap "bwrap 0.8 has no overlay options"
  mkdir upper work
  assert_setup_error --overlay "${ROOT[@]}" "${HERE[@]}" --overlay "$PWD/upper" "$PWD/work" /tmp/o touch "$MARKER"
}

test_tmp_overlay_writes_vanish() {
  require_overlay
  make_layers
  local before
  before=$(find . ! -name .sw-stderr | sort)
  assert_success sw "${ROOT[@]}" "${LAYERS[@]}" --tmp-overlay /tmp/o \
    sh -c "$SHOW_LAYERS"'; echo new > /tmp/o/n && cat /tmp/o/n; echo changed > /tmp/o/a && cat /tmp/o/a; grep " /tmp/o " /proc/self/mountinfo'
  assert_eq $'a1\nb2\nc2\nnew\nchanged' "$(head -n 5 <<< "$OUT")" "files through the overlay, then the writes"
  MOUNTINFO=$(tail -n 1 <<< "$OUT")
  assert_mount /tmp/o type=overlay +rw
  assert_eq "$before" "$(find . ! -name .sw-stderr | sort)" "files of the test directory after the sandbox"
  assert_eq a1 "$(cat lower1/a)" "lower1/a after the sandbox"
  assert_success sw "${ROOT[@]}" "${LAYERS[@]}" --tmp-overlay /tmp/o sh -c 'cat /tmp/o/a; ls /tmp/o'
  assert_eq $'a1\na\nb\nc' "$OUT" "the overlay in a second sandbox"
}

test_ro_overlay_is_read_only() {
  require_overlay
  make_layers
  assert_success sw "${ROOT[@]}" "${LAYERS[@]}" --ro-overlay /tmp/o \
    sh -c "$SHOW_LAYERS"'; if echo x > /tmp/o/n; then echo wrote; fi; grep " /tmp/o " /proc/self/mountinfo'
  assert_eq $'a1\nb2\nc2' "$(head -n 3 <<< "$OUT")" "files through the overlay"
  assert_not_contains "$OUT" wrote "payload output"
  assert_contains "$ERR" "Read-only file system" "stderr of the write"
  MOUNTINFO=$(tail -n 1 <<< "$OUT")
  assert_mount /tmp/o type=overlay +ro
  assert_not_exists lower1/n
  assert_not_exists lower2/n
}

test_ro_overlay_with_one_source_is_rejected() {
  skip_if_bwrap "bwrap 0.8 has no overlay options"
  mkdir lower
  assert_setup_error --ro-overlay "${ROOT[@]}" "${HERE[@]}" --overlay-src "$PWD/lower" --ro-overlay /tmp/o touch "$MARKER"
  assert_contains "$ERR" "--ro-overlay requires at least two --overlay-src" "stderr"
}

# COMPAT.md: overlay paths may contain , : and \ (the kernel's option
# syntax uses them).
test_overlay_paths_with_separator_characters() {
  require_overlay
  local low1='low,1:x' low2='low\2' up='up,per:dir' wk='wo\rk,1'
  mkdir "$low1" "$low2" "$up" "$wk"
  echo one > "$low1/f1"
  echo two > "$low2/f2"
  assert_success sw "${ROOT[@]}" --overlay-src "$PWD/$low1" --overlay-src "$PWD/$low2" \
    --overlay "$PWD/$up" "$PWD/$wk" /tmp/o sh -c 'cat /tmp/o/f1 /tmp/o/f2; echo w > /tmp/o/f3'
  assert_eq $'one\ntwo' "$OUT" "files through the overlay"
  assert_eq w "$(cat "$up/f3")" "file written to the upper directory"
  assert_success sw "${ROOT[@]}" --overlay-src "$PWD/$low1" --overlay-src "$PWD/$low2" --ro-overlay /tmp/o \
    sh -c 'cat /tmp/o/f1 /tmp/o/f2'
  assert_eq $'one\ntwo' "$OUT" "files through the read-only overlay"
}

# --- --bind-fd, --ro-bind-fd --------------------------------------------------------------------

# The directory is found by its descriptor: after it is renamed on the
# host, the descriptor still names it.
test_bind_fd_binds_the_directory_of_the_descriptor() {
  mkdir src
  echo hello > src/f
  exec 5< src
  mv src moved
  assert_success sw "${ROOT[@]}" --bind-fd 5 /tmp/b \
    sh -c 'cat /tmp/b/f; echo written > /tmp/b/new; grep " /tmp/b " /proc/self/mountinfo'
  exec 5<&-
  assert_eq hello "$(head -n 1 <<< "$OUT")" "file read through --bind-fd"
  MOUNTINFO=$(tail -n 1 <<< "$OUT")
  assert_mount /tmp/b +rw +nosuid +nodev
  assert_eq written "$(cat moved/new)" "file written through --bind-fd"
}

test_ro_bind_fd_is_read_only() {
  mkdir src
  echo hello > src/f
  exec 5< src
  assert_success sw "${ROOT[@]}" --ro-bind-fd 5 /tmp/b \
    sh -c 'cat /tmp/b/f; if echo x > /tmp/b/new; then echo wrote; fi; grep " /tmp/b " /proc/self/mountinfo'
  exec 5<&-
  assert_eq hello "$(head -n 1 <<< "$OUT")" "file read through --ro-bind-fd"
  assert_not_contains "$OUT" wrote "payload output"
  assert_contains "$ERR" "Read-only file system" "stderr of the write"
  MOUNTINFO=$(tail -n 1 <<< "$OUT")
  assert_mount /tmp/b +ro +nosuid +nodev
  assert_not_exists src/new
}

# An O_PATH descriptor (bash cannot open one): python opens it, renames the
# directory, and runs the sandbox with each option.
readonly O_PATH_PY='
import os, subprocess, sys
fd = os.open("src", os.O_PATH | os.O_DIRECTORY)
os.rename("src", "moved")
for opt in ("--bind-fd", "--ro-bind-fd"):
    payload = "cat /tmp/b/f; if echo x > /tmp/b/from-$0; then echo wrote; fi; grep \" /tmp/b \" /proc/self/mountinfo"
    r = subprocess.run(sys.argv[1:] + [opt, str(fd), "/tmp/b", "sh", "-c", payload, opt], pass_fds=[fd],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    print("%s status=%d %s" % (opt, r.returncode, r.stdout.replace("\n", " | ")))
'

test_bind_fd_accepts_an_o_path_descriptor() {
  python_cmd
  mkdir src
  echo hello > src/f
  assert_success "$PYTHON" -c "$O_PATH_PY" "${SW_CMD[@]}" "${ROOT[@]}"
  local rw ro
  rw=$(grep '^--bind-fd ' <<< "$OUT")
  ro=$(grep '^--ro-bind-fd ' <<< "$OUT")
  assert_match "$rw" '^--bind-fd status=0 hello \| wrote \| ' "--bind-fd with an O_PATH descriptor"
  assert_match "$ro" '^--ro-bind-fd status=0 hello \| [0-9]' "--ro-bind-fd with an O_PATH descriptor"
  MOUNTINFO=${rw#* wrote | }
  MOUNTINFO=${MOUNTINFO% | }
  assert_mount /tmp/b +rw +nosuid +nodev
  MOUNTINFO=${ro#* hello | }
  MOUNTINFO=${MOUNTINFO% | }
  assert_mount /tmp/b +ro +nosuid +nodev
  assert_exists moved/from---bind-fd
  assert_not_exists moved/from---ro-bind-fd
}

sw_main "$@"
