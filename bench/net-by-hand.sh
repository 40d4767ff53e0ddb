#!/bin/sh
# What users script today for a sandbox with a user-mode network: bwrap
# --unshare-net, pasta attached by hand to the sandbox's pid, the payload
# released (--block-fd) once pasta is up, pasta ended afterwards.
#   net-by-hand.sh BWRAP BWRAP-ARGS... COMMAND...
set -e
bwrap=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/info" "$dir/block"
exec 5<> "$dir/block"
"$bwrap" --unshare-net --info-fd 3 --block-fd 5 "$@" 3> "$dir/info" &
sandbox=$!
pid=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' < "$dir/info")
# Without --foreground pasta returns once the namespace is configured.
pasta --config-net --quiet --pid "$dir/pasta.pid" "$pid"
echo go >&5
status=0
wait "$sandbox" || status=$?
kill "$(cat "$dir/pasta.pid")"
exit "$status"
