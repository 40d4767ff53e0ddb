#!/bin/bash
# Filesystem operations: --tmpfs, --dir, --file, --bind-data, --ro-bind-data,
# --symlink, --chmod, --perms, --size, --mqueue.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Payload: "PATH MODE" for each argument.
readonly STAT_MODES='stat -c "%n %a" "$@"'

# assert_modes "PATH MODE..." SWADDLE-ARGS...: after ARGS, each PATH inside has
# MODE (octal, as stat %a prints it).
assert_modes() {
  local expected=$1 paths
  shift
  paths=$(awk '{ print $1 }' <<< "$expected")
  # shellcheck disable=SC2086 # one word per path
  assert_status 0 sw "$@" sh -c "$STAT_MODES" sh $paths
  assert_eq "$expected" "$OUT" "modes inside the sandbox"
}

# --- tmpfs -------------------------------------------------------------------

test_tmpfs_is_a_writable_tmpfs_0755() {
  capture_mountinfo "${ROOT[@]}" --tmpfs /tmp/t
  assert_mount /tmp/t type=tmpfs +rw +nosuid +nodev
  assert_modes "/tmp/t 755" "${ROOT[@]}" --tmpfs /tmp/t
  assert_status 0 sw "${ROOT[@]}" --tmpfs /tmp/t sh -c 'echo x > /tmp/t/f && cat /tmp/t/f'
  assert_eq x "$OUT" "file written in the tmpfs"
}

test_tmpfs_size() {
  assert_status 0 sw "${ROOT[@]}" --size 1048576 --tmpfs /tmp/t stat -f -c '%b %S' /tmp/t
  assert_eq 1048576 "$(awk '{ print $1 * $2 }' <<< "$OUT")" "size of the tmpfs in bytes"
}

test_tmpfs_size_applies_to_the_next_tmpfs_only() {
  assert_status 0 sw "${ROOT[@]}" --size 1048576 --tmpfs /tmp/small --tmpfs /tmp/big \
    stat -f -c '%b %S' /tmp/big
  assert_ne 1048576 "$(awk '{ print $1 * $2 }' <<< "$OUT")" "size of the second tmpfs"
}

test_tmpfs_perms() {
  assert_modes $'/tmp/a 1777\n/tmp/b 700' "${ROOT[@]}" \
    --perms 01777 --tmpfs /tmp/a --perms 0700 --tmpfs /tmp/b
}

test_perms_and_size_together() {
  assert_status 0 sw "${ROOT[@]}" --size 2097152 --perms 0750 --tmpfs /tmp/t \
    sh -c 'stat -c %a /tmp/t; stat -f -c "%b %S" /tmp/t'
  assert_eq 750 "$(head -n 1 <<< "$OUT")" "mode of the tmpfs"
  assert_eq 2097152 "$(tail -n 1 <<< "$OUT" | awk '{ print $1 * $2 }')" "size of the tmpfs"
}

# --- dir ------------------------------------------------------------------------

test_dir_creates_a_0755_directory() {
  assert_modes "/tmp/d 755" "${ROOT[@]}" --dir /tmp/d
}

test_dir_perms() {
  assert_modes $'/tmp/d 750\n/tmp/e 700\n/tmp/f 755' "${ROOT[@]}" \
    --perms 0750 --dir /tmp/d --perms 0700 --dir /tmp/e --dir /tmp/f
}

test_dir_on_an_existing_directory_is_fine() {
  assert_status 0 sw "${ROOT[@]}" --dir /tmp/d --dir /tmp/d --dir /tmp --dir /usr true
}

test_perms_0700_parents_lose_group_and_other_bits() {
  assert_modes $'/tmp/a 700\n/tmp/a/b 700\n/tmp/a/b/c 700' "${ROOT[@]}" --perms 0700 --dir /tmp/a/b/c
}

test_perms_0750_parents_lose_other_bits() {
  assert_modes $'/tmp/a 750\n/tmp/a/b 750\n/tmp/a/b/c 750' "${ROOT[@]}" --perms 0750 --dir /tmp/a/b/c
}

test_perms_do_not_change_existing_parents() {
  assert_modes $'/tmp/a 755\n/tmp/a/b 700' "${ROOT[@]}" --dir /tmp/a --perms 0700 --dir /tmp/a/b
}

# --- file, bind-data, ro-bind-data -------------------------------------------------

test_file_copies_fd_content() {
  printf 'line one\nline two\n' > data
  assert_status 0 sw "${ROOT[@]}" --file 3 /tmp/f cat /tmp/f 3< data
  assert_eq "$(cat data)" "$OUT" "content of --file"
  capture_mountinfo "${ROOT[@]}" --file 3 /tmp/f 3< data
  assert_no_mount /tmp/f
}

test_file_perms() {
  assert_modes $'/tmp/f 640\n/tmp/g 600' "${ROOT[@]}" \
    --perms 0640 --file 3 /tmp/f --perms 0600 --file 4 /tmp/g 3< /dev/null 4< /dev/null
}

test_file_from_a_pipe() {
  assert_status 0 sw "${ROOT[@]}" --file 3 /tmp/f cat /tmp/f 3< <(printf 'piped')
  assert_eq piped "$OUT" "content of --file read from a pipe"
}

test_bind_data_is_a_writable_bind_of_fd_content() {
  echo bound > data
  capture_mountinfo "${ROOT[@]}" --bind-data 3 /tmp/bd 3< data
  assert_mount /tmp/bd +rw +nosuid +nodev
  assert_status 0 sw "${ROOT[@]}" --bind-data 3 /tmp/bd sh -c 'cat /tmp/bd; echo more >> /tmp/bd; cat /tmp/bd' 3< data
  assert_eq $'bound\nbound\nmore' "$OUT" "content of --bind-data before and after a write"
}

test_bind_data_perms() {
  assert_modes "/tmp/bd 644" "${ROOT[@]}" --perms 0644 --bind-data 3 /tmp/bd 3< /dev/null
}

test_ro_bind_data_is_read_only() {
  echo read-only > data
  capture_mountinfo "${ROOT[@]}" --ro-bind-data 3 /tmp/rbd 3< data
  assert_mount /tmp/rbd +ro +nosuid +nodev
  assert_status 0 sw "${ROOT[@]}" --ro-bind-data 3 /tmp/rbd \
    sh -c 'cat /tmp/rbd; if echo x >> /tmp/rbd; then echo wrote; fi' 3< data
  assert_eq read-only "$OUT" "content of --ro-bind-data, and no successful write"
  assert_contains "$ERR" "Read-only file system" "stderr of the write"
}

# --- symlink -------------------------------------------------------------------------

test_symlink_is_created() {
  echo target-content > data
  assert_status 0 sw "${ROOT[@]}" --file 3 /tmp/target --symlink target /tmp/link \
    --symlink /tmp/target /tmp/sub/abs sh -c 'readlink /tmp/link /tmp/sub/abs; cat /tmp/link' 3< data
  assert_eq $'target\n/tmp/target\ntarget-content' "$OUT" "link targets and content through the link"
}

test_symlink_may_dangle() {
  assert_status 0 sw "${ROOT[@]}" --symlink /nowhere/at/all /tmp/dangling readlink /tmp/dangling
  assert_eq /nowhere/at/all "$OUT" "dangling link target"
}

test_same_symlink_twice_is_fine() {
  skip_if_bwrap "0.8 fails the second --symlink with 'File exists'"
  assert_status 0 sw "${ROOT[@]}" --symlink target /tmp/link --symlink target /tmp/link readlink /tmp/link
  assert_eq target "$OUT" "link target"
}

test_symlink_over_a_different_symlink_is_rejected() {
  skip_if_bwrap "0.8 says 'Can't make symlink at DEST: File exists'"
  assert_setup_error "Can't make symlink at /tmp/link: existing destination is first" \
    "${ROOT[@]}" "${HERE[@]}" --symlink first /tmp/link --symlink second /tmp/link touch "$MARKER"
}

test_symlink_over_a_directory_is_rejected() {
  assert_setup_error "Can't make symlink at /tmp/d" \
    "${ROOT[@]}" "${HERE[@]}" --dir /tmp/d --symlink target /tmp/d touch "$MARKER"
}

# --- chmod ------------------------------------------------------------------------------

test_chmod_changes_modes() {
  assert_modes $'/tmp 1777\n/tmp/d 700\n/tmp/f 444' "${ROOT[@]}" --dir /tmp/d --file 3 /tmp/f \
    --chmod 0700 /tmp/d --chmod 1777 /tmp --chmod 0444 /tmp/f 3< /dev/null
}

test_chmod_through_a_bind_changes_the_host_directory() {
  mkdir src
  chmod 755 src
  assert_success sw "${ROOT[@]}" --bind "$PWD/src" /tmp/b --chmod 0711 /tmp/b true
  assert_file_mode 0711 src
}

test_chmod_of_a_missing_path_is_rejected() {
  assert_setup_error /tmp/missing "${ROOT[@]}" "${HERE[@]}" --chmod 0700 /tmp/missing touch "$MARKER"
}

# --- mqueue ------------------------------------------------------------------------------

test_mqueue_with_unshare_ipc() {
  capture_mountinfo "${ROOT[@]}" --unshare-ipc --mqueue /tmp/mq
  assert_mount /tmp/mq type=mqueue
}

sw_main "$@"
