#!/bin/bash
# Diagnostics: when a sandbox cannot start, the one-line message is followed
# by the cause, its evidence and the fix; `--check` reports what the host
# allows.  Every environment here is real, built by the test: a seccomp
# filter (sys-deny), a user namespace whose user.max_user_namespaces is 0 or
# used up, user namespaces nested as deep as the kernel allows, a chroot, a
# mount namespace whose /proc is masked the way container runtimes mask it.
# (AppArmor's userns restriction, unprivileged_userns_clone=0 and the other
# causes this machine cannot be put in are covered by tests/unit-diagnose.c.)
# shellcheck disable=SC2016 # scripts for sh -c are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

readonly NEWUSER=0x10000000

# --- helpers ------------------------------------------------------------------

require_swaddle() {
  skip_if_bwrap "bwrap 0.8 has no diagnosis and no --check"
}

# require_sysdeny: SYSDENY is the staged fault helper (next to the binary).
require_sysdeny() {
  SYSDENY=$(dirname "$SWADDLE")/sys-deny
  [[ -x $SYSDENY ]] || skip "the sys-deny helper was not built"
}

# denied_userns CMD...: CMD under a filter refusing unshare and clone with
# CLONE_NEWUSER (EPERM), as Docker's default seccomp profile does.
denied_userns() {
  "$SYSDENY" -e EPERM -a "$NEWUSER" unshare,clone -- "$@"
}

# userns_flag: a root caller gets a user namespace only when it asks.
userns_flag() {
  USERNS=()
  is_root && USERNS=(--unshare-user)
  return 0
}

# assert_diagnosis CAUSE-ID MESSAGE-ERE: the last `run` was a sandbox that
# could not start: exit status 1, nothing on stdout, stderr's first line is
# the one-line message (matching MESSAGE-ERE) and the explanation follows,
# indented, naming CAUSE-ID with its evidence and a fix.
assert_diagnosis() {
  local id=$1 message=$2 first rest
  [[ $STATUS == 1 ]] || fail "exit status $STATUS, expected 1"
  [[ -z $OUT ]] || fail "stdout should be empty"
  first=${ERR%%$'\n'*}
  rest=${ERR#*$'\n'}
  [[ $ERR == *$'\n'* ]] || fail "no explanation after the message"
  assert_match "$first" "^swaddle: .*$message" "the message line"
  assert_not_contains "$first" "cause:" "the message line"
  grep -qE "^  cause: .*\[$id\]" <<< "$rest" || fail "the explanation does not name the cause [$id]" "$(show_block stderr "$ERR")"
  assert_contains "$rest" "  evidence: " "the explanation"
  assert_contains "$rest" "  fix: " "the explanation"
  ! grep -qv '^  ' <<< "$rest" || fail "explanation lines are not indented" "$(show_block stderr "$ERR")"
}

# assert_check_fails CAUSE-ID: the last `run` was `--check`, which must
# exit 1 and name CAUSE-ID and a fix.
assert_check_fails() {
  local id=$1
  [[ $STATUS == 1 ]] || fail "--check: exit status $STATUS, expected 1"
  assert_contains "$OUT" "The default sandbox cannot run here" "--check output"
  assert_match "$OUT" "  cause: .*\[$id\]" "--check output"
  assert_contains "$OUT" "  fix: " "--check output"
}

# --- --check on this machine ---------------------------------------------------

test_check_reports_this_host_and_exits_0() {
  require_swaddle
  assert_status 0 sw --check
  assert_contains "$OUT" "The default sandbox (user and mount namespaces, tmpfs, binds, /proc in a pid namespace) can run here."
  local row
  for row in "user " "uid/gid map" "proc (own pid ns)" "sysfs (own net ns)" "overlay" "pivot_root" \
    "kernel.unprivileged_userns_clone" "user.max_user_namespaces" "seccomp" "Landlock" "cgroup v2"; do
    assert_contains "$OUT" "  $row" "--check table"
  done
  assert_contains "$OUT" "$(cat /proc/sys/kernel/osrelease)" "--check table"
  if is_root; then
    assert_match "$OUT" "probed as +uid 65534" "--check table"
  fi
  if is_fallback; then
    assert_match "$OUT" "new mount API +no" "--check table under sys-deny"
  else
    assert_match "$OUT" "new mount API +yes" "--check table"
  fi
  [[ -z $ERR ]] || fail "--check wrote to stderr"
}

test_check_json() {
  require_swaddle
  [[ -x /usr/bin/python3 ]] || skip "python3 is not installed"
  assert_status 0 sw --check --json
  local expected_uid=$SW_UID
  is_root && expected_uid=65534
  run /usr/bin/python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert r["default-sandbox"]["ok"] is True, r["default-sandbox"]
assert r["probed-as"]["uid"] == int(sys.argv[1]), r["probed-as"]
for ns in ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup"):
    assert r["namespaces"][ns]["ok"], ns
assert r["uid-gid-map"]["ok"]
for m in ("tmpfs", "bind", "proc", "pivot-root"):
    assert r["mounts"][m]["ok"], m
assert r["sysctls"]["user.max_user_namespaces"] > 0
if sys.argv[2] == "1":
    assert r["seccomp"]["mode"] == 2, r["seccomp"]
assert r["new-mount-api"] is (sys.argv[2] != "1")
print("valid")
' "$expected_uid" "$(is_fallback && echo 1 || echo 0)" <<< "$OUT"
  assert_eq valid "$OUT" "the JSON report checked by python3 ($ERR)"
}

test_check_is_fast_and_leaves_nothing_behind() {
  require_swaddle
  local before after i start end best=999999
  before=$(cat /proc/self/mountinfo; readlink /proc/self/ns/*)
  for i in 1 2 3; do
    start=${EPOCHREALTIME/./}
    sw --check > /dev/null || fail "--check failed"
    end=${EPOCHREALTIME/./}
    ((end - start < best)) && best=$((end - start))
  done
  after=$(cat /proc/self/mountinfo; readlink /proc/self/ns/*)
  assert_eq "$before" "$after" "this process's mounts and namespaces after --check"
  if command -v pgrep > /dev/null; then
    [[ -z $(pgrep -P $$) ]] || fail "--check left processes behind: $(pgrep -a -P $$)"
  fi
  # The design target is 0.3 s; a loaded CI machine gets some slack.
  ((best < 1000000)) || fail "--check took $((best / 1000)) ms at best, expected well under a second"
}

# --- a seccomp filter, as container runtimes install ---------------------------------

test_seccomp_filter_is_named() {
  require_swaddle
  require_sysdeny
  userns_flag
  run denied_userns "${SW_CMD[@]}" "${USERNS[@]}" --ro-bind / / touch "$MARKER"
  assert_diagnosis seccomp "creating the sandbox's namespaces: unshare\(.*CLONE_NEWUSER.*\): Operation not permitted$"
  assert_contains "$ERR" "Seccomp: 2" "the evidence"
  assert_contains "$ERR" "still fails with EPERM" "the evidence"
  assert_contains "$ERR" "seccomp=unconfined" "the fix"
  assert_not_exists "$MARKER"

  run denied_userns "${SW_CMD[@]}" --check
  assert_check_fails seccomp
}

test_level_prefix_marks_every_line_of_a_diagnosis() {
  require_swaddle
  require_sysdeny
  userns_flag
  run denied_userns "${SW_CMD[@]}" --level-prefix "${USERNS[@]}" --ro-bind / / true
  [[ $STATUS == 1 ]] || fail "exit status $STATUS, expected 1"
  assert_match "${ERR%%$'\n'*}" '^<3>swaddle: creating the sandbox' "the message line"
  ! sed 1d <<< "$ERR" | grep -qEv '^<[56]>  ' || fail "explanation lines without <5> or <6>" "$(show_block stderr "$ERR")"
  assert_match "$ERR" $'\n<5>  cause: ' "stderr"
}

# --- namespace limits ------------------------------------------------------------------

# in_child_userns LIMIT CMD...: run CMD as root of a new user namespace in
# which user.max_user_namespaces is LIMIT (the sysctl is per user namespace:
# the caller's own limit is not touched).
in_child_userns() {
  unshare --user --map-root-user sh -c 'echo "$1" > /proc/sys/user/max_user_namespaces || exit 99; shift; exec "$@"' \
    sh "$@"
}

test_max_user_namespaces_0() {
  require_swaddle
  require_cmd unshare
  local host_limit
  host_limit=$(cat /proc/sys/user/max_user_namespaces)
  run in_child_userns 0 "${SW_CMD[@]}" --unshare-user --ro-bind / / touch "$MARKER"
  [[ $STATUS != 99 ]] || fail "could not set user.max_user_namespaces in a child user namespace"
  assert_diagnosis namespace-limit-zero "unshare\(.*\): No space left on device$"
  assert_contains "$ERR" "/proc/sys/user/max_user_namespaces is 0" "the evidence"
  assert_contains "$ERR" "sysctl -w user.max_user_namespaces=" "the fix"
  assert_not_exists "$MARKER"
  assert_eq "$host_limit" "$(cat /proc/sys/user/max_user_namespaces)" "the caller's user.max_user_namespaces"

  run in_child_userns 0 "${SW_CMD[@]}" --check
  assert_check_fails namespace-limit-zero
}

test_user_namespaces_used_up() {
  require_swaddle
  require_cmd unshare
  # Two user namespaces held by sleeping processes use up a limit of 2.
  local script='
    unshare --user sleep 60 & a=$!
    unshare --user sleep 60 & b=$!
    trap "kill $a $b 2>/dev/null" EXIT
    own=$(readlink /proc/self/ns/user)
    for pid in $a $b; do
      i=0
      while [ "$(readlink /proc/$pid/ns/user)" = "$own" ]; do
        i=$((i + 1)); [ $i -lt 200 ] || exit 98; sleep 0.05
      done
    done
    "$@"'
  run in_child_userns 2 sh -c "$script" sh "${SW_CMD[@]}" --unshare-user --ro-bind / / true
  [[ $STATUS != 98 ]] || fail "the sleeping processes never got their user namespaces"
  assert_diagnosis userns-exhausted "unshare\(.*\): No space left on device$"
  assert_contains "$ERR" "max_user_namespaces is 2 here, and 2 user namespaces below this one" "the evidence"

  run in_child_userns 2 sh -c "$script" sh "${SW_CMD[@]}" --check
  assert_check_fails userns-exhausted
}

test_user_namespaces_nested_to_the_limit() {
  require_swaddle
  require_cmd unshare
  # Each level keeps a process (--fork), as nested sandboxes do; the command
  # runs where the kernel refuses one more level.
  cat > nest.sh <<'EOF'
if unshare --user --map-current-user true 2> /dev/null; then
  exec unshare --user --map-current-user --fork bash "$0" "$@"
fi
"$@" --unshare-user --ro-bind / / true 2> sandbox.err
echo $? > sandbox.status
"$@" --check > check.out 2>&1
echo $? > check.status
EOF
  run bash nest.sh "${SW_CMD[@]}"
  [[ -f sandbox.status ]] || fail "the nesting script did not reach the bottom"
  OUT='' ERR=$(< sandbox.err) STATUS=$(< sandbox.status)
  assert_diagnosis userns-nesting "unshare\(.*\): No space left on device$"
  assert_contains "$ERR" "hidden from it" "the evidence"
  OUT=$(< check.out) ERR='' STATUS=$(< check.status)
  assert_check_fails userns-nesting
}

# --- a chroot ------------------------------------------------------------------------------

# make_tree DIR: a root holding the binary under test (and the fault helper
# of the fallback modes) with the libraries they load.
make_tree() {
  local tree=$1 bin lib
  mkdir -p "$tree/proc" "$tree/tmp"
  cp "$SWADDLE" "$tree/swaddle"
  TREE_CMD=(/swaddle)
  if ((${#SW_WRAP_ARGV[@]})); then
    cp "${SW_WRAP_ARGV[0]}" "$tree/wrap"
    TREE_CMD=(/wrap "${SW_WRAP_ARGV[@]:1}" /swaddle)
  fi
  for bin in "$tree/swaddle" "${SW_WRAP_ARGV[0]:+$tree/wrap}"; do
    [[ -n $bin ]] || continue
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
      mkdir -p "$tree${lib%/*}"
      cp -L "$lib" "$tree$lib"
    done
  done
  chmod -R a+rX "$tree"
}

test_chroot_is_named() {
  require_swaddle
  require_root
  require_cmd chroot ldd unshare
  make_tree "$SW_TEST_DIR/tree"

  # Without /proc the host cannot be examined: that is said, with the chroot.
  # (Not under ASan: without /proc it warns on stderr that it cannot find
  # the binary's name and the stack.)
  if ! is_sanitized; then
    run chroot --userspec=65534:65534 tree "${TREE_CMD[@]}" --ro-bind / / /nothing
    assert_diagnosis no-proc "unshare\(.*CLONE_NEWUSER.*\): Operation not permitted$"
    assert_contains "$ERR" "chroot" "the explanation"
  fi

  # With /proc mounted inside (in a mount namespace of the test's own).
  local with_proc='mount -t proc proc tree/proc || exit 99; exec chroot "$@"'
  run unshare --mount --propagation private sh -c "$with_proc" sh --userspec=65534:65534 tree \
    "${TREE_CMD[@]}" --ro-bind / / /nothing
  assert_diagnosis chroot "unshare\(.*CLONE_NEWUSER.*\): Operation not permitted$"
  assert_contains "$ERR" "no mount at \"/\"" "the evidence"

  run unshare --mount --propagation private sh -c "$with_proc" sh --userspec=65534:65534 tree \
    "${TREE_CMD[@]}" --check
  assert_check_fails chroot

  # root needs no user namespace, but the root switch fails in a chroot.
  run unshare --mount --propagation private sh -c "$with_proc" sh tree "${TREE_CMD[@]}" --ro-bind / / /nothing
  assert_diagnosis chroot "Invalid argument$"
}

# --- a /proc masked the way container runtimes mask it -----------------------------------

# in_masked_proc CMD...: CMD in a mount namespace whose /proc has kcore, keys
# and timer_list covered by /dev/null and sys, bus and irq read-only (as
# Docker and Podman leave it), as uid 65534 (root mode: a mount namespace
# of root's; user mode: in a user namespace of the caller's, where the
# sandbox is then asked for its own user namespace).
readonly MASK_PROC='
  for f in kcore keys timer_list; do
    [ -e /proc/$f ] || continue
    mount --bind /dev/null /proc/$f || exit 97
  done
  for d in sys bus irq; do
    [ -e /proc/$d ] || continue
    mount --bind /proc/$d /proc/$d && mount -o remount,bind,ro /proc/$d || exit 97
  done'

in_masked_proc() {
  if is_root; then
    unshare --mount --propagation private sh -c "$MASK_PROC"'
      exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@"' sh "$@"
  else
    unshare --user --map-root-user --mount sh -c "$MASK_PROC"'
      exec "$@"' sh "$@"
  fi
}

test_masked_proc_refuses_a_fresh_proc() {
  require_swaddle
  require_cmd unshare setpriv
  local userns=()
  is_root || userns=(--unshare-user)
  run in_masked_proc "${SW_CMD[@]}" "${userns[@]}" --ro-bind / / --unshare-pid --proc /proc touch "$MARKER"
  [[ $STATUS != 97 ]] || fail "could not mask /proc"
  assert_diagnosis masked-proc "--proc /proc: .*Operation not permitted$"
  assert_contains "$ERR" "/proc/keys" "the evidence"
  assert_contains "$ERR" "/proc/timer_list" "the evidence"
  assert_contains "$ERR" "/proc/sys (read-only)" "the evidence"
  assert_contains "$ERR" "without \`--unshare-pid\`" "the fix"

  # The fix works: without a pid namespace of its own, --proc binds /proc.
  assert_status 0 in_masked_proc "${SW_CMD[@]}" "${userns[@]}" --ro-bind / / --proc /proc cat /proc/self/stat
  [[ -n $OUT ]] || fail "the payload read nothing from /proc"

  run in_masked_proc "${SW_CMD[@]}" --check
  assert_check_fails masked-proc
}

sw_main "$@"
