# shellcheck shell=sh
# install_missing_packages LIST-FILE...: install the Debian packages named in
# the files (one a line; `#` starts a comment) that are not installed yet,
# with sudo when not root.  Shared by ./quickstart and tests/run-suite.
install_missing_packages() {
  missing=""
  for p in $(sed 's/#.*//' "$@"); do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  echo "installing Debian packages:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing > /dev/null
}
