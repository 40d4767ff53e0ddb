#!/bin/bash
# Running the payload: cwd, environment, session, parent death, pid 1 and the
# reaper, exit status, signals, no_new_privs and capabilities, exec failures.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Payload: "PWD-ACCORDING-TO-THE-KERNEL PWD-VARIABLE".
readonly SHOW_CWD='echo "$(pwd -P) $PWD"'

# A payload loop that ends by itself (about 20 s) if nothing stops it.
readonly BOUNDED_WAIT='i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done'

# --- cwd -----------------------------------------------------------------------------

test_chdir() {
  assert_status 0 sw --ro-bind / / --chdir /usr sh -c "$SHOW_CWD"
  assert_eq "/usr /usr" "$OUT" "cwd and PWD"
}

test_chdir_to_a_missing_directory_is_rejected() {
  assert_setup_error /nonexistent-dir --ro-bind / / "${HERE[@]}" --chdir /nonexistent-dir touch "$MARKER"
}

test_default_cwd_is_the_callers_when_it_exists_inside() {
  assert_status 0 sw --ro-bind / / sh -c "$SHOW_CWD"
  assert_eq "$PWD $PWD" "$OUT" "cwd and PWD"
}

test_default_cwd_falls_back_to_home() {
  assert_status 0 env HOME=/usr "${SW_CMD[@]}" "${MINROOT[@]}" sh -c "$SHOW_CWD"
  assert_eq "/usr /usr" "$OUT" "cwd and PWD (the caller's cwd is not inside)"
}

test_default_cwd_falls_back_to_root() {
  assert_status 0 env HOME=/nonexistent-home "${SW_CMD[@]}" "${MINROOT[@]}" sh -c "$SHOW_CWD"
  assert_eq "/ /" "$OUT" "cwd and PWD (neither the caller's cwd nor HOME is inside)"
}

# bwrap takes HOME from the sandbox's environment, after --setenv/--unsetenv.
test_default_cwd_uses_home_as_set_for_the_sandbox() {
  assert_status 0 env HOME=/usr "${SW_CMD[@]}" "${MINROOT[@]}" --setenv HOME /etc sh -c "$SHOW_CWD"
  assert_eq "/etc /etc" "$OUT" "cwd and PWD with --setenv HOME /etc"
  assert_status 0 env HOME=/usr "${SW_CMD[@]}" "${MINROOT[@]}" --unsetenv HOME sh -c "$SHOW_CWD"
  assert_eq "/ /" "$OUT" "cwd and PWD with --unsetenv HOME"
}

# --- environment -------------------------------------------------------------------------

test_environment_is_passed_through() {
  assert_status 0 env SWADDLE_TEST_VAR=passed "${SW_CMD[@]}" --ro-bind / / printenv SWADDLE_TEST_VAR
  assert_eq passed "$OUT" "variable from the caller"
}

test_setenv_and_unsetenv_apply_in_order() {
  assert_status 0 sw --ro-bind / / --setenv A 1 --unsetenv A --setenv B 2 --setenv C 3 \
    --setenv C 4 --setenv D 'with space=and equals' sh -c 'env | grep -E "^[ABCD]=" | sort'
  assert_eq $'B=2\nC=4\nD=with space=and equals' "$OUT" "variables A to D"
}

test_clearenv_keeps_only_pwd() {
  assert_status 0 env SWADDLE_TEST_VAR=x "${SW_CMD[@]}" --ro-bind / / --clearenv /usr/bin/env
  assert_eq "PWD=$PWD" "$OUT" "environment after --clearenv"
}

test_clearenv_applies_in_order() {
  assert_status 0 sw --ro-bind / / --setenv A 1 --clearenv --setenv B 2 /usr/bin/env
  assert_eq $'B=2\nPWD='"$PWD" "$(sort <<< "$OUT")" "environment"
}

test_pwd_variable_is_the_real_cwd() {
  assert_status 0 sw --ro-bind / / --chdir /usr --setenv PWD /bogus printenv PWD
  assert_eq /usr "$OUT" "PWD after --setenv PWD"
  assert_status 0 sw --ro-bind / / --chdir /usr --unsetenv PWD printenv PWD
  assert_eq /usr "$OUT" "PWD after --unsetenv PWD"
}

test_environment_and_cwd_match_bwrap() {
  assert_same_as_bwrap --ro-bind / / --clearenv --setenv A 1 --setenv B 2 --unsetenv A /usr/bin/env
  assert_same_as_bwrap "${MINROOT[@]}" --chdir /etc sh -c 'pwd; echo "$PWD"'
  assert_same_as_bwrap "${MINROOT[@]}" sh -c 'pwd; echo "$PWD"'
}

# --- session, parent death -----------------------------------------------------------

# Payload: "SESSION-ID PID" (field 6 of /proc/self/stat is the session id;
# read is a builtin, so /proc/self is the shell itself).
readonly SHOW_SID='read -r _ _ _ _ _ sid _ < /proc/self/stat; echo "$sid $$"'

test_new_session_makes_the_payload_a_session_leader() {
  assert_status 0 sw --ro-bind / / --new-session sh -c "$SHOW_SID"
  local sid pid
  read -r sid pid <<< "$OUT"
  assert_eq "$pid" "$sid" "session id of the payload"
}

# A shell's job is a process-group leader, which setsid() refuses: the payload
# runs in a child of swaddle, which passes its exit status and signals on.
test_new_session_from_a_process_group_leader() {
  local leader='import os, sys; os.setpgid(0, 0); print(os.getpid(), flush=True); os.execvp(sys.argv[1], sys.argv[1:])'
  assert_status 7 /usr/bin/python3 -c "$leader" "${SW_CMD[@]}" --ro-bind / / --new-session \
    sh -c "$SHOW_SID"'; read -r _ _ _ ppid _ < /proc/self/stat; echo "$ppid"; exit 7'
  local launcher sid pid ppid
  { read -r launcher; read -r sid pid; read -r ppid; } <<< "$OUT"
  assert_eq "$pid" "$sid" "session id of the payload"
  assert_ne "$launcher" "$pid" "the payload's pid (the launcher leads the caller's process group)"
  assert_eq "$launcher" "$ppid" "the payload's parent (the launcher, watching)"
}

test_new_session_from_a_process_group_leader_forwards_signals() {
  skip_if_bwrap "0.8 does not forward signals: SIGTERM ends the launcher and the payload runs on, orphaned"
  local leader='import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])'
  assert_status 143 /usr/bin/python3 -c "$leader" "${SW_CMD[@]}" --ro-bind / / --new-session \
    sh -c 'kill -TERM $PPID; '"$BOUNDED_WAIT"
}

test_without_new_session_the_session_is_inherited() {
  assert_status 0 sw --ro-bind / / sh -c "$SHOW_SID"
  local sid pid
  read -r sid pid <<< "$OUT"
  assert_ne "$pid" "$sid" "session id of the payload"
}

test_die_with_parent_kills_the_payload_when_the_parent_dies() {
  local parent payload
  sh -c '"$@" & wait' sh "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}" --die-with-parent \
    sh -c 'echo $$ > "$1/payload.pid.tmp"; mv "$1/payload.pid.tmp" "$1/payload.pid"; '"$BOUNDED_WAIT" sh "$PWD" &
  parent=$!
  SW_BG_PIDS+=("$parent")
  wait_for test -s payload.pid || fail "the payload did not start"
  payload=$(cat payload.pid)
  SW_BG_PIDS+=("$payload")
  pid_is_gone "$payload" && fail "the payload ($payload) is already gone before the parent was killed"
  kill -KILL "$parent"
  wait_for pid_is_gone "$payload" || fail "the payload ($payload) still runs after the launcher's parent died"
}

# --- pid 1 and the reaper ----------------------------------------------------------------

test_payload_is_pid_2_under_unshare_pid() {
  assert_status 0 sw --ro-bind / / --unshare-pid sh -c 'echo $$'
  assert_eq 2 "$OUT" "payload pid"
}

test_as_pid_1_makes_the_payload_pid_1() {
  assert_status 0 sw --ro-bind / / --unshare-pid --as-pid-1 sh -c 'echo $$'
  assert_eq 1 "$OUT" "payload pid"
}

test_as_pid_1_without_unshare_pid_is_rejected() {
  assert_setup_error as-pid-1 --ro-bind / / "${HERE[@]}" --as-pid-1 touch "$MARKER"
}

test_orphans_are_reaped() {
  # The inner sh starts `true` in the background and exits: `true` is
  # orphaned, re-parented to pid 1 of the sandbox, and must be reaped there.
  assert_status 0 sw "${MINROOT[@]}" --unshare-pid --proc /proc sh -c '
    orphan=$(sh -c "true > /dev/null & echo \$!")
    i=0
    while [ -e /proc/$orphan ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    if [ -e /proc/$orphan ]; then echo "orphan $orphan not reaped: $(cat /proc/$orphan/stat)"; else echo reaped; fi'
  assert_eq reaped "$OUT" "fate of the orphan"
}

# --- exit status ---------------------------------------------------------------------------

test_exit_status_is_passed_through() {
  local status pidns
  for pidns in "" --unshare-pid; do
    for status in 0 3 255; do
      # shellcheck disable=SC2086 # pidns is one word or none
      assert_status "$status" sw --ro-bind / / $pidns sh -c "exit $status"
    done
  done
}

test_death_by_signal_is_128_plus_n() {
  local pidns
  for pidns in "" --unshare-pid; do
    # shellcheck disable=SC2086 # pidns is one word or none
    assert_status 143 sw --ro-bind / / $pidns sh -c 'kill -TERM $$'
    # shellcheck disable=SC2086
    assert_status 137 sw --ro-bind / / $pidns sh -c 'kill -KILL $$'
  done
}

test_sigterm_to_the_launcher_reaches_the_payload() {
  skip_if_bwrap "0.8 does not forward signals: SIGTERM ends the launcher and the payload runs on, orphaned"
  local pidns status
  for pidns in "" --unshare-pid; do
    rm -f ready got
    # shellcheck disable=SC2086 # pidns is one word or none
    sw_bg "${ROOT[@]}" "${HERE[@]}" $pidns sh -c \
      'trap "echo got-term > \"\$1/got\"; exit 7" TERM; echo > "$1/ready"; '"$BOUNDED_WAIT" sh "$PWD"
    wait_for test -e ready || fail "the payload did not start ($pidns)"
    kill -TERM "$SW_BG_PID"
    wait "$SW_BG_PID"
    status=$?
    assert_eq got-term "$(cat got 2> /dev/null)" "what the payload's TERM trap wrote ($pidns)"
    assert_eq 7 "$status" "exit status of the launcher ($pidns)"
  done
}

# --- privileges ------------------------------------------------------------------------------

readonly SHOW_PRIVS='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status'

test_no_new_privs_is_set() {
  local userns
  for userns in "" --unshare-user; do
    # shellcheck disable=SC2086 # userns is one word or none
    assert_status 0 sw --ro-bind / / $userns sh -c "$SHOW_PRIVS"
    assert_eq 1 "$(status_field NoNewPrivs "$OUT")" "NoNewPrivs ${userns:-(no option)}"
  done
}

test_unprivileged_caller_has_no_capabilities() {
  require_unprivileged
  local set
  assert_status 0 sw --ro-bind / / sh -c "$SHOW_PRIVS"
  for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    assert_eq 0000000000000000 "$(status_field "$set" "$OUT")" "$set"
  done
}

test_capabilities_match_bwrap() {
  assert_same_as_bwrap --ro-bind / / sh -c "$SHOW_PRIVS"
  assert_same_as_bwrap --ro-bind / / --unshare-user sh -c "$SHOW_PRIVS"
  assert_same_as_bwrap --ro-bind / / --unshare-all sh -c "$SHOW_PRIVS"
  assert_same_as_bwrap --ro-bind / / --unshare-user --uid 5 --gid 5 sh -c "$SHOW_PRIVS"
}

# bwrap 0.8 leaves a root caller's capabilities as they were (with or
# without a user namespace mapping 0 to 0): pinned the same.
test_root_caller_keeps_its_capabilities() {
  require_root
  local host userns set
  host=$(grep -E '^Cap' /proc/self/status)
  for userns in "" --unshare-user; do
    # shellcheck disable=SC2086 # userns is one word or none
    assert_status 0 sw --ro-bind / / $userns sh -c "$SHOW_PRIVS"
    for set in CapPrm CapEff CapBnd; do
      assert_eq "$(status_field "$set" "$host")" "$(status_field "$set" "$OUT")" "$set ${userns:-(no option)}"
    done
    assert_eq 0000000000000000 "$(status_field CapAmb "$OUT")" "CapAmb ${userns:-(no option)}"
  done
}

test_root_caller_as_another_uid_has_no_effective_capabilities() {
  require_root
  assert_status 0 sw --ro-bind / / --unshare-user --uid 5 --gid 5 sh -c "$SHOW_PRIVS"
  assert_eq 0000000000000000 "$(status_field CapEff "$OUT")" "CapEff"
  assert_eq 0000000000000000 "$(status_field CapPrm "$OUT")" "CapPrm"
}

# --- exec failures -----------------------------------------------------------------------------

# bwrap 0.8 exits 1 ("execvp CMD: No such file or directory"), as for any
# setup failure; pinned the same.
test_missing_command_fails_with_status_1() {
  assert_setup_error /nonexistent-command --ro-bind / / /nonexistent-command
  assert_contains "$ERR" "No such file or directory" "stderr"
}

test_command_that_is_not_executable_fails_with_status_1() {
  echo 'echo should not run' > script
  chmod 644 script
  assert_setup_error "$PWD/script" --ro-bind / / "$PWD/script"
  assert_contains "$ERR" "Permission denied" "stderr"
}

test_command_is_found_in_path() {
  mkdir bin
  printf '#!/bin/sh\necho found-in-path\n' > bin/my-tool
  chmod 755 bin/my-tool
  assert_status 0 env PATH="$PWD/bin:/usr/bin:/bin" "${SW_CMD[@]}" --ro-bind / / my-tool
  assert_eq found-in-path "$OUT" "output of a command found through PATH"
}

# A file without "#!" runs under sh, execvp() copying the argument vector
# onto the stack of the payload's process, which is started on swaddle's
# own stack: it must have room for that.
test_script_without_interpreter_line_and_many_arguments() {
  printf 'echo "$#"\n' > script
  chmod 755 script
  local pidns
  for pidns in "" --unshare-pid; do
    # shellcheck disable=SC2046 # one word per number
    assert_status 0 sw --ro-bind / / $pidns "$PWD/script" $(seq 20000)
    assert_eq 20000 "$OUT" "arguments the script got ($pidns)"
  done
}

sw_main "$@"
