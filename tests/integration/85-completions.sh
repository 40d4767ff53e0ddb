#!/bin/bash
# Shell completions (completions/{bash,zsh,fish}): each shell, run for real,
# offers exactly the options `swaddle --help` lists, and completes option
# arguments by kind and the command after the options.
#
# --help leaves out the options swaddle recognises but does not support yet;
# the completions cover them already.  An option a completion offers beyond
# --help must therefore be refused by swaddle with "... not support ...": the
# gap stays visible, and the check turns strict by itself once --help lists
# everything.
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# The tree holding completions/: the source tree, or the copy tests/run-suite
# stages next to tests/.  Resolved now, before sw_main changes directory.
COMPLETIONS_DIR=${SW_SOURCE_DIR:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}/completions

readonly BASH_COMPLETION_SCRIPT=/usr/share/bash-completion/bash_completion

# The binary under test must be swaddle: the completions describe swaddle,
# whose options bubblewrap does not all have.
require_swaddle() {
  is_bwrap && skip "the completions are swaddle's, not bubblewrap's"
  return 0
}

# ---------------------------------------------------------------------------
# What swaddle says

# help_options: the options `swaddle --help` lists, sorted, one a line.
help_options() {
  assert_success sw --help
  printf '%s\n' "$OUT" | awk '/^    --/ { print $1 }' | sort -u
}

# check_option_set SHELL OFFERED: OFFERED (sorted option names) must hold
# every option of --help, and any other must be one swaddle refuses as not
# supported yet.
check_option_set() {
  local shell=$1 offered=$2 help missing extra option
  help=$(help_options) || exit 1
  [[ -n $help ]] || fail "swaddle --help lists no option"
  [[ -n $offered ]] || fail "the $shell completion offers no option"
  missing=$(comm -23 <(printf '%s\n' "$help") <(printf '%s\n' "$offered"))
  [[ -z $missing ]] || fail "the $shell completion lacks options that --help lists:" "$missing"
  extra=$(comm -13 <(printf '%s\n' "$help") <(printf '%s\n' "$offered"))
  for option in $extra; do
    # Enough arguments for any option; a refused option never reads them.
    run timeout 10 "${SW_CMD[@]}" "$option" 0 0 0 true
    if [[ $STATUS == 0 || $ERR != *"not support"* ]]; then
      fail "the $shell completion offers $option, which --help does not list," \
        "and swaddle does not refuse it as not supported yet (so --help should list it," \
        "or the completion should not offer it)"
    fi
  done
}

require_completion_file() {
  [[ -f $COMPLETIONS_DIR/$1 ]] ||
    fail "$COMPLETIONS_DIR/$1 is missing (tests/run-suite must stage completions/ next to tests/)"
}

# A command of our own, with a completion of its own in each shell, to see
# that completion after swaddle's options is handed to the command's.
make_payload_command() {
  mkdir -p bin
  printf '#!/bin/sh\nexit 0\n' > bin/swtestcmd
  chmod 755 bin/swtestcmd
  export PATH=$PWD/bin:$PATH
}

# The scripts that drive the shells go to a directory of the test's own.
make_helper_dir() {
  HELPERS=$PWD/.completion
  mkdir -p "$HELPERS"
}

# ---------------------------------------------------------------------------
# Each shell, run non-interactively.  complete_SHELL LINE... sets OUT to, for
# each LINE, a line "== LINE" followed by the candidates offered for its
# last word (the empty word when LINE ends with a space), one per line.

complete_bash() {
  [[ -f $BASH_COMPLETION_SCRIPT ]] || skip "bash-completion is not installed ($BASH_COMPLETION_SCRIPT)"
  require_completion_file bash/swaddle
  make_helper_dir
  cat > "$HELPERS/complete.bash" << 'EOF'
source "$SW_BASH_COMPLETION" || exit 3
source "$COMPLETIONS_DIR/bash/swaddle" || exit 3
complete -W 'alpha beta' swtestcmd
spec=$(complete -p swaddle) || exit 3
function=${spec#*-F }
function=${function%% *}
for line in "$@"; do
  echo "== $line"
  COMP_LINE=$line
  COMP_POINT=${#line}
  read -r -a COMP_WORDS <<< "$line"
  [[ $line == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  # compopt complains outside a real completion; its effect does not matter
  "$function" swaddle "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2> /dev/null
  ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
done
EOF
  SW_BASH_COMPLETION=$BASH_COMPLETION_SCRIPT COMPLETIONS_DIR=$COMPLETIONS_DIR \
    run bash --norc --noprofile "$HELPERS/complete.bash" "$@"
  [[ $STATUS == 0 ]] || fail "running the bash completion failed"
}

# zsh completes only in its line editor: drive an interactive zsh on a
# pseudo-terminal (zsh/zpty), with compadd wrapped to record what the
# completion functions add.
complete_zsh() {
  require_cmd zsh
  require_completion_file zsh/_swaddle
  make_helper_dir
  # Sourced by the shell on the terminal.  compadd -O stores the matches
  # instead of adding them; calls that already store (-O, -A) or only
  # describe (-D) are passed on unrecorded.
  cat > "$HELPERS/record-compadd.zsh" << 'EOF'
compadd() {
  local -a matches
  if (( ${@[(I)-[OAD]]} )); then
    builtin compadd "$@"
    return
  fi
  builtin compadd -O matches "$@"
  (( $#matches )) && print -rl -- $matches >> $recorded
  builtin compadd "$@"
}
EOF
  # Run by `zsh -f`: drives `zsh -f -i` on a pseudo-terminal.
  cat > "$HELPERS/complete.zsh" << 'EOF'
zmodload zsh/zpty || exit 3
out=$1
shift
integer steps=0
# step COMMAND: type COMMAND into the shell, then wait until it has run and
# the line editor is back with a new prompt.  Nothing is typed ahead: input
# that arrives while a command runs, or before the editor is ready, may be
# lost.
step() {
  (( steps++ ))
  zpty -w shell "$1; print step-\$(( $steps * 1000 ))-done"
  zpty -r shell reply "*step-$(( steps * 1000 ))-done*ready>*" || exit 3
}
zpty shell 'TERM=xterm zsh -f -i' || exit 3
zpty -r shell reply '*[%#] *' || exit 3   # the first prompt of zsh -f
step "p=zsh; PS1=\"\${p}-ready> \"; RPS1=''; unset zle_bracketed_paste"
step "fpath=(${(q)COMPLETIONS_DIR}/zsh \$fpath); autoload -Uz compinit; compinit -u -D"
step "unsetopt autolist automenu listbeep; setopt nobeep"
step "_swtestcmd() { compadd alpha beta }; compdef _swtestcmd swtestcmd"
step "recorded=${(q)out}; source ${(q)${0:A:h}}/record-compadd.zsh"
for line in "$@"; do
  step "print -r -- ${(q)${:-== $line}} >> ${(q)out}"
  # Tab completes; Ctrl-U clears the line for the next step.
  zpty -w -n shell "$line"$'\t\C-u'
done
step true
zpty -d shell
EOF
  local out=$HELPERS/zsh.out
  : > "$out"
  COMPLETIONS_DIR=$COMPLETIONS_DIR run timeout 60 zsh -f "$HELPERS/complete.zsh" "$out" "$@"
  [[ $STATUS == 0 ]] || fail "running the zsh completion failed"
  OUT=$(< "$out")
}

complete_fish() {
  require_cmd fish
  require_completion_file fish/swaddle.fish
  # --no-config: nothing is autoloaded from the usual places, an installed
  # swaddle.fish included.
  # shellcheck disable=SC2016 # fish code, with fish's own variables
  local script='
    source $completions_dir/fish/swaddle.fish; or exit 3
    complete -c swtestcmd -f -a "alpha beta"
    for line in $argv
      echo "== $line"
      complete -C "$line" | string replace -r "\t.*" ""
    end
    true'
  completions_dir=$COMPLETIONS_DIR run fish --no-config -c "$script" "$@"
  [[ $STATUS == 0 ]] || fail "running the fish completion failed"
}

# candidates_for LINE: the candidates listed under "== LINE" in OUT, sorted,
# each once.
candidates_for() {
  printf '%s\n' "$OUT" | awk -v want="== $1" '
    /^== / { inside = ($0 == want); next }
    inside && $0 != "" { print }' | sort -u
}

# ---------------------------------------------------------------------------
# The option set

test_bash_offers_exactly_the_options() {
  require_swaddle
  complete_bash 'swaddle --'
  check_option_set bash "$(candidates_for 'swaddle --')"
}

test_zsh_offers_exactly_the_options() {
  require_swaddle
  complete_zsh 'swaddle --'
  check_option_set zsh "$(candidates_for 'swaddle --')"
}

test_fish_offers_exactly_the_options() {
  require_swaddle
  complete_fish 'swaddle --'
  check_option_set fish "$(candidates_for 'swaddle --')"
}

# Each set is checked against --help, but the options --help leaves out
# could still differ from shell to shell.
test_shells_offer_the_same_options() {
  require_swaddle
  local shell sets=() names=() i
  for shell in bash zsh fish; do
    case $shell in
      bash) [[ -f $BASH_COMPLETION_SCRIPT ]] || continue ;;
      *) command -v "$shell" > /dev/null || continue ;;
    esac
    "complete_$shell" 'swaddle --'
    sets+=("$(candidates_for 'swaddle --')")
    names+=("$shell")
  done
  ((${#sets[@]} >= 2)) || skip "fewer than two of bash-completion, zsh and fish are installed"
  for ((i = 1; i < ${#sets[@]}; i++)); do
    assert_eq "${sets[0]}" "${sets[i]}" "options offered by ${names[i]} (expected: as ${names[0]})"
  done
}

# ---------------------------------------------------------------------------
# Arguments and the command.  The same lines in every shell:

readonly LINES=(
  'swaddle --bind /u'            # SRC: a path
  'swaddle --bind /usr /e'       # DEST: a path
  'swaddle --chdir /us'          # DIR: a directory
  'swaddle --file 3 /e'          # FD DEST: the path after the fd
  'swaddle --file '              # FD: nothing
  'swaddle --uid '               # a number: nothing
  'swaddle --cap-add CAP_SYS_AD' # a capability name
  'swaddle --cap-drop '          # every capability name
  'swaddle --unshare-net --ro-bind / / swtestcm'   # the command name
  'swaddle --ro-bind / / swtestcmd al'             # the command's own completion
  'swaddle --ro-bind / / -- swtestcmd b'           # the same after --
  'swaddle --setenv A B --tmp'   # options go on after the two words of --setenv
  'swaddle --ro-bind / / swtestcmd --tmp'          # no swaddle option after the command
)

# The capability names the kernel headers define, plus ALL.
header_capabilities() {
  local header=/usr/include/linux/capability.h
  [[ -f $header ]] || return 0
  {
    echo ALL
    awk '$1 == "#define" && $2 ~ /^CAP_[A-Z_]+$/ && $3 ~ /^[0-9]+$/ { print $2 }' "$header"
  } | sort -u
}

# check_arguments SHELL: OUT holds the candidates for LINES from SHELL.
check_arguments() {
  local shell=$1 got expected
  assert_contains "$(candidates_for 'swaddle --bind /u')" usr "$shell: SRC of --bind"
  assert_contains "$(candidates_for 'swaddle --bind /usr /e')" etc "$shell: DEST of --bind"
  assert_contains "$(candidates_for 'swaddle --chdir /us')" usr "$shell: DIR of --chdir"
  assert_contains "$(candidates_for 'swaddle --file 3 /e')" etc "$shell: DEST of --file"
  assert_eq "" "$(candidates_for 'swaddle --file ')" "$shell: candidates for the FD of --file"
  assert_eq "" "$(candidates_for 'swaddle --uid ')" "$shell: candidates for the UID of --uid"
  assert_eq CAP_SYS_ADMIN "$(candidates_for 'swaddle --cap-add CAP_SYS_AD')" "$shell: capability"
  got=$(candidates_for 'swaddle --cap-drop ')
  assert_contains "$got" ALL "$shell: capabilities"
  assert_contains "$got" CAP_NET_ADMIN "$shell: capabilities"
  expected=$(header_capabilities)
  if [[ -n $expected ]]; then
    assert_eq "$expected" "$got" "$shell: capability names (expected: ALL and those of linux/capability.h)"
  fi
  assert_contains "$(candidates_for 'swaddle --unshare-net --ro-bind / / swtestcm')" swtestcmd \
    "$shell: the command name"
  assert_eq alpha "$(candidates_for 'swaddle --ro-bind / / swtestcmd al')" \
    "$shell: the command's own completion"
  assert_eq beta "$(candidates_for 'swaddle --ro-bind / / -- swtestcmd b')" \
    "$shell: the command's own completion after --"
  got=$(candidates_for 'swaddle --setenv A B --tmp')
  assert_contains "$got" --tmpfs "$shell: options after --setenv VAR VALUE"
  assert_contains "$got" --tmp-overlay "$shell: options after --setenv VAR VALUE"
  assert_not_contains "$(candidates_for 'swaddle --ro-bind / / swtestcmd --tmp')" --tmpfs \
    "$shell: words after the command"
}

test_bash_completes_arguments_and_the_command() {
  require_swaddle
  make_payload_command
  complete_bash "${LINES[@]}"
  check_arguments bash
}

test_zsh_completes_arguments_and_the_command() {
  require_swaddle
  make_payload_command
  complete_zsh "${LINES[@]}"
  check_arguments zsh
}

test_fish_completes_arguments_and_the_command() {
  require_swaddle
  make_payload_command
  complete_fish "${LINES[@]}"
  check_arguments fish
}

sw_main "$@"
