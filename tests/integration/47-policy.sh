#!/bin/bash
# Policy by name (issue 16): seccomp rules compiled from call names
# (--seccomp-deny, --seccomp-allow, --seccomp-errno, --seccomp-profile,
# --deny-socket) on every ABI of the machine, and Landlock (--landlock-scope,
# --landlock-ro/-rw, --landlock-tcp-connect/-bind, --landlock-best-effort).
# Calls are made raw by $SW_HELPERS/raw-syscall, through the x86-64, x32 and
# i386 entries.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

RAW=$SW_HELPERS/raw-syscall
PY=/usr/bin/python3

require_x86_64() {
  skip_if_bwrap
  [[ $(uname -m) == x86_64 ]] || skip "raw-syscall makes x86-64, x32 and i386 calls"
}

# unenterable ABI: what a call through ABI answers in a sandbox on a
# kernel without that entry, else nothing.  Without an i386 entry
# (ia32_emulation=0) int $0x80 faults before any filter runs: "unreachable".
# Without x32 the kernel answers ENOSYS, unless a filter of the caller's
# (sys-deny in the fallback modes) made swaddle compile rules for every ABI:
# then the rules answer, as they do where the entry exists.
unenterable() {
  case $1 in
    x32)
      [[ -z ${SW_WRAP_ARGV[*]} && $("$RAW" x32 getppid) == "errno ENOSYS" ]] && echo "errno ENOSYS" ;;
    i386) [[ $("$RAW" i386 getppid) == unreachable ]] && echo unreachable ;;
  esac
  return 0
}

# expect_denied ERRNO ABI CALL ARGS...: with the sandbox's filter the call
# fails with ERRNO.  Through an ABI the kernel cannot enter the call fails
# in the sandbox as it does outside (and swaddle compiles no rules for it).
expect_denied() {
  local errno=$1 abi=$2 outside
  shift 2
  outside=$(unenterable "$abi")
  if [[ -n $outside ]]; then
    assert_eq "$outside" "$(grep -x "$abi $1 .*" <<< "$OUT" | cut -d' ' -f3-)" "$abi $1 (no such entry in this kernel)"
    return
  fi
  assert_eq "errno $errno" "$(grep -x "$abi $1 .*" <<< "$OUT" | cut -d' ' -f3-)" "$abi $1 in the sandbox"
}

# A payload that makes CALL through each ABI, printing "ABI LABEL RESULT"
# (LABEL is CALL unless given as CALL:LABEL).
each_abi() {
  local call=${1%%:*} label=${1#*:}
  shift
  printf 'for abi in x86_64 x32 i386; do echo "$abi %s $(%q $abi %s %s)"; done; ' \
    "$label" "$RAW" "$call" "$*"
}

# --- seccomp rules by name ----------------------------------------------------------

test_denied_calls_fail_with_the_errno_on_every_abi() {
  require_x86_64
  assert_success sw --ro-bind / / --seccomp-deny getppid --seccomp-deny umask --seccomp-errno ENOTTY \
    sh -c "$(each_abi getppid) $(each_abi umask 022) $RAW x86_64 getpid"
  for abi in x86_64 x32 i386; do
    expect_denied ENOTTY "$abi" getppid
    expect_denied ENOTTY "$abi" umask
  done
  assert_match "$(tail -n1 <<< "$OUT")" '^ok [0-9]+$' "getpid, not denied"
  # The same calls outside: the x86-64 ones work, so the errno above is the filter's.
  assert_success "$RAW" x86_64 getppid
  assert_match "$OUT" '^ok [0-9]+$' "getppid outside"
}

test_the_default_errno_is_eperm_and_numbers_are_errnos() {
  require_x86_64
  assert_success sw --ro-bind / / --seccomp-deny umask "$RAW" x86_64 umask 022
  assert_eq "errno EPERM" "$OUT" "umask with the default errno"
  assert_success sw --ro-bind / / --seccomp-deny umask --seccomp-errno 38 "$RAW" x86_64 umask 022
  assert_eq "errno ENOSYS" "$OUT" "umask with --seccomp-errno 38"
}

test_a_shell_session_works_under_a_deny_list() {
  assert_success sw --ro-bind / / --dev /dev --tmpfs /tmp --seccomp-profile default --seccomp-deny ptrace,mount,umount2 \
    sh -c 'echo data > /tmp/f && cat /tmp/f && ls / > /dev/null && sort < /etc/passwd > /dev/null &&
           x=$(echo sub) && echo "$x" && (sleep 0 &) && wait && mount -t tmpfs none /mnt 2>/dev/null || echo no-mount'
  assert_eq $'data\nsub\nno-mount' "$OUT" "the session's output"
}

# What the dynamic loader and libc need to start a program and print.
readonly STARTUP_CALLS=execve,brk,arch_prctl,mmap,munmap,mprotect,access,openat,newfstatat,fstat,close,read,pread64,set_tid_address,set_robust_list,rseq,prlimit64,getrandom,exit_group,write,rt_sigaction,rt_sigprocmask,futex

test_allow_list_runs_a_program_using_only_listed_calls() {
  require_x86_64
  ! is_sanitized || skip "raw-syscall is built with ASan here, whose runtime makes calls the list does not allow"
  assert_success sw --ro-bind / / --seccomp-allow "$STARTUP_CALLS" --seccomp-allow getppid "$RAW" x86_64 getppid
  assert_match "$OUT" '^ok [0-9]+$' "getppid, listed"
  assert_success sw --ro-bind / / --seccomp-allow "$STARTUP_CALLS" "$RAW" x86_64 getppid
  assert_eq "errno EPERM" "$OUT" "getppid, not listed"
  # A shell needs much more than the list: it is stopped.
  run sw --ro-bind / / --seccomp-allow "$STARTUP_CALLS" sh -c 'mkdir /tmp/x; echo ran-on'
  [[ $OUT != *ran-on* || $STATUS != 0 ]] || fail "a shell ran unhindered under the allow-list"
  # x32 is stopped too, or where this kernel has no x32 entry, fails as it
  # does outside.
  assert_success sw --ro-bind / / --seccomp-allow "$STARTUP_CALLS" --seccomp-errno ENOTTY "$RAW" x32 getppid
  local want_x32
  want_x32=$(unenterable x32)
  assert_eq "${want_x32:-errno ENOTTY}" "$OUT" "x32 getppid under the allow-list"
  # --deny-socket in an allow-list that lists socket: the other families only.
  local allow_socket=(--seccomp-allow "$STARTUP_CALLS,socket" --deny-socket netlink --seccomp-errno ENOTTY)
  assert_success sw --ro-bind / / "${allow_socket[@]}" "$RAW" x86_64 socket 16 3 0
  assert_eq "errno ENOTTY" "$OUT" "netlink under the allow-list"
  assert_success sw --ro-bind / / "${allow_socket[@]}" "$RAW" x86_64 socket 2 1 0
  assert_match "$OUT" '^ok [0-9]+$' "TCP under the allow-list"
  # Denied wins over allowed.
  assert_success sw --ro-bind / / --seccomp-allow "$STARTUP_CALLS,getppid" --seccomp-deny getppid \
    --seccomp-errno ENOTTY "$RAW" x86_64 getppid
  assert_eq "errno ENOTTY" "$OUT" "getppid, allowed and denied"
}

# The payload's count of seccomp filters: one program for the native ABI
# and one for each other ABI the kernel enters; under a filter of the
# caller's (which could answer the probe of the entries in the kernel's
# place) one for every ABI of the machine.
test_rules_compiled_for_the_abis_the_kernel_enters() {
  require_x86_64
  local deny=$SW_HELPERS/../sys-deny callers=0 want=1 names=x86-64 abi
  [[ -x $deny ]] || skip "no sys-deny helper (BUILDDIR/tests/sys-deny)"
  [[ -z ${SW_WRAP_ARGV[*]} ]] || callers=1
  for abi in x32 i386; do
    if ((callers)) || [[ -z $(unenterable "$abi") ]]; then
      want=$((want + 1))
      names+=", $abi"
    fi
  done
  assert_success sw --ro-bind / / --seccomp-deny getppid sh -c 'grep ^Seccomp_filters: /proc/self/status'
  assert_eq "Seccomp_filters:	$((callers + want))" "$OUT" "filters: the caller's, the native ABI's, and the other ABIs' this kernel enters or a caller's filter could answer for"
  run "$deny" -e EPERM acct -- "${SW_CMD[@]}" --ro-bind / / --seccomp-deny getppid \
    sh -c 'grep ^Seccomp_filters: /proc/self/status'
  assert_eq 0 "$STATUS" "exit status under a filter of the caller's"
  assert_eq "Seccomp_filters:	$((callers + 4))" "$OUT" "the caller's filters and one per ABI of the machine"
  # --check names the same ABIs.
  assert_success sw --check --json
  assert_contains "$OUT" "\"seccomp-rules-abis\": \"$names\"," "--check --json"
  run "$deny" -e EPERM acct -- "${SW_CMD[@]}" --check
  assert_match "$OUT" "seccomp rules by name for +x86-64, x32, i386 \(every ABI of the machine" "--check under a filter of the caller's"
}

test_deny_socket_netlink_stops_ip_link_and_leaves_tcp() {
  require_x86_64
  require_cmd ip
  assert_success sw --ro-bind / / ip link
  assert_contains "$OUT" "lo" "ip link without the rule"
  run sw --ro-bind / / --deny-socket netlink ip link
  assert_ne 0 "$STATUS" "ip link's exit status with --deny-socket netlink"
  # socket(AF_NETLINK=16, SOCK_RAW=3, 0); socket(AF_INET=2, SOCK_STREAM=1, 0).
  assert_success sw --ro-bind / / --deny-socket netlink,AF_PACKET \
    sh -c "$(each_abi socket:netlink 16 3 0) $(each_abi socket:packet 17 3 0) $RAW x86_64 socket 2 1 0"
  for abi in x86_64 x32 i386; do
    expect_denied EAFNOSUPPORT "$abi" netlink
    expect_denied EAFNOSUPPORT "$abi" packet
  done
  assert_match "$(tail -n1 <<< "$OUT")" '^ok [0-9]+$' "a TCP socket"
  # And a real TCP connection on loopback.
  require_cmd "$PY"
  assert_success sw --ro-bind / / --unshare-net --deny-socket netlink "$PY" -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname()); print("tcp-works")'
  assert_eq tcp-works "$OUT" "TCP on loopback"
}

test_profile_default_blocks_each_call_it_lists() {
  require_x86_64
  run sw --seccomp-profile default --print-plan true
  local calls
  calls=$(sed -n 's/.*"deny": \[\([^]]*\)\].*/\1/p' <<< "$OUT" | sed 's/[", ]\+/ /g')
  [[ -n ${calls// /} ]] || fail "no calls in the plan" "$(show_block plan "$OUT")"
  local script= call
  for call in $calls; do
    script+="$(each_abi "$call" 0 0 0 0)"
  done
  # ENOTTY: none of these calls answers it by itself.
  assert_success sw --ro-bind / / --seccomp-profile default --seccomp-errno ENOTTY sh -c "$script"
  local checked=0 abi result
  while read -r abi call result; do
    case $result in
      "errno ENOTTY") checked=$((checked + 1)) ;;
      unreachable | "errno ENOSYS")
        [[ $result == "$(unenterable "$abi")" ]] || fail "$abi $call was not blocked: $result" ;;
      "") ;;   # the ABI has no such call (the helper exits 77)
      *) fail "$abi $call was not blocked: $result" ;;
    esac
  done <<< "$OUT"
  ((checked >= 30)) || fail "only $checked calls checked" "$(show_block output "$OUT")"
}

test_profile_default_runs_the_opam_style_build() {
  require_cmd gcc make cc
  mkdir build-tmp
  printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' > hello.c
  printf 'hello: hello.c\n\t$(CC) -o hello hello.c\n' > Makefile
  local TMPDIR=$PWD/build-tmp
  assert_success sw --unshare-net --new-session --proc /proc --dev /dev --bind "$TMPDIR" /tmp \
    --setenv TMPDIR /tmp --tmpfs /run --ro-bind /usr /usr --symlink usr/bin /bin \
    --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc --bind "$PWD" "$PWD" \
    --seccomp-profile default -- make
  assert_success ./hello
  assert_eq built "$OUT" "the program built under the profile"
}

# 71-flatpak.sh's run, with the profile stacked on its --seccomp program.
test_profile_default_runs_the_flatpak_style_test_and_stacks_with_seccomp() {
  require_x86_64
  require_cmd "$PY"
  "$PY" - filter.bpf <<'PY'
import struct, sys
prog = [(0x20, 0, 0, 4), (0x15, 1, 0, 0xc000003e), (0x06, 0, 0, 0x7fff0000),
        (0x20, 0, 0, 0), (0x15, 0, 1, 83), (0x06, 0, 0, 0x00050001), (0x06, 0, 0, 0x7fff0000)]
open(sys.argv[1], "wb").write(b"".join(struct.pack("<HBBI", *i) for i in prog))
PY
  printf 'app:x:4242:4242::/home/app:/bin/sh\n' > passwd
  printf 'app:x:4242:\n' > group
  # The raw calls: not with a helper built with ASan, whose runtime needs
  # the /proc this runtime does not have.
  local raw='/helpers/raw-syscall x86_64 umask 022; /helpers/raw-syscall x86_64 bpf 0 0 0' raw_out=$'\nok 18\nerrno EPERM'
  if is_sanitized; then
    raw=: raw_out=
  fi
  run sw --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
    --symlink usr/bin /bin --symlink usr/sbin /sbin --dir /tmp \
    --file 10 /etc/passwd --bind-data 11 /etc/group --seccomp 12 \
    --unshare-pid --die-with-parent --info-fd 13 --seccomp-profile default --ro-bind "$SW_HELPERS" /helpers \
    -- sh -c 'echo "pid=$$"; cat /etc/passwd /etc/group
              touch /tmp/file && echo touch-works
              mkdir /tmp/dir || echo mkdir-denied
              '"$raw" \
    10< passwd 11< group 12< filter.bpf 13> info.json
  assert_eq 0 "$STATUS" "exit status"
  assert_eq "pid=2
app:x:4242:4242::/home/app:/bin/sh
app:x:4242:
touch-works
mkdir-denied$raw_out" "$OUT" "what the payload saw"
  assert_match "$(<info.json)" '"child-pid": [1-9][0-9]*' "--info-fd"
}

test_rules_stack_with_add_seccomp_fd() {
  require_x86_64
  require_cmd "$PY"
  # --add-seccomp-fd denies getppid with EPERM; the rules deny umask with ENOTTY.
  "$PY" - filter.bpf <<'PY'
import struct, sys
prog = [(0x20, 0, 0, 0), (0x15, 0, 1, 110), (0x06, 0, 0, 0x00050001), (0x06, 0, 0, 0x7fff0000)]
open(sys.argv[1], "wb").write(b"".join(struct.pack("<HBBI", *i) for i in prog))
PY
  assert_success sw --ro-bind / / --add-seccomp-fd 12 --seccomp-deny umask --seccomp-errno ENOTTY \
    sh -c "$RAW x86_64 getppid; $RAW x86_64 umask 0" 12< filter.bpf
  assert_eq $'errno EPERM\nerrno ENOTTY' "$OUT" "both filters apply"
}

test_print_plan_shows_the_resolved_rules() {
  run sw --seccomp-deny ptrace --seccomp-errno enosys --deny-socket AF_NETLINK,packet --print-plan true
  assert_eq 0 "$STATUS" "exit status"
  assert_contains "$OUT" '"seccomp_rules": {"mode": "deny-list", "errno": "ENOSYS", "deny": ["ptrace"], "deny_socket": ["netlink", "packet"], "deny_socket_errno": "EAFNOSUPPORT"}'
  run sw --seccomp-allow read,write --print-plan true
  assert_contains "$OUT" '"mode": "allow-list", "allow": ["read", "write"], "also_allowed": "execve", "errno": "EPERM"'
  run sw --landlock-scope signal,abstract-unix-socket --landlock-ro /usr --landlock-rw /tmp \
    --landlock-tcp-connect 80,443 --landlock-tcp-bind 8080 --print-plan true
  assert_contains "$OUT" '"landlock": {"scope": ["abstract-unix-socket", "signal"], "paths": [{"path": "/usr", "access": "read-only"}, {"path": "/tmp", "access": "read-write"}], "tcp_connect": [80, 443], "tcp_bind": [8080], "best_effort": false}'
}

test_bad_names_and_values_are_one_line() {
  assert_setup_error "nosuchcall" --ro-bind / / --seccomp-deny read,nosuchcall touch "$MARKER"
  assert_setup_error "--seccomp-allow" --ro-bind / / --seccomp-allow "" touch "$MARKER"
  assert_setup_error "--seccomp-deny" --ro-bind / / --seccomp-deny read,,write touch "$MARKER"
  assert_setup_error "EWHATEVER" --ro-bind / / --seccomp-deny read --seccomp-errno EWHATEVER touch "$MARKER"
  assert_setup_error "4096" --ro-bind / / --seccomp-deny read --seccomp-errno 4096 touch "$MARKER"
  assert_setup_error "--seccomp-errno" --ro-bind / / --seccomp-deny read --seccomp-errno 0 touch "$MARKER"
  assert_setup_error "--seccomp-errno" --ro-bind / / --seccomp-errno EPERM touch "$MARKER"
  assert_setup_error "strict" --ro-bind / / --seccomp-profile strict touch "$MARKER"
  assert_setup_error "appletalkish" --ro-bind / / --deny-socket netlink,appletalkish touch "$MARKER"
  assert_setup_error "--deny-socket" --ro-bind / / --deny-socket "" touch "$MARKER"
  assert_setup_error "pids" --ro-bind / / --landlock-scope signal,pids touch "$MARKER"
  assert_setup_error "65536" --ro-bind / / --landlock-tcp-connect 80,65536 touch "$MARKER"
  assert_setup_error "http" --ro-bind / / --landlock-tcp-bind http touch "$MARKER"
  assert_setup_error "relative/path" --ro-bind / / --landlock-ro relative/path touch "$MARKER"
  # A path missing inside the sandbox: named, and the payload does not run.
  assert_setup_error "/no/such/dir" --ro-bind / / "${HERE[@]}" --landlock-rw /no/such/dir touch "$MARKER"
}

# --- Landlock ----------------------------------------------------------------------------

require_landlock() {
  skip_if_bwrap
  local abi
  abi=$(sw --check --json | sed -n 's/^  "landlock-abi": \([0-9]*\),$/\1/p')
  [[ -n $abi ]] && ((abi >= $1)) || skip "this kernel has no Landlock ABI $1 (${abi:-none})"
}

# A listener on an abstract socket, outside; $PY accepts until killed.
listen_abstract() {
  "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind("\0" + sys.argv[1]); s.listen(8)
open(sys.argv[2], "w").close()
while True:
    s.accept()[0].close()' "$1" "$2" &
  SW_BG_PIDS+=($!)
  wait_for test -e "$2" || fail "the abstract socket listener did not start"
}

test_landlock_scope_abstract_unix_socket_with_share_net() {
  require_landlock 6
  require_cmd "$PY"
  local name=swaddle-test-$$-$RANDOM
  listen_abstract "$name" ready
  local connect='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0" + sys.argv[1]); print("connected")
except OSError as e:
    print("refused", e.errno)'
  assert_success sw --ro-bind / / --unshare-all --share-net "$PY" -c "$connect" "$name"
  assert_eq connected "$OUT" "without --landlock-scope"
  assert_success sw --ro-bind / / --unshare-all --share-net --landlock-scope abstract-unix-socket \
    "$PY" -c "$connect" "$name"
  assert_eq "refused 1" "$OUT" "with --landlock-scope abstract-unix-socket (EPERM)"
  # A socket of the sandbox's own stays reachable.
  assert_success sw --ro-bind / / --unshare-all --share-net --landlock-scope abstract-unix-socket "$PY" -c '
import socket
a = socket.socket(socket.AF_UNIX); a.bind("\0inside-'"$name"'"); a.listen(1)
b = socket.socket(socket.AF_UNIX); b.connect("\0inside-'"$name"'"); print("inside-works")'
  assert_eq inside-works "$OUT" "a socket made inside"
}

test_landlock_scope_signal_without_a_pid_namespace() {
  require_landlock 6
  sleep 60 &
  local outside=$!
  SW_BG_PIDS+=("$outside")
  assert_success sw --ro-bind / / sh -c "kill -0 $outside && echo reached"
  assert_eq reached "$OUT" "kill -0 without the scope"
  run sw --ro-bind / / --landlock-scope signal sh -c "kill -0 $outside && echo reached"
  assert_ne 0 "$STATUS" "kill -0 with --landlock-scope signal"
  assert_contains "$ERR" "not permitted" "kill's error"
  # Signals inside the sandbox still work.
  assert_success sw --ro-bind / / --dev /dev --landlock-scope signal sh -c 'sleep 30 & kill $! && wait $!; echo "status $?"'
  assert_eq "status 143" "$OUT" "a signal to a process of the sandbox"
}

test_landlock_paths_refuse_reads_and_writes_elsewhere() {
  require_landlock 1
  mkdir -p ro rw other
  echo ro-data > ro/f
  echo other-data > other/f
  run sw --ro-bind / / "${HERE[@]}" --landlock-ro /usr --landlock-ro /etc --landlock-ro /lib \
    --landlock-ro /lib64 --landlock-ro /bin --landlock-ro "$PWD/ro" --landlock-rw "$PWD/rw" --landlock-rw /dev/null \
    sh -c 'cat ro/f; echo new > rw/f && cat rw/f
           cat other/f 2>/dev/null || echo read-refused
           echo x > ro/g 2>/dev/null || echo write-refused
           echo x > other/g 2>/dev/null || echo write-elsewhere-refused
           ls "$HOME" > /dev/null 2>&1 || echo list-refused'
  assert_eq 0 "$STATUS" "exit status"
  assert_eq $'ro-data\nnew\nread-refused\nwrite-refused\nwrite-elsewhere-refused\nlist-refused' "$OUT" "the payload's view"
  assert_not_exists ro/g
  assert_not_exists other/g
  assert_eq new "$(<rw/f)" "the write inside the rw path"
}

test_landlock_tcp_connect_and_bind_only_to_listed_ports() {
  require_landlock 4
  require_cmd "$PY"
  # Servers on 127.0.0.1 in the sandbox's own network namespace.
  local attempt='
import socket, sys
def attempt(what, f):
    try:
        f(); print(what, "ok")
    except OSError as e:
        print(what, "refused", e.errno)
'
  assert_success sw --ro-bind / / --unshare-net --landlock-tcp-connect 5001 "$PY" -c "$attempt"'
servers = [socket.socket(), socket.socket()]
for s, port in zip(servers, (5001, 5002)):
    s.bind(("127.0.0.1", port)); s.listen(1)
attempt("connect-5001", lambda: socket.create_connection(("127.0.0.1", 5001)))
attempt("connect-5002", lambda: socket.create_connection(("127.0.0.1", 5002)))'
  assert_eq $'connect-5001 ok\nconnect-5002 refused 13' "$OUT" "connections (13: EACCES)"
  assert_success sw --ro-bind / / --unshare-net --landlock-tcp-bind 5002 "$PY" -c "$attempt"'
attempt("bind-5002", lambda: socket.socket().bind(("127.0.0.1", 5002)))
attempt("bind-5003", lambda: socket.socket().bind(("127.0.0.1", 5003)))'
  assert_eq $'bind-5002 ok\nbind-5003 refused 13' "$OUT" "binds"
}

test_landlock_above_the_kernels_abi_is_an_error_unless_best_effort() {
  skip_if_bwrap
  local deny=$SW_HELPERS/../sys-deny
  [[ -x $deny ]] || skip "no sys-deny helper (BUILDDIR/tests/sys-deny)"
  # A kernel without Landlock: landlock_create_ruleset answers ENOSYS.
  run "$deny" -e ENOSYS landlock_create_ruleset -- "${SW_CMD[@]}" --ro-bind / / "${HERE[@]}" \
    --landlock-scope signal touch "$MARKER"
  assert_eq 1 "$STATUS" "exit status"
  assert_line_count 1 "$ERR" "stderr"
  assert_contains "$ERR" "--landlock-scope signal needs Landlock ABI 6" "the error"
  assert_not_exists "$MARKER"
  run "$deny" -e ENOSYS landlock_create_ruleset -- "${SW_CMD[@]}" --ro-bind / / "${HERE[@]}" \
    --landlock-tcp-connect 80 --landlock-best-effort touch "$MARKER"
  assert_eq 0 "$STATUS" "exit status with --landlock-best-effort"
  assert_contains "$ERR" "--landlock-tcp-connect needs Landlock ABI 4" "the warning"
  assert_exists "$MARKER"
}

sw_main "$@"
