# shellcheck shell=bash
# Sourced by the qemu guest tests (run-initramfs-test, run-cgroup-guest,
# run-selinux-guest, run-abi-guest): what they share on the host side.
# Each boots a kernel from /boot under qemu with an initramfs of its own
# (busybox, a static swaddle, small static helpers and an /init that runs
# the checks, using guest-init.sh) and reads the serial console's
# PASS/FAIL/INFO/RESULT lines.
#
#   guest_start NAME "$@"    the common options into $kernel, $swaddle_bin,
#                            $keep and $limit (NAME prefixes the messages)
#   guest_require TOOL[:PACKAGE]...  skip (exit 77) where the guest cannot
#                            run: not x86-64, no qemu, no kernel, no static
#                            busybox, a TOOL missing; sets $kernel and
#                            $kernel_config (its /boot/config-*, maybe absent)
#   kernel_has OPTION        the kernel's config sets CONFIG_OPTION=y (or
#                            there is no config to read)
#   guest_workdir PREFIX     the work directory $work (--keep's, or a
#                            temporary one removed at exit)
#   guest_root DIR...        $root = $work/root with busybox, its applets,
#                            /etc/passwd and /etc/group (root, nobody),
#                            guest-init.sh as /etc/guest-init.sh, and DIRs
#   guest_swaddle SELINUX    /bin/swaddle: --swaddle's, or built static
#   guest_static NAME SOURCE [LIB...]  /bin/NAME, built static from SOURCE
#   guest_dropuid            /bin/dropuid UID GID CMD...: CMD as UID/GID,
#                            no supplementary groups
#   guest_boot APPEND        pack $root, boot it with kernel parameters
#                            APPEND (console, panic and quiet come first),
#                            print the report; returns 0 all passed, 1
#                            something failed
#
# The common options:
#   --kernel PATH     kernel image (default: the newest /boot/vmlinuz-*)
#   --swaddle PATH    a statically linked swaddle to use instead of building one
#   --keep DIR        keep the work files (initramfs, console log) in DIR
#   --timeout SECONDS limit for the boot and the tests (default 300)

GUEST_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/static-swaddle.sh
. "$GUEST_LIB_DIR/static-swaddle.sh"

GUEST_NAME=guest
kernel=
kernel_config=
swaddle_bin=
keep=
limit=300
work=
root=

skip() {
  echo "SKIP: $*"
  exit 77
}

die() {
  echo "$GUEST_NAME: error: $*" >&2
  echo "$GUEST_NAME: 0 passed, 1 failed"
  exit 1
}

guest_start() {
  GUEST_NAME=$1
  shift
  while (($#)); do
    case $1 in
      --kernel) kernel=$2; shift 2 ;;
      --swaddle) swaddle_bin=$2; shift 2 ;;
      --keep) keep=$2; shift 2 ;;
      --timeout) limit=$2; shift 2 ;;
      -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
      *) die "unknown option $1" ;;
    esac
  done
}

# shellcheck disable=SC2120 # TOOLs are optional
guest_require() {
  local tool
  [[ $(uname -m) == x86_64 ]] || skip "this test boots an x86_64 kernel; this machine is $(uname -m)"
  command -v qemu-system-x86_64 > /dev/null ||
    skip "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
  if [[ -z $kernel ]]; then
    kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2> /dev/null | sort -V | tail -n 1)
    [[ -n $kernel ]] || skip "no kernel in /boot/vmlinuz-* (Debian package linux-image-amd64)"
  fi
  [[ -r $kernel ]] || skip "cannot read the kernel $kernel (run as root or make it readable)"
  kernel_config=/boot/config-${kernel##*/vmlinuz-}
  busybox=$(command -v busybox) || skip "busybox is not installed (Debian package busybox-static)"
  if LC_ALL=C readelf -l "$busybox" 2> /dev/null | grep -q INTERP; then
    skip "$busybox is dynamically linked (Debian package busybox-static)"
  fi
  for tool in cpio gzip "$@"; do
    command -v "${tool%%:*}" > /dev/null || skip "${tool%%:*} is not installed (Debian package ${tool#*:})"
  done
}

# kernel_has OPTION: the kernel's config, where it can be read, sets
# CONFIG_OPTION=y (true where there is no config to read).
kernel_has() {
  [[ ! -r $kernel_config ]] || grep -q "^CONFIG_$1=y" "$kernel_config"
}

guest_workdir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/swaddle-$1.XXXXXX") || die "mktemp failed"
  if [[ -n $keep ]]; then
    mkdir -p "$keep" || die "cannot create $keep"
    rm -rf "$work"
    work=$(cd "$keep" && pwd)
  else
    trap 'rm -rf "$work"' EXIT
  fi
}

# shellcheck disable=SC2120 # DIRs are optional
guest_root() {
  local dir applet
  root=$work/root
  rm -rf "$root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run}
  for dir in "$@"; do
    mkdir -p "$root/$dir"
  done
  chmod 1777 "$root/tmp"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list-full); do
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  cp "$GUEST_LIB_DIR/guest-init.sh" "$root/etc/guest-init.sh"
}

guest_swaddle() {
  if [[ -n $swaddle_bin ]]; then
    cp "$swaddle_bin" "$root/bin/swaddle" || die "cannot copy $swaddle_bin"
  else
    build_static_swaddle "$root/bin/swaddle" "$work" "$1"
  fi
}

guest_static() {
  local name=$1 source=$2
  shift 2
  gcc -O2 -static -o "$root/bin/$name" "$source" "$@" 2> "$work/gcc-$name.log" ||
    die "building the $name helper failed: $(cat "$work/gcc-$name.log")"
}

guest_dropuid() {
  cat > "$work/dropuid.c" << 'EOF'
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main (int argc, char **argv)
{
  if (argc < 4) { fprintf (stderr, "usage: dropuid UID GID CMD...\n"); return 2; }
  uid_t uid = (uid_t) atoi (argv[1]);
  gid_t gid = (gid_t) atoi (argv[2]);
  if (setgroups (0, NULL) || setresgid (gid, gid, gid) || setresuid (uid, uid, uid))
    { perror ("dropuid"); return 126; }
  execvp (argv[3], argv + 3);
  perror (argv[3]);
  return 127;
}
EOF
  guest_static dropuid "$work/dropuid.c"
}

guest_boot() {
  local append=$1 accel=(-accel tcg -cpu max) log=$work/console.log start qemu_status passed failed
  chmod 755 "$root/init"
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz" ||
    die "building the initramfs failed"
  if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    accel=(-accel kvm -cpu host)
  fi
  : > "$log"
  echo "$GUEST_NAME: booting $kernel under qemu (${accel[1]}), limit ${limit}s"
  start=$SECONDS
  timeout -k 5 "$limit" qemu-system-x86_64 "${accel[@]}" -m 512 -smp 1 \
    -nographic -no-reboot -monitor none -serial "file:$log" -nic none \
    -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=3${append:+ $append}" < /dev/null > "$work/qemu.out" 2>&1
  qemu_status=$?
  echo "$GUEST_NAME: qemu ended with status $qemu_status after $((SECONDS - start))s"

  tr -d '\r' < "$log" > "$work/console.txt"
  grep -E '^(PASS|FAIL|INFO|RESULT|  )' "$work/console.txt" | grep -v '^  *$'
  passed=$(grep -c '^PASS ' "$work/console.txt")
  failed=$(grep -c '^FAIL ' "$work/console.txt")
  if ! grep -q '^RESULT ' "$work/console.txt"; then
    echo "$GUEST_NAME: the console has no RESULT line: /init did not finish (qemu status $qemu_status)"
    echo "$GUEST_NAME: last console lines:"
    tail -n 25 "$work/console.txt" | sed 's/^/  | /'
    [[ -s $work/qemu.out ]] && sed 's/^/  qemu: /' "$work/qemu.out" | head -n 10
    failed=$((failed + 1))
  fi
  echo "$GUEST_NAME: $passed passed, $failed failed"
  ((failed == 0))
}
