#!/bin/bash
# The command line: help, version, usage errors, `--`, `--args`, bad values.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

readonly USAGE_TAIL='[OPTIONS...] [--] COMMAND [ARGS...]'

test_help_names_argv0_as_invoked() {
  ln -s "$SWADDLE" my-sandbox
  # No sys-deny wrapper here: its exec must not be what is tested.
  assert_status 0 ./my-sandbox --help
  assert_eq "usage: ./my-sandbox $USAGE_TAIL" "$(head -n 1 <<< "$OUT")" "first line of --help"
  assert_eq "" "$ERR" "stderr of --help"
}

test_help_lists_the_options() {
  local option
  assert_status 0 sw --help
  for option in --args --unshare-all --bind --ro-bind --dev-bind --tmpfs --proc --dev \
    --symlink --perms --size --chdir --setenv --clearenv --new-session \
    --die-with-parent --as-pid-1; do
    assert_match "$OUT" "(^|[[:space:]])${option}[[:space:]]" "--help output"
  done
}

test_help_ignores_a_command_after_it() {
  assert_status 0 sw --help touch "$MARKER"
  assert_not_exists "$MARKER"
}

test_version_prints_prog_and_version() {
  assert_status 0 sw --version
  assert_match "$(head -n 1 <<< "$OUT")" '^[^ ]+ [0-9]+\.[0-9]+(\.[0-9]+)?$' "--version's first line"
  is_bwrap && return 0
  # The features of the build, and the mount interface the kernel gives:
  # under the fallback modes' seccomp filter, mount(2).
  assert_line_count 3 "$OUT" "swaddle --version"
  assert_match "$(sed -n 2p <<< "$OUT")" '^selinux: (yes|no) ' "the selinux line"
  local interface="new mount API"
  is_fallback && interface="mount(2)"
  assert_match "$(sed -n 3p <<< "$OUT")" '^mounts: ' "the mount interface line"
  assert_eq "this kernel: $interface" "$(sed -n 's/.*; //p' <<< "$OUT")" "the mount interface line's end"
}

# Skips unless $SWADDLE was built with -Dstatic_pie=true (the default).
require_static_pie_build() {
  local options=${SWADDLE%/*}/build-options.json
  [[ -f $options ]] || options=${SWADDLE%/*}/meson-info/intro-buildoptions.json
  [[ -f $options ]] || skip "the build options of $SWADDLE are unknown (not from a meson build directory)"
  local static
  static=$(/usr/bin/python3 -c 'import json, sys
print(next(o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "static_pie"))' "$options")
  [[ $static == True ]] || skip "built with -Dstatic_pie=false"
}

# -Dstatic_pie=true (the default): no dynamic loader, no shared library.
test_static_pie_build_loads_nothing() {
  skip_if_bwrap
  require_cmd readelf
  require_static_pie_build
  run readelf -lW "$SWADDLE"
  assert_contains "$OUT" "DYN (Position-Independent Executable file)" "the ELF type (a PIE)"
  assert_not_contains "$OUT" "INTERP" "the program headers (a dynamic loader)"
  run readelf -dW "$SWADDLE"
  assert_not_contains "$OUT" "(NEEDED)" "the dynamic section (shared libraries)"
}

# libcap and libselinux are inside the static binary: their code (by its
# symbols) and their data (libcap's capability names, libselinux's
# configuration path), with still no shared library to load.
test_static_pie_contains_libcap_and_libselinux() {
  skip_if_bwrap
  require_cmd readelf
  require_cmd nm
  require_static_pie_build
  run readelf -dW "$SWADDLE"
  assert_not_contains "$OUT" "(NEEDED)" "the dynamic section (shared libraries)"
  local symbols strings
  symbols=$(nm "$SWADDLE" 2> /dev/null)
  [[ -n $symbols ]] || skip "$SWADDLE is stripped"
  strings=$(LC_ALL=C tr -c '[:print:]' '\n' < "$SWADDLE")
  local symbol
  for symbol in cap_from_name cap_to_name cap_max_bits cap_get_proc cap_set_proc cap_drop_bound; do
    assert_contains "$symbols"$'\n' " T $symbol"$'\n' "libcap's $symbol in the binary"
  done
  assert_contains "$strings" "cap_checkpoint_restore" "libcap's table of capability names"
  run "$SWADDLE" --version
  if [[ $(sed -n 2p <<< "$OUT") != "selinux: yes"* ]]; then
    assert_not_contains "$symbols" "setexeccon" "libselinux's code in a build without SELinux"
    return 0
  fi
  for symbol in is_selinux_enabled setexeccon_raw security_check_context_raw selinux_trans_to_raw_context; do
    assert_contains "$symbols"$'\n' " T $symbol"$'\n' "libselinux's $symbol in the binary"
  done
  assert_contains "$strings" "/etc/selinux/config" "libselinux's configuration path"
}

test_version_under_the_bwrap_name_is_one_line() {
  skip_if_bwrap
  ln -s "$SWADDLE" bwrap
  run "${SW_WRAP_ARGV[@]}" ./bwrap --version
  assert_eq 0 "$STATUS" "exit status"
  assert_match "$OUT" '^bwrap [0-9]+\.[0-9]+(\.[0-9]+)?$' "bwrap --version"
}

test_no_command_is_a_usage_error() {
  local args
  for args in "" "--ro-bind / /" "--unshare-net --ro-bind / / --"; do
    # shellcheck disable=SC2086 # the words are meant to split
    assert_status 1 sw $args
    assert_eq "" "$OUT" "stdout with argv '$args'"
    assert_match "$ERR" '^usage: ' "stderr with argv '$args'"
  done
}

test_unknown_option_is_rejected() {
  assert_setup_error "Unknown option --foo" --foo "${ROOT[@]}" "${HERE[@]}" touch "$MARKER"
}

test_double_dash_ends_the_options() {
  mkdir bin
  printf '#!/bin/sh\necho "ran $0 $*"\n' > bin/--dev-bind
  chmod 755 bin/--dev-bind
  assert_status 0 sw "${ROOT[@]}" "${HERE[@]}" --setenv PATH "$PWD/bin:/usr/bin:/bin" \
    -- --dev-bind / /
  assert_eq "ran $PWD/bin/--dev-bind / /" "$OUT" "output of a command named --dev-bind"
}

test_words_after_the_command_are_its_arguments() {
  assert_status 0 sw --ro-bind / / sh -c 'printf "%s\n" "$@"' sh --tmpfs /x --help
  assert_eq $'--tmpfs\n/x\n--help' "$OUT" "arguments seen by the payload"
}

test_args_fd_supplies_options() {
  nul_args args3 --ro-bind / / --setenv FROM_FD three
  assert_status 0 sw --args 3 sh -c 'echo "$FROM_FD"' 3< args3
  assert_eq three "$OUT" "value set through --args"
}

test_args_fd_given_twice() {
  nul_args args3 --ro-bind / / --setenv A three
  nul_args args4 --setenv B four
  assert_status 0 sw --args 3 --args 4 sh -c 'echo "$A $B"' 3< args3 4< args4
  assert_eq "three four" "$OUT" "values from two --args"
}

test_args_fd_is_spliced_at_its_position() {
  nul_args args3 --setenv V from-fd
  assert_status 0 sw --ro-bind / / --setenv V before --args 3 sh -c 'echo "$V"' 3< args3
  assert_eq from-fd "$OUT" "V with --args after --setenv"
  assert_status 0 sw --ro-bind / / --args 3 --setenv V after sh -c 'echo "$V"' 3< args3
  assert_eq after "$OUT" "V with --args before --setenv"
}

test_args_fd_may_hold_the_command() {
  skip_if_bwrap "0.8 stops at the first non-option in an --args file and drops the rest, command included"
  nul_args args3 --ro-bind / / -- sh -c 'echo "$0 $1"' zero one
  assert_status 0 sw --args 3 3< args3
  assert_eq "zero one" "$OUT" "command given through --args"
}

test_missing_option_argument_is_rejected() {
  local case
  for case in "--bind /" "--ro-bind /" "--setenv A" "--unsetenv" "--chdir" "--uid" \
    "--gid" "--hostname" "--tmpfs" "--dir" "--symlink x" "--perms" "--size" \
    "--args" "--chmod 0755" "--file 0" "--remount-ro"; do
    # shellcheck disable=SC2086 # the words are meant to split
    assert_setup_error "${case%% *}" "${ROOT[@]}" $case
  done
}

# bad_value_case WORD ARGS...: ARGS hold a bad value; the sandbox must not
# start, and neither the payload nor the operation after ARGS may happen.
bad_value_case() {
  local word=$1
  shift
  assert_setup_error "$word" "${ROOT[@]}" "${HERE[@]}" "$@" touch "$MARKER"
  assert_not_exists "$PWD/created"
}

test_bad_uid_and_gid_are_rejected() {
  bad_value_case uid --unshare-user --uid abc
  bad_value_case uid --unshare-user --uid 12x
  bad_value_case uid --unshare-user --uid -1
  bad_value_case gid --unshare-user --gid abc
  bad_value_case gid --unshare-user --gid ""
}

test_uid_out_of_range_is_rejected() {
  skip_if_bwrap "0.8 accepts --uid 99999999999 and truncates it to 1215752191"
  bad_value_case uid --unshare-user --uid 99999999999
  bad_value_case gid --unshare-user --gid 4294967296
}

test_bad_perms_are_rejected() {
  bad_value_case perms --perms 999 --dir "$PWD/created"
  bad_value_case perms --perms abc --dir "$PWD/created"
  bad_value_case perms --perms 17777 --dir "$PWD/created"
  bad_value_case perms --perms "" --dir "$PWD/created"
  bad_value_case chmod --chmod 999 "$PWD"
}

test_bad_sizes_are_rejected() {
  bad_value_case size --size 0 --tmpfs "$PWD/created"
  bad_value_case size --size abc --tmpfs "$PWD/created"
  bad_value_case size --size -1 --tmpfs "$PWD/created"
  bad_value_case size --size 12x --tmpfs "$PWD/created"
}

test_perms_given_twice_is_rejected() {
  bad_value_case perms --perms 0700 --perms 0755 --dir "$PWD/created"
}

test_size_given_twice_is_rejected() {
  bad_value_case size --size 4096 --size 8192 --tmpfs "$PWD/created"
}

test_perms_before_an_option_that_takes_none_is_rejected() {
  mkdir src
  bad_value_case perms --perms 0700 --bind "$PWD/src" "$PWD/created"
  bad_value_case perms --perms 0700 --chmod 0700 "$PWD"
}

test_perms_at_the_end_of_the_options_is_rejected() {
  skip_if_bwrap "0.8 ignores a --perms with no operation after it"
  bad_value_case perms --dir "$PWD/created" --perms 0700
}

test_size_before_anything_but_tmpfs_is_rejected() {
  bad_value_case size --size 4096 --dir "$PWD/created"
}

test_chdir_given_twice_warns_and_the_last_wins() {
  assert_status 0 sw --ro-bind / / --chdir /usr --chdir /etc pwd
  assert_eq /etc "$OUT" "cwd"
  assert_contains "$ERR" "Only the last --chdir option will take effect" "stderr"
}

test_argv0_sets_the_payload_argv0() {
  skip_if_bwrap "--argv0 is newer than bubblewrap 0.8"
  assert_status 0 sw --ro-bind / / --argv0 custom-name sh -c 'tr "\0" "\n" < /proc/$$/cmdline | head -n 1'
  assert_eq custom-name "$OUT" "argv[0] of the payload"
}

test_level_prefix_marks_errors_and_warnings() {
  skip_if_bwrap "--level-prefix is newer than bubblewrap 0.8"
  assert_status 1 sw --level-prefix --bind /nonexistent-swaddle-source /x true
  assert_match "$ERR" '^<3>' "stderr of a fatal error"
  assert_status 0 sw --level-prefix --ro-bind / / --chdir / --chdir / true
  assert_match "$ERR" '^<4>' "stderr of a warning"
}

# --print-plan: JSON lines, one per operation after the sandbox's, and
# nothing done: no payload, no lock file, no mount point, no fd read.
test_print_plan_prints_and_does_nothing() {
  skip_if_bwrap
  [[ -x /usr/bin/python3 ]] || skip "python3 is not installed"
  mkdir src
  run sw --print-plan --unshare-net --lock-file "$PWD/lock" --bind src /x/../y --tmpfs /t \
    --bind-try "$PWD/none" /n --file 9 /f --symlink a /b -- touch "$MARKER"
  assert_eq 0 "$STATUS" "exit status ($ERR)"
  assert_not_exists "$MARKER"
  assert_not_exists lock
  run /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin.read().splitlines()]
s = lines[0]["sandbox"]
print(s["namespaces"]["net"], s["lock_files"], s["command"])
for op in lines[1:]:
    print(op["step"], op["op"], op["dest"], op.get("resolved_source", "-"), ",".join(op.get("flags", [])))
' <<< "$OUT"
  assert_eq 0 "$STATUS" "the output parsed as JSON lines ($ERR)"
  assert_eq "new ['$PWD/lock'] ['touch', '$MARKER']
1 bind /y $PWD/src nosuid,nodev,recursive
2 tmpfs /t - nosuid,nodev
3 bind /n None nosuid,nodev,recursive
4 file /f - 
5 symlink /b - " "$OUT" "the plan"
}

# JSON is Unicode text: a path's bytes that are not UTF-8 become U+FFFD.
test_print_plan_writes_valid_json_for_any_path() {
  skip_if_bwrap
  [[ -x /usr/bin/python3 ]] || skip "python3 is not installed"
  local odd=$'caf\xc3\xa9-\xff\xfe'
  mkdir "$odd"
  run sw --print-plan --ro-bind "$PWD/$odd" "/$odd" true
  assert_eq 0 "$STATUS" "exit status ($ERR)"
  run /usr/bin/python3 -c '
import json, sys
data = sys.stdin.buffer.read()
ops = [json.loads(l) for l in data.decode("utf-8").splitlines()][1:]
print(ops[0]["dest"], ops[0]["resolved_source"])
' <<< "$OUT"
  assert_eq 0 "$STATUS" "the output parsed as UTF-8 JSON lines ($ERR)"
  assert_eq $'/caf\u00e9-\ufffd\ufffd '"$PWD/caf"$'\u00e9-\ufffd\ufffd' "$OUT" "the destination and source"
}

test_print_plan_still_refuses_bad_input() {
  skip_if_bwrap
  run sw --print-plan --hostname h true
  assert_eq 1 "$STATUS" "exit status"
  assert_eq "" "$OUT" "stdout"
  assert_contains "$ERR" "--hostname h requires --unshare-uts" "the message"
}

sw_main "$@"
