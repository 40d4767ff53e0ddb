#!/bin/bash
# Whole ranges of ids: --map-subids, --uid-map, --gid-map.  The maps the
# payload sees are exactly those asked for; files chowned inside belong to
# the caller's subordinate ids on the host; another user inside cannot
# touch the caller's private files; each way it cannot work has its own
# one-line message, and nothing runs.
#
# Who has ranges: in root mode the test gives root and uid 65534 a range in
# /etc/subuid and /etc/subgid (restoring both files exactly when the test
# ends, even on failure), and runs each check as root and as 65534 (with
# setpriv).  In the user modes, checks that need ranges run when uid 65534
# has them (a CI machine may give it some) and skip otherwise; what needs
# none runs in every mode: the caller's own ids through newuidmap and
# newgidmap, the messages for a missing entry, a missing or unprivileged
# helper, and bad values.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

readonly ROOT_BASE=1800000000
readonly NOBODY_BASE=1800100000
readonly NOBODY_ID=65534

# --- who runs, and with which ranges --------------------------------------------------

# with_test_ranges: (root) 65536 subordinate uids and gids for root and for
# uid 65534, for this test only.
with_test_ranges() {
  local nobody
  nobody=$(getent passwd "$NOBODY_ID" | cut -d: -f1)
  [[ -n $nobody ]] || skip "uid $NOBODY_ID has no name in /etc/passwd"
  save_id_files
  printf 'root:%s:65536\n%s:%s:65536\n' "$ROOT_BASE" "$nobody" "$NOBODY_BASE" | tee -a /etc/subuid >> /etc/subgid
}

# save_id_files: /etc/subuid and /etc/subgid come back byte for byte (same
# file, same mode) when the test ends, however it ends.
save_id_files() {
  local file
  for file in subuid subgid; do
    if [[ -e /etc/$file ]]; then
      cp -p "/etc/$file" "$SW_TEST_DIR/$file.saved" || exit 1
    else
      : > "/etc/$file"
    fi
  done
  trap 'restore_id_files; sw_teardown_test' EXIT
}

restore_id_files() {
  local file
  for file in subuid subgid; do
    if [[ -e $SW_TEST_DIR/$file.saved ]]; then
      cat "$SW_TEST_DIR/$file.saved" > "/etc/$file"
    else
      rm -f "/etc/$file"
    fi
  done
}

# first_range FILE ID: "START COUNT" of the first entry of user ID (by name
# or number) in FILE; empty when it has none.
first_range() {
  local name
  name=$(getent passwd "$2" | cut -d: -f1)
  awk -F: -v n="$name" -v u="$2" '($1 == n || $1 == u) && NF == 3 { print $2, $3; exit }' "$1" 2> /dev/null
}

# as_caller ID CMD...: run CMD as ID (0: as is; 65534: with setpriv, from root).
as_caller() {
  local id=$1
  shift
  if [[ $id == "$SW_UID" ]]; then
    "$@"
  else
    setpriv --reuid "$id" --regid "$id" --clear-groups "$@"
  fi
}

# as_caller_exec ID CMD...: the same, replacing this shell.
as_caller_exec() {
  local id=$1
  shift
  if [[ $id == "$SW_UID" ]]; then
    exec "$@"
  fi
  exec setpriv --reuid "$id" --regid "$id" --clear-groups "$@"
}

# each_caller CHECK: run CHECK ID for every caller that has ranges here;
# skip when none has.  CHECK runs with UID_BASE and GID_BASE, the starts
# of the caller's first ranges, and UNSHARE (--unshare-user for root,
# whose sandboxes have no user namespace unless asked).
each_caller() {
  local check=$1 id ran=0 ucount gcount
  local callers=("$SW_UID")
  if is_root; then
    with_test_ranges
    callers+=("$NOBODY_ID")
    # The test directory is 65534's too (and stays root's, whom root in a
    # user namespace can act on only while it owns it).
    chmod 1777 "$SW_TEST_DIR"
  fi
  for id in "${callers[@]}"; do
    helpers_work_for "$id" || continue
    read -r UID_BASE ucount <<< "$(first_range /etc/subuid "$id")"
    read -r GID_BASE gcount <<< "$(first_range /etc/subgid "$id")"
    [[ -n $UID_BASE && -n $GID_BASE && $ucount -ge 65536 && $gcount -ge 65536 ]] || continue
    UNSHARE=()
    [[ $id == 0 ]] && UNSHARE=(--unshare-user)
    "$check" "$id" || return 1
    ran=1
  done
  ((ran)) || skip "uid $SW_UID has no range of 65536 ids in /etc/subuid and /etc/subgid (root mode gives 65534 one and checks this as 65534)"
}

# in_sandbox ID ARGS...: the sandbox as caller ID; sets OUT, ERR, STATUS.
in_sandbox() {
  local id=$1
  shift
  run as_caller "$id" "${SW_CMD[@]}" "$@"
}

# expect_status N, expect_failure: of the last `run`.
expect_status() {
  [[ $STATUS == "$1" ]] || fail "exit status $STATUS, expected $1"
}

expect_failure() {
  [[ $STATUS != 0 ]] || fail "the command succeeded but should have failed"
}

# helpers_work_for ID: newuidmap can work for caller ID: root needs it not;
# in the fallback modes the sys-deny wrapper sets no_new_privs, under which
# a setuid program gains nothing (test_no_new_privs_is_refused checks the
# message).
helpers_work_for() {
  [[ $1 == 0 ]] || ! is_fallback
}

require_uidmap() {
  require_cmd newuidmap newgidmap
}

# maps_of TEXT: /proc/PID/uid_map lines as "INSIDE OUTSIDE COUNT".
maps_of() {
  awk '{ print $1, $2, $3 }' <<< "$1"
}

# --- the maps, as asked ---------------------------------------------------------------------

check_map_subids_layout() {
  local id=$1 expected
  in_sandbox "$id" "${UNSHARE[@]}" --ro-bind / / --map-subids cat /proc/self/uid_map /proc/self/gid_map
  expect_status 0
  if [[ $id == 0 ]]; then
    expected="0 0 1"$'\n'"1 $((UID_BASE + 1)) 65535"$'\n'"0 0 1"$'\n'"1 $((GID_BASE + 1)) 65535"
  else
    expected="$id $id 1"$'\n'"0 $UID_BASE $id"$'\n'"$((id + 1)) $((UID_BASE + id + 1)) $((65535 - id))"
    expected+=$'\n'"$id $id 1"$'\n'"0 $GID_BASE $id"$'\n'"$((id + 1)) $((GID_BASE + id + 1)) $((65535 - id))"
  fi
  assert_eq "$expected" "$(maps_of "$OUT")" "uid_map and gid_map inside, as uid $id"
  # --uid 0: root inside is the caller, the rest the caller's ranges.
  in_sandbox "$id" "${UNSHARE[@]}" --ro-bind / / --uid 0 --gid 0 --map-subids sh -c 'cat /proc/self/uid_map; echo ids $(id -u) $(id -g)'
  expect_status 0
  assert_eq "0 $id 1"$'\n'"1 $((UID_BASE + 1)) 65535"$'\n'"ids 0 0" "$(maps_of "$OUT")" "with --uid 0, as uid $id"
}

test_map_subids_maps_the_sandbox_id_to_the_caller_and_the_rest_to_its_ranges() {
  require_uidmap
  each_caller check_map_subids_layout
}

check_explicit_maps() {
  local id=$1
  in_sandbox "$id" "${UNSHARE[@]}" --ro-bind / / --uid-map "0:$id:1" --uid-map "1:$((UID_BASE + 5)):10" \
    --gid-map "0:$id:1" --gid-map "100:$((GID_BASE + 20)):3" --gid-map "7:$((GID_BASE + 30)):1" \
    sh -c 'cat /proc/self/uid_map /proc/self/gid_map; echo ids $(id -u) $(id -g)'
  expect_status 0
  assert_eq "0 $id 1"$'\n'"1 $((UID_BASE + 5)) 10"$'\n'"0 $id 1"$'\n'"100 $((GID_BASE + 20)) 3"$'\n'"7 $((GID_BASE + 30)) 1"$'\n'"ids 0 0" \
    "$(maps_of "$OUT")" "maps and ids inside, as uid $id"
}

test_uid_map_and_gid_map_are_written_as_given() {
  require_uidmap
  each_caller check_explicit_maps
}

# No ranges needed: the caller's own ids, through newuidmap and newgidmap.
test_own_ids_alone_need_no_ranges() {
  require_uidmap
  helpers_work_for "$SW_UID" || skip "no_new_privs (the sys-deny wrapper's) keeps newuidmap from working"
  run sw "${ROOT[@]}" --unshare-user --uid-map "7:$SW_UID:1" --gid-map "8:$SW_GID:1" \
    sh -c 'cat /proc/self/uid_map /proc/self/gid_map; echo ids $(id -u) $(id -g)'
  expect_status 0
  assert_eq "7 $SW_UID 1"$'\n'"8 $SW_GID 1"$'\n'"ids 7 8" "$(maps_of "$OUT")" "maps and ids inside"
}

test_root_writes_any_map_without_ranges() {
  require_root
  save_id_files
  : > /etc/subuid
  : > /etc/subgid
  run sw "${ROOT[@]}" --unshare-user --uid-map 0:0:1 --uid-map 1:1700000001:100 --gid-map 0:0:1 \
    --gid-map 5:1700000500:2 sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
  expect_status 0
  assert_eq "0 0 1"$'\n'"1 1700000001 100"$'\n'"0 0 1"$'\n'"5 1700000500 2" "$(maps_of "$OUT")" "maps inside"
}

# --- what the ranges do ---------------------------------------------------------------------

check_chown_lands_in_the_ranges() {
  local id=$1
  mkdir -p "d$id"
  chown "$id:$id" "d$id"
  in_sandbox "$id" "${UNSHARE[@]}" "${ROOT[@]}" --bind "$PWD/d$id" /tmp/d --uid 0 --gid 0 --map-subids --cap-add CAP_CHOWN \
    sh -c 'touch /tmp/d/f && chown 1000:1000 /tmp/d/f && stat -c %u:%g /tmp/d/f'
  expect_status 0
  assert_eq "1000:1000" "$OUT" "owner inside"
  assert_eq "$((UID_BASE + 1000)):$((GID_BASE + 1000))" "$(stat -c %u:%g "d$id/f")" "owner on the host, caller $id"
}

test_chown_inside_gives_files_to_the_callers_subordinate_ids() {
  require_uidmap
  each_caller check_chown_lands_in_the_ranges
}

check_other_user_cannot_write_private_files() {
  local id=$1 dir=$PWD/priv$1
  # A directory anyone may enter, with a public file and a private one.
  as_caller "$id" sh -c 'mkdir -m 755 "$1" && echo public > "$1/public" && echo private > "$1/secret" && chmod 600 "$1/secret"' \
    sh "$dir"
  local args=("${UNSHARE[@]}" "${ROOT[@]}" --bind "$dir" /tmp/priv --uid 0 --gid 0 --map-subids --cap-add CAP_SETUID --cap-add CAP_SETGID)
  # The caller, root inside, can: the file is writable at all.
  in_sandbox "$id" "${args[@]}" sh -c 'echo root >> /tmp/priv/secret'
  expect_status 0
  in_sandbox "$id" "${args[@]}" setpriv --reuid 1000 --regid 1000 --clear-groups \
    sh -c 'echo ids $(id -u) $(id -g) $(id -G); cat /tmp/priv/public; echo intruder >> /tmp/priv/secret'
  expect_failure
  assert_eq "ids 1000 1000 1000"$'\n'"public" "$OUT" "ids after setpriv, and the public file, caller $id"
  assert_contains "$ERR" "Permission denied"
  assert_eq "private"$'\n'"root" "$(cat "$dir/secret")" "the caller's file"
}

test_setpriv_to_another_user_inside_works_and_cannot_write_the_callers_files() {
  require_uidmap
  require_cmd setpriv
  each_caller check_other_user_cannot_write_private_files
}

# --- with the other ways a sandbox starts ---------------------------------------------------

check_with_process_options() {
  local id=$1 expected
  expected="0 $id 1"$'\n'"1 $((UID_BASE + 1)) 65535"
  local base=("${UNSHARE[@]}" "${ROOT[@]}" --proc /proc --dev /dev --uid 0 --gid 0 --map-subids)
  in_sandbox "$id" "${base[@]}" --unshare-pid --as-pid-1 sh -c 'echo pid $$ .; cat /proc/self/uid_map'
  expect_status 0
  assert_eq "pid 1 ."$'\n'"$expected" "$(maps_of "$OUT")" "--as-pid-1, caller $id"
  in_sandbox "$id" "${base[@]}" --unshare-pid sh -c 'cat /proc/self/uid_map'
  expect_status 0
  assert_eq "$expected" "$(maps_of "$OUT")" "--unshare-pid, caller $id"
  in_sandbox "$id" "${base[@]}" --pty sh -c 'cat /proc/self/uid_map' < /dev/null
  expect_status 0
  assert_eq "$expected" "$(maps_of "${OUT//$'\r'/}")" "--pty, caller $id"
  in_sandbox "$id" "${base[@]}" --info-fd 8 sh -c 'cat /proc/self/uid_map' 8> "info$id"
  expect_status 0
  assert_eq "$expected" "$(maps_of "$OUT")" "--info-fd, caller $id"
  assert_match "$(cat "info$id")" '"child-pid": *[0-9]+' "--info-fd output"
}

test_ranges_with_pid_namespace_as_pid_1_pty_and_info_fd() {
  require_uidmap
  each_caller check_with_process_options
}

# The helper outside and newuidmap are gone once the maps are written: the
# launcher's only child is the sandbox (no zombie either), with and without
# a pid namespace and --pty.
check_nothing_left_behind() {
  local id=$1 extra launcher children
  for extra in --unshare-pid --pty; do
    rm -f "ready$id"
    # exec: $! is the launcher itself (setpriv execs it too).
    (as_caller_exec "$id" "${SW_CMD[@]}" "${UNSHARE[@]}" "${ROOT[@]}" "${HERE[@]}" --dev /dev --map-subids $extra \
      sh -c 'touch "$1"; exec sleep 60' sh "$PWD/ready$id" < /dev/null > /dev/null 2>&1) &
    launcher=$!
    SW_BG_PIDS+=("$launcher")
    wait_for test -e "ready$id" || fail "the sandbox ($extra, caller $id) did not start"
    children=$(ps -o stat=,comm= --ppid "$launcher")
    assert_line_count 1 "$children" "children of the launcher ($extra, caller $id)"
    assert_not_contains "$children" "Z" "children of the launcher ($extra, caller $id)"
    kill -KILL "$launcher"
    wait "$launcher" 2> /dev/null || true
  done
}

test_nothing_is_left_behind_once_the_maps_are_written() {
  require_uidmap
  each_caller check_nothing_left_behind
}

# info_child_pid FILE: the child pid --info-fd wrote to FILE, in CHILD_PID.
info_child_pid() {
  wait_for grep -q '^}' "$1" || fail "--info-fd wrote no complete object" "$(show_block info "$(cat "$1")")"
  CHILD_PID=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$1")
}

check_userns_block_fd() {
  local id=$1 writer status bg
  rm -f block ids
  mkfifo block
  chown "$id" block
  # The caller writes nothing: swaddle writes the ranges once released.
  exec {writer}<> block
  as_caller "$id" "${SW_CMD[@]}" "${UNSHARE[@]}" "${ROOT[@]}" "${HERE[@]}" --uid 0 --gid 0 --map-subids \
    --info-fd 8 --userns-block-fd 9 sh -c 'cat /proc/self/uid_map > "$1/ids"' sh "$PWD" 8> info 9< block {writer}>&- &
  bg=$!
  SW_BG_PIDS+=("$bg")
  info_child_pid info
  assert_eq "" "$(cat "/proc/$CHILD_PID/uid_map")" "uid_map before the release"
  echo x >&"$writer"
  wait "$bg"
  status=$?
  exec {writer}>&-
  assert_eq 0 "$status" "exit status, caller $id"
  assert_eq "0 $id 1"$'\n'"1 $((UID_BASE + 1)) 65535" "$(maps_of "$(cat ids)")" "maps written by swaddle, caller $id"
  # The caller writes its own: swaddle leaves them.
  rm -f block ids info
  mkfifo block
  chown "$id" block
  exec {writer}<> block
  as_caller "$id" "${SW_CMD[@]}" "${UNSHARE[@]}" "${ROOT[@]}" "${HERE[@]}" --map-subids \
    --info-fd 8 --userns-block-fd 9 sh -c 'cat /proc/self/uid_map > "$1/ids"' sh "$PWD" 8> info 9< block {writer}>&- &
  bg=$!
  SW_BG_PIDS+=("$bg")
  info_child_pid info
  as_caller "$id" sh -c 'echo "5 $1 1" > "/proc/$2/uid_map" && echo deny > "/proc/$2/setgroups" && echo "6 $1 1" > "/proc/$2/gid_map"' \
    sh "$id" "$CHILD_PID" || fail "cannot write the child's maps"
  echo x >&"$writer"
  wait "$bg"
  status=$?
  assert_eq 0 "$status" "exit status, caller $id"
  assert_eq "5 $id 1" "$(maps_of "$(cat ids)")" "the caller's own maps, caller $id"
}

test_userns_block_fd_ranges_written_only_when_the_caller_did_not() {
  require_uidmap
  each_caller check_userns_block_fd
}

# --- each way it cannot work, its own message ----------------------------------------------

# assert_one_line_error PATTERN: failed with status 1, one line matching, payload not run.
assert_one_line_error() {
  expect_status 1
  assert_line_count 1 "$ERR" "stderr"
  assert_match "$ERR" "$1" "the message"
  assert_not_exists "$MARKER"
}

# new_user NAME: (root) a user with no subordinate ids, removed at the end.
new_user() {
  save_id_files
  useradd -M -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -s /bin/sh "$1" || skip "useradd failed"
  # The name now: the trap runs where $1 is no longer this function's.
  # shellcheck disable=SC2064
  trap "userdel '$1' 2> /dev/null; restore_id_files; sw_teardown_test" EXIT
  chown "$1" "$SW_TEST_DIR"
}

test_no_entry_names_the_line_to_add() {
  require_uidmap
  local user id
  if is_root; then
    user=swaddle-idmap-test
    new_user "$user"
    id=$(id -u "$user")
  else
    [[ -z $(first_range /etc/subuid "$SW_UID") ]] || skip "uid $SW_UID has ranges here (root mode tests a user without)"
    id=$SW_UID
    user=$(getent passwd "$id" | cut -d: -f1)
  fi
  if [[ $id == "$SW_UID" ]]; then
    run sw "${ROOT[@]}" --map-subids touch "$MARKER"
  else
    run setpriv --reuid "$id" --regid "$(id -g "$id")" --clear-groups "${SW_CMD[@]}" "${ROOT[@]}" --map-subids touch "$MARKER"
  fi
  assert_one_line_error "^[^:]+: --map-subids: no range for user $user \\(uid $id\\) in /etc/subuid: as root, add the line '$user:[0-9]+:65536' to /etc/subuid"
}

test_too_small_a_range_says_how_many() {
  require_root
  require_uidmap
  local user=swaddle-idmap-test id
  new_user "$user"
  id=$(id -u "$user")
  printf '%s:1800200000:1000\n' "$user" | tee -a /etc/subuid >> /etc/subgid
  run setpriv --reuid "$id" --regid "$(id -g "$id")" --clear-groups "${SW_CMD[@]}" "${ROOT[@]}" --map-subids touch "$MARKER"
  assert_one_line_error "--map-subids: user $user has 1000 subordinate uids in /etc/subuid \\(1800200000-1800200999\\), and 65536 are needed"
  # An explicit range beyond the user's.
  run setpriv --reuid "$id" --regid "$(id -g "$id")" --clear-groups "${SW_CMD[@]}" "${ROOT[@]}" \
    --uid-map "0:$id:1" --uid-map 1:1800200500:1000 touch "$MARKER"
  assert_one_line_error "--uid-map 1:1800200500:1000: uids 1800200500-1800201499 outside are neither your own uid $id alone nor within your ranges in /etc/subuid \\(1800200000-1800200999\\)"
}

# The checks on the helpers run for an unprivileged caller (root needs none).
unprivileged_caller() {
  if is_root; then
    chown "$NOBODY_ID" "$SW_TEST_DIR"
    CALLER=(setpriv --reuid "$NOBODY_ID" --regid "$NOBODY_ID" --clear-groups)
    CALLER_ID=$NOBODY_ID
  else
    CALLER=()
    CALLER_ID=$SW_UID
  fi
}

test_newuidmap_missing_names_the_package() {
  unprivileged_caller
  mkdir bin
  run "${CALLER[@]}" env PATH="$PWD/bin" "${SW_CMD[@]}" "${ROOT[@]}" --uid-map "0:$CALLER_ID:1" /usr/bin/touch "$MARKER"
  assert_one_line_error "--uid-map 0:$CALLER_ID:1: newuidmap is not installed \\(not found in PATH\\): install the Debian package uidmap"
}

test_newuidmap_without_setuid_bit_is_refused() {
  require_uidmap
  unprivileged_caller
  mkdir bin
  cp "$(command -v newuidmap)" "$(command -v newgidmap)" bin/
  chmod 0755 bin/newuidmap bin/newgidmap
  run "${CALLER[@]}" env PATH="$PWD/bin:$PATH" "${SW_CMD[@]}" "${ROOT[@]}" --uid-map "0:$CALLER_ID:1" touch "$MARKER"
  assert_one_line_error "--uid-map 0:$CALLER_ID:1: $PWD/bin/newuidmap is neither setuid root nor has file capabilities, so it cannot write the uids of the maps: as root, run chmod u\\+s $PWD/bin/newuidmap"
}

test_no_new_privs_is_refused() {
  require_uidmap
  unprivileged_caller
  run "${CALLER[@]}" setpriv --no-new-privs "${SW_CMD[@]}" "${ROOT[@]}" --uid-map "0:$CALLER_ID:1" touch "$MARKER"
  assert_one_line_error "--uid-map 0:$CALLER_ID:1: swaddle runs with no_new_privs \\(.*\\), under which the setuid newuidmap gains no privilege: start swaddle without it"
}

# newuidmap refuses a caller whose gid is not its primary group: its own
# message comes back in swaddle's one line; --check tries it and says so.
test_helper_refusal_comes_back_in_one_line() {
  require_root
  require_uidmap
  is_fallback && skip "no_new_privs (the sys-deny wrapper's) stops newuidmap earlier"
  chown "$NOBODY_ID:100" "$SW_TEST_DIR"
  local as_other_gid=(setpriv --reuid "$NOBODY_ID" --regid 100 --clear-groups)
  run "${as_other_gid[@]}" "${SW_CMD[@]}" "${ROOT[@]}" --uid-map "0:$NOBODY_ID:1" --gid-map 0:100:1 touch "$MARKER"
  assert_one_line_error "^[^:]+: --uid-map 0:$NOBODY_ID:1: /[^ ]*/newuidmap could not write the uids of the maps: newuidmap: .*owned by a different user"
  run "${as_other_gid[@]}" "${SW_CMD[@]}" --check
  assert_match "$OUT" "newuidmap +tried, and /[^ ]*/newuidmap could not write the uids of the maps: newuidmap: .*owned by a different user"
}

# --- bad values --------------------------------------------------------------------------------

test_bad_values_name_the_option_and_the_value() {
  local cases=(
    "--uid-map|0:1|--uid-map: '0:1' is not INSIDE:OUTSIDE:COUNT"
    "--uid-map|0:1:2:3|--uid-map: '0:1:2:3' is not INSIDE:OUTSIDE:COUNT"
    "--gid-map|a:1:2|--gid-map: 'a:1:2' is not INSIDE:OUTSIDE:COUNT"
    "--uid-map|-1:0:1|--uid-map: '-1:0:1' is not INSIDE:OUTSIDE:COUNT"
    "--uid-map|0:0:0|--uid-map 0:0:0: the COUNT is 0"
    "--gid-map|4294967290:0:10|--gid-map 4294967290:0:10: the range goes past id 4294967294"
    "--uid-map|0:4294967295:1|--uid-map: '0:4294967295:1' is not INSIDE:OUTSIDE:COUNT"
  )
  local c option value message
  for c in "${cases[@]}"; do
    IFS='|' read -r option value message <<< "$c"
    run sw "${ROOT[@]}" "$option" "$value" touch "$MARKER"
    assert_one_line_error "$message"
  done
  run sw "${ROOT[@]}" --uid-map "0:$SW_UID:1" --uid-map 0:1800000000:5 touch "$MARKER"
  assert_one_line_error "--uid-map 0:1800000000:5: its ids inside overlap those of --uid-map 0:$SW_UID:1"
  run sw "${ROOT[@]}" --uid-map "0:$SW_UID:1" --uid-map "9:$SW_UID:1" touch "$MARKER"
  assert_one_line_error "--uid-map 9:$SW_UID:1: its ids outside overlap those of --uid-map 0:$SW_UID:1"
  run sw "${ROOT[@]}" --unshare-user --map-subids --uid-map "0:$SW_UID:1" touch "$MARKER"
  assert_one_line_error "--map-subids cannot be combined with --uid-map or --gid-map"
  run sw "${ROOT[@]}" --unshare-user --uid-map "5:$SW_UID:1" --uid 6 touch "$MARKER"
  assert_one_line_error "--uid 6: --uid-map 5:$SW_UID:1 puts your id $SW_UID at 5 inside"
  run sw "${ROOT[@]}" --unshare-user --uid-map 0:1800000000:5 touch "$MARKER"
  assert_one_line_error "--uid-map 0:1800000000:5: no map includes your own id $SW_UID, which the sandbox runs as; add --uid-map INSIDE:$SW_UID:1"
  run sw "${ROOT[@]}" --unshare-user --map-subids --disable-userns touch "$MARKER"
  assert_one_line_error "--map-subids cannot be combined with --disable-userns"
  if is_root; then
    run sw "${ROOT[@]}" --map-subids touch "$MARKER"
    assert_one_line_error "--map-subids requires --unshare-user"
  fi
}

# --- the plan and the host check -----------------------------------------------------------

test_print_plan_shows_the_maps() {
  run sw --unshare-user --uid-map "0:$SW_UID:1" --uid-map 1:1800000000:10 --gid-map "3:$SW_GID:1" --print-plan true
  expect_status 0
  assert_contains "$OUT" "\"uid_maps\": [{\"inside\": 0, \"outside\": $SW_UID, \"count\": 1}, {\"inside\": 1, \"outside\": 1800000000, \"count\": 10}]"
  assert_contains "$OUT" "\"gid_maps\": [{\"inside\": 3, \"outside\": $SW_GID, \"count\": 1}]"
  assert_contains "$OUT" '"map_subids": false'
  run sw --unshare-user --map-subids --print-plan true
  expect_status 0
  assert_contains "$OUT" '"map_subids": true'
}

test_check_shows_the_callers_ranges_and_the_helpers() {
  require_uidmap
  if is_root; then
    with_test_ranges
    chown "$NOBODY_ID" "$SW_TEST_DIR"
    run setpriv --reuid "$NOBODY_ID" --regid "$NOBODY_ID" --clear-groups "${SW_CMD[@]}" --check
    assert_match "$OUT" "/etc/subuid \\([a-z]+\\) +$NOBODY_BASE-$((NOBODY_BASE + 65535)) \\(65536 ids\\)"
    is_fallback || assert_match "$OUT" "newuidmap +/[^ ]*/newuidmap, works \\(it mapped your own uid in a new user namespace\\)"
    run setpriv --reuid "$NOBODY_ID" --regid "$NOBODY_ID" --clear-groups --no-new-privs "${SW_CMD[@]}" --check
    assert_match "$OUT" "newuidmap +/[^ ]*/newuidmap cannot raise its privileges: this process runs with no_new_privs"
    run sw --check --json
    assert_match "$OUT" "\"subuid\": \\{ \"ranges\": \"$ROOT_BASE-$((ROOT_BASE + 65535))\", \"ids\": 65536"
  else
    run sw --check
    assert_match "$OUT" "/etc/subuid \\([a-z]+\\) +(no range: --map-subids cannot work|[0-9]+-[0-9]+ \\([0-9]+ ids)"
    if is_fallback; then
      assert_match "$OUT" "newuidmap +/[^ ]*/newuidmap cannot raise its privileges: this process runs with no_new_privs"
    else
      assert_match "$OUT" "newuidmap +/[^ ]*/newuidmap, works \\(it mapped your own uid in a new user namespace\\)"
    fi
  fi
}

sw_main "$@"
