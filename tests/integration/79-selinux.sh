#!/bin/bash
# SELinux enforcing: boots a kernel under qemu with Debian's default policy,
# a static swaddle built with libselinux from the source tree and Debian's
# bwrap, and compares --exec-label and --file-label (see
# tests/initramfs/run-selinux-guest), once, in root mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

THIS_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
readonly THIS_DIR

# Under TCG the guest runs about forty sandboxes: this one test may take up
# to three minutes, whatever the suite's per-test limit.
((SW_TEST_TIMEOUT >= 180)) || SW_TEST_TIMEOUT=180

selinux_guest_script() {
  local dir
  for dir in ${SWADDLE_SOURCE_DIR:+"$SWADDLE_SOURCE_DIR"} "$THIS_DIR/../.."; do
    if [[ -x $dir/tests/initramfs/run-selinux-guest && -f $dir/meson.build ]]; then
      printf '%s\n' "$dir/tests/initramfs/run-selinux-guest"
      return 0
    fi
  done
  return 1
}

test_labels_under_selinux_enforcing_in_qemu() {
  skip_if_bwrap "the test boots a swaddle built from the source tree"
  [[ $SW_MODE == root ]] || skip "runs once, in root mode (it starts its own root and unprivileged sandboxes inside the VM)"
  local script limit
  script=$(selinux_guest_script) ||
    skip "tests/initramfs/run-selinux-guest not found: set SWADDLE_SOURCE_DIR to the source tree"
  # Leave room within the limit for building swaddle and the initramfs.
  limit=$((SW_TEST_TIMEOUT - 30))
  run "$script" --timeout "$limit"
  case $STATUS in
    0) ;;
    77) skip "$(sed -n 's/^SKIP: //p' <<< "$OUT" | head -n 1)" ;;
    *) fail "the SELinux guest test failed" "$(show_block "its report" "$(grep -Ev '^PASS ' <<< "$OUT" | head -n 40)")" ;;
  esac
  assert_match "$OUT" "selinux: [1-9][0-9]* passed, 0 failed" "the report"
  assert_contains "$OUT" "PASS SELinux enforces" "the guest's mode"
  assert_contains "$OUT" "PASS root: swaddle and bwrap agree" "the comparison as root"
  assert_contains "$OUT" "PASS user: swaddle and bwrap agree" "the comparison as uid 65534"
}

sw_main "$@"
