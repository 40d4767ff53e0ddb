#!/bin/bash
# The cgroup v2 limits, for real: boots a kernel under qemu with cgroup2 and
# its memory, pids and cpu controllers (this host keeps them in cgroup v1)
# and runs sandboxes with --memory-max, --pids-max and --cpu-max as root and
# as uid 65534 in a delegated cgroup (see tests/initramfs/run-cgroup-guest),
# once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Booting under TCG and building a static swaddle take minutes.
((SW_TEST_TIMEOUT >= 400)) || SW_TEST_TIMEOUT=400

test_cgroup_limits_in_a_qemu_guest_with_cgroup_v2() {
  skip_if_bwrap "bubblewrap has no cgroup limits"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode (it runs root and uid 65534 sandboxes inside the VM)"
  local script limit
  script=$(source_tree_file tests/initramfs/run-cgroup-guest) ||
    skip "tests/initramfs/run-cgroup-guest not found: set SWADDLE_SOURCE_DIR to the source tree"
  # Leave room within the per-test limit for building swaddle and the initramfs.
  limit=$((SW_TEST_TIMEOUT - 40))
  run "$script" --timeout "$limit"
  case $STATUS in
    0) ;;
    77) skip "$(sed -n 's/^SKIP: //p' <<< "$OUT" | head -n 1)" ;;
    *) fail "the cgroup guest test failed" "$(show_block "its report" "$(grep -Ev '^PASS ' <<< "$OUT" | head -n 40)")" ;;
  esac
  assert_match "$OUT" "cgroup-guest: [1-9][0-9]* passed, 0 failed" "the report"
  assert_contains "$OUT" "PASS user: a memory hog is OOM-killed and the status says so" "the report"
  assert_contains "$OUT" "PASS root, --unshare-pid: a fork bomb stops at pids.max, and it is reported" "the report"
}

sw_main "$@"
