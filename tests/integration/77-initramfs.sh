#!/bin/bash
# pivot_root on an initramfs: boots a kernel under qemu with an initramfs
# holding busybox and a static swaddle built from the source tree (see
# tests/initramfs/run-initramfs-test), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

test_pivot_root_fallback_on_an_initramfs_under_qemu() {
  skip_if_bwrap "the test boots a swaddle built from the source tree"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode (it starts its own root and unprivileged sandboxes inside the VM)"
  local script limit
  script=$(source_tree_file tests/initramfs/run-initramfs-test) ||
    skip "tests/initramfs/run-initramfs-test not found: set SWADDLE_SOURCE_DIR to the source tree"
  # Leave room within the per-test limit for building swaddle and the initramfs.
  limit=$((SW_TEST_TIMEOUT > 60 ? SW_TEST_TIMEOUT - 25 : 35))
  run "$script" --timeout "$limit"
  case $STATUS in
    0) ;;
    77) skip "$(sed -n 's/^SKIP: //p' <<< "$OUT" | head -n 1)" ;;
    *) fail "the initramfs test failed" "$(show_block "its report" "$(grep -Ev '^PASS ' <<< "$OUT" | head -n 40)")" ;;
  esac
  assert_match "$OUT" "initramfs: [1-9][0-9]* passed, 0 failed" "the report"
}

sw_main "$@"
