#!/bin/bash
# A flatpak-style run (issue 3): a runtime assembled from a bound /usr and
# links, files passed by descriptor, a seccomp program on an fd, a pid
# namespace and --info-fd.  bubblewrap 0.8 has every option used here, so
# the same test pins the reference too.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# write_deny_filter FILE NR: a classic BPF program for x86_64 that makes
# system call NR fail with EPERM and allows everything else.
write_deny_filter() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
path, nr = sys.argv[1], int(sys.argv[2])
AUDIT_ARCH_X86_64 = 0xc000003e
LD_ABS_W, JEQ_K, RET_K = 0x20, 0x15, 0x06
ALLOW, ERRNO_EPERM = 0x7fff0000, 0x00050000 | 1
program = [
    (LD_ABS_W, 0, 0, 4),                 # seccomp_data.arch
    (JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
    (RET_K, 0, 0, ALLOW),
    (LD_ABS_W, 0, 0, 0),                 # seccomp_data.nr
    (JEQ_K, 0, 1, nr),
    (RET_K, 0, 0, ERRNO_EPERM),
    (RET_K, 0, 0, ALLOW),
]
with open(path, "wb") as f:
    for code, jt, jf, k in program:
        f.write(struct.pack("<HBBI", code, jt, jf, k))
PY
}

test_flatpak_style_runtime() {
  [[ $(uname -m) == x86_64 ]] || skip "the test's seccomp program is written for x86_64"
  require_cmd python3
  local mkdir_nr=83   # x86_64 mkdir(2), which coreutils' mkdir calls
  write_deny_filter filter.bpf "$mkdir_nr"
  printf 'app:x:4242:4242::/home/app:/bin/sh\n' > passwd
  printf 'app:x:4242:\n' > group

  run sw --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
    --symlink usr/bin /bin --symlink usr/sbin /sbin --dir /tmp \
    --file 10 /etc/passwd --bind-data 11 /etc/group --seccomp 12 \
    --unshare-pid --die-with-parent --info-fd 13 \
    -- sh -c 'echo "pid=$$"; cat /etc/passwd /etc/group
              touch /tmp/file && echo touch-works
              mkdir /tmp/dir || echo mkdir-denied' \
    10< passwd 11< group 12< filter.bpf 13> info.json
  assert_eq 0 "$STATUS" "exit status"
  assert_eq "pid=2
app:x:4242:4242::/home/app:/bin/sh
app:x:4242:
touch-works
mkdir-denied" "$OUT" "what the payload saw"
  assert_contains "$ERR" "Operation not permitted" "mkdir's error under the seccomp program"
  assert_match "$(<info.json)" '"child-pid": [1-9][0-9]*' "--info-fd"
  assert_contains "$(<info.json)" '"pid-namespace": ' "--info-fd"
}

test_seccomp_program_covers_the_payload_only() {
  [[ $(uname -m) == x86_64 ]] || skip "the test's seccomp program is written for x86_64"
  require_cmd python3
  # Denying mkdir must not stop the sandbox's own setup, which makes
  # directories (with mkdirat) before the program goes in.
  write_deny_filter filter.bpf 258   # x86_64 mkdirat(2)
  run sw --ro-bind / / --tmpfs /tmp --dir /tmp/made/by/setup --seccomp 12 \
    -- sh -c 'test -d /tmp/made/by/setup && echo setup-made-it' 12< filter.bpf
  assert_eq 0 "$STATUS" "exit status"
  assert_contains "$OUT" setup-made-it "the --dir made before the filter"
}

sw_main "$@"
