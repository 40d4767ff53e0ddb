#!/bin/bash
# The manual page (man/swaddle.1.scd, built by meson into man/swaddle.1): it
# documents every option `swaddle --help` lists, in the groups of --help, with
# the sections issue 8 asks for, quotes the interface messages of COMPAT.md,
# and lints clean with groff and mandoc.
#
# --help leaves out the options swaddle recognises but does not support yet;
# the page documents them already.  An option the page documents beyond
# --help must therefore be refused by swaddle with "... not support ...".
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# Resolved now, before sw_main changes directory.  The page is looked for
# where tests/run-suite stages it (man/ next to tests/), in SW_BUILD_DIR,
# and in the build directory of a source tree.
MAN_TOP=${SW_SOURCE_DIR:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
MAN_SOURCE=$MAN_TOP/man/swaddle.1.scd
MAN_BUILT=
for candidate in "$MAN_TOP/man/swaddle.1" ${SW_BUILD_DIR:+"$SW_BUILD_DIR/man/swaddle.1"} \
  "$MAN_TOP/build/man/swaddle.1"; do
  if [[ -f $candidate ]]; then
    MAN_BUILT=$candidate
    break
  fi
done
unset candidate

readonly STAGING="tests/run-suite must copy man/swaddle.1.scd and BUILDDIR/man/swaddle.1 to man/ next to tests/"

# man_roff: the page as roff on stdout: the built one, else scdoc's output
# for the source (good enough to read, not to lint).
man_roff() {
  [[ -f $MAN_SOURCE ]] || fail "$MAN_SOURCE is missing ($STAGING)"
  if [[ -n $MAN_BUILT ]]; then
    cat "$MAN_BUILT"
  elif command -v scdoc > /dev/null; then
    sed 's/@VERSION@/test/' "$MAN_SOURCE" | scdoc
  else
    skip "scdoc is not installed, so the page was not built and cannot be read"
  fi
}

# render: set PAGE to the page as plain text, in lines long enough that no
# option entry is broken.
render() {
  man_roff > page.roff || exit 1
  if command -v mandoc > /dev/null; then
    PAGE=$(mandoc -T ascii -O width=200 page.roff | sed 's/.\x08//g')
  elif command -v groff > /dev/null; then
    PAGE=$(groff -man -T ascii -P -cbou -r LL=200n page.roff)
  else
    skip "neither mandoc nor groff is installed to render the page"
  fi
  [[ -n $PAGE ]] || fail "the page renders empty"
}

# section_text TITLE NEXT-TITLE: the lines of PAGE between two section headings.
section_text() {
  printf '%s\n' "$PAGE" | awk -v from="$1" -v to="$2" '
    $0 == from { inside = 1; next }
    $0 == to { inside = 0 }
    inside'
}

# documented_options: the option entries of the OPTIONS section, sorted: a
# line of the section's body indentation that begins with "--" and is
# followed by an indented description.
documented_options() {
  section_text OPTIONS "EXIT STATUS" | awk '
    /^        / && term != "" { print term }
    { term = "" }
    /^       --[a-z0-9]/ { term = $1 }' | sort -u
}

help_options() {
  assert_success sw --help
  printf '%s\n' "$OUT" | awk '/^    --/ { print $1 }' | sort -u
}

# The lint tests need the page as meson built it.  meson builds it when
# scdoc is installed (the `man` feature is `auto`).
require_built_page() {
  [[ -n $MAN_BUILT ]] && return 0
  command -v scdoc > /dev/null || skip "scdoc is not installed, so meson did not build the page"
  fail "scdoc is installed, but no built page was found in $MAN_TOP/man," \
    "\$SW_BUILD_DIR/man or $MAN_TOP/build/man ($STAGING)"
}

# The binary under test must be swaddle: the man page describes swaddle, whose
# options bubblewrap does not all have.
require_swaddle() {
  is_bwrap && skip "the man page is swaddle's, not bubblewrap's"
  return 0
}

# ---------------------------------------------------------------------------

test_every_option_of_help_is_documented() {
  require_swaddle
  local help documented missing extra option
  render
  help=$(help_options) || exit 1
  documented=$(documented_options)
  [[ -n $documented ]] || fail "no option entry found in the OPTIONS section" "$(show_block page "$PAGE")"
  missing=$(comm -23 <(printf '%s\n' "$help") <(printf '%s\n' "$documented"))
  [[ -z $missing ]] || fail "the man page does not document options that --help lists:" "$missing"
  extra=$(comm -13 <(printf '%s\n' "$help") <(printf '%s\n' "$documented"))
  for option in $extra; do
    run timeout 10 "${SW_CMD[@]}" "$option" 0 0 0 true
    if [[ $STATUS == 0 || $ERR != *"not support"* ]]; then
      fail "the man page documents $option, which --help does not list," \
        "and swaddle does not refuse it as not supported yet (so --help should list it," \
        "or the page should not document it)"
    fi
  done
}

test_options_are_grouped_as_help_groups_them() {
  require_swaddle
  render
  local groups headings
  groups=$(section_text OPTIONS "EXIT STATUS" | awk '/^   [^ ]/ { sub(/^ +/, ""); print }')
  assert_success sw --help
  headings=$(sed -n 's/^\([A-Z][A-Za-z ]*\):$/\1/p' <<< "$OUT")
  [[ -n $headings ]] || fail "--help has no group headings" "$(show_block help "$OUT")"
  assert_eq "$headings" "$groups" "the option groups of the page, against the headings of --help"
  # Each option sits under the same heading in both.
  local option help_group page_group
  for option in --check --unshare-pid --setenv --sync-fd --bind --seccomp --pty; do
    help_group=$(awk -v o="$option" '/^[A-Z].*:$/ { g = $0 } $1 == o { sub(/:$/, "", g); print g }' <<< "$OUT")
    page_group=$(section_text OPTIONS "EXIT STATUS" | awk -v o="$option" '/^   [^ ]/ { g = $0; sub(/^ +/, "", g) } $1 == o { print g; exit }')
    assert_eq "$help_group" "$page_group" "the group of $option"
  done
}

test_page_has_its_sections() {
  require_swaddle
  render
  local sections
  sections=$(printf '%s\n' "$PAGE" | awk '/^[A-Z][A-Z ]+$/')
  assert_eq "NAME
SYNOPSIS
DESCRIPTION
OPTIONS
EXIT STATUS
ENVIRONMENT
DIAGNOSTICS
EXAMPLES
SECURITY NOTES
COMPATIBILITY WITH BWRAP
SEE ALSO" "$sections" "the sections of the page"
}

# The messages scripts match on (COMPAT.md), word for word.
test_diagnostics_quote_the_interface_messages() {
  require_swaddle
  render
  local text message
  text=$(section_text DIAGNOSTICS EXAMPLES | tr -s ' \n' '  ')
  for message in \
    "Can't find source path SRC: No such file or directory" \
    "Can't make symlink at DEST: existing destination is TARGET" \
    "Only the last --chdir option will take effect" \
    "--overlay requires at least one --overlay-src" \
    "--tmp-overlay requires at least one --overlay-src" \
    "--ro-overlay requires at least two --overlay-src" \
    "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"; do
    assert_contains "$text" "$message" "the DIAGNOSTICS section"
  done
}

test_examples_cover_the_cases_of_issue_8() {
  require_swaddle
  render
  local text
  text=$(section_text EXAMPLES "SECURITY NOTES")
  assert_contains "$text" "swaddle --ro-bind / / --unshare-all --tmpfs /tmp sh" "the CI one-liner"
  assert_contains "$text" "-- make" "the opam-style build"
  assert_contains "$text" "--as-pid-1 --unshare-pid" "booting a root filesystem"
  assert_contains "$text" "/sbin/init" "booting a root filesystem"
  assert_contains "$text" "--seccomp" "the flatpak-style runtime"
  assert_contains "$text" "swaddle --check" "the host check"
}

test_page_lints_clean_with_groff() {
  require_swaddle
  require_built_page
  require_cmd groff
  run groff -ww -man -z "$MAN_BUILT"
  assert_eq 0 "$STATUS" "exit status of groff -ww -man -z"
  assert_eq "" "$ERR$OUT" "warnings of groff -ww -man -z $MAN_BUILT"
}

test_page_lints_clean_with_mandoc() {
  require_swaddle
  require_built_page
  require_cmd mandoc
  run mandoc -T lint "$MAN_BUILT"
  assert_eq 0 "$STATUS" "exit status of mandoc -T lint"
  assert_eq "" "$ERR$OUT" "messages of mandoc -T lint $MAN_BUILT"
}

sw_main "$@"
