#!/bin/bash
# --net-user (pasta, or slirp4netns where pasta is missing),
# --allow-host-loopback, --forward-port, --netns: what the payload can
# reach, what the host can reach of it, and that the network helper never
# outlives the sandbox.
#
# Traffic goes only to loopback and to namespaces the test makes: a
# "world" network namespace (made with unshare, as root a plain one, as a
# user one owned by a user namespace of its own) stands for the host, with
# a veth pair to a "far" namespace holding TCP and UDP echo servers on
# 10.200.1.3.  swaddle runs inside the world, so pasta's outside is that
# world and its only route leads to the far namespace.
# shellcheck disable=SC2016 # scripts for the world are single-quoted on purpose
# shellcheck source=SCRIPTDIR/../lib.sh
. "${BASH_SOURCE[0]%/*}/../lib.sh"

# The probe, copied into the test directory (bound inside) by require_net_user:
# the sandbox's /tmp, where the suite stages its helpers, is a tmpfs.
PROBE=
FAR=10.200.1.3
# The payload finds its programs on the usual PATH, whatever PATH swaddle had.
SANDBOX=(--ro-bind / / --tmpfs /tmp --proc /proc --dev /dev --setenv PATH /usr/sbin:/usr/bin:/sbin:/bin)

# status_is N WHAT: the last `run` ended with status N.
status_is() {
  [[ $STATUS == "$1" ]] || fail "$2: exit status $STATUS, expected $1" "$(show_block stderr "$ERR")"
}

require_net_user() {
  skip_if_bwrap "bwrap has no --net-user"
  require_cmd python3 unshare nsenter ip
  command -v pasta > /dev/null || command -v slirp4netns > /dev/null || skip "neither pasta nor slirp4netns is installed"
  cp "$SW_HELPERS/net-probe.py" "$SW_TEST_DIR/net-probe.py" || fail "no $SW_HELPERS/net-probe.py"
  PROBE=$SW_TEST_DIR/net-probe.py
}

# helper_path NAME: a directory whose only programs are NAME (pasta or
# slirp4netns) under a path unique to this test, for PATH: the helper's
# command line then carries that path, which pgrep -f finds.
helper_path() {
  local dir=$SW_TEST_DIR/helper-$1-$$
  command -v "$1" > /dev/null || skip "$1 is not installed"
  mkdir -p "$dir"
  ln -sf "$(command -v "$1")" "$dir/$1"
  printf '%s\n' "$dir"
}

# The world: run as (namespace) root inside a fresh network namespace.
write_world_script() {
  cat > "$SW_TEST_DIR/world.sh" << 'EOF'
set -e
ip link set lo up
unshare -n sleep 600 > /dev/null 2>&1 &
far=$!
until [ "$(readlink /proc/$far/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.01; done
trap 'kill $far 2> /dev/null' EXIT
ip link add vworld type veth peer name vfar netns "$far"
ip addr add 10.200.0.2/24 dev vworld
ip link set vworld up
ip route add default via 10.200.0.1
nsenter -t "$far" -n sh -c 'ip link set lo up && ip addr add 10.200.1.3/32 dev lo &&
  ip addr add 10.200.0.1/24 dev vfar && ip link set vfar up'
nsenter -t "$far" -n python3 "$PROBE" serve tcp:10.200.1.3:7000 udp:10.200.1.3:7001 -- sleep 600 > /dev/null 2>&1 &
servers=$!
trap 'pkill -P $servers; kill $servers $far 2> /dev/null' EXIT
# The servers are up when a probe from here is answered.
for i in $(seq 100); do
  [ "$(python3 "$PROBE" tcp 10.200.1.3 7000)" = ok ] && break
  sleep 0.05
done
set +e
"$@"
EOF
}

# in_world CMD...: CMD inside a fresh world (see above); sets OUT, ERR, STATUS.
in_world() {
  write_world_script
  if is_root; then
    run env PROBE="$PROBE" unshare -n bash "$SW_TEST_DIR/world.sh" "$@"
  else
    run env PROBE="$PROBE" unshare -Urn bash "$SW_TEST_DIR/world.sh" "$@"
  fi
}

# The far servers, as the payload sees them: "TCP UDP".
reach_far() {
  in_world "$@" "${SANDBOX[@]}" "${HERE[@]}" sh -c \
    'printf "%s %s\n" "$(python3 "$0" tcp '$FAR' 7000)" "$(python3 "$0" udp '$FAR' 7001)"' "$PROBE"
}

test_outside_world_reached_with_net_user() {
  require_net_user
  reach_far "${SW_CMD[@]}" --share-net
  assert_eq "ok ok" "$OUT" "the far servers from the world's own network (control)"
  reach_far "${SW_CMD[@]}" --net-user
  status_is 0 "--net-user"
  assert_eq "ok ok" "$OUT" "the far TCP and UDP servers through --net-user"
  # In a pid namespace, where an outside watcher stays outside.
  reach_far "${SW_CMD[@]}" --unshare-all --net-user
  assert_eq "ok ok" "$OUT" "the far TCP and UDP servers through --net-user with --unshare-all"
  reach_far "${SW_CMD[@]}" --unshare-net
  assert_eq "unreachable unreachable" "$OUT" "the far servers with --unshare-net"
}

test_outside_world_reached_through_slirp4netns() {
  require_net_user
  local dir
  dir=$(helper_path slirp4netns)
  reach_far env PATH="$dir" "${SW_CMD[@]}" --net-user
  status_is 0 "--net-user with slirp4netns"
  assert_eq "ok ok" "$OUT" "the far TCP and UDP servers through slirp4netns"
}

# The world's own 127.0.0.1 (a service of "the host"), tried from inside
# at the gateway's address (where pasta and slirp4netns map the host's
# loopback when allowed) and at the sandbox's own 127.0.0.1.
reach_host_loopback() {
  in_world python3 "$PROBE" serve tcp:127.0.0.1:7100 -- "$@" "${SANDBOX[@]}" "${HERE[@]}" sh -c \
    'printf "%s %s\n" "$(python3 "$0" tcp "$(python3 "$0" gateway)" 7100)" "$(python3 "$0" tcp 127.0.0.1 7100)"' "$PROBE"
}

host_loopback_case() {
  reach_host_loopback "$@" --net-user
  status_is 0 "--net-user"
  assert_eq "unreachable unreachable" "$OUT" "the host's 127.0.0.1 from --net-user (gateway, own loopback)"
  reach_host_loopback "$@" --net-user --allow-host-loopback
  assert_eq "ok unreachable" "$OUT" "the host's 127.0.0.1 with --allow-host-loopback (gateway, own loopback)"
}

test_host_loopback_only_when_allowed() {
  require_net_user
  local dir
  dir=$(helper_path pasta)
  host_loopback_case env PATH="$dir" "${SW_CMD[@]}"
}

test_host_loopback_only_when_allowed_slirp4netns() {
  require_net_user
  local dir
  dir=$(helper_path slirp4netns)
  host_loopback_case env PATH="$dir" "${SW_CMD[@]}"
}

test_forward_port_reaches_only_the_given_port() {
  require_net_user
  local dir
  dir=$(helper_path pasta)
  mkdir -p ready
  # In the world: the sandbox listens on 8000 and 8001; only 7200 -> 8000
  # is forwarded.  The world's side probes, then ends the sandbox.
  in_world bash -c '
    PATH=$1 "${@:4}" &
    sandbox=$!
    for i in $(seq 200); do [ -e "$2/ready/up" ] && break; sleep 0.05; done
    printf "%s %s %s %s\n" "$(python3 "$3" tcp 127.0.0.1 7200)" "$(python3 "$3" tcp 127.0.0.1 8001)" \
      "$(python3 "$3" tcp 127.0.0.1 8000)" "$(python3 "$3" tcp 10.200.0.2 8001)"
    kill $sandbox' _ "$dir" "$SW_TEST_DIR" "$PROBE" \
    "${SW_CMD[@]}" --net-user --forward-port 7200:8000 --die-with-parent "${SANDBOX[@]}" "${HERE[@]}" \
    python3 "$PROBE" listen "$SW_TEST_DIR/ready/up" 8000 8001
  assert_eq "ok unreachable unreachable unreachable" "$OUT" \
    "forwarded port 7200, the sandbox's other port 8001 (host loopback, world address), its port 8000 directly"
}

# pasta's ICMP handler needs ping sockets: with the world's
# net.ipv4.ping_group_range empty it is left off (--no-icmp, as pasta's
# command line shows), with the world's root group in it the handler is on;
# the far TCP server is reached either way.
icmp_handler_case() {
  local range=$1 dir=$2
  # A new network namespace starts with the empty range, "1 0" (which a
  # user namespace mapping only gid 0 could not write).
  in_world bash -c '[ "$1" = default ] || echo "$1" > /proc/sys/net/ipv4/ping_group_range || exit 9
    read -r low high < /proc/sys/net/ipv4/ping_group_range; echo "range $low $high"; shift; "$@"' _ "$range" \
    env PATH="$dir" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" "${HERE[@]}" sh -c '
      for p in /proc/[0-9]*; do tr "\0" " " 2> /dev/null < "$p/cmdline"; echo; done > "$1/cmdlines"
      grep -F -- "$2/pasta" "$1/cmdlines" | grep -q -- "--no-icmp" && echo icmp-off || echo icmp-on
      python3 "$0" tcp '$FAR' 7000' "$PROBE" "$SW_TEST_DIR" "$dir"
}

test_icmp_handler_follows_ping_group_range() {
  require_net_user
  local dir
  dir=$(helper_path pasta)
  icmp_handler_case default "$dir"
  status_is 0 "--net-user, the new namespace's own ping_group_range"
  # Read from a nested user namespace (the user mode here), the empty range
  # shows as the overflow group twice: not known to be empty, the handler
  # stays on.
  if is_root; then
    assert_eq "range 1 0
icmp-off
ok" "$OUT" "pasta's ICMP handler with an empty ping_group_range, and the far TCP server"
  else
    assert_eq "range 65534 65534
icmp-on
ok" "$OUT" "pasta's ICMP handler where the range reads as the overflow group, and the far TCP server"
  fi
  icmp_handler_case "0 0" "$dir"
  status_is 0 "--net-user, ping_group_range holding root's group"
  assert_eq "range 0 0
icmp-on
ok" "$OUT" "pasta's ICMP handler with the world's root group allowed ping sockets, and the far TCP server"
}

abstract_socket_seen() {
  in_world python3 "$PROBE" serve abstract:swaddle-test-$$ -- "$@" "${SANDBOX[@]}" "${HERE[@]}" \
    python3 "$PROBE" abstract swaddle-test-$$
}

test_host_abstract_socket_only_with_share_net() {
  require_net_user
  abstract_socket_seen "${SW_CMD[@]}" --share-net
  assert_eq ok "$OUT" "the world's abstract socket with --share-net"
  abstract_socket_seen "${SW_CMD[@]}" --net-user
  assert_eq unreachable "$OUT" "the world's abstract socket with --net-user"
  abstract_socket_seen "${SW_CMD[@]}" --unshare-net
  assert_eq unreachable "$OUT" "the world's abstract socket with --unshare-net"
}

# --netns FD: the sandbox lives in the namespace another process holds.
test_netns_joins_held_namespace() {
  skip_if_bwrap "bwrap has no --netns"
  require_cmd unshare
  unshare -Urn sleep 600 &
  local holder=$! want
  SW_BG_PIDS+=("$holder")
  wait_for eval '[[ $(readlink /proc/$holder/ns/net) != $(readlink /proc/self/ns/net) ]]' || fail "the holder did not start"
  want=$(readlink "/proc/$holder/ns/net")
  run sw --userns 3 --netns 4 "${SANDBOX[@]}" readlink /proc/self/ns/net 3< "/proc/$holder/ns/user" 4< "/proc/$holder/ns/net"
  status_is 0 "--userns with --netns"
  assert_eq "$want" "$OUT" "the sandbox's network namespace"
  if is_root; then
    run sw --netns 4 "${SANDBOX[@]}" readlink /proc/self/ns/net 4< "/proc/$holder/ns/net"
    status_is 0 "--netns as root"
    assert_eq "$want" "$OUT" "the sandbox's network namespace (root, no --userns)"
  else
    run sw --netns 4 "${SANDBOX[@]}" touch "$MARKER" 4< "/proc/$holder/ns/net"
    status_is 1 "--netns without --userns, unprivileged"
    assert_line_count 1 "$ERR"
    assert_contains "$ERR" "--netns 4: setns(CLONE_NEWNET)"
    assert_contains "$ERR" "--userns"
    assert_not_exists "$MARKER"
  fi
}

test_check_names_the_helpers() {
  skip_if_bwrap "bwrap has no --check"
  local dir
  dir=$(helper_path slirp4netns)
  run env PATH="$dir" "${SW_CMD[@]}" --check
  assert_match "$OUT" "--net-user: pasta +not installed \(Debian package passt\)"
  assert_match "$OUT" "--net-user: slirp4netns +$dir/slirp4netns"
  assert_match "$OUT" "--net-user uses +slirp4netns"
  mkdir empty
  run env PATH="$SW_TEST_DIR/empty" "${SW_CMD[@]}" --check --json
  assert_contains "$OUT" '"net-user": { "pasta": { "path": null, "usable": false }, "slirp4netns": { "path": null, "usable": false } }'
}

test_print_plan_shows_the_network() {
  skip_if_bwrap "bwrap has no --net-user"
  run sw --net-user --allow-host-loopback --forward-port '[::1]:8080:80/udp' --print-plan true
  status_is 0 "--print-plan"
  assert_contains "$OUT" '"network": "user", "allow_host_loopback": true, "forward_ports": [{"host_addr": "::1", "host_port": 8080, "sandbox_port": 80, "protocol": "udp"}]'
  run sw --unshare-net --netns 3 --print-plan true
  assert_contains "$OUT" '"network": "joined", "netns_fd": 3'
}

test_bad_values() {
  skip_if_bwrap "bwrap has no --net-user"
  local args
  local -a cases=(
    "--net-user --forward-port 70000:80|--forward-port 70000:80"
    "--net-user --forward-port 8080:0|--forward-port 8080:0"
    "--net-user --forward-port 1.2.3:8080:80|'1.2.3' is not an IPv4 address"
    "--net-user --forward-port 8080:80/sctp|--forward-port 8080:80/sctp"
    "--forward-port 8080:80|--forward-port 8080:80 requires --net-user"
    "--allow-host-loopback|--allow-host-loopback requires --net-user"
    "--net-user --netns 3|--netns 3 cannot be combined with --net-user"
    "--netns 3|--netns 3: not a network namespace"
  )
  for args in "${cases[@]}"; do
    # shellcheck disable=SC2086 # the words of one case
    run sw ${args%%|*} "${SANDBOX[@]}" "${HERE[@]}" touch "$MARKER" 3< /dev/null
    status_is 1 "$args"
    assert_line_count 1 "$ERR" "$args"
    assert_contains "$ERR" "${args#*|}" "$args"
    assert_not_exists "$MARKER"
  done
  run sw --netns 3 "${SANDBOX[@]}" touch "$MARKER" 3< /proc/self/ns/uts
  status_is 1 "--netns on a uts namespace"
  assert_contains "$ERR" "--netns 3: not a network namespace"
  assert_not_exists "$MARKER"
}

test_no_helper_installed() {
  skip_if_bwrap "bwrap has no --net-user"
  mkdir empty
  run env PATH="$SW_TEST_DIR/empty" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" "${HERE[@]}" /usr/bin/touch "$MARKER"
  status_is 1 "--net-user without pasta or slirp4netns"
  assert_line_count 1 "$ERR"
  assert_contains "$ERR" "passt"
  assert_contains "$ERR" "slirp4netns"
  assert_not_exists "$MARKER"
}

test_forward_port_needs_pasta() {
  require_net_user
  local dir
  dir=$(helper_path slirp4netns)
  run env PATH="$dir" "${SW_CMD[@]}" --net-user --forward-port 7300:80 "${SANDBOX[@]}" "${HERE[@]}" touch "$MARKER"
  status_is 1 "--forward-port with slirp4netns only"
  assert_line_count 1 "$ERR"
  assert_contains "$ERR" "--forward-port 7300:80"
  assert_contains "$ERR" "passt"
  assert_not_exists "$MARKER"
}

test_helper_failing_stops_the_sandbox() {
  skip_if_bwrap "bwrap has no --net-user"
  mkdir fake
  printf '#!/bin/sh\necho "pasta: no tap device here" >&2\nexit 1\n' > fake/pasta
  chmod 755 fake/pasta
  run env PATH="$SW_TEST_DIR/fake" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" "${HERE[@]}" /usr/bin/touch "$MARKER"
  status_is 1 "a helper that fails"
  assert_line_count 1 "$ERR"
  assert_contains "$ERR" "pasta ended with status 1 before the sandbox's network was up: pasta: no tap device here"
  assert_not_exists "$MARKER"
}

# ---- no helper left behind ---------------------------------------------

helper_pids() {
  pgrep -f "$1/" || true
}

no_helper_left() {
  wait_for eval '[[ -z $(helper_pids "$1") ]]' || fail "helper processes left: $(ps -o pid,args -p "$(helper_pids "$1" | paste -sd,)")"
}

# leak_case HELPER SIGNAL-TARGET: start a sandbox whose payload waits, then
# end it by SIGNAL-TARGET (swaddle, payload) or let it end (exit, crash).
leak_case() {
  local name=$1 how=$2 dir helper payload sandbox
  dir=$(helper_path "$name")
  rm -f "$MARKER"
  case $how in
    exit | crash)
      local script='exit 3'
      [[ $how == crash ]] && script='kill -SEGV $$'
      run env PATH="$dir" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" sh -c "$script"
      status_is "$([[ $how == crash ]] && echo 139 || echo 3)" "$name: the payload's status ($how)"
      ;;
    kill-swaddle | kill-payload)
      env PATH="$dir" "${SW_CMD[@]}" --net-user --die-with-parent "${SANDBOX[@]}" "${HERE[@]}" \
        sh -c 'echo $$ > "$0"; exec sleep 600' "$MARKER" &
      sandbox=$!
      SW_BG_PIDS+=("$sandbox")
      wait_for test -s "$MARKER" || fail "$name: the payload did not start"
      helper=$(helper_pids "$dir")
      [[ -n $helper ]] || fail "$name: no helper running while the sandbox runs"
      # No pid namespace: the payload's $$ is its pid here too.
      payload=$(< "$MARKER")
      if [[ $how == kill-swaddle ]]; then
        kill -KILL "$sandbox"
      else
        kill -KILL "$payload"
      fi
      wait "$sandbox" 2> /dev/null
      wait_for pid_is_gone "$helper" || fail "$name ($how): helper $helper still running"
      wait_for pid_is_gone "$payload" || fail "$name ($how): payload $payload still running"
      ;;
    setup-fails)
      run env PATH="$dir" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" --ro-bind /nonexistent-$$ /x true
      status_is 1 "$name: a failed setup"
      ;;
  esac
  no_helper_left "$dir"
}

test_no_helper_left_pasta() {
  require_net_user
  local how
  for how in exit crash kill-swaddle kill-payload setup-fails; do
    leak_case pasta "$how"
  done
}

test_no_helper_left_slirp4netns() {
  require_net_user
  local how
  for how in exit crash kill-swaddle kill-payload setup-fails; do
    leak_case slirp4netns "$how"
  done
}

# --json-status-fd names the helper process outside; pasta is its child.
test_status_reports_the_helper() {
  require_net_user
  local dir helper
  dir=$(helper_path pasta)
  env PATH="$dir" "${SW_CMD[@]}" --net-user --die-with-parent --json-status-fd 5 "${SANDBOX[@]}" "${HERE[@]}" \
    sh -c 'touch "$0"; exec sleep 600' "$MARKER" 5> status.json &
  SW_BG_PIDS+=("$!")
  wait_for test -e "$MARKER" || fail "the payload did not start"
  helper=$(sed -n 's/.*"outside-helper-pid": \([0-9]*\).*/\1/p' status.json)
  [[ -n $helper ]] || fail "no outside-helper-pid in the status" "$(cat status.json)"
  assert_eq "$(helper_pids "$dir")" "$(pgrep -P "$helper")" "the helper's child is pasta"
}

test_fifty_at_once() {
  require_net_user
  local dir i pids=() wrong=
  dir=$(helper_path pasta)
  for ((i = 0; i < 50; i++)); do
    env PATH="$dir" "${SW_CMD[@]}" --net-user "${SANDBOX[@]}" sh -c 'exit $(($0 % 7))' "$i" > /dev/null 2> "err.$i" &
    pids[i]=$!
  done
  for ((i = 0; i < 50; i++)); do
    wait "${pids[i]}"
    local status=$?
    ((status == i % 7)) || wrong+="sandbox $i: status $status; $(head -c 200 "err.$i")"$'\n'
  done
  [[ -z $wrong ]] || fail "wrong exit statuses" "$wrong"
  no_helper_left "$dir"
}

sw_main "$@"
