#!/bin/bash
# pivot_root on an initramfs: boots a kernel under qemu with an initramfs
# holding busybox and a static swaddle built from the source tree (see
# tests/initramfs/run-initramfs-test), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

test_pivot_root_fallback_on_an_initramfs_under_qemu() {
  source_tree_test "a static swaddle built from the source tree, booted on an initramfs with its own root and unprivileged sandboxes"
  run_guest run-initramfs-test initramfs 25 "the initramfs test"
}

sw_main "$@"
