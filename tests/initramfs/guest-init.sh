# shellcheck shell=sh
# Sourced by the qemu guests' /init (busybox sh) as /etc/guest-init.sh:
# what the guests share on the inside (guest-lib.sh puts it there).
#
#   guest_mounts          /proc, /sys, /dev and /run; all output to the
#                         serial console, whose lines the host reads;
#                         "INFO kernel RELEASE"
#   pass NAME             a "PASS NAME" line
#   fail NAME [LINE...]   a "FAIL NAME" line, the LINEs indented under it,
#                         then whatever fail_details (a /init may define
#                         its own) prints
#   expect NAME EXPECTED CMD...        PASS when CMD exits 0 printing
#                         EXPECTED (its output is left in $LAST)
#   expect_match NAME REGEX CMD...     the same, for output that is one
#                         line matching the extended REGEX
#   as_user CMD...        CMD as uid and gid 65534, no supplementary groups
#   finish                the "RESULT N passed, N failed" line; power off

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
passed=0
failed=0

guest_mounts() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
  mount -t tmpfs tmpfs /run
  exec > /dev/ttyS0 2>&1 < /dev/null
  echo
  echo "INFO kernel $(uname -r)"
}

pass() {
  echo "PASS $1"
  passed=$((passed + 1))
}

fail_details() { :; }

fail() {
  echo "FAIL $1"
  shift
  for line in "$@"; do echo "  $line"; done
  fail_details
  failed=$((failed + 1))
}

# judge NAME HOW EXPECTED CMD...: run CMD, stderr to /tmp/err; HOW is
# "equal" or "match".
judge() {
  name=$1 how=$2 expected=$3
  shift 3
  out=$("$@" 2>/tmp/err)
  st=$?
  ok=false
  if [ "$st" = 0 ]; then
    case $how in
      equal) [ "$out" = "$expected" ] && ok=true ;;
      match) [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -Eqx -- "$expected" && ok=true ;;
    esac
  fi
  if $ok; then
    pass "$name"
  else
    fail "$name" "command: $*" "expected: $expected" "actual (status $st): $(echo "$out" | head -n 5)" \
      "stderr: $(head -n 5 /tmp/err)"
  fi
  # shellcheck disable=SC2034 # for the /init that sources this
  LAST=$out
}

expect() {
  name=$1 expected=$2
  shift 2
  judge "$name" equal "$expected" "$@"
}

expect_match() {
  name=$1 expected=$2
  shift 2
  judge "$name" match "$expected" "$@"
}

as_user() { dropuid 65534 65534 "$@"; }

finish() {
  echo "RESULT $passed passed, $failed failed"
  sync
  poweroff -f
}
