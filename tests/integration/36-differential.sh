#!/bin/bash
# Differential tests: the same argv given to the binary under test and to
# the reference bubblewrap (Debian's 0.8.0 at /usr/bin/bwrap), which must
# exit the same and, where the payload prints something, print the same.
# Messages are compared only where COMPAT.md makes them interface.  Only
# options that bubblewrap 0.8 knows appear here (--argv0, --level-prefix and
# the overlay options came later); divergences already known to be swaddle
# bugs have tests of their own at the end, which skip naming the bug while
# the symptom is there.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# row NAME CHECK REDIRECTIONS ARGV...: run ARGV under both binaries, with
# REDIRECTIONS (shell syntax, e.g. '5< args.bin', or '') applied to each
# run, and compare as CHECK says:
#   status     the exit status
#   stdout     the exit status and stdout
#   err=TEXT   the exit status and stdout, and both stderrs contain TEXT
#   help       the exit status, and the first line of stdout with each
#              binary's own path replaced by ARGV0
#   version    the exit status, and stdout's first line is "NAME VERSION"
#              (swaddle adds lines on its build's features; as bwrap it
#              prints that one line, which 10-cli.sh checks)
# A difference is added to DIFFERENCES; the table's test fails at its end
# with all of them.
row() {
  local name=$1 check=$2 redirections=$3 a_out a_err a_status b_out b_err b_status why=
  shift 3
  ROWS=$((ROWS + 1))
  eval 'run sw "$@" '"$redirections"
  a_out=$OUT a_err=$ERR a_status=$STATUS
  eval 'run ref_bwrap "$@" '"$redirections"
  b_out=$OUT b_err=$ERR b_status=$STATUS
  [[ $a_status == "$b_status" ]] || why+="exit status $a_status, bwrap $b_status; "
  case $check in
    status) ;;
    stdout)
      [[ $a_out == "$b_out" ]] || why+="stdout differs; "
      ;;
    err=*)
      [[ $a_out == "$b_out" ]] || why+="stdout differs; "
      [[ $a_err == *"${check#err=}"* ]] || why+="stderr lacks '${check#err=}'; "
      [[ $b_err == *"${check#err=}"* ]] || why+="bwrap's stderr lacks '${check#err=}' (the test is wrong); "
      ;;
    help)
      a_out=$(head -n 1 <<< "$a_out")
      b_out=$(head -n 1 <<< "$b_out")
      a_out=${a_out//"$SWADDLE"/ARGV0}
      b_out=${b_out//"$SW_REFERENCE"/ARGV0}
      [[ $a_out == "$b_out" ]] || why+="first line of stdout differs; "
      ;;
    version)
      a_out=$(head -n 1 <<< "$a_out")
      [[ $a_out =~ ^[a-z]+\ [0-9][0-9a-z.+~-]*$ ]] || why+="stdout is not 'NAME VERSION'; "
      [[ $b_out =~ ^[a-z]+\ [0-9][0-9a-z.+~-]*$ ]] || why+="bwrap's stdout is not 'NAME VERSION' (the test is wrong); "
      ;;
    *) fail "row $name: unknown check $check" ;;
  esac
  [[ -z $why ]] && return 0
  DIFFERENCES+=("$name: ${why%; }"
    "    argv: $(printf '%q ' "$@")${redirections:+ $redirections}"
    "$(show_block "    under test (status $a_status) stdout" "$a_out")"
    "$(show_block "    under test stderr" "$a_err")"
    "$(show_block "    bwrap (status $b_status) stdout" "$b_out")"
    "$(show_block "    bwrap stderr" "$b_err")")
}

# end_table: fail with every difference found.
end_table() {
  ((${#DIFFERENCES[@]} == 0)) && return 0
  LAST_CMD=
  fail "differences from $SW_REFERENCE in the table of $ROWS argv:" "${DIFFERENCES[@]}"
}

# The payload of rows that show whether the payload leads its session.
readonly SESSION_LEADER='read -r _ _ _ _ _ sid _ < /proc/self/stat; if [ "$sid" = $$ ]; then echo leader; else echo member; fi'

test_argv_table_matches_bwrap() {
  require_reference
  ROWS=0
  DIFFERENCES=()
  local R=(--ro-bind / /)
  nul_args args.bin --setenv X from-args --chdir /usr
  printf 'file data\n' > data

  # --- the command line itself
  row version version '' --version
  row help help '' --help
  row no-arguments stdout ''
  row no-command stdout '' "${R[@]}"
  row unknown-option 'err=Unknown option --no-such-option' '' "${R[@]}" --no-such-option true
  row bind-missing-destination stdout '' "${R[@]}" --bind /
  row chdir-missing-argument stdout '' "${R[@]}" --chdir
  row setenv-missing-value stdout '' "${R[@]}" --setenv A
  row double-dash-ends-options stdout '' "${R[@]}" -- sh -c 'echo "$0"' --dev-bind
  row args-from-fd stdout '5< args.bin' "${R[@]}" --args 5 sh -c 'echo "$X"; pwd'
  row args-closed-fd stdout '' "${R[@]}" --args 99 true
  row args-not-a-number stdout '' "${R[@]}" --args five true
  # --- identity, hostname, namespaces
  row hostname-without-unshare-uts stdout '' "${R[@]}" --hostname h true
  row hostname stdout '' "${R[@]}" --unshare-uts --hostname sandbox-h hostname
  row uid-without-user-namespace stdout '' "${R[@]}" --uid 5 id -u
  row uid-and-gid stdout '' "${R[@]}" --unshare-user --uid 5 --gid 6 sh -c 'id -u; id -g'
  row uid-not-a-number stdout '' "${R[@]}" --unshare-user --uid five true
  row userns-closed-fd stdout '' "${R[@]}" --userns 99 true
  row pidns-closed-fd stdout '' "${R[@]}" --pidns 99 true
  row userns-block-fd-without-info-fd stdout '5< /dev/null' "${R[@]}" --unshare-user --userns-block-fd 5 true
  row unshare-net-has-lo-only stdout '' "${R[@]}" --unshare-net sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  row unshare-all-share-net stdout '' "${R[@]}" --unshare-all --share-net readlink /proc/self/ns/net
  row unshare-all-payload-pid stdout '' "${R[@]}" --unshare-all sh -c 'echo $$'
  row as-pid-1 stdout '' "${R[@]}" --unshare-pid --as-pid-1 sh -c 'echo $$'
  row as-pid-1-without-unshare-pid stdout '' "${R[@]}" --as-pid-1 true
  row cap-unknown stdout '' "${R[@]}" --cap-add CAP_NO_SUCH_THING true
  # --- environment, cwd, session
  row clearenv stdout '' "${R[@]}" --clearenv --setenv A 1 sh -c 'env | LC_ALL=C sort'
  row setenv-unsetenv stdout '' "${R[@]}" --setenv A 1 --unsetenv A --setenv B 2 sh -c 'echo "${A-unset} $B"'
  row chdir stdout '' "${R[@]}" --chdir /usr sh -c 'pwd; echo "$PWD"'
  row chdir-twice 'err=Only the last --chdir option will take effect' '' "${R[@]}" --chdir /usr --chdir /etc pwd
  row chdir-missing-directory stdout '' "${R[@]}" --chdir /nonexistent-dir true
  row new-session stdout '' "${R[@]}" --new-session sh -c "$SESSION_LEADER"
  row no-new-session stdout '' "${R[@]}" sh -c "$SESSION_LEADER"
  # --- exit status
  row exit-status stdout '' "${R[@]}" sh -c 'exit 42'
  row exit-status-pid-ns stdout '' "${R[@]}" --unshare-pid sh -c 'exit 3'
  row killed-by-signal stdout '' "${R[@]}" sh -c 'kill -TERM $$'
  row command-not-found stdout '' "${R[@]}" /nonexistent-command
  # --- the filesystem
  row source-missing "err=Can't find source path /nonexistent-src: No such file or directory" '' \
    "${R[@]}" --ro-bind /nonexistent-src /mnt true
  row bind-try-source-missing stdout '' "${R[@]}" --ro-bind-try /nonexistent-src /mnt sh -c 'echo ran'
  # (not --symlink over an existing link: 0.8 refuses even the same target,
  # and says "File exists" where 0.9 names the existing target)
  row symlink stdout '' "${R[@]}" --tmpfs /tmp --symlink ../etc /tmp/l readlink /tmp/l
  row dir-creates-parents stdout '' "${R[@]}" --tmpfs /tmp --dir /tmp/a/b/c stat -c '%a %n' /tmp/a /tmp/a/b /tmp/a/b/c
  row perms-dir stdout '' "${R[@]}" --tmpfs /tmp --perms 0710 --dir /tmp/d stat -c %a /tmp/d
  row perms-twice stdout '' "${R[@]}" --tmpfs /tmp --perms 0700 --perms 0700 --dir /tmp/d true
  row size-zero stdout '' "${R[@]}" --size 0 --tmpfs /tmp true
  row chmod stdout '' "${R[@]}" --tmpfs /tmp --dir /tmp/d --chmod 0700 /tmp/d stat -c %a /tmp/d
  row chmod-missing-path stdout '' "${R[@]}" --tmpfs /tmp --chmod 0700 /tmp/nonexistent true
  row file-from-fd stdout '5< data' "${R[@]}" --tmpfs /tmp --file 5 /tmp/f cat /tmp/f
  row file-closed-fd stdout '' "${R[@]}" --tmpfs /tmp --file 99 /tmp/f true
  row remount-ro stdout '' "${R[@]}" --dev /dev --tmpfs /tmp --remount-ro /tmp \
    sh -c 'if touch /tmp/x 2> /dev/null; then echo writable; else echo read-only; fi'
  row seccomp-closed-fd stdout '' "${R[@]}" --seccomp 99 true
  row dev-contents stdout '' "${R[@]}" --dev /dev ls -A /dev
  end_table
}

# --info-fd and --json-status-fd, with numbers (pids, inodes) made N.
test_status_fds_match_bwrap_in_shape() {
  require_reference
  local args=(--ro-bind / / --unshare-pid --unshare-net) ours theirs
  sw "${args[@]}" --json-status-fd 5 true 5> ours.json
  ref_bwrap "${args[@]}" --json-status-fd 5 true 5> theirs.json
  ours=$(sed 's/[0-9][0-9]*/N/g' ours.json)
  theirs=$(sed 's/[0-9][0-9]*/N/g' theirs.json)
  assert_eq "$theirs" "$ours" "--json-status-fd output, numbers as N (expected: bwrap's)"
  sw "${args[@]}" --info-fd 5 true 5> ours.json
  ref_bwrap "${args[@]}" --info-fd 5 true 5> theirs.json
  # (od: a missing final newline shows)
  ours=$(sed 's/[0-9][0-9]*/N/g' ours.json | od -An -c)
  theirs=$(sed 's/[0-9][0-9]*/N/g' theirs.json | od -An -c)
  if [[ $ours != "$theirs" && $(tail -c 1 ours.json) == "}" && $(tail -c 1 theirs.json | od -An -c) == *'\n'* ]]; then
    skip "swaddle bug: --info-fd output lacks bwrap's final newline after '}'"
  fi
  assert_eq "$theirs" "$ours" "--info-fd output, numbers as N, as od -c (expected: bwrap's)"
}

# --- /dev, /proc and mount sources: matched, or different on purpose ----------------------
# Each either matches bwrap or is in `man swaddle`, COMPATIBILITY WITH BWRAP,
# with its reason; these tests pin down both sides.

# The filesystems swaddle makes show their type as the source in
# /proc/mounts, as mount(2) makes bwrap's show it (fsopen would say "none").
test_mount_sources_match_bwrap() {
  require_reference
  assert_same_as_bwrap "${MINROOT[@]}" --unshare-pid --unshare-ipc --dev /dev --proc /proc \
    --tmpfs /tmp --mqueue /dev/mqueue \
    sh -c 'while read -r src mp type _; do case $mp in /dev|/dev/pts|/dev/mqueue|/proc|/tmp) echo "$src $mp $type" ;; esac; done < /proc/mounts'
  assert_contains "$OUT" "tmpfs /tmp tmpfs"
  assert_contains "$OUT" "devpts /dev/pts devpts"
  assert_contains "$OUT" "proc /proc proc"
  assert_contains "$OUT" "mqueue /dev/mqueue mqueue"
}

# --dev's device nodes are not noexec, as with bwrap: mapping /dev/zero
# with PROT_EXEC is how some programs get executable memory.
test_dev_nodes_exec_mappable_as_bwrap() {
  require_reference
  require_cmd python3
  local map='import mmap, os; fd = os.open("/dev/zero", os.O_RDWR); mmap.mmap(fd, 4096, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_EXEC); print("mapped")'
  assert_same_as_bwrap "${MINROOT[@]}" --dev /dev python3 -c "$map"
  assert_eq mapped "$OUT" "PROT_EXEC mapping of /dev/zero (bwrap)"
  capture_mountinfo "${MINROOT[@]}" --dev /dev --proc /proc --unshare-pid
  assert_mount /dev/zero +nosuid -noexec
  assert_mount /dev/null +nosuid -noexec
}

# Different on purpose (man swaddle): --dev's shm is 1777, as on any host,
# where bwrap's is 0755.
test_dev_shm_mode_differs_from_bwrap() {
  require_reference
  run sw "${MINROOT[@]}" --dev /dev stat -c %a /dev/shm
  assert_eq 1777 "$OUT" "mode of /dev/shm under test"
  run ref_bwrap "${MINROOT[@]}" --dev /dev stat -c %a /dev/shm
  assert_eq 755 "$OUT" "mode of /dev/shm under bwrap (if this changed, revisit the man page)"
}

# Different on purpose (man swaddle): without a pid namespace, --proc binds
# the caller's /proc noexec, like the fresh procfs both make with one;
# bwrap's bind keeps the host's flags.
test_proc_without_pid_ns_noexec_differs_from_bwrap() {
  require_reference
  local show='while read -r _ _ _ _ mp opts _; do [ "$mp" = /proc ] && echo "$opts"; done < /proc/self/mountinfo'
  local host_noexec=no
  [[ ,$(findmnt -no OPTIONS /proc), == *,noexec,* ]] && host_noexec=yes
  run sw "${MINROOT[@]}" --proc /proc sh -c "$show"
  assert_contains ",$OUT," ",noexec," "/proc under test without a pid namespace"
  run ref_bwrap "${MINROOT[@]}" --proc /proc sh -c "$show"
  [[ $host_noexec == no ]] || skip "the host's /proc is noexec: bwrap's bind keeps that, no difference to show"
  assert_not_contains ",$OUT," ",noexec," "/proc under bwrap without a pid namespace"
  # with a pid namespace, both make a fresh, noexec procfs
  run sw "${MINROOT[@]}" --unshare-pid --proc /proc sh -c "$show"
  assert_contains ",$OUT," ",noexec," "fresh /proc under test"
  run ref_bwrap "${MINROOT[@]}" --unshare-pid --proc /proc sh -c "$show"
  assert_contains ",$OUT," ",noexec," "fresh /proc under bwrap"
}

# --- known divergences -------------------------------------------------------------------

# bwrap checks for a user namespace, then asserts that none can be made:
# asking for both is redundant, not contradictory.
test_disable_userns_with_assert_userns_disabled() {
  require_reference
  run sw --ro-bind / / --unshare-user --disable-userns --assert-userns-disabled sh -c 'echo ran'
  if [[ $STATUS == 1 && $ERR == *contradict* ]]; then
    skip "swaddle bug: --unshare-user --disable-userns --assert-userns-disabled is refused as contradictory; bwrap 0.8 runs it (exit 0)"
  fi
  assert_same_as_bwrap --ro-bind / / --unshare-user --disable-userns --assert-userns-disabled sh -c 'echo ran'
}

# As root there is no implied user namespace: bwrap and swaddle both want
# --unshare-user (an unprivileged caller's implied one is enough for
# swaddle, not for bwrap 0.8: not compared).
test_root_disable_userns_and_userns_block_fd_want_unshare_user() {
  require_reference
  require_root
  assert_same_as_bwrap --ro-bind / / --disable-userns true
  assert_same_as_bwrap --ro-bind / / --info-fd 6 --userns-block-fd 5 true 5< /dev/null 6> /dev/null
}

sw_main "$@"
