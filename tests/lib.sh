# shellcheck shell=bash
# tests/lib.sh: the integration test library, sourced by tests/integration/*.sh.
#
# An integration file defines functions named test_* and ends with
#     sw_main "$@"
# tests/run-suite runs each file once per mode; sw_main then runs every test
# in a fresh bash process (under `timeout`), with `cd` into a fresh temporary
# directory created by the running identity, `set -u`, and HOME set to that
# directory.  It prints one line per test:
#     ok - GROUP/NAME
#     ok - GROUP/NAME # SKIP reason
#     not ok - GROUP/NAME
#     # diagnostic lines
# run-suite numbers those lines and adds the mode.
#
# Environment, set by tests/run-suite:
#   SWADDLE              the binary under test
#   SW_WRAP              words put before it (the sys-deny helper in fallback modes)
#   SW_MODE              root | user | fallback-root | fallback-user
#   SW_IS_BWRAP          1 when the binary under test is bubblewrap
#   SW_REFERENCE         the reference bwrap for differential checks (/usr/bin/bwrap)
#   SWADDLE_TEST_FILTER  extended regex on GROUP/NAME: run only matching tests
#   SW_TEST_TIMEOUT      seconds one test may take (default 90)
#   SW_HELPERS           the staged test programs of BUILDDIR/tests/helpers
#   SW_SANITIZER         "asan" when the binary under test is built with ASan
#                        and UBSan (run-suite's asan pass), else empty
#
# In a test:
#   sw ARGS...              run the sandbox
#   run CMD...              run anything; sets OUT, ERR (trailing newlines cut) and STATUS
#   assert_*                check, and on failure print expected and actual, then end the test
#   skip REASON             end the test as skipped
#   ROOT, HERE, MINROOT     argument arrays for common sandbox layouts (see sw_prepare_test)
#   MARKER                  a host path a payload touches to prove it ran

: "${SWADDLE:?SWADDLE must name the binary under test (run tests through tests/run-suite)}"
: "${SW_MODE:=root}"
: "${SW_IS_BWRAP:=0}"
: "${SW_REFERENCE:=/usr/bin/bwrap}"
: "${SW_TEST_TIMEOUT:=90}"
SW_UID=$EUID
# The effective gid, read without starting a process (this runs per test).
# shellcheck disable=SC2034 # SW_GID is for the tests
while read -r key _ egid _; do
  [[ $key == Gid: ]] && SW_GID=$egid && break
done < /proc/self/status
unset key egid
read -r -a SW_WRAP_ARGV <<< "${SW_WRAP:-}"
# The full command that starts a sandbox, for places where a function won't
# do (inside `unshare ... sh -c 'exec "$@"'`, in the background).
SW_CMD=("${SW_WRAP_ARGV[@]}" "$SWADDLE")

# ---------------------------------------------------------------------------
# Running things

sw() {
  "${SW_CMD[@]}" "$@"
}

# The reference bubblewrap, under the same wrapper as the binary under test.
ref_bwrap() {
  "${SW_WRAP_ARGV[@]}" "$SW_REFERENCE" "$@"
}

# run CMD...: run CMD, never failing; sets OUT, ERR, STATUS and LAST_CMD.
run() {
  local errfile=$SW_TEST_DIR/.sw-stderr
  LAST_CMD=$(printf '%q ' "$@")
  OUT=$("$@" 2>"$errfile")
  STATUS=$?
  ERR=$(<"$errfile")
}

# sw_bg ARGS...: start a sandbox in the background; its pid is in SW_BG_PID
# (the launcher itself: the command is exec'ed, not wrapped in a subshell).
sw_bg() {
  "${SW_CMD[@]}" "$@" &
  SW_BG_PID=$!
  SW_BG_PIDS+=("$SW_BG_PID")
}

# wait_for CONDITION-CMD...: poll (every 0.05 s, at most ~10 s) until CMD
# succeeds.  Returns 1 if it never did.  Used to sequence events, never to
# measure time.
wait_for() {
  wait_for_within 10 "$@"
}

# wait_for_within SECONDS CMD...: CMD succeeds within SECONDS (whole seconds).
wait_for_within() {
  local i tries=$(($1 * 20))
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}

# pid_is_gone PID: the process does not exist any more or is a zombie.
pid_is_gone() {
  local state
  [[ -r /proc/$1/stat ]] || return 0
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
  [[ -z $state || $state == Z || $state == X ]]
}

# ---------------------------------------------------------------------------
# Identity, capabilities of the environment, skipping

# pidns_members NS: host pids of the processes in pid namespace NS (those
# this caller can see: the sandbox's are its own).
pidns_members() {
  local path ns pid
  while read -r path ns; do
    [[ $ns == "$1" ]] || continue
    pid=${path#/proc/}
    pid=${pid%%/*}
    pid_is_gone "$pid" || printf '%s ' "$pid"
  done < <(find /proc/[0-9]*/ns/pid -maxdepth 0 -printf '%p %l\n' 2> /dev/null)
  return 0
}

is_bwrap() { [[ $SW_IS_BWRAP == 1 ]]; }
is_root() { [[ $SW_UID == 0 ]]; }
is_fallback() { [[ $SW_MODE == fallback-* ]]; }
# The binary under test carries sanitizers, which need /proc themselves.
is_sanitized() { [[ -n ${SW_SANITIZER:-} ]]; }

skip() {
  printf '%s\n' "$*" > "$SW_SKIP_FILE"
  exit 77
}

# skip_if_bwrap REASON: for cases where COMPAT.md asks for something
# bubblewrap 0.8 does not do.
skip_if_bwrap() {
  is_bwrap && skip "bwrap 0.8 differs from COMPAT.md: $*"
  return 0
}

require_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" > /dev/null || skip "$cmd is not installed"
  done
}

# source_tree_test WHAT: the test checks the source tree (WHAT: a build, a
# package), the same in every mode and pass: it runs once, as root in the
# main pass (run-suite's asan pass is the one that sets ASAN_OPTIONS).
source_tree_test() {
  is_bwrap && skip "it checks swaddle's source tree ($1), not bwrap"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode ($1 is the same in every mode)"
  [[ -z ${ASAN_OPTIONS:-} ]] || skip "runs once, in the main pass ($1 does not use the binary under test)"
}

# source_tree_file RELPATH: RELPATH's path in the source tree, which is
# SWADDLE_SOURCE_DIR when set (run-suite stages only lib.sh and the
# integration files), else the tree this lib.sh is in; status 1 when absent.
SW_LIB_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
source_tree_file() {
  local dir
  for dir in ${SWADDLE_SOURCE_DIR:+"$SWADDLE_SOURCE_DIR"} "$SW_LIB_DIR/.."; do
    if [[ -e $dir/$1 && -f $dir/meson.build ]]; then
      printf '%s\n' "$(cd "$dir" && pwd)/$1"
      return 0
    fi
  done
  return 1
}

# run_guest SCRIPT NAME MARGIN WHAT: run the qemu guest test
# tests/initramfs/SCRIPT of the source tree, with the per-test limit less
# MARGIN seconds (left for building swaddle and the initramfs) as its own;
# skip where it cannot run, fail (naming WHAT) unless it ends with
# "NAME: N passed, 0 failed".  Its report is left in OUT.
run_guest() {
  local script=$1 name=$2 margin=$3 what=$4 path
  path=$(source_tree_file "tests/initramfs/$script") ||
    skip "tests/initramfs/$script not found: set SWADDLE_SOURCE_DIR to the source tree"
  run "$path" --timeout $((SW_TEST_TIMEOUT > margin + 35 ? SW_TEST_TIMEOUT - margin : 35))
  case $STATUS in
    0) ;;
    77) skip "$(sed -n 's/^SKIP: //p' <<< "$OUT" | head -n 1)" ;;
    *) fail "$what failed" "$(show_block "its report" "$(grep -Ev '^PASS ' <<< "$OUT" | head -n 40)")" ;;
  esac
  assert_match "$OUT" "$name: [1-9][0-9]* passed, 0 failed" "the report"
}

require_root() {
  is_root || skip "applies to a root caller only"
}

require_unprivileged() {
  is_root && skip "applies to an unprivileged caller only"
  return 0
}

require_reference() {
  [[ -x $SW_REFERENCE ]] || skip "reference bwrap $SW_REFERENCE is not installed"
}

# ---------------------------------------------------------------------------
# Failing and assertions

# show_block LABEL TEXT: print TEXT indented under LABEL.
show_block() {
  local label=$1 text=$2
  if [[ -z $text ]]; then
    printf '%s: (empty)\n' "$label"
  else
    printf '%s:\n' "$label"
    printf '%s\n' "$text" | head -n 20 | sed 's/^/    | /'
  fi
}

# fail LINE...: print the lines and what the last `run` saw, end the test.
fail() {
  {
    printf '%s\n' "$@"
    if [[ -n ${LAST_CMD:-} ]]; then
      printf 'last command: %s\n' "${LAST_CMD:0:500}"
      printf '  exit status: %s\n' "$STATUS"
      show_block "  stdout" "$OUT"
      show_block "  stderr" "$ERR"
    fi
  } >&2
  exit 1
}

# expected_actual EXPECTED ACTUAL: a short or unified-diff view of both.
expected_actual() {
  if [[ $1 == *$'\n'* || $2 == *$'\n'* ]]; then
    diff -u --label expected --label actual <(printf '%s\n' "$1") <(printf '%s\n' "$2")
  else
    printf 'expected: %q\nactual:   %q\n' "$1" "$2"
  fi
}

assert_eq() { # EXPECTED ACTUAL [WHAT]
  [[ $1 == "$2" ]] && return 0
  fail "${3:-value} is not as expected" "$(expected_actual "$1" "$2")"
}

assert_ne() { # UNEXPECTED ACTUAL [WHAT]
  [[ $1 != "$2" ]] && return 0
  fail "${3:-value} should differ from $(printf '%q' "$1") but is equal"
}

assert_contains() { # HAYSTACK NEEDLE [WHAT]
  [[ $1 == *"$2"* ]] && return 0
  fail "${3:-text} does not contain $(printf '%q' "$2")" "$(show_block "${3:-text}" "$1")"
}

assert_not_contains() { # HAYSTACK NEEDLE [WHAT]
  [[ $1 != *"$2"* ]] && return 0
  fail "${3:-text} contains $(printf '%q' "$2") but should not" "$(show_block "${3:-text}" "$1")"
}

assert_match() { # STRING ERE [WHAT]
  [[ $1 =~ $2 ]] && return 0
  fail "${3:-text} does not match /$2/" "$(show_block "${3:-text}" "$1")"
}

assert_line_count() { # N TEXT [WHAT]
  local n=0
  [[ -n $2 ]] && n=$(printf '%s\n' "$2" | wc -l)
  [[ $n == "$1" ]] && return 0
  fail "${3:-text} has $n lines, expected $1" "$(show_block "${3:-text}" "$2")"
}

# assert_status EXPECTED CMD...: run CMD (OUT/ERR/STATUS stay set for
# further checks) and check its exit status.
assert_status() {
  local expected=$1
  shift
  run "$@"
  [[ $STATUS == "$expected" ]] && return 0
  fail "exit status $STATUS, expected $expected"
}

assert_success() { assert_status 0 "$@"; }

# assert_failure CMD...: any non-zero exit status.
assert_failure() {
  run "$@"
  [[ $STATUS != 0 ]] && return 0
  fail "command succeeded but should have failed"
}

assert_exists() { # PATH
  [[ -e $1 || -L $1 ]] && return 0
  fail "$1 should exist on the host but does not"
}

assert_not_exists() { # PATH
  [[ ! -e $1 && ! -L $1 ]] && return 0
  fail "$1 should not exist on the host but does"
}

# assert_file_mode OCTAL PATH: permission bits of a host path.
assert_file_mode() {
  local actual
  actual=$(stat -c %a "$2") || fail "cannot stat $2"
  assert_eq "$(printf '%o' "$((8#$1))")" "$actual" "mode of $2"
}

# assert_setup_error WORD SWADDLE-ARGS...: the sandbox must refuse to start:
# exit status 1, nothing on stdout, exactly one line on stderr and that line
# names WORD (case-insensitive: the option or path at fault), and the payload
# did not run ($MARKER absent).  The wording beyond WORD is swaddle's own.
assert_setup_error() {
  local word=$1
  shift
  run sw "$@"
  [[ $STATUS == 1 ]] || fail "exit status $STATUS, expected 1 (setup error)"
  [[ -z $OUT ]] || fail "stdout should be empty"
  assert_line_count 1 "$ERR" "stderr"
  [[ ${ERR,,} == *"${word,,}"* ]] || fail "stderr does not name '$word'" "$(show_block stderr "$ERR")"
  [[ ! -e $MARKER ]] || fail "the payload ran although setup failed"
}

# assert_same_as_bwrap ARGS...: the binary under test and the reference
# bubblewrap, given the same argv, print the same stdout and exit the same.
assert_same_as_bwrap() {
  require_reference
  local out status err
  run sw "$@"
  out=$OUT status=$STATUS err=$ERR
  run ref_bwrap "$@"
  [[ $out == "$OUT" && $status == "$STATUS" ]] && return 0
  fail "behaves differently from $SW_REFERENCE" \
    "$(expected_actual "$OUT" "$out")" \
    "exit status: bwrap $STATUS, under test $status" \
    "$(show_block "stderr under test" "$err")"
}

# ---------------------------------------------------------------------------
# What the payload sees

# capture_mountinfo SWADDLE-ARGS...: run the sandbox with the payload
# `cat /proc/self/mountinfo`; the table is kept in MOUNTINFO.
capture_mountinfo() {
  assert_success sw "$@" cat /proc/self/mountinfo
  MOUNTINFO=$OUT
}

# mount_line MOUNTPOINT: the mountinfo line of the top-most mount there.
mount_line() {
  printf '%s\n' "$MOUNTINFO" | awk -v mp="$1" '$5 == mp { line = $0 } END { print line }'
}

# assert_mount MOUNTPOINT CHECK...: check the top-most mount at MOUNTPOINT in
# MOUNTINFO.  A CHECK is +FLAG (per-mount option present: ro, rw, nosuid,
# nodev, noexec), -FLAG (absent) or type=FSTYPE.
assert_mount() {
  local mp=$1 line opts fstype check
  shift
  line=$(mount_line "$mp")
  [[ -n $line ]] || fail "no mount at $mp" "$(show_block mountinfo "$MOUNTINFO")"
  opts=,$(awk '{ print $6 }' <<< "$line"),
  fstype=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' <<< "$line")
  for check in "$@"; do
    case $check in
      +*) [[ $opts == *,"${check#+}",* ]] || fail "mount at $mp lacks ${check#+}" "line: $line" ;;
      -*) [[ $opts != *,"${check#-}",* ]] || fail "mount at $mp has ${check#-}" "line: $line" ;;
      type=*) [[ $fstype == "${check#type=}" ]] || fail "mount at $mp is $fstype, not ${check#type=}" "line: $line" ;;
      *) fail "assert_mount: bad check $check" ;;
    esac
  done
}

assert_no_mount() { # MOUNTPOINT
  [[ -z $(mount_line "$1") ]] && return 0
  fail "there should be no mount at $1" "line: $(mount_line "$1")"
}

# status_field NAME TEXT: the value of "NAME:" in a /proc/PID/status text.
status_field() {
  awk -v f="$1:" '$1 == f { print $2 }' <<< "$2"
}

# host_ns KIND: this test process's namespace of that kind, e.g. net:[4026531840].
host_ns() {
  readlink "/proc/self/ns/$1"
}

# sandbox_ns KIND SWADDLE-ARGS...: the payload's namespace of that kind
# (the host root is bound read-only so readlink and /proc are there).
sandbox_ns() {
  local kind=$1
  shift
  assert_success sw --ro-bind / / "$@" readlink "/proc/self/ns/$kind"
  printf '%s\n' "$OUT"
}

assert_new_ns() { # KIND SWADDLE-ARGS...
  local kind=$1 inside
  shift
  inside=$(sandbox_ns "$kind" "$@") || exit 1
  assert_ne "$(host_ns "$kind")" "$inside" "$kind namespace with $*"
}

assert_host_ns() { # KIND SWADDLE-ARGS...
  local kind=$1 inside
  shift
  inside=$(sandbox_ns "$kind" "$@") || exit 1
  assert_eq "$(host_ns "$kind")" "$inside" "$kind namespace with $*"
}

# nul_args FILE WORD...: write WORDs NUL-separated to FILE (for --args).
nul_args() {
  local file=$1
  shift
  printf '%s\0' "$@" > "$file"
}

# ---------------------------------------------------------------------------
# The per-test environment and the driver

# minroot_words: a small root made of the host's /usr and /etc, with /bin,
# /lib, /lib64 and /sbin as the host has them (links on merged-/usr
# systems), as words for SW_MINROOT (no path here contains a space).
minroot_words() {
  local dir words="--ro-bind /usr /usr --ro-bind /etc /etc"
  for dir in /bin /sbin /lib /lib64 /lib32; do
    if [[ -L $dir ]]; then
      words+=" --symlink $(readlink "$dir") $dir"
    elif [[ -d $dir ]]; then
      words+=" --ro-bind $dir $dir"
    fi
  done
  printf '%s\n' "$words"
}

# shellcheck disable=SC2034 # ROOT, HERE, MARKER and MINROOT are for the tests
sw_prepare_test() {
  SW_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/swaddle-test.XXXXXX") || exit 1
  SW_BG_PIDS=()
  trap sw_teardown_test EXIT
  umask 022
  cd "$SW_TEST_DIR" || exit 1
  export HOME=$SW_TEST_DIR
  # The host's root read-only with a private writable /tmp.
  ROOT=(--ro-bind / / --tmpfs /tmp)
  # The test directory, writable, at the same path inside.
  HERE=(--bind "$SW_TEST_DIR" "$SW_TEST_DIR")
  MARKER=$SW_TEST_DIR/payload-ran
  # A root without the host's /, /tmp, /proc, /dev or the test directory.
  [[ -n ${SW_MINROOT:-} ]] || SW_MINROOT=$(minroot_words)
  read -r -a MINROOT <<< "$SW_MINROOT"
}

sw_teardown_test() {
  local pid
  for pid in "${SW_BG_PIDS[@]}"; do
    kill -KILL "$pid" 2> /dev/null
  done
  cd / || return
  # A test may leave directories without write permission: fix only then.
  rm -rf "$SW_TEST_DIR" 2> /dev/null || {
    chmod -R u+rwX "$SW_TEST_DIR"
    rm -rf "$SW_TEST_DIR"
  }
}

# sw_run_one FUNCTION: body of the per-test process.
sw_run_one() {
  sw_prepare_test
  set -u
  "$1"
  local rc=$?
  if ((rc != 0)); then
    echo "test function returned $rc (a command outside an assertion failed last)" >&2
    exit 1
  fi
  exit 0
}

# sw_list_tests: the test_* functions of the file, in the order written.
sw_list_tests() {
  local name
  shopt -s extdebug
  declare -F | awk '$3 ~ /^test_/ { print $3 }' | while read -r name; do
    declare -F "$name"
  done | sort -k2,2n | awk '{ print $1 }'
  shopt -u extdebug
}

sw_group() {
  local group
  group=$(basename "$0" .sh)
  printf '%s\n' "${group#[0-9]*-}"
}

# sw_run_listed FUNCTION NAME: run one test in its own process, print its
# line.  SW_WORK is the file's private directory for the log and skip reason.
sw_run_listed() {
  local fn=$1 name=$2 rc reason=
  local log=$SW_WORK/log
  export SW_SKIP_FILE=$SW_WORK/skip
  : > "$SW_SKIP_FILE"
  timeout -k 5 "$SW_TEST_TIMEOUT" bash "$0" --one "$fn" > "$log" 2>&1 < /dev/null
  rc=$?
  case $rc in
    0) echo "ok - $name" ;;
    77)
      read -r reason < "$SW_SKIP_FILE"
      echo "ok - $name # SKIP ${reason:-no reason given}"
      ;;
    *)
      echo "not ok - $name"
      case $rc in
        124 | 137) echo "# timed out after ${SW_TEST_TIMEOUT}s" ;;
      esac
      sed 's/^/# /' "$log" | tail -n 60
      ;;
  esac
}

sw_main() {
  if [[ ${1:-} == --one ]]; then
    sw_run_one "$2"
  fi
  local group fn name
  group=$(sw_group)
  SW_WORK=$(mktemp -d "${TMPDIR:-/tmp}/swaddle-run.XXXXXX") || exit 1
  trap 'rm -rf "$SW_WORK"' EXIT
  SW_MINROOT=$(minroot_words)
  export SW_MINROOT
  for fn in $(sw_list_tests); do
    name=$group/${fn#test_}
    if [[ -n ${SWADDLE_TEST_FILTER:-} && ! $name =~ $SWADDLE_TEST_FILTER ]]; then
      continue
    fi
    sw_run_listed "$fn" "$name"
  done
}
