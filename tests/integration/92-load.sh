#!/bin/bash
# Load: many sandboxes at once, several rounds, as the running identity:
# every exit status right, no zombie, no leftover process, no mount leaked
# into the caller's namespace.
#
#   SWADDLE_LOAD_SANDBOXES  sandboxes started at once (default 50)
#   SWADDLE_LOAD_ROUNDS     rounds (default 4)
#   SWADDLE_TEST_HEAVY=1    the issue's figures: 200 sandboxes, 20 rounds
#                           (give SW_TEST_TIMEOUT room: several minutes)
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

if [[ ${SWADDLE_TEST_HEAVY:-0} == 1 ]]; then
  : "${SWADDLE_LOAD_SANDBOXES:=200}" "${SWADDLE_LOAD_ROUNDS:=20}"
else
  : "${SWADDLE_LOAD_SANDBOXES:=50}" "${SWADDLE_LOAD_ROUNDS:=4}"
fi

mount_snapshot() {
  awk '{ print $4, $5, $9, $10 }' /proc/self/mountinfo | LC_ALL=C sort
}

# Processes whose command line carries TAG (swaddle's and the payloads').
tagged_processes() {
  local tag=$1 pid cmd
  for pid in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2> /dev/null < "$pid/cmdline") || continue
    [[ $cmd == *"$tag"* ]] && printf '%s(%s) ' "${pid#/proc/}" "$cmd"
  done
}

# Children of this shell that are zombies.
zombie_children() {
  local pid stat
  for pid in /proc/[0-9]*; do
    { stat=$(< "$pid/stat"); } 2> /dev/null || continue
    stat=${stat##*) }
    read -r state ppid _ <<< "$stat"
    [[ $state == Z && $ppid == "$BASHPID" ]] && printf '%s ' "${pid#/proc/}"
  done
}

# load_rounds SWADDLE-ARGS...: the rounds, each sandbox exiting with its
# own index modulo 256.  With HWM_DIR set (a directory the sandbox can
# write, and a pid namespace whose pid 1 is swaddle's reaper), each payload
# also records the reaper's peak memory (VmHWM, kB) in HWM_DIR/hwm.ROUND.I.
load_rounds() {
  local n=$SWADDLE_LOAD_SANDBOXES rounds=$SWADDLE_LOAD_ROUNDS
  local tag=swaddle-load-$$-$RANDOM round i index pids status wrong left mounts_before mounts_after
  mounts_before=$(mount_snapshot)
  for ((round = 0; round < rounds; round++)); do
    pids=()
    for ((i = 0; i < n; i++)); do
      index=$((round * n + i))
      "${SW_CMD[@]}" "$@" sh -c '
        [ -n "$2" ] && sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/1/status > "$2/hwm.$3"
        exit $(($1 % 256))' "$tag" "$index" "${HWM_DIR:-}" "$round.$i" > /dev/null 2> "err.$i" &
      pids[i]=$!
    done
    wrong=
    for ((i = 0; i < n; i++)); do
      wait "${pids[i]}"
      status=$?
      index=$((round * n + i))
      if ((status != index % 256)); then
        wrong+="sandbox $index: status $status, expected $((index % 256)); stderr: $(head -c 300 "err.$i")"$'\n'
      fi
    done
    [[ -z $wrong ]] || fail "round $round: wrong exit statuses" "$wrong"
    left=$(zombie_children)
    [[ -z $left ]] || fail "round $round: zombies left: $left"
    # Every process of the round is gone (given a moment to be reaped by
    # whoever inherits it).
    wait_for eval '[[ -z $(tagged_processes "$tag") ]]' \
      || fail "round $round: processes left: $(tagged_processes "$tag")"
  done
  rm -f err.*
  mounts_after=$(mount_snapshot)
  [[ $mounts_after == "$mounts_before" ]] || fail "mounts leaked into the caller's namespace" \
    "$(diff -u --label before --label after <(printf '%s\n' "$mounts_before") <(printf '%s\n' "$mounts_after"))"
}

test_many_sandboxes_plain() {
  skip_if_bwrap "load test of swaddle"
  load_rounds "${MINROOT[@]}"
}

# round_peak ROUND: the largest VmHWM recorded in that round.
round_peak() {
  cat hwm."$1".* 2> /dev/null | sort -n | tail -n 1
}

test_many_sandboxes_pid_ns() {
  skip_if_bwrap "load test of swaddle"
  HWM_DIR=$PWD load_rounds "${MINROOT[@]}" --unshare-pid --proc /proc --dev /dev --tmpfs /tmp "${HERE[@]}"
  # swaddle's memory stays flat: no round's peak above the first's by more
  # than a tenth (plus a page or two of noise).
  local first round peak peaks=
  first=$(round_peak 0)
  [[ $first =~ ^[0-9]+$ ]] || fail "no VmHWM recorded by the first round's payloads"
  for ((round = 0; round < SWADDLE_LOAD_ROUNDS; round++)); do
    peak=$(round_peak "$round")
    peaks+="$peak "
    [[ $peak =~ ^[0-9]+$ ]] || fail "no VmHWM recorded in round $round"
    ((peak <= first + first / 10 + 8)) ||
      fail "swaddle's peak memory grew: ${peak} kB in round $round against ${first} kB in the first" "peaks: $peaks"
  done
  echo "# swaddle's reaper, peak RSS per round (kB): $peaks"
}

test_many_sandboxes_all_namespaces_with_status() {
  skip_if_bwrap "load test of swaddle"
  load_rounds "${MINROOT[@]}" --unshare-all --die-with-parent --json-status-fd 2 --new-session
}

sw_main "$@"
