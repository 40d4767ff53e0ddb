#!/bin/bash
# Bind mounts: per-mount flags, read-only reaching submounts, -try forms,
# missing sources, file binds, --remount-ro, ordering, created parents.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Payload: print "wrote" if FILE could be written (to stdout), else the
# error goes to stderr.  Always exits 0, so the sandbox's status stays 0.
readonly TRY_WRITE='if echo data > "$1"; then echo wrote; fi'

# try_write SWADDLE-ARGS... -- FILE
try_write() {
  local args=()
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  assert_success sw "${args[@]}" sh -c "$TRY_WRITE" sh "$2"
}

assert_writes() { # SWADDLE-ARGS... -- FILE
  try_write "$@"
  assert_eq wrote "$OUT" "result of writing ${*: -1}"
}

assert_write_is_read_only() { # SWADDLE-ARGS... -- FILE
  try_write "$@"
  assert_eq "" "$OUT" "result of writing ${*: -1}"
  assert_contains "$ERR" "Read-only file system" "stderr of the write"
}

test_bind_is_writable_nosuid_nodev() {
  mkdir src
  capture_mountinfo "${ROOT[@]}" --bind "$PWD/src" /tmp/b
  assert_mount /tmp/b +rw +nosuid +nodev
  assert_writes "${ROOT[@]}" --bind "$PWD/src" /tmp/b -- /tmp/b/new
  assert_eq data "$(cat src/new)" "host file written through --bind"
}

test_dev_bind_is_nosuid_but_allows_devices() {
  mkdir src
  capture_mountinfo "${ROOT[@]}" --dev-bind "$PWD/src" /tmp/d
  assert_mount /tmp/d +rw +nosuid -nodev
  assert_writes "${ROOT[@]}" --dev-bind /dev /tmp/dev -- /tmp/dev/null
}

test_bind_denies_device_access() {
  try_write "${ROOT[@]}" --bind /dev /tmp/dev -- /tmp/dev/null
  assert_eq "" "$OUT" "result of writing /dev/null through a nodev --bind"
  assert_contains "$ERR" "Permission denied" "stderr of the write"
}

test_ro_bind_is_readonly_nosuid_nodev() {
  mkdir src
  capture_mountinfo "${ROOT[@]}" --ro-bind "$PWD/src" /tmp/r
  assert_mount /tmp/r +ro +nosuid +nodev
  assert_write_is_read_only "${ROOT[@]}" --ro-bind "$PWD/src" /tmp/r -- /tmp/r/new
  assert_not_exists src/new
}

# A tmpfs mounted under the source in a private mount namespace (as root, or
# as root of a fresh user namespace for the unprivileged caller) must be
# read-only inside too: bind mounts are recursive and so is read-only.
test_ro_bind_reaches_submounts() {
  require_cmd unshare
  local uns=(unshare --mount)
  is_root || uns=(unshare --map-root-user --mount)
  mkdir -p src/sub
  assert_success "${uns[@]}" sh -c 'mount -t tmpfs swaddle-sub "$1/src/sub" && shift && exec "$@"' \
    sh "$PWD" "${SW_CMD[@]}" "${ROOT[@]}" --ro-bind "$PWD/src" /tmp/r \
    sh -c "cat /proc/self/mountinfo; $TRY_WRITE" sh /tmp/r/sub/new
  MOUNTINFO=$OUT
  assert_mount /tmp/r +ro
  assert_mount /tmp/r/sub type=tmpfs +ro +nosuid +nodev
  assert_not_contains "$OUT" wrote "payload output"
  assert_contains "$ERR" "Read-only file system" "stderr of the write"
}

test_bind_reaches_submounts() {
  require_cmd unshare
  local uns=(unshare --mount)
  is_root || uns=(unshare --map-root-user --mount)
  mkdir -p src/sub
  assert_success "${uns[@]}" sh -c 'mount -t tmpfs swaddle-sub "$1/src/sub" && shift && exec "$@"' \
    sh "$PWD" "${SW_CMD[@]}" "${ROOT[@]}" --bind "$PWD/src" /tmp/b cat /proc/self/mountinfo
  MOUNTINFO=$OUT
  assert_mount /tmp/b/sub type=tmpfs +rw +nosuid +nodev
}

test_try_forms_skip_a_missing_source() {
  local option
  for option in --bind-try --dev-bind-try --ro-bind-try; do
    assert_status 0 sw "${ROOT[@]}" "$option" "$PWD/missing" /tmp/x \
      sh -c 'if test -e /tmp/x; then echo exists; fi; echo ran'
    assert_eq ran "$OUT" "payload output with $option of a missing source"
  done
}

test_try_forms_bind_an_existing_source() {
  mkdir src
  capture_mountinfo "${ROOT[@]}" --bind-try "$PWD/src" /tmp/b \
    --dev-bind-try "$PWD/src" /tmp/d --ro-bind-try "$PWD/src" /tmp/r
  assert_mount /tmp/b +rw +nosuid +nodev
  assert_mount /tmp/d +rw +nosuid -nodev
  assert_mount /tmp/r +ro +nosuid +nodev
}

test_missing_source_is_an_error() {
  local option
  for option in --bind --dev-bind --ro-bind; do
    assert_setup_error "Can't find source path $PWD/missing: No such file or directory" \
      "${ROOT[@]}" "${HERE[@]}" "$option" "$PWD/missing" /tmp/x touch "$MARKER"
  done
}

test_file_bind() {
  echo content > file
  capture_mountinfo "${ROOT[@]}" --ro-bind "$PWD/file" /tmp/ro-file --bind "$PWD/file" /tmp/rw-file
  assert_mount /tmp/ro-file +ro +nosuid +nodev
  assert_mount /tmp/rw-file +rw +nosuid +nodev
  assert_status 0 sw "${ROOT[@]}" --ro-bind "$PWD/file" /tmp/f cat /tmp/f
  assert_eq content "$OUT" "content of a bound file"
  assert_write_is_read_only "${ROOT[@]}" --ro-bind "$PWD/file" /tmp/f -- /tmp/f
  assert_writes "${ROOT[@]}" --bind "$PWD/file" /tmp/f -- /tmp/f
  assert_eq data "$(cat file)" "host file written through a file --bind"
}

test_remount_ro() {
  mkdir src
  capture_mountinfo "${ROOT[@]}" --bind "$PWD/src" /tmp/b --remount-ro /tmp/b
  assert_mount /tmp/b +ro
  assert_write_is_read_only "${ROOT[@]}" --bind "$PWD/src" /tmp/b --remount-ro /tmp/b -- /tmp/b/new
}

test_later_operations_apply_on_top() {
  capture_mountinfo --ro-bind / / --tmpfs /tmp
  assert_mount / +ro
  assert_mount /tmp type=tmpfs +rw
  assert_writes --ro-bind / / --tmpfs /tmp -- /tmp/new
}

test_later_bind_on_the_same_destination_wins() {
  mkdir a b
  echo a > a/which
  echo b > b/which
  assert_status 0 sw "${ROOT[@]}" --bind "$PWD/a" /tmp/x --ro-bind "$PWD/b" /tmp/x cat /tmp/x/which
  assert_eq b "$OUT" "file seen at the destination"
  assert_write_is_read_only "${ROOT[@]}" --bind "$PWD/a" /tmp/x --ro-bind "$PWD/b" /tmp/x -- /tmp/x/which
}

# Payload: "PATH MODE" for each argument.
readonly STAT_MODES='stat -c "%n %a" "$@"'

test_missing_parents_are_created_0755() {
  assert_status 0 sw "${ROOT[@]}" --dir /tmp/a/b/c --tmpfs /tmp/p/q/t --file 3 /tmp/f1/f2/file \
    sh -c "$STAT_MODES" sh /tmp/a /tmp/a/b /tmp/p /tmp/p/q /tmp/f1 /tmp/f1/f2 3< /dev/null
  assert_eq "$(printf '%s 755\n' /tmp/a /tmp/a/b /tmp/p /tmp/p/q /tmp/f1 /tmp/f1/f2)" "$OUT" \
    "modes of created parents"
}

test_missing_parents_of_binds_and_symlinks_are_created_0755() {
  skip_if_bwrap "0.8 creates the parents of bind, symlink, proc, dev and mqueue destinations 0700"
  mkdir src
  assert_status 0 sw "${ROOT[@]}" --bind "$PWD/src" /tmp/a/b/bound --symlink x /tmp/p/q/link \
    --ro-bind "$PWD/src" /tmp/r/s/ro sh -c "$STAT_MODES" sh /tmp/a /tmp/a/b /tmp/p /tmp/p/q /tmp/r /tmp/r/s
  assert_eq "$(printf '%s 755\n' /tmp/a /tmp/a/b /tmp/p /tmp/p/q /tmp/r /tmp/r/s)" "$OUT" \
    "modes of created parents"
}

sw_main "$@"
