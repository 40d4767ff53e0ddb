#!/bin/bash
# The Debian package (debian/): built with `dpkg-buildpackage -us -uc -b`
# from a copy of the source tree, lintian finds no error in it, and once
# installed with dpkg, /usr/bin/swaddle starts a sandbox for root and for an
# unprivileged user and `man swaddle` shows the page.  The package is purged
# at the end, and on every way out of the test (a trap), so that the machine
# is left as it was.
#
# Runs once, in root mode: installing a package needs root.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Resolved now: each test runs after a cd into its own directory.
THIS_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
readonly THIS_DIR

# dpkg-buildpackage configures, builds, runs the unit tests and packs; on a
# small, busy machine that needs more than the default limit.
((SW_TEST_TIMEOUT >= 600)) || SW_TEST_TIMEOUT=600

readonly PACKAGE=swaddle
readonly UNPRIVILEGED_ID=65534
# Held while the package is installed, so that two suites running at once
# do not install and purge it under each other.
readonly LOCK_FILE=/run/lock/swaddle-88-deb.lock

# source_dir: the source tree, SWADDLE_SOURCE_DIR when set (run-suite stages
# only lib.sh and the integration files), else the tree this file is in.
source_dir() {
  local dir
  for dir in ${SWADDLE_SOURCE_DIR:+"$SWADDLE_SOURCE_DIR"} "$THIS_DIR/../.."; do
    if [[ -f $dir/meson.build && -d $dir/debian ]]; then
      (cd "$dir" && pwd)
      return 0
    fi
  done
  return 1
}

# package_state: dpkg's abbreviated status of the package ("ii " when
# installed), empty when dpkg does not know it.
package_state() {
  dpkg-query -W -f='${db:Status-Abbrev}' "$PACKAGE" 2> /dev/null
}

package_is_absent() {
  local state
  state=$(package_state)
  [[ -z $state || $state == un* || $state == pn* ]]
}

# copy_tree SRC DEST: the source tree without build directories, VCS data or
# what an earlier in-tree package build left, as a clean clone would have it.
copy_tree() {
  mkdir -p "$2" || return 1
  tar -C "$1" -cf - \
    --exclude=./.git --exclude=./build --exclude='./build-*' --exclude='./obj-*' \
    --exclude=./debian/.debhelper --exclude=./debian/swaddle --exclude=./debian/files \
    --exclude=./debian/debhelper-build-stamp --exclude='./debian/*.substvars' \
    --exclude='./debian/*.debhelper.log' . |
    tar -C "$2" -xf -
}

INSTALLED_BY_TEST=0

# purge_package: undo the installation, if this test made it.
purge_package() {
  ((INSTALLED_BY_TEST)) || return 0
  INSTALLED_BY_TEST=0
  dpkg --purge "$PACKAGE" > /dev/null 2>&1 || echo "cleanup: dpkg --purge $PACKAGE failed" >&2
}

deb_cleanup() {
  purge_package
  sw_teardown_test
}

# show_build_failure LOG: the lines of a failed build that tell why.
show_build_failure() {
  show_block "errors and failed tests" "$(grep -E '^not ok|Assertion failed|error:|Error [0-9]|undefined reference' "$1" | head -n 20)"
  show_block "end of the build log" "$(tail -n 25 "$1")"
}

run_once() {
  source_tree_test "the Debian package"
}

test_changelog_version_is_the_project_version() {
  run_once
  require_cmd meson dpkg-parsechangelog
  local src meson_version
  src=$(source_dir) || skip "the source tree was not found: set SWADDLE_SOURCE_DIR"
  meson_version=$(meson introspect --projectinfo "$src/meson.build" | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
  assert_success dpkg-parsechangelog -l "$src/debian/changelog" -S Version
  assert_eq "$meson_version" "$OUT" "the version of debian/changelog (a native package: meson.build's version)"
}

test_deb_builds_installs_and_runs() {
  run_once
  is_root || skip "installing a package needs root"
  command -v dpkg-buildpackage > /dev/null || skip "dpkg-buildpackage is not installed (package dpkg-dev)"
  require_cmd dpkg dpkg-checkbuilddeps dpkg-parsechangelog lintian setpriv flock man
  local src tree version deb log lock_fd state page file
  src=$(source_dir) || skip "the source tree with debian/ was not found: set SWADDLE_SOURCE_DIR"
  version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version) || fail "cannot read debian/changelog"

  # Build from a copy: dpkg-buildpackage writes the packages to ../.
  tree=$SW_TEST_DIR/$PACKAGE-$version
  copy_tree "$src" "$tree" || fail "cannot copy $src to $tree"
  cd "$tree" || exit 1
  run dpkg-checkbuilddeps
  [[ $STATUS == 0 ]] || skip "build dependencies are missing: ${ERR##*: }"
  log=$SW_TEST_DIR/build.log
  LAST_CMD=
  dpkg-buildpackage -us -uc -b --jobs-try=auto > "$log" 2>&1 < /dev/null ||
    fail "dpkg-buildpackage -us -uc -b failed" "$(show_build_failure "$log")"
  cd "$SW_TEST_DIR" || exit 1
  deb=$SW_TEST_DIR/${PACKAGE}_${version}_$(dpkg --print-architecture).deb
  [[ -f $deb ]] || fail "dpkg-buildpackage made no $deb" "$(show_block "in $SW_TEST_DIR" "$(ls "$SW_TEST_DIR")")"

  # lintian: warnings are allowed, errors are not.
  run lintian --fail-on error "$deb"
  [[ $STATUS == 0 ]] || fail "lintian reports errors in $(basename "$deb")"

  # Install, with the lock held until the package is purged again.
  exec {lock_fd}> "$LOCK_FILE" || fail "cannot open $LOCK_FILE"
  flock -w 300 "$lock_fd" || fail "another run held $LOCK_FILE for 5 minutes"
  package_is_absent ||
    skip "the $PACKAGE package is installed on this machine ($(package_state)); the test would replace it and remove it (dpkg --purge $PACKAGE first)"
  [[ ! -e /usr/bin/swaddle ]] || skip "/usr/bin/swaddle exists, installed by hand; the package would overwrite it"
  trap deb_cleanup EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  INSTALLED_BY_TEST=1
  assert_success dpkg -i "$deb"
  state=$(package_state)
  assert_eq "ii " "$state" "dpkg's status of $PACKAGE after dpkg -i"

  assert_success /usr/bin/swaddle --version
  assert_eq "swaddle $version" "${OUT%%$'\n'*}" "the first line of /usr/bin/swaddle --version"

  # A sandbox, as root and as an unprivileged user (from /, which that user
  # can reach: the test directory is root's).
  assert_success /usr/bin/swaddle --ro-bind / / true
  cd / || exit 1
  run setpriv --reuid "$UNPRIVILEGED_ID" --regid "$UNPRIVILEGED_ID" --clear-groups \
    /usr/bin/swaddle --ro-bind / / id -u
  cd "$SW_TEST_DIR" || exit 1
  [[ $STATUS == 0 ]] || fail "the installed swaddle cannot start a sandbox for uid $UNPRIVILEGED_ID"
  assert_eq "$UNPRIVILEGED_ID" "$OUT" "id -u in the sandbox of uid $UNPRIVILEGED_ID"

  # The man page, where man finds it.
  run man -w swaddle
  if [[ $STATUS != 0 ]]; then
    grep -qs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/* &&
      fail "man -w swaddle finds no page: dpkg is told not to install man pages (path-exclude in /etc/dpkg/dpkg.cfg.d)"
    fail "man -w swaddle finds no page"
  fi
  assert_eq /usr/share/man/man1/swaddle.1.gz "$OUT" "man -w swaddle"
  run env MANPAGER=cat MANWIDTH=100 man swaddle
  page=$OUT
  assert_eq 0 "$STATUS" "exit status of man swaddle"
  assert_contains "$page" "COMPATIBILITY WITH BWRAP" "man swaddle"

  # The completions, where each shell looks for packaged ones.
  for file in /usr/share/bash-completion/completions/swaddle \
    /usr/share/zsh/vendor-completions/_swaddle \
    /usr/share/fish/vendor_completions.d/swaddle.fish; do
    [[ -f $file ]] || fail "the package did not install $file" "$(show_block "dpkg -L $PACKAGE" "$(dpkg -L "$PACKAGE")")"
  done

  # Purge: nothing of the package is left.
  assert_success dpkg --purge "$PACKAGE"
  INSTALLED_BY_TEST=0
  package_is_absent || fail "$PACKAGE is still known to dpkg after dpkg --purge: $(package_state)"
  for file in /usr/bin/swaddle /usr/share/man/man1/swaddle.1.gz /usr/share/doc/swaddle \
    /usr/share/bash-completion/completions/swaddle; do
    assert_not_exists "$file"
  done
}

sw_main "$@"
