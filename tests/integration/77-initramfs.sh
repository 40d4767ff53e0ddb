#!/bin/bash
# pivot_root on an initramfs: boots a kernel under qemu with an initramfs
# holding busybox and a static swaddle built from the source tree (see
# tests/initramfs/run-initramfs-test), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Resolved now: each test runs after a cd into its own directory.
THIS_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
readonly THIS_DIR

# The script, in the source tree: SWADDLE_SOURCE_DIR when set (run-suite
# stages only lib.sh and the integration files), else next to this file when
# this file is run from the source tree itself.
initramfs_script() {
  local dir
  for dir in ${SWADDLE_SOURCE_DIR:+"$SWADDLE_SOURCE_DIR"} "$THIS_DIR/../.."; do
    if [[ -x $dir/tests/initramfs/run-initramfs-test && -f $dir/meson.build ]]; then
      printf '%s\n' "$dir/tests/initramfs/run-initramfs-test"
      return 0
    fi
  done
  return 1
}

test_pivot_root_fallback_on_an_initramfs_under_qemu() {
  skip_if_bwrap "the test boots a swaddle built from the source tree"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode (it starts its own root and unprivileged sandboxes inside the VM)"
  local script limit
  script=$(initramfs_script) ||
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
