#!/bin/bash
# Limits: --rlimit as the payload and pid 1 read them; --timeout ends every
# process of the sandbox (SIGTERM, then SIGKILL after the grace) and exits
# 124; the cgroup limits' clear refusal where this host cannot give them,
# and the --check line.  The cgroup limits themselves are shown in a qemu
# guest with cgroup v2 controllers: 47-cgroup-guest.sh.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# NAME LABEL-IN-/proc/PID/limits, one a line.
readonly RLIMIT_ROWS='as|Max address space
core|Max core file size
cpu|Max cpu time
data|Max data size
fsize|Max file size
locks|Max file locks
memlock|Max locked memory
msgqueue|Max msgqueue size
nice|Max nice priority
nofile|Max open files
nproc|Max processes
rss|Max resident set
rtprio|Max realtime priority
rttime|Max realtime timeout
sigpending|Max pending signals
stack|Max stack size'

# limit_of LABEL TEXT: "SOFT HARD" of that row of a /proc/PID/limits text.
limit_of() {
  local label=$1 rest
  rest=$(grep -F "$label " <<< "$2" | head -n 1)
  rest=${rest#"$label"}
  awk '{ print $1, $2 }' <<< "$rest"
}

# A value below the caller's hard limit (which stays), distinct per name.
soft_value_for() {
  local name=$1 hard=$2 want
  case $name in
    nofile) want=77 ;;
    nproc) want=4321 ;;
    cpu) want=98765 ;;
    # The sanitizers reserve terabytes of address space in pid 1.
    as | data) is_sanitized && { echo unlimited; return; }; want=68719476736 ;;
    *) want=987654321 ;;
  esac
  if [[ $hard != unlimited ]] && ((hard < want)); then
    want=$hard
  fi
  echo "$want"
}

check_each_rlimit() {
  local proc_file=$1
  shift
  local name label host_hard value args=() expected=()
  while IFS='|' read -r name label; do
    read -r _ host_hard <<< "$(limit_of "$label" "$(cat /proc/self/limits)")"
    value=$(soft_value_for "$name" "$host_hard")
    args+=(--rlimit "$name=$value")
    expected+=("$name|$label|$value|$host_hard")
  done <<< "$RLIMIT_ROWS"
  assert_success sw "${ROOT[@]}" --proc /proc "$@" "${args[@]}" -- cat "$proc_file"
  local limits=$OUT entry soft hard
  for entry in "${expected[@]}"; do
    IFS='|' read -r name label value host_hard <<< "$entry"
    read -r soft hard <<< "$(limit_of "$label" "$limits")"
    assert_eq "$value $host_hard" "$soft $hard" "$name in $proc_file (soft hard) with --rlimit $name=$value ${*:-}"
  done
}

test_rlimit_each_name_as_the_payload_reads_it() {
  check_each_rlimit /proc/self/limits
}

test_rlimit_each_name_as_the_payload_reads_it_in_a_pid_namespace() {
  check_each_rlimit /proc/self/limits --unshare-pid
}

test_rlimit_each_name_as_pid_1_reads_it() {
  check_each_rlimit /proc/1/limits --unshare-pid
}

test_rlimit_soft_and_hard_and_spellings() {
  assert_success sw "${ROOT[@]}" --rlimit RLIMIT_NOFILE=50:60 --rlimit Core=0:inf --rlimit core=0:unlimited \
    -- sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hc'
  assert_eq "50 60 0 unlimited" "$(tr '\n' ' ' <<< "$OUT" | sed 's/ $//')" "nofile soft, hard; core soft, hard"
  # A later --rlimit of the same name wins.
  assert_success sw "${ROOT[@]}" --rlimit nofile=50:60 --rlimit nofile=40:45 -- sh -c 'ulimit -Sn; ulimit -Hn'
  assert_eq "40 45" "$(tr '\n' ' ' <<< "$OUT" | sed 's/ $//')" "the last --rlimit nofile"
}

# CAP_SYS_RESOURCE in the effective set (root's, unless taken away).
may_raise_rlimits() {
  local eff
  eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
  (((16#$eff >> 24) & 1))
}

# Under a hard limit of 200 open files: without CAP_SYS_RESOURCE, asking more
# is refused before anything runs; root with it raises the limit.
test_rlimit_above_the_hard_limit() {
  local cmd=(prlimit --nofile=100:200 "${SW_CMD[@]}" "${ROOT[@]}" "${HERE[@]}")
  if may_raise_rlimits; then
    run "${cmd[@]}" --rlimit nofile=300:400 -- sh -c 'ulimit -Sn; ulimit -Hn'
    assert_eq 0 "$STATUS" "exit status as root" || return
    assert_eq "300 400" "$(tr '\n' ' ' <<< "$OUT" | sed 's/ $//')" "nofile raised by root"
  else
    run "${cmd[@]}" --rlimit nofile=300 -- touch "$MARKER"
    assert_eq 1 "$STATUS" "exit status of a refused --rlimit"
    assert_line_count 1 "$ERR" "stderr"
    assert_contains "$ERR" "--rlimit nofile=300" "the message"
    assert_contains "$ERR" "hard limit" "the message"
    assert_not_exists "$MARKER"
    run "${cmd[@]}" --rlimit nofile=150:300 -- touch "$MARKER"
    assert_eq 1 "$STATUS" "exit status of a refused hard --rlimit"
    assert_not_exists "$MARKER"
  fi
}

test_rlimit_bad_values() {
  local bad
  for bad in nofile nofile= =5 nofile=abc nofile=-1 nofile=1:-1 nofile=10:5 bogus=1 RLIMIT_=1 nofile=1x \
    nofile=99999999999999999999999; do
    assert_setup_error "--rlimit $bad" "${ROOT[@]}" --rlimit "$bad" -- touch "$MARKER"
  done
}

# ---- --timeout ---------------------------------------------------------------

# run_timed_out ARGS...: the payload starts a background sleep and sleeps;
# both pids (as the host sees them, or the pid namespace) go to files.
pids_gone() {
  local pid
  for pid in "$@"; do
    pid_is_gone "$pid" || return 1
  done
}

test_timeout_ends_every_process_without_a_pid_namespace() {
  run sw "${ROOT[@]}" "${HERE[@]}" --timeout 2 -- sh -c 'sleep 100 & echo $! > bg; echo $$ > fg; sleep 100'
  assert_eq 124 "$STATUS" "exit status after the timeout"
  assert_contains "$ERR" "--timeout 2" "the message"
  [[ -s bg && -s fg ]] || fail "the payload did not write its pids"
  wait_for pids_gone "$(cat bg)" "$(cat fg)" ||
    fail "processes of the sandbox are left: $(ps -o pid,stat,args -p "$(cat bg),$(cat fg)")"
}

test_timeout_ends_every_process_in_a_pid_namespace() {
  run sw "${ROOT[@]}" "${HERE[@]}" --proc /proc --unshare-pid --timeout 2 \
    -- sh -c 'readlink /proc/self/ns/pid > ns; sleep 100 & sleep 100'
  assert_eq 124 "$STATUS" "exit status after the timeout"
  [[ -s ns ]] || fail "the payload did not record its pid namespace"
  local ns
  ns=$(cat ns)
  wait_for test -z "$(pidns_members "$ns")" ||
    fail "processes of the sandbox's pid namespace are left: $(pidns_members "$ns")"
}

# The payload and its background child ignore SIGTERM: SIGKILL after the grace.
ignoring_sigterm() {
  run sw "${ROOT[@]}" "${HERE[@]}" --proc /proc "$@" --timeout 1:1 --json-status-fd 3 \
    -- sh -c 'trap "" TERM; readlink /proc/self/ns/pid > ns; sleep 100 & echo $! > bg; echo $$ > fg; sleep 100; sleep 100' 3> status
  assert_eq 124 "$STATUS" "exit status after the grace (${*:-no pid namespace})"
  assert_contains "$ERR" "SIGKILL" "the message"
  assert_contains "$(cat status)" '"exit-code": 124, "timed-out": true' "--json-status-fd"
}

test_timeout_kills_a_payload_ignoring_sigterm_after_the_grace() {
  ignoring_sigterm
  wait_for pids_gone "$(cat bg)" "$(cat fg)" ||
    fail "processes of the sandbox are left: $(ps -o pid,stat,args -p "$(cat bg),$(cat fg)")"
}

test_timeout_kills_a_payload_ignoring_sigterm_after_the_grace_in_a_pid_namespace() {
  ignoring_sigterm --unshare-pid
  local ns
  ns=$(cat ns)
  wait_for test -z "$(pidns_members "$ns")" || fail "processes are left: $(pidns_members "$ns")"
}

test_timeout_as_pid_1() {
  run sw "${ROOT[@]}" --unshare-pid --as-pid-1 --timeout 1:0.5 --json-status-fd 3 -- sleep 100 3> status
  assert_eq 124 "$STATUS" "exit status after the timeout"
  assert_contains "$(cat status)" '"timed-out": true' "--json-status-fd"
}

test_timeout_payload_ending_in_time_keeps_its_status() {
  local pidns
  for pidns in "" --unshare-pid; do
    run sw "${ROOT[@]}" $pidns --timeout 60 --json-status-fd 3 -- sh -c 'exit 7' 3> status
    assert_eq 7 "$STATUS" "exit status ${pidns:-without a pid namespace}"
    assert_contains "$(cat status)" '"exit-code": 7, "timed-out": false' "--json-status-fd"
    assert_eq "" "$ERR" "stderr"
    run sw "${ROOT[@]}" $pidns --timeout 60 -- sh -c 'kill -USR1 $$'
    assert_eq 138 "$STATUS" "exit status of a payload killed by SIGUSR1 ${pidns:-without a pid namespace}"
  done
  # Its output and input pass as without --timeout.
  run sw "${ROOT[@]}" --timeout 60 -- sh -c 'read -r line; echo "got $line"' <<< hello
  assert_eq "got hello" "$OUT" "the payload's stdin and stdout"
}

test_timeout_bad_values() {
  local bad
  for bad in -1 0 abc 1:x 1:-1 '' 1.2345 . 2: :2 99999999999; do
    assert_setup_error "--timeout $bad" "${ROOT[@]}" --timeout "$bad" -- touch "$MARKER"
  done
}

# ---- cgroup limits on this host --------------------------------------------

test_cgroup_limit_bad_values() {
  local option bad
  for bad in -1 0 abc 1X 64MB; do
    assert_setup_error "--memory-max $bad" "${ROOT[@]}" --memory-max "$bad" -- touch "$MARKER"
  done
  for bad in -5 0 x 1.5; do
    assert_setup_error "--pids-max $bad" "${ROOT[@]}" --pids-max "$bad" -- touch "$MARKER"
  done
  for bad in abc 0 -1 0.001 10/100 100000/0 1/2/3; do
    assert_setup_error "--cpu-max $bad" "${ROOT[@]}" --cpu-max "$bad" -- touch "$MARKER"
  done
}

test_cgroup_limits_refused_with_a_helper_outside() {
  skip_if_bwrap "swaddle's own options"
  local other
  for other in --net-user --map-subids "--uid-map 0:$SW_UID:1"; do
    # shellcheck disable=SC2086 # the option and its value
    assert_setup_error "--pids-max" "${ROOT[@]}" --unshare-user --pids-max 20 $other -- touch "$MARKER"
    assert_contains "$ERR" "cannot be combined with ${other%% *}" "the message"
  done
}

cgroup_limits_possible() {
  sw --check --json | grep -q '"cgroup-limits": { "possible": true'
}

test_cgroup_limits_refused_with_the_cause_where_not_possible() {
  skip_if_bwrap "swaddle's own options"
  cgroup_limits_possible && skip "this host gives a delegated cgroup v2 with controllers (the guest test covers it)"
  local option value
  for option in --memory-max=64M --pids-max=20 --cpu-max=0.5; do
    value=${option#*=}
    option=${option%%=*}
    assert_setup_error "$option $value" "${ROOT[@]}" "$option" "$value" -- touch "$MARKER"
    assert_contains "$ERR" "cannot be applied" "the message"
  done
}

test_check_reports_whether_cgroup_limits_are_possible() {
  skip_if_bwrap "swaddle's own --check"
  run sw --check
  local line
  line=$(grep -E '^ +cgroup limits ' <<< "$OUT")
  [[ -n $line ]] || fail "no cgroup limits row in --check" "$(show_block stdout "$OUT")"
  run sw --check --json
  if grep -q '"cgroup-limits": { "possible": true' <<< "$OUT"; then
    assert_match "$line" 'cgroup limits +yes: ' "the --check row"
  else
    assert_match "$line" 'cgroup limits +no: .*(cgroup|controller)' "the --check row"
  fi
}

test_print_plan_shows_the_limits() {
  skip_if_bwrap "swaddle's own --print-plan"
  assert_success sw --print-plan --rlimit nofile=10:20 --rlimit cpu=5 --timeout 2.5:1 --memory-max 64M \
    --pids-max 20 --cpu-max 1.5 -- true
  local plan=$OUT
  assert_contains "$plan" '"rlimits": [{"name": "nofile", "soft": 10, "hard": 20}, {"name": "cpu", "soft": 5}]' "rlimits"
  assert_contains "$plan" '"timeout": {"seconds": 2.5, "grace": 1}' "timeout"
  assert_contains "$plan" '"memory_max": 67108864' "memory_max"
  assert_contains "$plan" '"pids_max": 20' "pids_max"
  assert_contains "$plan" '"cpu_max": "150000 100000"' "cpu_max"
}

sw_main "$@"
