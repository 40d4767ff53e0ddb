#!/bin/bash
# Hostile input: the bad-input matrix (every option with a missing, empty,
# non-numeric, negative or huge argument, closed and wrong-type fds, paths
# with newlines, "..", trailing slashes and non-UTF-8 bytes, 100,000
# options, broken and nested --args), and a hostile root (destination
# components that are symlinks to / or ".." chains, swapped for symlinks
# while swaddle runs).  A bad input must be refused with exit status 1 and
# one line naming the option and the value, the payload must not run, and
# nothing may be left on the host: no file, directory or mount.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Options and how many arguments each takes.
readonly -A N_ARGS=(
  [--args]=1 [--argv0]=1 [--userns]=1 [--userns2]=1 [--pidns]=1 [--uid]=1
  [--gid]=1 [--hostname]=1 [--chdir]=1 [--setenv]=2 [--unsetenv]=1
  [--lock-file]=1 [--sync-fd]=1 [--block-fd]=1 [--userns-block-fd]=1
  [--info-fd]=1 [--json-status-fd]=1 [--bind]=2 [--bind-try]=2 [--dev-bind]=2
  [--dev-bind-try]=2 [--ro-bind]=2 [--ro-bind-try]=2 [--bind-fd]=2
  [--ro-bind-fd]=2 [--remount-ro]=1 [--overlay-src]=1 [--overlay]=3
  [--tmp-overlay]=1 [--ro-overlay]=1 [--exec-label]=1 [--file-label]=1
  [--proc]=1 [--dev]=1 [--tmpfs]=1 [--mqueue]=1 [--dir]=1 [--file]=2
  [--bind-data]=2 [--ro-bind-data]=2 [--symlink]=2 [--chmod]=2 [--perms]=1
  [--size]=1 [--seccomp]=1 [--add-seccomp-fd]=1 [--cap-add]=1 [--cap-drop]=1
)

# Options whose first argument is a file descriptor number.
readonly FD_OPTIONS=(
  --args --userns --userns2 --pidns --sync-fd --block-fd --userns-block-fd
  --info-fd --json-status-fd --bind-fd --ro-bind-fd --file --bind-data
  --ro-bind-data --seccomp --add-seccomp-fd
)

# bwrap's own words, which swaddle prints word for word on a first line
# before an indented second line of its own.
readonly BWRAP_FIRST_LINE="^[^:]*: (Invalid fd: |Can't read seccomp data: |Invalid seccomp data, must be multiple of 8)"

# A descriptor number that is not open in the sandbox launcher.
readonly CLOSED_FD=57

setup_hostile() {
  skip_if_bwrap "the bad-input rules (one line naming option and value) are swaddle's"
  mkdir -p scratch
  SNAP_FILES=$(snapshot_files)
  SNAP_MOUNTS=$(snapshot_mounts)
}

# Everything under the test directory (the scratch area of each test).
snapshot_files() {
  (cd "$SW_TEST_DIR" && find . -path ./.sw-stderr -prune -o -print | LC_ALL=C sort)
}

# Mount points and sources of the caller's mount table (ids may not change
# for an unchanged table, but we compare the visible part only).
snapshot_mounts() {
  awk '{ print $4, $5, $9, $10 }' /proc/self/mountinfo | LC_ALL=C sort
}

assert_host_unchanged() {
  local now
  now=$(snapshot_files)
  [[ $now == "$SNAP_FILES" ]] || fail "files appeared or vanished on the host" \
    "$(diff -u --label before --label after <(printf '%s\n' "$SNAP_FILES") <(printf '%s\n' "$now"))"
  now=$(snapshot_mounts)
  [[ $now == "$SNAP_MOUNTS" ]] || fail "the caller's mount table changed" \
    "$(diff -u --label before --label after <(printf '%s\n' "$SNAP_MOUNTS") <(printf '%s\n' "$now"))"
}

# refused WORD... -- SWADDLE-ARGS...: swaddle must refuse ARGS (before the
# payload, which would create $MARKER): exit 1, nothing on stdout, one line
# on stderr naming every WORD -- or two lines where the first is bwrap's
# word-for-word message (BWRAP_FIRST_LINE) and the second an indented
# detail --, and the host unchanged.  The payload words are appended here,
# unless NO_PAYLOAD=1.
refused() {
  local words=() word text
  while [[ $1 != -- ]]; do
    words+=("$1")
    shift
  done
  shift
  if [[ ${NO_PAYLOAD:-0} == 1 ]]; then
    run sw "$@"
  else
    run sw "$@" touch "$MARKER"
  fi
  [[ $STATUS == 1 ]] || fail "exit status $STATUS, expected 1 (setup error)"
  [[ -z $OUT ]] || fail "stdout should be empty"
  [[ ! -e $MARKER ]] || fail "the payload ran although setup failed"
  if [[ $ERR =~ $BWRAP_FIRST_LINE && $ERR == *$'\n'* ]]; then
    assert_line_count 2 "$ERR" "stderr"
    assert_match "$ERR" $'\n  [^ ]' "stderr (bwrap's line, then an indented detail)"
  else
    assert_line_count 1 "$ERR" "stderr"
  fi
  text=${ERR,,}
  for word in "${words[@]}"; do
    [[ $text == *"${word,,}"* ]] || fail "stderr does not name '$word'" "$(show_block stderr "$ERR")"
  done
  assert_host_unchanged
}


base_args() {
  BASE_ARGS=("${ROOT[@]}" "${HERE[@]}")
}

# ---------------------------------------------------------------------------
# Arguments

test_missing_argument_of_each_option() {
  setup_hostile
  local opt i args
  for opt in "${!N_ARGS[@]}"; do
    # The option last, then with one argument fewer than it takes.
    NO_PAYLOAD=1 refused "$opt" -- "$opt"
    args=()
    for ((i = 1; i < N_ARGS[$opt]; i++)); do
      args+=("/a$i")
    done
    NO_PAYLOAD=1 refused "$opt" -- "${ROOT[@]}" "$opt" "${args[@]}"
    # and at the end of an --args blob
    NO_PAYLOAD=1 refused "$opt" -- "${ROOT[@]}" --args 5 5< <(printf -- '%s\0' "$opt" "${args[@]}")
  done
}

test_empty_path_arguments() {
  setup_hostile
  base_args
  local opt
  for opt in --chdir --lock-file --remount-ro --overlay-src --proc --dev --tmpfs --mqueue --dir; do
    refused "$opt" -- "${BASE_ARGS[@]}" "$opt" ""
  done
  for opt in --bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try --symlink; do
    refused "$opt" -- "${BASE_ARGS[@]}" "$opt" "" /tmp/x
    refused "$opt" -- "${BASE_ARGS[@]}" "$opt" /etc ""
  done
  for opt in --bind-fd --ro-bind-fd --file --bind-data --ro-bind-data; do
    refused "$opt" -- "${BASE_ARGS[@]}" "$opt" 0 ""
  done
  refused --chmod -- "${BASE_ARGS[@]}" --chmod 0755 ""
  refused --overlay -- "${BASE_ARGS[@]}" --overlay-src /usr --overlay "" "$PWD/w" /tmp/o
  refused --tmp-overlay -- "${BASE_ARGS[@]}" --overlay-src /usr --tmp-overlay ""
  refused --setenv -- "${BASE_ARGS[@]}" --setenv "" value
  refused --unsetenv -- "${BASE_ARGS[@]}" --unsetenv ""
  refused --cap-add -- "${BASE_ARGS[@]}" --cap-add ""
  refused --cap-drop -- "${BASE_ARGS[@]}" --cap-drop ""
}

# Every bad spelling of a number, for every option that takes one.
readonly BAD_NUMBERS=("" abc -1 +1 " 1" 1x 0x10 99999999999999999999)

test_bad_fd_numbers() {
  setup_hostile
  base_args
  local opt value rest
  for value in "${BAD_NUMBERS[@]}" 2147483648; do
    for opt in "${FD_OPTIONS[@]}"; do
      rest=()
      ((N_ARGS[$opt] == 2)) && rest=(/tmp/x)
      refused "$opt" "$value" -- "${BASE_ARGS[@]}" "$opt" "$value" "${rest[@]}"
    done
  done
}

test_bad_other_numbers() {
  setup_hostile
  base_args
  local value
  for value in "${BAD_NUMBERS[@]}"; do
    refused --uid "$value" -- "${BASE_ARGS[@]}" --unshare-user --uid "$value"
    refused --gid "$value" -- "${BASE_ARGS[@]}" --unshare-user --gid "$value"
    refused --size "$value" -- "${BASE_ARGS[@]}" --size "$value" --tmpfs /tmp/t
    refused --perms "$value" -- "${BASE_ARGS[@]}" --perms "$value" --dir /tmp/d
    refused --chmod "$value" -- "${BASE_ARGS[@]}" --chmod "$value" /tmp
  done
  # Numbers out of range for what they are.
  refused --uid 4294967295 -- "${BASE_ARGS[@]}" --unshare-user --uid 4294967295
  refused --gid 4294967296 -- "${BASE_ARGS[@]}" --unshare-user --gid 4294967296
  refused --size 0 -- "${BASE_ARGS[@]}" --size 0 --tmpfs /tmp/t
  refused --perms 8 -- "${BASE_ARGS[@]}" --perms 8 --dir /tmp/d
  refused --perms 17777 -- "${BASE_ARGS[@]}" --perms 17777 --dir /tmp/d
  refused --chmod 9 -- "${BASE_ARGS[@]}" --chmod 9 /tmp
}

test_bad_capability_names() {
  setup_hostile
  base_args
  local name
  for name in CAP_NOPE 99 cap_ all_ $'\xff'; do
    refused --cap-add "$name" -- "${BASE_ARGS[@]}" --cap-add "$name"
    refused --cap-drop "$name" -- "${BASE_ARGS[@]}" --cap-drop "$name"
  done
}

# A descriptor that is not open: refused, naming the option and the number.
test_closed_fds() {
  setup_hostile
  base_args
  local opt
  for opt in --args --sync-fd --block-fd --info-fd --json-status-fd --seccomp --add-seccomp-fd; do
    refused "$opt" "$CLOSED_FD" -- "${BASE_ARGS[@]}" "$opt" "$CLOSED_FD"
  done
  for opt in --bind-fd --ro-bind-fd --file --bind-data --ro-bind-data; do
    refused "$opt" "$CLOSED_FD" -- "${BASE_ARGS[@]}" "$opt" "$CLOSED_FD" /tmp/x
  done
  refused --userns "$CLOSED_FD" -- "${BASE_ARGS[@]}" --userns "$CLOSED_FD"
  refused --pidns "$CLOSED_FD" -- "${BASE_ARGS[@]}" --pidns "$CLOSED_FD"
  refused --userns-block-fd "$CLOSED_FD" -- "${BASE_ARGS[@]}" --unshare-user --info-fd 1 --userns-block-fd "$CLOSED_FD"
}

# A descriptor of the wrong kind: a directory where data is read, a
# read-only file where status is written, a file where a namespace is
# expected, a namespace of the wrong type.
test_wrong_type_fds() {
  setup_hostile
  base_args
  local opt
  exec 5< /
  for opt in --args --block-fd --seccomp --add-seccomp-fd; do
    refused "$opt" 5 -- "${BASE_ARGS[@]}" "$opt" 5
  done
  for opt in --file --bind-data --ro-bind-data; do
    refused "$opt" 5 -- "${BASE_ARGS[@]}" "$opt" 5 /tmp/x
  done
  exec 5< /etc/passwd
  refused --userns 5 -- "${BASE_ARGS[@]}" --userns 5
  refused --pidns 5 -- "${BASE_ARGS[@]}" --pidns 5
  # seven bytes: not whole BPF instructions
  printf 'garbage' > "$SW_TEST_DIR/../swaddle-hostile-bpf.$$"
  exec 5< "$SW_TEST_DIR/../swaddle-hostile-bpf.$$"
  rm -f "$SW_TEST_DIR/../swaddle-hostile-bpf.$$"
  refused --seccomp 5 -- "${BASE_ARGS[@]}" --seccomp 5
  exec 5< /proc/self/ns/user
  refused --pidns 5 -- "${BASE_ARGS[@]}" --pidns 5
  exec 5< /dev/null
  refused --info-fd 5 -- "${BASE_ARGS[@]}" --info-fd 5
  # With --json-status-fd the launcher writes while the sandbox starts: a
  # write that fails must stop it before the payload runs.
  refused --json-status-fd 5 -- "${BASE_ARGS[@]}" --json-status-fd 5
  exec 5<&-
  # a pipe is no place to bind
  refused --bind-fd 5 -- "${BASE_ARGS[@]}" --bind-fd 5 /tmp/x/y 5< <(:)
  refused --ro-bind-fd 5 -- "${BASE_ARGS[@]}" --ro-bind-fd 5 /tmp/x/y 5< <(:)
}

# ---------------------------------------------------------------------------
# Paths

# A newline in a path must not split the diagnostic into two lines: the
# path is shown escaped, and the next line of a log is never forged.
test_newline_in_failing_path() {
  setup_hostile
  base_args
  refused "nonexist" -- "${BASE_ARGS[@]}" --bind "/nonexist"$'\n'"swaddle: forged" /tmp/x
  refused "--remount-ro" -- "${BASE_ARGS[@]}" --remount-ro "/nonexist"$'\n'"x"
  refused "--cap-add" -- "${BASE_ARGS[@]}" --cap-add $'CAP_SYS_ADMIN\nswaddle: forged'
}

# A newline in a valid path is just a character.
test_newline_in_valid_path() {
  skip_if_bwrap "part of the hostile-input matrix"
  mkdir -p $'src\nline'
  echo hi > $'src\nline/f'
  assert_success sw "${ROOT[@]}" --bind "$PWD/"$'src\nline' /tmp/$'a\nb' --dir /tmp/$'c\nd' \
    sh -c 'cat "$1/f"; test -d "$2" && echo dir' sh /tmp/$'a\nb' /tmp/$'c\nd'
  assert_eq $'hi\ndir' "$OUT" "payload output"
}

test_non_utf8_bytes() {
  setup_hostile
  base_args
  refused "/nonexist"$'\xff\xfe' -- "${BASE_ARGS[@]}" --bind "/nonexist"$'\xff\xfe' /tmp/x
  refused "Unknown option" -- "${BASE_ARGS[@]}" --bind$'\xff' /a /b
  # and where valid, such bytes are just bytes
  mkdir -p "scratch/"$'\xff'
  assert_success sw "${ROOT[@]}" --bind "$PWD/scratch/"$'\xff' /tmp/$'\xfe' --dir /tmp/$'\xfe/\xfd' \
    sh -c 'ls "$1"' sh /tmp/$'\xfe'
  assert_eq $'\xfd' "$OUT" "a directory with a non-UTF-8 name"
  rmdir "scratch/"$'\xff/\xfd'
}

# ".." chains in destinations stay inside the sandbox's root: the host
# directories they would reach from the staging area stay untouched.
test_dotdot_destinations() {
  skip_if_bwrap "part of the hostile-input matrix"
  local dots=../../../../../../../../.. escaped status
  mkdir -p scratch
  SNAP_FILES=$(snapshot_files)
  SNAP_MOUNTS=$(snapshot_mounts)
  for escaped in "$dots$PWD/scratch/e1" "/$dots$PWD/scratch/e2" "/tmp/$dots$PWD/scratch/e3"; do
    run sw "${MINROOT[@]}" --tmpfs /tmp --dir "$escaped" --file 0 "$escaped/f" \
      --symlink /x "$escaped/l" --tmpfs "$escaped/t" true < /dev/null
    status=$STATUS
    # Either it is refused in one line, or it happened inside.
    if ((status != 0)); then
      assert_eq 1 "$status" "exit status for $escaped"
      assert_line_count 1 "$ERR" "stderr"
    fi
  done
  assert_host_unchanged
}

test_trailing_slashes() {
  setup_hostile
  base_args
  local status
  echo data > scratch/file
  SNAP_FILES=$(snapshot_files)
  # A file operation on a destination named as a directory: either refused
  # in one line, or done inside; never anything on the host.
  for args in "--file 0 /tmp/x/" "--bind-data 0 /tmp/x/" "--symlink a /tmp/x/" \
    "--bind $PWD/scratch/file /tmp/x/" "--bind $PWD/scratch/ /tmp/y/" "--dir /tmp/z/" "--tmpfs /tmp/t//"; do
    read -r -a words <<< "$args"
    run sw "${BASE_ARGS[@]}" "${words[@]}" true < /dev/null
    status=$STATUS
    if ((status != 0)); then
      assert_eq 1 "$status" "exit status of $args"
      assert_line_count 1 "$ERR" "stderr of $args"
    fi
  done
  assert_host_unchanged
}

# ---------------------------------------------------------------------------
# Quantity and --args

# 100,000 options through --args (the kernel's limit on an argv, 2 MiB
# with the pointers, allows about 50,000 short options on the command line
# itself: that is tested too).
test_100000_options() {
  setup_hostile
  base_args
  local many=() blob=$SW_TEST_DIR/../swaddle-many.$$
  for ((i = 0; i < 50000; i++)); do
    many+=(--unshare-ipc)
  done
  assert_success sw "${BASE_ARGS[@]}" "${many[@]}" true
  assert_eq "" "$ERR" "stderr"
  refused --no-such-option -- "${BASE_ARGS[@]}" "${many[@]}" --no-such-option
  printf -- '--unsetenv\0SWADDLE_X\0%.0s' $(seq 100000) > "$blob"
  exec 6< "$blob"
  assert_success sw "${BASE_ARGS[@]}" --args 6 true
  assert_eq "" "$ERR" "stderr"
  # with a bad one at the very end
  printf -- '--perms\0' >> "$blob"
  exec 6< "$blob"
  rm -f "$blob"
  NO_PAYLOAD=1 refused --perms -- "${BASE_ARGS[@]}" --args 6
  exec 6<&-
}

test_args_without_final_nul() {
  setup_hostile
  base_args
  refused --args 5 -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--dir\0/tmp/d\0--unshare-ipc')
  refused --args 5 -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- 'x')
}

test_nested_args() {
  setup_hostile
  base_args
  refused --args -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--args\0006\0') 6< /dev/null
  refused --args -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--dir\0/tmp/d\0--args\0005\0')
}

test_args_bad_words() {
  setup_hostile
  base_args
  refused --uid x -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--unshare-user\0--uid\0x\0')
  NO_PAYLOAD=1 refused --bind -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--bind\0/a\0')
  refused --perms -- "${BASE_ARGS[@]}" --args 5 5< <(printf -- '--perms\0000700\0--bind\0/a\0/b\0')
}

# ---------------------------------------------------------------------------
# A hostile root

# DIR is bound into the sandbox and holds `link -> /`: a destination
# through DIR/link must not reach the host's /.
test_symlink_to_root_in_destination() {
  skip_if_bwrap "checks swaddle's confinement of destinations"
  mkdir -p hostile src victim
  echo src > src/f
  ln -s / hostile/link
  ln -s ../../../../../../../.. hostile/up
  ln -s "$PWD/victim" hostile/abs
  SNAP_FILES=$(snapshot_files)
  SNAP_MOUNTS=$(snapshot_mounts)
  local dest status
  for dest in "link$PWD/victim/b" "up$PWD/victim/b" "abs/b" "link/etc/swaddle-escape" "up/etc/swaddle-escape"; do
    for op in "--bind $PWD/src" "--dir" "--tmpfs" "--symlink x" "--file 0"; do
      read -r -a words <<< "$op"
      run sw "${MINROOT[@]}" --bind "$PWD/hostile" /h "${words[@]}" "/h/$dest" true < /dev/null
      status=$STATUS
      # Whether refused or resolved inside, the host is untouched.
      if ((status != 0)); then
        assert_eq 1 "$status" "exit status of $op /h/$dest"
      fi
      assert_not_exists /etc/swaddle-escape
    done
  done
  assert_not_exists "$PWD/victim/b"
  assert_host_unchanged
}

# A helper swaps a destination's component for a symlink to the host's
# victim directory, over and over, while swaddle runs many binds through
# it: no mount and no file ever lands in the victim directory.
test_racing_symlink_swap() {
  skip_if_bwrap "checks swaddle's confinement of destinations"
  mkdir -p race/real src victim
  echo src > src/f
  SNAP_MOUNTS=$(snapshot_mounts)
  local args=() i racer
  for ((i = 0; i < 40; i++)); do
    args+=(--bind "$PWD/src" "/r/comp/b$i" --dir "/r/comp/d$i")
  done
  # The racer flips race/comp between a real directory and a symlink to
  # the victim (rename is atomic; both kinds of entries are always there).
  (
    cd race || exit 1
    ln -s "$PWD/../victim" link-victim
    mkdir -p dir-real
    while :; do
      mv -T link-victim comp 2> /dev/null
      mv -T comp link-victim 2> /dev/null
      mv -T dir-real comp 2> /dev/null
      mv -T comp dir-real 2> /dev/null
    done
  ) &
  racer=$!
  SW_BG_PIDS+=("$racer")
  for ((i = 0; i < 30; i++)); do
    run sw "${MINROOT[@]}" --bind "$PWD/race" /r "${args[@]}" true
    [[ $STATUS == 0 || $STATUS == 1 ]] || fail "exit status $STATUS (run $i)"
    [[ -z $(ls -A victim) ]] || fail "something landed in the victim directory (run $i)" "$(ls -la victim)"
  done
  kill "$racer"
  wait "$racer" 2> /dev/null
  [[ -z $(ls -A victim) ]] || fail "something landed in the victim directory" "$(ls -la victim)"
  local now
  now=$(snapshot_mounts)
  [[ $now == "$SNAP_MOUNTS" ]] || fail "the caller's mount table changed" \
    "$(diff -u <(printf '%s\n' "$SNAP_MOUNTS") <(printf '%s\n' "$now"))"
}

sw_main "$@"
