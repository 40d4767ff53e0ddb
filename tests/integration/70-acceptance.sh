#!/bin/bash
# The "Done when" cases of issue 2.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

test_unshare_all_read_only_root() {
  local usr_x_existed=0
  [[ -e /usr/x ]] && usr_x_existed=1
  run sw --ro-bind / / --unshare-all --proc /proc --dev /dev --tmpfs /tmp \
    -- sh -c 'id -u; hostname; ls /proc | head -3; touch /usr/x'
  if ((!usr_x_existed)) && [[ -e /usr/x ]]; then
    rm -f /usr/x 2> /dev/null
    fail "touch /usr/x in the sandbox created /usr/x on the host"
  fi
  [[ $STATUS == 1 ]] || fail "exit status $STATUS, expected 1 (touch's own status)"
  assert_line_count 5 "$OUT" "payload output"
  assert_eq "$SW_UID" "$(sed -n 1p <<< "$OUT")" "id -u"
  assert_match "$(sed -n 2p <<< "$OUT")" '^[^[:space:]]+$' "hostname"
  assert_eq $'1\n2' "$(sed -n 3,4p <<< "$OUT")" "first entries of /proc"
  assert_contains "$ERR" "Read-only file system" "stderr of touch /usr/x"
}

test_opam_style_build_sandbox() {
  require_cmd gcc make cc
  mkdir build-tmp
  cat > hello.c <<'EOF'
#include <stdio.h>
int main(void) { puts("hello from the sandbox"); return 0; }
EOF
  printf 'hello: hello.c\n\t$(CC) -o hello hello.c\n' > Makefile
  local TMPDIR=$PWD/build-tmp
  # The argv of issue 2, word for word.
  assert_success sw --unshare-net --new-session --proc /proc --dev /dev --bind "$TMPDIR" /tmp \
    --setenv TMPDIR /tmp --tmpfs /run --ro-bind /usr /usr --symlink usr/bin /bin \
    --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc --bind "$PWD" "$PWD" \
    -- make
  assert_contains "$OUT" "-o hello hello.c" "make's output"
  assert_success ./hello
  assert_eq "hello from the sandbox" "$OUT" "output of the program built in the sandbox"
}

test_two_thousand_ro_binds() {
  local i args=()
  mkdir src
  (cd src && mkdir {1..2000}) || fail "cannot create the source directories"
  echo deep > src/1234/file
  for i in {1..2000}; do
    args+=(--ro-bind "$PWD/src/$i" "/tmp/d/$i")
  done
  assert_success sw "${ROOT[@]}" "${args[@]}" \
    sh -c 'cat /tmp/d/1234/file; if echo x > /tmp/d/77/new; then echo wrote; fi; cat /proc/self/mountinfo'
  assert_eq deep "$(head -n 1 <<< "$OUT")" "file read through the 1234th bind"
  assert_contains "$ERR" "Read-only file system" "stderr of writing into the 77th bind"
  MOUNTINFO=$(tail -n +2 <<< "$OUT")
  assert_eq 2000 "$(awk '$5 ~ "^/tmp/d/[0-9]+$" && $6 ~ /(^|,)ro(,|$)/' <<< "$MOUNTINFO" | wc -l)" \
    "number of read-only mounts under /tmp/d"
  assert_mount /tmp/d/2000 +ro +nosuid +nodev
}

sw_main "$@"
