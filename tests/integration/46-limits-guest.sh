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
  source_tree_test "a static swaddle built from the source tree, booted in a guest with cgroup v2 and its own root and uid 65534 sandboxes"
  run_guest run-cgroup-guest cgroup-guest 40 "the cgroup guest test"
  assert_contains "$OUT" "PASS user: a memory hog is OOM-killed and the status says so" "the report"
  assert_contains "$OUT" "PASS root, --unshare-pid: a fork bomb stops at pids.max, and it is reported" "the report"
}

sw_main "$@"
