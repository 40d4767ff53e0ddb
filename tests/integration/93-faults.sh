#!/bin/bash
# Fault injection: each system call of the setup path fails in turn (strace
# -e inject, EPERM, on its first call in each process).  swaddle must exit 1
# with a first line naming that call (or its step), never run the payload,
# and never hang.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# The setup path's calls (execve of the payload excluded), and what a
# message may call each instead of its exact name.
readonly SETUP_CALLS=(
  unshare mount_setattr open_tree move_mount fsopen fsconfig fsmount
  pivot_root mkdirat openat2 chroot umount2 prctl capset sethostname socket
  mount setns
)
readonly -A CALL_WORDS=(
  [unshare]='unshare' [mount_setattr]='mount_setattr' [open_tree]='open_tree'
  [move_mount]='move_mount' [fsopen]='fsopen' [fsconfig]='fsconfig'
  [fsmount]='fsmount' [pivot_root]='pivot_root' [mkdirat]='mkdir'
  [openat2]='openat2' [chroot]='chroot' [umount2]='umount' [prctl]='prctl'
  [capset]='capset|capabilit' [sethostname]='sethostname' [socket]='socket|loopback'
  [mount]='mount' [setns]='setns'
)

# strace, inside the fallback modes' sys-deny wrapper (so that the
# wrapper's own prctl and seccomp calls are not the ones that fail).
traced() {
  "${SW_WRAP_ARGV[@]}" strace -f -qq "$@"
}

# An argv that reaches every step: namespaces, mounts of each kind, an
# overlay, a read-only remount, a hostname, the loopback, capabilities.
setup_faults() {
  skip_if_bwrap "fault injection into swaddle's setup"
  require_cmd strace
  mkdir -p src
  FAULT_ARGS=(--unshare-all --hostname faulty --die-with-parent "${MINROOT[@]}"
    --proc /proc --dev /dev --tmpfs /tmp "${HERE[@]}"
    --overlay-src /etc --tmp-overlay /etc
    --bind "$PWD/src" /x/y --remount-ro /x/y)
  # strace must be able to trace here at all
  run traced -o /dev/null "$SWADDLE" --version
  [[ $STATUS == 0 ]] || skip "strace cannot trace in this environment: $ERR"
}

# The calls a good run of FAULT_ARGS makes successfully.
calls_made() {
  local log=$SW_TEST_DIR/.strace-log
  local IFS=,
  traced -o "$log" -e trace="${SETUP_CALLS[*]}" "$SWADDLE" "${FAULT_ARGS[@]}" true > /dev/null 2>&1 \
    || fail "the sandbox does not start without fault injection" "$(tail -n 20 "$log")"
  unset IFS
  # "PID call(args) = 0": calls that succeeded (not the -1 ENOSYS of the
  # fallback modes' denied calls), including resumed ones.
  sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z_0-9]+) resumed>/\1(/' "$log" \
    | awk '/^[a-z_0-9]+\(/ && !/= -1 / { sub(/\(.*/, ""); print }' | sort -u
  rm -f "$log"
}

# names_call_or_step CALL LINE: LINE names the call (or a word for it) or
# the step, as the option of the plan being set up ("--bind SRC DEST: ...",
# "--unshare-net: bringing up the loopback ...").
names_call_or_step() {
  local line=${2,,}
  [[ $line =~ ${CALL_WORDS[$1]} ]] && return 0
  [[ $line =~ ^[^:]*:\ --[a-z] ]]
}

inject_each() {
  local call used=() tested=0 first problems=
  mapfile -t used < <(calls_made)
  ((${#used[@]} > 0)) || fail "no setup call seen with strace"
  for call in "${SETUP_CALLS[@]}"; do
    [[ " ${used[*]} " == *" $call "* ]] || continue
    tested=$((tested + 1))
    rm -f "$MARKER"
    run timeout -k 2 10 "${SW_WRAP_ARGV[@]}" strace -f -qq -o /dev/null \
      -e trace="$call" -e inject="$call":error=EPERM:when=1 \
      "$SWADDLE" "${FAULT_ARGS[@]}" touch "$MARKER"
    first=$(head -n 1 <<< "$ERR")
    if [[ $STATUS == 124 || $STATUS == 137 ]]; then
      problems+="$call: swaddle hung (killed after 10 s)"$'\n'
    elif [[ -e $MARKER ]]; then
      problems+="$call: the payload ran (exit status $STATUS; stderr: $first)"$'\n'
    elif [[ $STATUS != 1 ]]; then
      problems+="$call: exit status $STATUS, expected 1 (stderr: $first)"$'\n'
    elif ! names_call_or_step "$call" "$first"; then
      problems+="$call: the first line names neither the call nor its step: $first"$'\n'
    elif [[ $first != *"Operation not permitted"* ]]; then
      problems+="$call: the first line does not give the error (EPERM): $first"$'\n'
    fi
  done
  ((tested >= 5)) || fail "only $tested setup calls were seen: ${used[*]}"
  [[ -z $problems ]] || fail "with each setup call failing in turn (calls seen: ${used[*]}):" "$problems"
}

test_each_setup_call_failing() {
  setup_faults
  inject_each
}

# The same with the payload run by a watcher (pid namespace, status fd):
# more processes, each failing its first call.
test_each_setup_call_failing_with_watchers() {
  setup_faults
  exec 7> status.json
  FAULT_ARGS+=(--json-status-fd 7 --lock-file "$PWD/src")
  inject_each
}

# open_tree_attr (Linux 6.15) sets a bind's flags in the call that clones
# it.  Where it is missing (ENOSYS: older kernels) or refused by a seccomp
# profile that does not know it (EPERM: container runtimes), swaddle uses
# open_tree and mount_setattr, with the same result; any other error is
# the answer.  sys-deny stands in for the kernel and the profile.
open_tree_attr_case() {
  local errno=$1
  local deny
  deny=$(dirname "$SWADDLE")/sys-deny
  skip_if_bwrap "swaddle's choice of mount calls"
  is_fallback && skip "the fallback modes use mount(2), not the new mount API"
  [[ -x $deny ]] || skip "tests/sys-deny was not built"
  mkdir -p src/sub
  run "$deny" -e "$errno" open_tree_attr -- "$SWADDLE" "${MINROOT[@]}" --tmpfs /tmp \
    --ro-bind "$PWD/src" /tmp/src --ro-bind /proc /tmp/proc cat /tmp/proc/self/mountinfo
}

test_binds_without_open_tree_attr() {
  local errno line options
  for errno in ENOSYS EPERM; do
    open_tree_attr_case "$errno"
    assert_eq 0 "$STATUS" "exit status with open_tree_attr failing with $errno ($ERR)"
    for line in " /tmp/src " " /tmp/proc " " /tmp/proc/sys/fs/binfmt_misc "; do
      options=$(awk -v m="${line// /}" '$5 == m { print $6 }' <<< "$OUT")
      [[ -z $options && $line == *binfmt* ]] && continue
      [[ ,$options, == *,ro,* && ,$options, == *,nosuid,* && ,$options, == *,nodev,* ]] ||
        fail "with open_tree_attr failing with $errno, the mount on${line}has options '$options', not ro,nosuid,nodev" \
          "$(show_block mountinfo "$OUT")"
    done
  done
}

test_open_tree_attr_failing_otherwise_is_the_answer() {
  open_tree_attr_case EINVAL
  assert_eq 1 "$STATUS" "exit status"
  assert_eq "swaddle: --ro-bind /usr /usr: open_tree_attr: Invalid argument" "$(head -n 1 <<< "$ERR")" "the message"
}

# Without openat2 (Linux before 5.6, or a profile that answers ENOSYS),
# swaddle walks each destination itself: symlinks relative and absolute,
# "..", chains and loops must land where openat2 puts them, or fail the
# same way.  (The fallback modes run the whole suite that way too.)
test_destinations_resolve_the_same_without_openat2() {
  skip_if_bwrap "swaddle's path resolution"
  is_fallback && skip "the fallback modes already refuse openat2"
  local deny
  deny=$(dirname "$SWADDLE")/sys-deny
  [[ -x $deny ]] || skip "tests/sys-deny was not built"
  mkdir -p tree/real/sub src
  echo data > src/f
  ln -s real tree/rel
  ln -s /t/real/sub tree/abs
  ln -s ../../../../../t/real tree/up
  ln -s abs tree/chain
  ln -s loop2 tree/loop1
  ln -s loop1 tree/loop2
  local argv=("${MINROOT[@]}" --proc /proc --tmpfs /tmp --bind "$PWD/tree" /t
    --ro-bind "$PWD/src" /t/rel/a --dir /t/abs/b --tmpfs /t/up/c/../d
    --symlink target /t/chain/e --file 0 /t/up/sub/../f
    --bind "$PWD/src" /t/real/./sub/../../real/g)
  local show='cd /t/real && find . | sort && awk "\$5 ~ /^\/t/ { print \$5 }" /proc/self/mountinfo'
  run sw "${argv[@]}" sh -c "$show" < /dev/null
  assert_eq 0 "$STATUS" "exit status with openat2 ($ERR)"
  local with_openat2=$OUT
  rm -rf tree/real/*; mkdir -p tree/real/sub
  run "$deny" -e ENOSYS openat2 -- "$SWADDLE" "${argv[@]}" sh -c "$show" < /dev/null
  assert_eq 0 "$STATUS" "exit status without openat2 ($ERR)"
  assert_eq "$with_openat2" "$OUT" "the files and mounts under /t/real"
  assert_contains "$OUT" "./sub/b" "a directory made through an absolute symlink"

  local how
  for how in with without; do
    local wrap=()
    [[ $how == without ]] && wrap=("$deny" -e ENOSYS openat2 --)
    run "${wrap[@]}" "$SWADDLE" "${MINROOT[@]}" --bind "$PWD/tree" /t --dir /t/loop1/x true
    assert_eq 1 "$STATUS" "exit status for a symlink loop, $how openat2"
    assert_contains "$ERR" "Too many levels of symbolic links" "the error for a symlink loop, $how openat2"
  done
}

sw_main "$@"
