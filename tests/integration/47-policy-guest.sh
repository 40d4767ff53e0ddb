#!/bin/bash
# Seccomp rules by name through the x32 and i386 entries: boots a kernel
# under qemu that enters both (this host's may enter neither, and then
# swaddle compiles no rules for them) and checks, as root and as uid 65534,
# that a call denied with --seccomp-deny fails through all three ABIs and
# that the payload has one filter per ABI (see tests/initramfs/run-abi-guest),
# once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Building a static swaddle and booting under TCG take up to a minute or
# two, whatever the suite's per-test limit.
((SW_TEST_TIMEOUT >= 180)) || SW_TEST_TIMEOUT=180

test_seccomp_rules_on_every_abi_in_a_qemu_guest_with_x32_and_i386() {
  source_tree_test "a static swaddle built from the source tree, booted in a guest with x32 and i386 entries and its own root and uid 65534 sandboxes"
  run_guest run-abi-guest abi-guest 40 "the ABI guest test"
  for abi in x86_64 x32 i386; do
    assert_contains "$OUT" "PASS user: getpid through $abi in a sandbox" "the report"
    assert_contains "$OUT" "PASS user: --seccomp-deny getpid: getpid through $abi fails with EPERM" "the report"
  done
  assert_contains "$OUT" "PASS root: --seccomp-deny getpid: 3 seccomp filters (x86_64, x32, i386)" "the report"
}

sw_main "$@"
