#!/bin/bash
# A whole rootfs with its own init as pid 1 (busybox init from Debian's
# busybox-static), its shutdown on signals to the launcher; and --sys, the
# read-only /sys (fresh sysfs with --unshare-net, a bind of the host's
# otherwise) with its cgroup2 mount under --unshare-cgroup.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# --- a busybox rootfs -----------------------------------------------------------------

# make_rootfs: ./rootfs, a busybox system (applets as links to /bin/busybox)
# with an inittab, and ./results, bound at /results, where it reports:
#   sysinit     written by the ::sysinit: action
#   service     "PID PIDNS" of each start of the ::respawn: service
#   ctrlaltdel  a line per ::ctrlaltdel: action (SIGINT to init)
#   shutdown    a line per ::shutdown: action (halt, reboot, poweroff)
make_rootfs() {
  local busybox applet
  busybox=$(command -v busybox) || skip "busybox is not installed (Debian package busybox-static)"
  file_is_static "$busybox" || skip "$busybox is not statically linked (install busybox-static)"
  mkdir -p rootfs/{bin,sbin,usr/bin,usr/sbin,etc,proc,dev,run,tmp,sys,results,root} results
  cp "$busybox" rootfs/bin/busybox
  for applet in $(rootfs/bin/busybox --list-full); do
    [[ -e rootfs/$applet || -L rootfs/$applet ]] || ln -s /bin/busybox "rootfs/$applet"
  done
  [[ -L rootfs/sbin/init ]] || skip "this busybox has no init applet"
  cat > rootfs/etc/inittab << 'EOF'
::sysinit:/bin/sh /etc/sysinit.sh
::respawn:/bin/sh /etc/service.sh
::ctrlaltdel:/bin/sh -c 'echo ctrlaltdel >> /results/ctrlaltdel'
::shutdown:/bin/sh -c 'echo shutdown >> /results/shutdown'
EOF
  cat > rootfs/etc/sysinit.sh << 'EOF'
echo "sysinit pid=$$ init=$(cat /proc/1/comm)" > /results/sysinit
EOF
  # The service reports and then waits (bounded: about 200 s).
  cat > rootfs/etc/service.sh << 'EOF'
echo "$$ $(readlink /proc/self/ns/pid)" >> /results/service
exec sleep 200
EOF
  echo 'root:x:0:0:root:/root:/bin/sh' > rootfs/etc/passwd
  echo 'root:x:0:' > rootfs/etc/group
}

# file_is_static FILE: no program interpreter (PT_INTERP), when readelf can
# tell; the rootfs has no shared libraries.
file_is_static() {
  command -v readelf > /dev/null || return 0
  ! LC_ALL=C readelf -l "$1" 2> /dev/null | grep -q 'INTERP'
}

# boot_init [EXTRA-ARGS...]: start the rootfs's /sbin/init as pid 1 in the
# background; SW_BG_PID is the launcher.  Waits until sysinit and the service
# have run.
boot_init() {
  sw_bg --as-pid-1 --unshare-pid --unshare-ipc --unshare-uts --share-net \
    --bind "$PWD/rootfs" / --bind "$PWD/results" /results \
    --proc /proc --dev /dev --tmpfs /run --tmpfs /tmp "$@" /sbin/init > init.log 2>&1
  wait_for test -s results/service ||
    fail "the service did not start" "$(show_block "sysinit" "$(cat results/sysinit 2> /dev/null)")" \
      "$(show_block "init's output" "$(cat init.log)")"
  read -r SERVICE_PID SERVICE_PIDNS < results/service
  [[ $SERVICE_PIDNS == pid:\[*\] ]] || fail "the service did not report its pid namespace: $(cat results/service)"
  # Whatever happens, leave nothing of the sandbox running.
  trap 'kill_pidns "$SERVICE_PIDNS"; sw_teardown_test' EXIT
}

# kill_pidns NS: SIGKILL to every process of pid namespace NS (by pid).
pidns_is_empty() { [[ -z $(pidns_members "$1") ]]; }

kill_pidns() {
  local pid
  for pid in $(pidns_members "$1"); do
    kill -KILL "$pid" 2> /dev/null
  done
}

# now_ms: wall clock in milliseconds.
now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  printf '%s\n' "$((t / 1000))"
}

# shutdown_with SIGNAL ALLOWED-STATUS...: send SIGNAL to the launcher of a
# booted init; init must run its ::shutdown: action and the launcher must
# exit within 5 s with one of ALLOWED-STATUS, leaving no process of the
# sandbox's pid namespace behind.
shutdown_with() {
  local sig=$1 start elapsed status members
  shift
  start=$(now_ms)
  kill "-$sig" "$SW_BG_PID"
  while ! pid_is_gone "$SW_BG_PID" && (($(now_ms) - start < 5000)); do
    sleep 0.05
  done
  elapsed=$(($(now_ms) - start))
  if ! pid_is_gone "$SW_BG_PID"; then
    fail "the launcher still runs 5 s after SIG$sig" \
      "$(show_block "processes of the sandbox" "$(pidns_members "$SERVICE_PIDNS")")" \
      "$(show_block "init's output" "$(cat init.log)")"
  fi
  wait "$SW_BG_PID"
  status=$?
  [[ " $* " == *" $status "* ]] ||
    fail "exit status $status after SIG$sig (${elapsed} ms), expected one of: $*" \
      "$(show_block "init's output" "$(cat init.log)")"
  assert_eq shutdown "$(cat results/shutdown 2> /dev/null)" "the ::shutdown: action's report after SIG$sig"
  # Processes of the namespace may still be on their way out for a moment
  # after the launcher returns: give them a second, not more.
  if ! wait_for_within 1 pidns_is_empty "$SERVICE_PIDNS"; then
    members=$(pidns_members "$SERVICE_PIDNS")
    fail "processes of the sandbox survive SIG$sig by 1 s: $members" \
      "$(ps -o pid,stat,args -p "${members// /,}0" 2>&1)"
  fi
  return 0
}

# Exit statuses of a shut-down busybox init: it calls reboot(2) in a child.
# With CAP_SYS_BOOT over its pid namespace, the kernel ends the namespace and
# init appears killed by SIGHUP (reboot: 129) or SIGINT (halt and poweroff:
# 130); without it reboot(2) fails and init exits 0.
readonly REBOOT_STATUSES=(0 129)
readonly HALT_STATUSES=(0 130)

test_init_runs_sysinit_and_service_as_pid_1() {
  make_rootfs
  boot_init
  assert_eq "sysinit pid=" "$(cut -c1-12 results/sysinit)" "sysinit's report"
  assert_contains "$(cat results/sysinit)" "init=init" "sysinit's report (comm of pid 1)"
  assert_ne "$(host_ns pid)" "$SERVICE_PIDNS" "the service's pid namespace"
  [[ $SERVICE_PID =~ ^[0-9]+$ ]] || fail "the service's pid $SERVICE_PID is not a number"
  ((SERVICE_PID > 1 && SERVICE_PID < 100)) ||
    fail "the service's pid $SERVICE_PID is not a small pid of the new namespace"
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
}

test_init_respawns_its_service() {
  make_rootfs
  boot_init
  local members pid
  # Kill the service from outside: init must start it again.
  members=$(pidns_members "$SERVICE_PIDNS")
  for pid in $members; do
    [[ $(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null) == "sleep 200 " ]] && kill -KILL "$pid"
  done
  wait_for eval '[[ $(wc -l < results/service) -ge 2 ]]' ||
    fail "the service was not respawned" "$(show_block service "$(cat results/service)")"
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
}

test_init_shuts_down_on_sigterm() {
  make_rootfs
  boot_init
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
  assert_contains "$(cat init.log)" "reboot" "init's output"
}

test_init_shuts_down_on_sigpwr() {
  make_rootfs
  boot_init
  shutdown_with PWR "${HALT_STATUSES[@]}"
  assert_contains "$(cat init.log)" "halt" "init's output"
}

test_init_shuts_down_on_sigusr1() {
  make_rootfs
  boot_init
  shutdown_with USR1 "${HALT_STATUSES[@]}"
  assert_contains "$(cat init.log)" "halt" "init's output"
}

test_init_shuts_down_on_sigusr2() {
  make_rootfs
  boot_init
  shutdown_with USR2 "${HALT_STATUSES[@]}"
  assert_contains "$(cat init.log)" "poweroff" "init's output"
}

# SIGINT is Ctrl-Alt-Del for init: the ::ctrlaltdel: action runs and init
# goes on.
test_init_runs_ctrlaltdel_on_sigint_and_keeps_running() {
  make_rootfs
  boot_init
  kill -INT "$SW_BG_PID"
  wait_for test -s results/ctrlaltdel || fail "the ::ctrlaltdel: action did not run after SIGINT"
  sleep 0.5
  pid_is_gone "$SW_BG_PID" && fail "the launcher exited after SIGINT" "$(show_block "init's output" "$(cat init.log)")"
  [[ ! -e results/shutdown ]] || fail "init shut down on SIGINT"
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
}

# --- services as their own users (id ranges) ------------------------------------------

# first_subid_range FILE: "START COUNT" of the caller's first entry in FILE.
first_subid_range() {
  local name
  name=$(getent passwd "$SW_UID" | cut -d: -f1)
  awk -F: -v n="$name" -v u="$SW_UID" '($1 == n || $1 == u) && NF == 3 { print $2, $3; exit }' "$1" 2> /dev/null
}

# id_range_args: in ID_RANGE_ARGS, what maps ids 0..65535 for a rootfs whose
# root is the caller: root writes any map; anyone else needs a range of
# 65536 ids in /etc/subuid and /etc/subgid, starting at the same id
# (48-id-ranges.sh tests those as uid 65534 in root mode).  Inside, id K
# is ID_BASE + K on the host.
id_range_args() {
  if is_root; then
    ID_BASE=1700000000
    ID_RANGE_ARGS=(--unshare-user --uid-map 0:0:1 --uid-map "1:$((ID_BASE + 1)):65535"
      --gid-map 0:0:1 --gid-map "1:$((ID_BASE + 1)):65535")
    return
  fi
  require_cmd newuidmap newgidmap
  is_fallback && skip "the sys-deny wrapper's no_new_privs keeps the setuid newuidmap from working"
  local start count gstart gcount
  read -r start count <<< "$(first_subid_range /etc/subuid)"
  read -r gstart gcount <<< "$(first_subid_range /etc/subgid)"
  [[ -n $start && ${count:-0} -ge 65536 && ${gcount:-0} -ge 65536 && $gstart == "$start" ]] ||
    skip "uid $SW_UID has no range of 65536 ids, the same in /etc/subuid and /etc/subgid"
  ID_BASE=$start
  ID_RANGE_ARGS=(--map-subids)
}

# A second service, run by su as the rootfs's user svc (uid and gid 1000):
# it runs as that user, inside and, as the caller's id 1000, on the host.
test_init_runs_a_service_as_a_user_of_the_rootfs() {
  make_rootfs
  id_range_args
  echo 'svc:x:1000:1000:service:/:/bin/sh' >> rootfs/etc/passwd
  echo 'svc:x:1000:' >> rootfs/etc/group
  echo '::respawn:/bin/su -s /bin/sh -c /etc/user-service.sh svc' >> rootfs/etc/inittab
  printf '%s\n' '#!/bin/sh' \
    'echo "$(id -un) $(id -u) $(id -g) $(id -G)" >> /results/user-service' \
    'exec sleep 201' > rootfs/etc/user-service.sh
  chmod 755 rootfs/etc/user-service.sh
  install -m 666 /dev/null results/user-service
  boot_init "${ID_RANGE_ARGS[@]}" --uid 0 --gid 0 --cap-add ALL
  wait_for test -s results/user-service ||
    fail "the user's service did not start" "$(show_block "init's output" "$(cat init.log)")"
  assert_eq "svc 1000 1000 1000" "$(head -n 1 results/user-service)" "the user service's ids inside"
  local pid host_uid=
  for pid in $(pidns_members "$SERVICE_PIDNS"); do
    [[ $(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null) == "sleep 201 " ]] || continue
    host_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
  done
  assert_eq "$((ID_BASE + 1000))" "$host_uid" "the user service's uid on the host"
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
}

# SIGKILL to the launcher with --die-with-parent: the whole sandbox goes too
# (without it, as in bwrap, the sandbox outlives its launcher).
test_init_sandbox_dies_with_the_launcher() {
  make_rootfs
  boot_init --die-with-parent
  kill -KILL "$SW_BG_PID"
  wait "$SW_BG_PID"
  wait_for eval '[[ -z $(pidns_members "$SERVICE_PIDNS") ]]' ||
    fail "processes of the sandbox survive SIGKILL to the launcher: $(pidns_members "$SERVICE_PIDNS")"
}

# --- /sys ---------------------------------------------------------------------------------

# host_sys_dev: the device number of the host's /sys.
host_sys_dev() {
  stat -c %d /sys
}

test_sys_with_unshare_net_is_a_fresh_read_only_sysfs() {
  capture_mountinfo --ro-bind / / --unshare-net --sys /sys
  assert_mount /sys type=sysfs +ro +nosuid +nodev +noexec
  assert_status 0 sw --ro-bind / / --unshare-net --sys /sys sh -c 'ls /sys/class/net; stat -c %d /sys'
  assert_eq lo "$(head -n -1 <<< "$OUT")" "ls /sys/class/net"
  assert_ne "$(host_sys_dev)" "$(tail -n 1 <<< "$OUT")" "device of /sys (a fresh sysfs, not the host's)"
}

test_sys_with_unshare_net_on_a_minimal_root() {
  assert_status 0 sw "${MINROOT[@]}" --unshare-net --proc /proc --sys /sys sh -c \
    'ls /sys/class/net; grep " /sys " /proc/self/mountinfo'
  assert_eq lo "$(head -n 1 <<< "$OUT")" "ls /sys/class/net"
  MOUNTINFO=$(tail -n +2 <<< "$OUT")
  assert_mount /sys type=sysfs +ro +nosuid +nodev +noexec
}

test_sys_with_unshare_net_elsewhere() {
  assert_status 0 sw --ro-bind / / --unshare-net --tmpfs /mnt --sys /mnt/sys ls /mnt/sys/class/net
  assert_eq lo "$OUT" "ls /mnt/sys/class/net"
}

test_sys_without_netns_binds_the_hosts_sys_read_only() {
  capture_mountinfo --ro-bind / / --sys /sys
  assert_mount /sys type=sysfs +ro +nosuid +nodev +noexec
  assert_status 0 sw --ro-bind / / --sys /sys sh -c 'ls /sys/class/net; stat -c %d /sys'
  assert_eq "$(ls /sys/class/net)" "$(head -n -1 <<< "$OUT")" "ls /sys/class/net (the host's)"
  assert_eq "$(host_sys_dev)" "$(tail -n 1 <<< "$OUT")" "device of /sys (the host's sysfs)"
}

# The bind is recursive: the host's mounts under /sys come along, each
# read-only, nosuid, nodev and noexec.
test_sys_without_netns_is_recursive_and_read_only_throughout() {
  local mp host_mps line
  host_mps=$(awk '$5 ~ "^/sys/" { print $5 }' /proc/self/mountinfo | sort -u)
  [[ -n $host_mps ]] || skip "the host has no mount under /sys"
  assert_status 0 sw "${MINROOT[@]}" --proc /proc --sys /sys cat /proc/self/mountinfo
  MOUNTINFO=$OUT
  for mp in $host_mps; do
    line=$(mount_line "$mp")
    # A mount this caller cannot see into may be left out (locked), but
    # what is there must be read-only.
    [[ -n $line ]] || fail "host mount $mp is missing under the sandbox's /sys"
    assert_mount "$mp" +ro +nosuid +nodev +noexec
  done
  assert_failure sw "${MINROOT[@]}" --sys /sys sh -c 'echo x > /sys/kernel/uevent_helper'
}

test_sys_is_not_writable() {
  local netns
  for netns in "" --unshare-net; do
    # shellcheck disable=SC2086 # netns is one word or none
    assert_status 0 sw --ro-bind / / $netns --sys /sys sh -c 'mkdir /sys/x 2>&1; touch /sys/kernel/x 2>&1; echo done'
    assert_contains "$OUT" "Read-only file system" "errors writing into /sys ${netns:-(host netns)}"
  done
}

test_sys_matches_between_root_and_minimal_root() {
  assert_status 0 sw "${MINROOT[@]}" --unshare-net --sys /sys test -d /sys/kernel
  assert_status 0 sw "${MINROOT[@]}" --sys /sys test -d /sys/kernel
}

# cgroup2 mount point of the host ("" if none).
host_cgroup2_mount() {
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
    /proc/self/mountinfo | head -n 1
}

# The caller's cgroup in the v2 hierarchy.
caller_cgroup2() {
  sed -n 's/^0:://p' /proc/self/cgroup
}

test_sys_with_unshare_cgroup_has_a_cgroup2_mount() {
  [[ -n $(host_cgroup2_mount) ]] || skip "the host has no cgroup2 hierarchy"
  local netns
  for netns in --unshare-net ""; do
    # shellcheck disable=SC2086 # netns is one word or none
    capture_mountinfo --ro-bind / / $netns --unshare-cgroup --sys /sys
    assert_mount /sys/fs/cgroup type=cgroup2 +nosuid +nodev +noexec
    # shellcheck disable=SC2086
    assert_status 0 sw --ro-bind / / $netns --unshare-cgroup --sys /sys sh -c \
      'test -e /sys/fs/cgroup/cgroup.procs && cat /proc/self/cgroup'
    assert_contains "$OUT" "0::/" "/proc/self/cgroup inside ${netns:-(host netns)}"
  done
}

# An unprivileged caller whose cgroup is not delegated to it (owned by root):
# the cgroup2 mount is read-only.
test_sys_cgroup_is_read_only_where_not_delegated() {
  require_unprivileged
  local mnt cg
  mnt=$(host_cgroup2_mount)
  [[ -n $mnt ]] || skip "the host has no cgroup2 hierarchy"
  cg=$mnt$(caller_cgroup2)
  [[ -w $cg && -w $cg/cgroup.procs ]] && skip "the caller's cgroup $cg is delegated to it"
  capture_mountinfo --ro-bind / / --unshare-net --unshare-cgroup --sys /sys
  assert_mount /sys/fs/cgroup type=cgroup2 +ro
}

# A cgroup delegated to the caller (here root's own new cgroup): writable;
# the payload can create a child cgroup in it.
test_sys_cgroup_is_writable_where_delegated() {
  require_root
  local mnt cg name=swaddle-test-$$
  mnt=$(host_cgroup2_mount)
  [[ -n $mnt ]] || skip "the host has no cgroup2 hierarchy"
  cg=$mnt/$name
  mkdir "$cg" 2> /dev/null || skip "cannot create cgroup $cg"
  # The launcher runs in that cgroup (the shell moves itself, then execs).
  run sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "${SW_CMD[@]}" \
    --ro-bind / / --unshare-net --unshare-cgroup --sys /sys sh -c \
    'grep " /sys/fs/cgroup " /proc/self/mountinfo; mkdir /sys/fs/cgroup/child && echo made && rmdir /sys/fs/cgroup/child'
  rmdir "$cg" 2> /dev/null
  [[ $STATUS == 0 ]] || fail "the payload could not create a child cgroup in its delegated cgroup"
  assert_contains "$OUT" made "output"
  MOUNTINFO=$(grep cgroup2 <<< "$OUT")
  assert_mount /sys/fs/cgroup type=cgroup2 -ro +nosuid +nodev +noexec
}

# --- init with /sys ------------------------------------------------------------------------

test_init_with_sys_and_cgroup() {
  make_rootfs
  cat > rootfs/etc/sysinit.sh << 'EOF'
{
  echo "sysinit pid=$$ init=$(cat /proc/1/comm)"
  ls /sys/class/net
  test -e /sys/fs/cgroup/cgroup.controllers && echo cgroup2
} > /results/sysinit
EOF
  [[ -n $(host_cgroup2_mount) ]] || skip "the host has no cgroup2 hierarchy"
  boot_init --unshare-net --unshare-cgroup --sys /sys
  assert_eq $'lo\ncgroup2' "$(tail -n +2 results/sysinit)" "what sysinit saw in /sys"
  shutdown_with TERM "${REBOOT_STATUSES[@]}"
}

sw_main "$@"
