#!/bin/bash
# --proc and --dev.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# --- proc ------------------------------------------------------------------------

test_proc_with_unshare_pid_shows_pids_1_and_2() {
  # ls is the payload itself (pid 2, the reaper is pid 1): nothing else runs.
  assert_status 0 sw "${MINROOT[@]}" --unshare-pid --proc /proc ls /proc
  assert_eq $'1\n2' "$(grep -E '^[0-9]+$' <<< "$OUT")" "numeric entries of /proc"
}

test_proc_with_unshare_pid_is_a_fresh_procfs() {
  capture_mountinfo "${MINROOT[@]}" --unshare-pid --proc /proc
  assert_mount /proc type=proc +rw +nosuid +nodev
  assert_status 0 sw "${MINROOT[@]}" --unshare-pid --proc /proc sh -c 'echo $$; exec readlink /proc/self'
  assert_eq $'2\n2' "$OUT" "payload pid and /proc/self"
}

test_proc_covers_kernel_knobs_read_only() {
  skip_if_bwrap "0.8 leaves /proc/sys and /proc/sysrq-trigger writable: access(W_OK) on the sysctl root fails with EACCES and it skips them; as a non-root caller it skips all four"
  local path
  capture_mountinfo "${MINROOT[@]}" --unshare-pid --proc /proc
  for path in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
    # A kernel without CONFIG_MAGIC_SYSRQ has no sysrq-trigger at all.
    [ -e "$path" ] || continue
    assert_mount "$path" +ro
  done
}

test_proc_sys_is_not_writable() {
  skip_if_bwrap "0.8 leaves /proc/sys writable (a root caller can write namespaced sysctls)"
  # kernel.hostname belongs to the sandbox's own uts namespace: if the test
  # fails, nothing outside changes.
  assert_status 0 sw "${MINROOT[@]}" --unshare-uts --unshare-pid --proc /proc \
    sh -c 'if echo changed > /proc/sys/kernel/hostname; then echo wrote; fi; hostname'
  assert_not_contains "$OUT" wrote "payload output"
  assert_not_contains "$OUT" changed "hostname after the write"
  if is_root; then
    assert_contains "$ERR" "Read-only file system" "stderr of the write"
  fi
}

test_proc_without_pid_namespace_binds_the_callers_proc() {
  # COMPAT.md: without a pid namespace, --proc binds the caller's /proc,
  # recursively.  A tmpfs mounted over /proc/fs in a private mount namespace
  # must therefore show up inside; a fresh procfs would not have it.
  require_cmd unshare
  local uns=(unshare --mount)
  is_root || uns=(unshare --map-root-user --mount)
  assert_success "${uns[@]}" sh -c 'mount -t tmpfs swaddle-procsub /proc/fs && exec "$@"' \
    sh "${SW_CMD[@]}" "${MINROOT[@]}" --proc /proc sh -c 'stat -f -c %T /proc/fs; cat /proc/self/mountinfo'
  assert_eq tmpfs "$(head -n 1 <<< "$OUT")" "filesystem type of /proc/fs inside"
  MOUNTINFO=$(tail -n +2 <<< "$OUT")
  assert_mount /proc type=proc
  assert_mount /proc/fs type=tmpfs
}

test_proc_without_pid_namespace_shows_host_pids() {
  assert_status 0 sw "${MINROOT[@]}" --proc /proc sh -c 'test -d "/proc/$1" && echo visible' sh "$$"
  assert_eq visible "$OUT" "the test process seen in the sandbox's /proc"
}

# --- dev ----------------------------------------------------------------------------

# Payload: the type of each entry of a --dev /dev, one "NAME TYPE" a line.
readonly DEV_TYPES='for f in null zero full random urandom tty pts/ptmx ptmx pts shm fd stdin stdout stderr; do
  if [ -L /dev/$f ]; then echo "$f -> $(readlink /dev/$f)"
  elif [ -c /dev/$f ]; then echo "$f char"
  elif [ -d /dev/$f ]; then echo "$f dir"
  else echo "$f missing"; fi
done'

test_dev_has_the_standard_entries() {
  local expected
  expected=$(
    printf '%s char\n' null zero full random urandom tty pts/ptmx
    cat <<'EOF'
ptmx -> pts/ptmx
pts dir
shm dir
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
EOF
  )
  assert_status 0 sw "${MINROOT[@]}" --dev /dev sh -c "$DEV_TYPES"
  assert_eq "$expected" "$OUT" "entries of /dev"
}

test_dev_devices_work() {
  assert_status 0 sw "${MINROOT[@]}" --dev /dev sh -c '
    echo discard > /dev/null && echo null-ok
    head -c 4 /dev/zero | od -An -tx1 | tr -d " "
    head -c 16 /dev/urandom | wc -c
    head -c 16 /dev/random | wc -c
    if echo x > /dev/full; then echo full-accepted; fi 2> /dev/null
    exec 3<> /dev/ptmx && echo ptmx-ok'
  assert_eq $'null-ok\n00000000\n16\n16\nptmx-ok' "$OUT" "results of using the devices"
}

test_dev_pts_is_a_private_devpts() {
  capture_mountinfo "${MINROOT[@]}" --proc /proc --dev /dev
  assert_mount /dev type=tmpfs +nosuid +nodev
  assert_mount /dev/pts type=devpts
  assert_mount /dev/null +nosuid -nodev
}

test_dev_new_pty_appears_in_dev_pts() {
  assert_status 0 sw "${MINROOT[@]}" --dev /dev sh -c 'exec 3<> /dev/ptmx; ls /dev/pts'
  assert_eq $'0\nptmx' "$OUT" "entries of the private /dev/pts with one pty open"
}

test_dev_fd_links_work() {
  assert_status 0 sw "${MINROOT[@]}" --proc /proc --dev /dev sh -c 'echo via-stdout > /dev/stdout; echo via-fd 3>&1 > /dev/fd/3'
  assert_eq $'via-stdout\nvia-fd' "$OUT" "output written through /dev links"
}

sw_main "$@"
