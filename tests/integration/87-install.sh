#!/bin/bash
# `meson install` into a DESTDIR: one fresh configure, build and install of
# the source tree, with --prefix=/usr, -Dbwrap_link=true and
# -Dapparmor_profile=true, as a distribution would, and the installed tree
# checked: the binary and its bwrap link, the man page, the shell completions
# where each shell's own packages put theirs on Debian, the AppArmor profile,
# and nothing else.
#
# Runs once, in root mode: building needs no privilege, but it takes a while
# and is the same build in every mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Resolved now: each test runs after a cd into its own directory.
THIS_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
readonly THIS_DIR

# A configure and build from scratch needs more than the default limit on a
# small machine.
((SW_TEST_TIMEOUT >= 300)) || SW_TEST_TIMEOUT=300

# source_dir: the source tree, SWADDLE_SOURCE_DIR when set (run-suite stages
# only lib.sh and the integration files), else the tree this file is in.
source_dir() {
  local dir
  for dir in ${SWADDLE_SOURCE_DIR:+"$SWADDLE_SOURCE_DIR"} "$THIS_DIR/../.."; do
    if [[ -f $dir/meson.build && -f $dir/meson_options.txt ]]; then
      (cd "$dir" && pwd)
      return 0
    fi
  done
  return 1
}

# expected_dir NAME PKG-CONFIG-MODULE DEFAULT: where Debian's package for a
# shell looks for packaged completions (its pkg-config variable
# completionsdir when the .pc file is installed), else DEFAULT.
expected_dir() {
  local dir=
  if command -v pkg-config > /dev/null; then
    dir=$(pkg-config --variable=completionsdir "$2" 2> /dev/null)
  fi
  printf '%s\n' "${dir:-$3}"
}

# assert_installed_file PATH [MODE]: a regular file in the DESTDIR.
assert_installed_file() {
  [[ -f $DEST$1 && ! -L $DEST$1 ]] || fail "$1 was not installed as a regular file" \
    "$(show_block "installed files" "$(installed_files)")"
  [[ -z ${2:-} ]] || assert_file_mode "$2" "$DEST$1"
}

# installed_files: every file and link below DEST, as absolute paths, sorted.
installed_files() {
  (cd "$DEST" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
}

run_once() {
  source_tree_test "meson install"
}

test_meson_install_into_destdir() {
  run_once
  require_cmd meson ninja
  local src build version man_page bash_dir fish_dir zsh_dir expected
  src=$(source_dir) || skip "the source tree was not found: set SWADDLE_SOURCE_DIR"
  build=$SW_TEST_DIR/build
  DEST=$SW_TEST_DIR/dest

  run meson setup "$build" "$src" --prefix=/usr \
    -Dbwrap_link=true -Dapparmor_profile=true -Dtests=false
  [[ $STATUS == 0 ]] || fail "meson setup failed" "$(tail -n 30 "$build/meson-logs/meson-log.txt" 2> /dev/null)"
  run ninja -C "$build"
  [[ $STATUS == 0 ]] || fail "the build failed" "$(show_block "ninja" "$(grep -v '^\[' <<< "$OUT" | tail -n 30)")"
  assert_success meson install -C "$build" --no-rebuild --destdir "$DEST"

  version=$(meson introspect --projectinfo "$build" | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
  [[ -n $version ]] || fail "no project version in meson introspect --projectinfo"

  # The binary, and the link that makes `bwrap` run it.
  assert_installed_file /usr/bin/swaddle 755
  assert_success "$DEST/usr/bin/swaddle" --version
  assert_eq "swaddle $version" "${OUT%%$'\n'*}" "the first line of swaddle --version"
  [[ -L $DEST/usr/bin/bwrap ]] || fail "/usr/bin/bwrap was not installed as a symbolic link"
  assert_eq swaddle "$(readlink "$DEST/usr/bin/bwrap")" "the target of the bwrap link (relative, next to it)"
  assert_success "$DEST/usr/bin/bwrap" --version

  # The man page, when the man feature found scdoc.
  man_page=
  if command -v scdoc > /dev/null; then
    man_page=/usr/share/man/man1/swaddle.1
    assert_installed_file "$man_page" 644
    assert_match "$(grep -m 1 '^\.TH' "$DEST$man_page")" "^\\.TH \"SWADDLE\" \"1\" .*\"swaddle $version\"" \
      "the .TH line of the man page"
  fi

  # Completions, each where Debian's package of that shell has its own.
  bash_dir=$(expected_dir bash bash-completion /usr/share/bash-completion/completions)
  fish_dir=$(expected_dir fish fish /usr/share/fish/vendor_completions.d)
  zsh_dir=/usr/share/zsh/vendor-completions
  if command -v zsh > /dev/null; then
    assert_contains "$(zsh -fc 'print -l $fpath')" "$zsh_dir" "zsh's \$fpath"
  fi
  assert_installed_file "$bash_dir/swaddle" 644
  assert_installed_file "$zsh_dir/_swaddle" 644
  assert_installed_file "$fish_dir/swaddle.fish" 644
  cmp -s "$src/completions/bash/swaddle" "$DEST$bash_dir/swaddle" || fail "the installed bash completion differs from completions/bash/swaddle"

  # The AppArmor profile, in /etc (meson's sysconfdir for --prefix=/usr).
  assert_installed_file /etc/apparmor.d/swaddle 644
  cmp -s "$src/apparmor/swaddle" "$DEST/etc/apparmor.d/swaddle" || fail "the installed AppArmor profile differs from apparmor/swaddle"

  # Nothing else: no test helper, no stray file.
  expected=$(printf '%s\n' /etc/apparmor.d/swaddle /usr/bin/bwrap /usr/bin/swaddle \
    "$bash_dir/swaddle" "$fish_dir/swaddle.fish" "$zsh_dir/_swaddle" ${man_page:+"$man_page"} | LC_ALL=C sort)
  assert_eq "$expected" "$(installed_files)" "the installed files"
}

sw_main "$@"
