#!/bin/bash
# Namespaces: identities, user namespace maps, one test per --unshare-* option,
# the loopback of a new network namespace, the hostname.
# shellcheck disable=SC2016 # payload scripts are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# --- identity ------------------------------------------------------------------

test_uid_and_gid_are_the_callers_by_default() {
  assert_status 0 sw --ro-bind / / sh -c 'id -u; id -g'
  assert_eq "$SW_UID"$'\n'"$SW_GID" "$OUT" "uid and gid inside"
}

test_uid_and_gid_options_set_the_ids() {
  local userns=()
  is_root && userns=(--unshare-user)
  assert_status 0 sw --ro-bind / / "${userns[@]}" --uid 5 --gid 6 sh -c 'id -u; id -g'
  assert_eq $'5\n6' "$OUT" "uid and gid inside"
}

test_ids_match_bwrap() {
  assert_same_as_bwrap --ro-bind / / --unshare-user --uid 1234 --gid 4321 sh -c 'id -u; id -g; id -G'
}

test_unprivileged_caller_gets_a_user_namespace() {
  require_unprivileged
  assert_new_ns user
}

test_unprivileged_maps_are_single_ids_and_setgroups_denied() {
  require_unprivileged
  assert_status 0 sw --ro-bind / / --uid 5 --gid 6 \
    sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
  assert_eq "5 $SW_UID 1"$'\n'"6 $SW_GID 1"$'\n'deny "$(tr -s ' ' <<< "$OUT" | sed 's/^ //')" \
    "uid_map, gid_map, setgroups"
}

test_root_caller_gets_no_user_namespace_by_default() {
  require_root
  assert_host_ns user
}

test_root_with_unshare_user_gets_a_user_namespace() {
  require_root
  assert_new_ns user --unshare-user
  assert_status 0 sw --ro-bind / / --unshare-user \
    sh -c 'id -u; cat /proc/self/uid_map /proc/self/setgroups'
  assert_eq $'0\n0 0 1\ndeny' "$(tr -s ' ' <<< "$OUT" | sed 's/^ //')" "uid, uid_map, setgroups"
}

test_root_uid_option_without_user_namespace_is_rejected() {
  require_root
  assert_setup_error uid --ro-bind / / "${HERE[@]}" --uid 5 touch "$MARKER"
}

# --- one namespace per option --------------------------------------------------

test_unshare_ipc() { assert_new_ns ipc --unshare-ipc; }
test_unshare_pid() { assert_new_ns pid --unshare-pid; }
test_unshare_net() { assert_new_ns net --unshare-net; }
test_unshare_uts() { assert_new_ns uts --unshare-uts; }
test_unshare_cgroup() { assert_new_ns cgroup --unshare-cgroup; }
test_unshare_cgroup_try() { assert_new_ns cgroup --unshare-cgroup-try; }
test_unshare_user_try() { assert_new_ns user --unshare-user-try; }

test_namespaces_are_shared_unless_asked() {
  local kind
  for kind in ipc pid net uts cgroup; do
    assert_host_ns "$kind"
  done
}

test_mount_namespace_is_always_new() {
  assert_new_ns mnt
}

test_unshare_all() {
  local kind
  for kind in user ipc pid net uts cgroup; do
    assert_new_ns "$kind" --unshare-all
  done
}

test_share_net_after_unshare_all_keeps_the_host_network() {
  local kind
  assert_host_ns net --unshare-all --share-net
  for kind in ipc pid uts; do
    assert_new_ns "$kind" --unshare-all --share-net
  done
}

# --- network ---------------------------------------------------------------------

test_unshare_net_has_only_lo_and_it_is_up() {
  # /proc/net follows the reader's network namespace; /sys/class/net would
  # show the host's (sysfs is bound from the host).
  assert_status 0 sw --ro-bind / / --unshare-net sh -c \
    'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; grep -c "127.0.0.1" /proc/net/fib_trie'
  assert_eq lo "$(head -n 1 <<< "$OUT")" "interfaces in the new network namespace"
  assert_line_count 2 "$OUT" "interfaces and count of 127.0.0.1 routes"
  assert_ne 0 "$(tail -n 1 <<< "$OUT")" "127.0.0.1 in the routing table (lo up, addressed)"
}

test_unshare_net_lo_flags_show_up() {
  require_cmd ip
  assert_status 0 sw --ro-bind / / --unshare-net sh -c 'ip -o link show dev lo; ip -o -4 addr show dev lo'
  assert_match "$OUT" '<[^>]*LOOPBACK[^>]*,UP[,>]' "ip link/addr show dev lo"
  assert_contains "$OUT" "inet 127.0.0.1/8" "ip link/addr show dev lo"
}

# --- hostname ----------------------------------------------------------------------

test_hostname_with_unshare_uts() {
  local before
  before=$(hostname)
  assert_status 0 sw --ro-bind / / --unshare-uts --hostname sandbox-name hostname
  assert_eq sandbox-name "$OUT" "hostname inside"
  assert_eq "$before" "$(hostname)" "host's hostname after the run"
}

test_hostname_without_unshare_uts_is_rejected() {
  local before
  before=$(hostname)
  assert_setup_error hostname --ro-bind / / "${HERE[@]}" --hostname other-name touch "$MARKER"
  assert_eq "$before" "$(hostname)" "host's hostname after the run"
}

sw_main "$@"
