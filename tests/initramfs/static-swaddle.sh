# shellcheck shell=bash
# Sourced by guest-lib.sh, which the qemu guest tests (tests/initramfs/run-*) source:
# build_static_swaddle OUT WORKDIR SELINUX builds a statically linked
# swaddle from the source tree in $SRC with gcc alone (no meson build
# directory: the suite's asan build cannot go into a guest), linking
# libseccomp.a, libcap.a and, when SELINUX is 1, libselinux.a and libpcre2-8.a.
# Calls skip (exit 77) when a tool or library is missing, die when the
# build fails.

# The C sources of the swaddle executable and of the plan library, as
# meson.build lists them.
meson_sources() {
  awk '
    /^plan_sources = files\(/ || /^swaddle = executable\(/ { on = 1 }
    on { while (match($0, /'"'"'[A-Za-z0-9_.\/-]+\.c'"'"'/)) {
           print substr($0, RSTART + 1, RLENGTH - 2); $0 = substr($0, RSTART + RLENGTH) } }
    on && /\)/ && !/\(/ { on = 0 }
    on && /link_with|dependencies/ { on = 0 }
  ' "$SRC/meson.build" | sort -u
}

build_static_swaddle() {
  local out=$1 work=$2 selinux=$3 cfg=$2/config sources=() src version libs=() lib path
  command -v gcc > /dev/null || skip "gcc is not installed (needed to build a static swaddle)"
  local wanted=(seccomp:libseccomp-dev cap:libcap-dev)
  ((selinux)) && wanted=(selinux:libselinux1-dev pcre2-8:libpcre2-dev "${wanted[@]}")
  for lib in "${wanted[@]}"; do
    path=$(gcc -print-file-name="lib${lib%%:*}.a")
    [[ $path == /* && -f $path ]] || skip "lib${lib%%:*}.a is missing (Debian package ${lib#*:})"
    libs+=("$path")
  done
  mkdir -p "$cfg"
  version=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" "$SRC/meson.build" | head -n 1)
  printf '#pragma once\n#define HAVE_SELINUX %d\n#define PACKAGE_VERSION "%s"\n' "$selinux" "${version:-0}" > "$cfg/config.h"
  while read -r src; do
    sources+=("$SRC/$src")
  done < <(meson_sources)
  ((${#sources[@]} > 5)) || die "could not read the source list from $SRC/meson.build"
  gcc -std=gnu11 -O2 -D_GNU_SOURCE -I"$cfg" -I"$SRC" -static -o "$out" "${sources[@]}" "${libs[@]}" \
    > "$work/gcc.log" 2>&1 || {
    cat "$work/gcc.log" >&2
    die "building a static swaddle failed (gcc -static ...)"
  }
}
