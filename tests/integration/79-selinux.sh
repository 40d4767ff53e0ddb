#!/bin/bash
# SELinux enforcing: boots a kernel under qemu with Debian's default policy,
# a static swaddle built with libselinux from the source tree and Debian's
# bwrap, and compares --exec-label and --file-label (see
# tests/initramfs/run-selinux-guest), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Under TCG the guest runs about forty sandboxes: this one test may take up
# to three minutes, whatever the suite's per-test limit.
((SW_TEST_TIMEOUT >= 180)) || SW_TEST_TIMEOUT=180

test_labels_under_selinux_enforcing_in_qemu() {
  source_tree_test "a static swaddle built with libselinux, booted in a guest with its own root and unprivileged sandboxes"
  run_guest run-selinux-guest selinux 30 "the SELinux guest test"
  assert_contains "$OUT" "PASS SELinux enforces" "the guest's mode"
  assert_contains "$OUT" "PASS root: swaddle and bwrap agree" "the comparison as root"
  assert_contains "$OUT" "PASS user: swaddle and bwrap agree" "the comparison as uid 65534"
}

sw_main "$@"
