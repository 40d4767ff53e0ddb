#!/bin/bash
# What bubblewrap 0.12 and 0.13 changed (COMPAT.md): a binary installed
# with privileges refuses to run, an empty path is an error for every
# option that takes one, and --not-a-security-boundary turns a submount
# that refuses a bind's flags into a warning.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# ---- installed with privileges ------------------------------------------------

# A directory every identity can reach, removed at the end of the test.
shared_dir() {
  SHARED=$(mktemp -d /tmp/swaddle-012.XXXXXX) || exit 1
  SW_BG_CLEAN=$SHARED
  trap 'rm -rf "$SW_BG_CLEAN"; sw_teardown_test' EXIT
  chmod 755 "$SHARED"
}

# privileged_copy HOW: a root-owned copy of the binary under test made
# privileged by HOW (chmod MODE, or setcap CAPS), in SHARED/swaddle.
privileged_copy() {
  skip_if_bwrap "bubblewrap 0.8 predates the refusal"
  require_root
  require_cmd setpriv
  shared_dir
  cp "$SWADDLE" "$SHARED/swaddle"
  chown 0:0 "$SHARED/swaddle"
  chmod 755 "$SHARED/swaddle"
  "$@" "$SHARED/swaddle" || fail "could not run $* on the copy"
  mkdir -m 1777 "$SHARED/out"
}

# assert_privileged_copy_refuses FIX: run as uid 65534, the copy refuses
# with one line that says how to fix it, and the payload never ran.
assert_privileged_copy_refuses() {
  local fix=$1
  run setpriv --reuid 65534 --regid 65534 --clear-groups "$SHARED/swaddle" \
    "${MINROOT[@]}" --bind "$SHARED/out" /out --dir /out/created touch /out/payload-ran
  assert_eq 1 "$STATUS" "exit status of the privileged copy"
  assert_line_count 1 "$ERR" "stderr"
  assert_contains "$ERR" "refusing to run"
  assert_contains "$ERR" "$fix $SHARED/swaddle" "the fix"
  assert_eq "" "$(ls -A "$SHARED/out")" "what the refused run created"
}

test_setuid_root_copy_refuses() {
  privileged_copy chmod 4755
  assert_privileged_copy_refuses "chmod u-s,g-s"
  assert_contains "$ERR" "set-user-id"
}

test_setgid_copy_refuses() {
  privileged_copy chmod 2755
  assert_privileged_copy_refuses "chmod u-s,g-s"
  assert_contains "$ERR" "set-group-id"
}

test_file_capabilities_copy_refuses() {
  require_cmd setcap
  privileged_copy setcap cap_sys_admin+ep
  assert_privileged_copy_refuses "setcap -r"
  assert_contains "$ERR" "file capabilities"
  # the control: the same copy without them runs
  setcap -r "$SHARED/swaddle"
  assert_success setpriv --reuid 65534 --regid 65534 --clear-groups "$SHARED/swaddle" \
    "${MINROOT[@]}" --bind "$SHARED/out" /out touch /out/payload-ran
  assert_exists "$SHARED/out/payload-ran"
}

# ---- empty paths ----------------------------------------------------------------

# A plausible value for an argument of --help's metavariable, and whether
# it is a path.
plausible_value() {
  case $1 in
    FD) echo 5 ;;
    OCTAL) echo 0755 ;;
    SRC | RWSRC) echo /usr ;;
    WORKDIR) echo /tmp/work ;;
    *) echo /tmp/x ;;
  esac
}

is_path_metavar() {
  [[ $1 == @(SRC|DEST|DIR|PATH|RWSRC|WORKDIR) ]]
}

# Every option --help lists with a path argument, each such argument made
# empty in turn: one line naming the option and the empty path, exit 1,
# nothing run.
test_empty_path_refused_for_every_path_option() {
  skip_if_bwrap "bubblewrap 0.8 accepts some empty paths (fixed in 0.13)"
  local line option metavars words k i checked=0 value
  assert_success sw --help
  local help=$OUT
  while read -r line; do
    [[ $line == --* ]] || continue
    option=${line%% *}
    read -r -a metavars <<< "$(awk '{ for (i = 2; i <= NF && $i ~ /^[A-Z][A-Z0-9]*$/; i++) printf "%s ", $i }' <<< "$line")"
    for ((k = 0; k < ${#metavars[@]}; k++)); do
      is_path_metavar "${metavars[k]}" || continue
      words=()
      [[ $option == --overlay || $option == --tmp-overlay ]] && words+=(--overlay-src /usr)
      [[ $option == --ro-overlay ]] && words+=(--overlay-src /usr --overlay-src /etc)
      words+=("$option")
      for ((i = 0; i < ${#metavars[@]}; i++)); do
        value=$(plausible_value "${metavars[i]}")
        ((i == k)) && value=
        words+=("$value")
      done
      [[ $option == --overlay-src ]] && words+=(--tmp-overlay /mnt)
      run sw "${MINROOT[@]}" "${words[@]}" touch "$MARKER" 5< /dev/null
      [[ $STATUS == 1 ]] || fail "$(printf '%q ' "${words[@]}"): exit status $STATUS, expected 1" "$(show_block stderr "$ERR")"
      assert_line_count 1 "$ERR" "stderr of $option with an empty ${metavars[k]}"
      assert_contains "$ERR" "$option" "the message"
      assert_contains "$ERR" "empty path" "the message"
      assert_not_exists "$MARKER"
      checked=$((checked + 1))
    done
  done <<< "$help"
  # the path options of bubblewrap 0.13, at least, were found and tried
  ((checked >= 30)) || fail "only $checked empty path arguments tried: --help's metavariables changed?"
}

# ---- --not-a-security-boundary ------------------------------------------------------

# A bind source with two submounts, made by root in a mount namespace of
# the test's own: SHARED/src/open/sub, which anyone can reach, and
# SHARED/src/locked/inner below a directory only root may search, which a
# sandbox of uid 65534 cannot reach to change.  The sandbox runs as 65534.
in_child_mount_layout() {
  unshare --mount --propagation private sh -c '
    dir=$1; shift
    mount -t tmpfs swaddle-open "$dir/src/open/sub" &&
      mount -t tmpfs swaddle-locked "$dir/src/locked/inner" || exit 97
    chmod 700 "$dir/src/locked"
    exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@"' sh "$SHARED" "$@"
}

child_mount_layout() {
  skip_if_bwrap "--not-a-security-boundary is new in bubblewrap 0.12"
  require_root
  require_cmd unshare setpriv
  shared_dir
  mkdir -p "$SHARED/src/open/sub" "$SHARED/src/locked/inner"
  mkdir -m 1777 "$SHARED/out"
}

# The payload: the mount table, then a mark that it ran.
readonly SHOW_MOUNTS='cat /proc/self/mountinfo; touch /out/payload-ran'
BIND_SRC=()
bind_src_args() {
  BIND_SRC=(--bind "$SHARED/src" /mnt "${MINROOT[@]}" --bind /proc /proc --bind "$SHARED/out" /out)
}

# assert_lenient_run SWADDLE-CMD...: with --not-a-security-boundary, one
# warning for the unreachable submount, and the rest of the tree has its flags.
assert_lenient_run() {
  run in_child_mount_layout "$@" --not-a-security-boundary "${BIND_SRC[@]}" sh -c "$SHOW_MOUNTS"
  assert_eq 0 "$STATUS" "exit status with --not-a-security-boundary" "$(show_block stderr "$ERR")"
  assert_line_count 1 "$ERR" "stderr (the warning)"
  assert_contains "$ERR" "the submount $SHARED/src/locked/inner stays without nosuid,nodev" "the warning"
  assert_contains "$ERR" "Permission denied" "the warning"
  MOUNTINFO=$OUT
  assert_mount /mnt +nosuid +nodev
  assert_mount /mnt/open/sub type=tmpfs +nosuid +nodev
  # the refusing submount is there, without the flags it refused
  assert_mount /mnt/locked/inner type=tmpfs -nosuid -nodev
  assert_exists "$SHARED/out/payload-ran"
}

# The mount(2) path reaches submounts by path: the one below the
# unsearchable directory refuses.  Without the option the sandbox fails;
# with it, one warning, and the rest of the tree has its flags.
test_not_a_security_boundary_refusing_submount_mount2() {
  is_fallback || skip "the new mount API sets a tree's flags in one call that reaches every submount (see the next test)"
  child_mount_layout
  bind_src_args
  run in_child_mount_layout "${SW_CMD[@]}" "${BIND_SRC[@]}" sh -c "$SHOW_MOUNTS"
  [[ $STATUS != 97 ]] || fail "could not make the submounts"
  assert_eq 1 "$STATUS" "exit status without --not-a-security-boundary"
  assert_contains "$ERR" "--bind $SHARED/src /mnt" "the failure"
  assert_contains "$ERR" "Permission denied" "the failure"
  assert_not_exists "$SHARED/out/payload-ran"

  assert_lenient_run "${SW_CMD[@]}"
}

# The new mount API: mount_setattr(AT_RECURSIVE) on the detached copy needs
# no path and reaches the submount below the unsearchable directory, so
# nothing refuses, with or without the option.
test_not_a_security_boundary_recursive_call_reaches_every_submount() {
  is_fallback && skip "the mount(2) path reaches submounts by path (see the previous test)"
  child_mount_layout
  bind_src_args
  local option
  for option in "" --not-a-security-boundary; do
    run in_child_mount_layout "${SW_CMD[@]}" $option "${BIND_SRC[@]}" sh -c "$SHOW_MOUNTS"
    assert_eq 0 "$STATUS" "exit status (${option:-strict})" "$(show_block stderr "$ERR")"
    assert_eq "" "$ERR" "stderr (${option:-strict})"
    MOUNTINFO=$OUT
    assert_mount /mnt/open/sub +nosuid +nodev
    assert_mount /mnt/locked/inner +nosuid +nodev
  done
}

# The new mount API with the recursive call refused (a seccomp filter:
# open_tree_attr missing, mount_setattr with AT_EMPTY_PATH refused, the
# calls on paths relative to the copy allowed): strictly, the bind fails;
# leniently, the copy's top takes the flags, the reachable submount too,
# and the unreachable one is the warning.
test_not_a_security_boundary_mount_by_mount_new_api() {
  is_fallback && skip "the mount(2) path has no recursive call to refuse"
  child_mount_layout
  bind_src_args
  local deny
  deny=$(dirname "$SWADDLE")/sys-deny
  [[ -x $deny ]] || skip "tests/sys-deny was not built"
  # open_tree_attr is 467 on every architecture; AT_EMPTY_PATH is 0x1000
  local filter=("$deny" -e ENOSYS 467 -- "$deny" -e EPERM -i 2 -a 0x1000 mount_setattr --)
  run in_child_mount_layout "${filter[@]}" "$SWADDLE" "${BIND_SRC[@]}" sh -c "$SHOW_MOUNTS"
  [[ $STATUS != 97 ]] || fail "could not make the submounts"
  assert_eq 1 "$STATUS" "exit status without --not-a-security-boundary"
  assert_contains "$ERR" "--bind $SHARED/src /mnt: mount_setattr: Operation not permitted" "the failure"
  assert_not_exists "$SHARED/out/payload-ran"

  assert_lenient_run "${filter[@]}" "$SWADDLE"

  # the top mount's flags still must hold: refuse the call on it too
  # (AT_SYMLINK_NOFOLLOW is 0x100)
  filter=("$deny" -e ENOSYS 467 -- "$deny" -e EPERM -i 2 -a 0x1100 mount_setattr --)
  rm -f "$SHARED/out/payload-ran"
  run in_child_mount_layout "${filter[@]}" "$SWADDLE" --not-a-security-boundary "${BIND_SRC[@]}" sh -c "$SHOW_MOUNTS"
  assert_eq 1 "$STATUS" "exit status when the top mount refuses its flags"
  assert_contains "$ERR" "--bind $SHARED/src /mnt: mount_setattr: Operation not permitted" "the failure"
  assert_not_exists "$SHARED/out/payload-ran"
}

# In every mode: with the option, submounts that take their flags get
# them, silently (the submount made in a mount namespace of the test's
# own, as root or as the user mapped to root).
test_not_a_security_boundary_submounts_keep_their_flags() {
  skip_if_bwrap "--not-a-security-boundary is new in bubblewrap 0.12"
  require_cmd unshare
  local uns=(unshare --mount --propagation private)
  is_root || uns=(unshare --map-root-user --mount)
  mkdir -p src/sub
  local option
  for option in --bind --ro-bind --dev-bind; do
    run "${uns[@]}" sh -c 'mount -t tmpfs swaddle-sub "$1/src/sub" && shift && exec "$@"' \
      sh "$SW_TEST_DIR" "${SW_CMD[@]}" --not-a-security-boundary "${MINROOT[@]}" --proc /proc \
      "$option" "$SW_TEST_DIR/src" /mnt cat /proc/self/mountinfo
    assert_eq 0 "$STATUS" "exit status with $option" "$(show_block stderr "$ERR")"
    assert_eq "" "$ERR" "stderr with $option"
    MOUNTINFO=$OUT
    case $option in
      --bind) assert_mount /mnt/sub type=tmpfs +nosuid +nodev -ro ;;
      --ro-bind) assert_mount /mnt/sub type=tmpfs +nosuid +nodev +ro ;;
      --dev-bind) assert_mount /mnt/sub type=tmpfs +nosuid ;;
    esac
  done
}

# Only submounts are lenient: the bind itself and every other step still fail.
test_not_a_security_boundary_other_failures_still_fail() {
  skip_if_bwrap "--not-a-security-boundary is new in bubblewrap 0.12"
  assert_setup_error /nonexistent-src --not-a-security-boundary "${MINROOT[@]}" \
    --bind /nonexistent-src /mnt touch "$MARKER"
  assert_setup_error --chmod --not-a-security-boundary "${MINROOT[@]}" \
    --chmod 0700 /nonexistent touch "$MARKER"
  run sw --not-a-security-boundary "${MINROOT[@]}" --remount-ro /nonexistent touch "$MARKER"
  assert_eq 1 "$STATUS" "exit status of --remount-ro on a missing path"
  assert_not_exists "$MARKER"
}

test_not_a_security_boundary_in_print_plan() {
  skip_if_bwrap "--print-plan is swaddle's own"
  assert_success sw --print-plan --not-a-security-boundary "${MINROOT[@]}" true
  assert_contains "$(head -n 1 <<< "$OUT")" '"not_a_security_boundary": true'
  assert_success sw --print-plan "${MINROOT[@]}" true
  assert_contains "$(head -n 1 <<< "$OUT")" '"not_a_security_boundary": false'
}

sw_main "$@"
