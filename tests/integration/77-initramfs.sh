#!/bin/bash
# pivot_root on an initramfs: boots a kernel under qemu with an initramfs
# holding busybox and a static swaddle built from the source tree (see
# tests/initramfs/run-initramfs-test), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

test_pivot_root_fallback_on_an_initramfs_under_qemu() {
  skip_if_bwrap "the test boots a swaddle built from the source tree"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode (it starts its own root and unprivileged sandboxes inside the VM)"
  run_guest run-initramfs-test initramfs 25 "the initramfs test"
}

sw_main "$@"
