# fish completion for swaddle(1).  Installed to
# $datadir/fish/vendor_completions.d.
#
# swaddle reads its options from left to right; an option takes a fixed
# number of arguments, and the options end at `--` or at the first word that
# does not begin with `-`.  That word is the command, completed as a command
# name; the words after it get the command's own completion.  fish knows one
# argument per option at most, so the position on the line is worked out here
# (__swaddle_position) and every completion below is conditional on it.

# __swaddle_args OPTION: the kinds of OPTION's arguments, one line each:
# path, dir, var, cap, or fd, num, text (nothing to offer).
function __swaddle_args
    switch $argv[1]
        case --args --userns --userns2 --pidns --sync-fd --block-fd \
            --userns-block-fd --info-fd --json-status-fd --seccomp --add-seccomp-fd
            echo fd
        case --uid --gid --perms --size
            echo num
        case --argv0 --hostname --exec-label --file-label --rlimit --timeout --cpu-max
            echo text
        case --uid-map --gid-map
            echo text
        case --memory-max --pids-max
            echo num
        case --chdir --overlay-src --tmp-overlay --ro-overlay --proc --dev \
            --tmpfs --sys --mqueue --dir
            echo dir
        case --lock-file --remount-ro
            echo path
        case --bind --bind-try --dev-bind --dev-bind-try --ro-bind \
            --ro-bind-try --symlink
            printf '%s\n' path path
        case --bind-fd --ro-bind-fd --file --bind-data --ro-bind-data
            printf '%s\n' fd path
        case --chmod
            printf '%s\n' num path
        case --overlay
            printf '%s\n' dir dir dir
        case --setenv
            printf '%s\n' var text
        case --unsetenv
            echo var
        case --cap-add --cap-drop
            echo cap
        # policy
        case --seccomp-deny --seccomp-allow --seccomp-errno --seccomp-profile \
            --deny-socket --landlock-scope --landlock-tcp-connect --landlock-tcp-bind
            echo text
        case --landlock-ro --landlock-rw
            echo path
        case --netns
            echo fd
        case --forward-port
            echo text
    end
end

# __swaddle_position: what the token under the cursor is: `option` (where an
# option may stand), `command` (the command name), `payload` (an argument of
# the command), or the kind of the option argument it is.  For `payload`, a
# second line gives the index of the command among the tokens.
function __swaddle_position
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    set -l i 2
    set -l options_ended no
    while test $i -le $n
        set -l word $tokens[$i]
        switch $word
            case --
                set i (math $i + 1)
                set options_ended yes
                break
            case '-*'
                set -l kinds (__swaddle_args $word)
                set -l wanted (count $kinds)
                set -l given (math $n - $i)
                if test $given -lt $wanted
                    echo $kinds[(math $given + 1)]
                    return
                end
                set i (math $i + 1 + $wanted)
            case '*'
                set options_ended yes
                break
        end
    end
    if test $options_ended = no
        echo option
    else if test $i -gt $n
        echo command
    else
        echo payload
        echo $i
    end
end

function __swaddle_at
    set -l position (__swaddle_position)
    contains -- $position[1] $argv
end

# The command's own completion, for the words after the command name.
function __swaddle_complete_payload
    set -l position (__swaddle_position)
    set -l tokens (commandline -opc)
    set -l line (string escape -- $tokens[$position[2]..-1]) (commandline -ct)
    complete -C (string join ' ' -- $line)
end

complete -c swaddle -f

# Option arguments.
complete -c swaddle -n '__swaddle_at path' -F
complete -c swaddle -n '__swaddle_at dir' -a '(__fish_complete_directories (commandline -ct))'
complete -c swaddle -n '__swaddle_at var' -a '(set --names --export)'
complete -c swaddle -n '__swaddle_at cap' -a '
    ALL CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID
    CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE
    CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW
    CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT
    CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE
    CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE
    CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE
    CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ
    CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE'

# The command, and what follows it.
complete -c swaddle -n '__swaddle_at option command' -a '(__fish_complete_command)'
complete -c swaddle -n '__swaddle_at payload' -a '(__swaddle_complete_payload)'

# Options, in the groups of `swaddle --help`.
function __swaddle_option
    complete -c swaddle -n '__swaddle_at option' -l $argv[1] -d $argv[2]
end

# General
__swaddle_option help 'Print the usage and the supported options'
__swaddle_option version 'Print the program name and version'
__swaddle_option args 'Read NUL-separated arguments from a descriptor'
__swaddle_option argv0 'Run the command with this argv[0]'
__swaddle_option level-prefix 'Begin diagnostics with a syslog severity'
__swaddle_option check 'Report what this host allows a sandbox'
__swaddle_option json 'Print the --check report as JSON'
__swaddle_option print-plan 'Print what would be done as JSON lines, and exit'
# Namespaces
__swaddle_option unshare-all 'Create every namespace swaddle knows'
__swaddle_option share-net "Stay in the caller's network namespace"
__swaddle_option unshare-user 'Create a user namespace'
__swaddle_option unshare-user-try 'Create a user namespace if the kernel allows it'
__swaddle_option unshare-ipc 'Create an IPC namespace'
__swaddle_option unshare-pid 'Create a pid namespace'
__swaddle_option unshare-net 'Create a network namespace with lo up'
__swaddle_option unshare-uts 'Create a UTS namespace'
__swaddle_option unshare-cgroup 'Create a cgroup namespace'
__swaddle_option unshare-cgroup-try 'Create a cgroup namespace if the kernel can'
__swaddle_option userns 'Enter the user namespace of a descriptor'
__swaddle_option userns2 'Switch to this user namespace after setup'
__swaddle_option disable-userns 'Forbid new user namespaces in the sandbox'
__swaddle_option assert-userns-disabled 'Fail unless new user namespaces are forbidden'
__swaddle_option pidns 'Use the pid namespace of a descriptor'
# Identity and environment
__swaddle_option uid 'User id in the sandbox'
__swaddle_option gid 'Group id in the sandbox'
__swaddle_option hostname 'Host name in the sandbox'
__swaddle_option chdir 'Directory the command starts in'
__swaddle_option clearenv 'Remove every environment variable'
__swaddle_option setenv 'Set an environment variable'
__swaddle_option unsetenv 'Remove an environment variable'
# Monitoring and coordination
__swaddle_option lock-file 'Hold a lock on a file while the sandbox runs'
__swaddle_option sync-fd 'Keep a descriptor open while the sandbox runs'
__swaddle_option block-fd 'Wait for data on a descriptor before running'
__swaddle_option userns-block-fd 'Wait on a descriptor before using the user namespace'
__swaddle_option info-fd "Write the sandbox's pid and namespaces as JSON"
__swaddle_option json-status-fd 'Write JSON status lines, exit code included'
# Filesystem
__swaddle_option bind 'Bind a host path'
__swaddle_option bind-try 'Bind a host path if it exists'
__swaddle_option dev-bind 'Bind a host path, devices usable'
__swaddle_option dev-bind-try 'Bind a host path if it exists, devices usable'
__swaddle_option ro-bind 'Bind a host path read-only'
__swaddle_option ro-bind-try 'Bind a host path read-only if it exists'
__swaddle_option bind-fd 'Bind the file or directory of a descriptor'
__swaddle_option ro-bind-fd 'Bind the file or directory of a descriptor read-only'
__swaddle_option remount-ro 'Make a mount read-only'
__swaddle_option overlay-src 'Add a lower layer to the next overlay'
__swaddle_option overlay 'Mount an overlay writing to a host directory'
__swaddle_option tmp-overlay 'Mount an overlay writing to a hidden tmpfs'
__swaddle_option ro-overlay 'Mount a read-only overlay'
__swaddle_option exec-label 'SELinux context of the command'
__swaddle_option file-label 'SELinux context of files swaddle creates'
__swaddle_option proc 'Mount a proc filesystem'
__swaddle_option dev 'Mount a new minimal /dev'
__swaddle_option tmpfs 'Mount a new tmpfs'
__swaddle_option sys 'Mount a read-only sysfs'
__swaddle_option mqueue 'Mount a POSIX message queue filesystem'
__swaddle_option dir 'Create a directory'
__swaddle_option file "Copy a descriptor's data into a new file"
__swaddle_option bind-data "Copy a descriptor's data into a file bound there"
__swaddle_option ro-bind-data "Copy a descriptor's data into a file bound read-only"
__swaddle_option symlink 'Create a symbolic link'
__swaddle_option chmod 'Change the mode of an existing path'
__swaddle_option perms 'Mode of what the next option creates'
__swaddle_option size 'Size in bytes of the next tmpfs'
__swaddle_option not-a-security-boundary 'A submount of a bind that refuses its flags only warns'
# Security
__swaddle_option seccomp 'Install a seccomp BPF program read from a descriptor'
__swaddle_option add-seccomp-fd 'Add a seccomp BPF program read from a descriptor'
__swaddle_option cap-add 'Keep a capability'
__swaddle_option cap-drop 'Drop a capability'
# Process
__swaddle_option new-session 'Run in a new session, without the terminal'
__swaddle_option pty 'Run on a terminal of its own, relayed to this one'
__swaddle_option die-with-parent 'Kill the sandbox when the caller dies'
__swaddle_option as-pid-1 'Run the command as pid 1, without a reaper'
# network
__swaddle_option net-user 'A network namespace of its own, connected through pasta or slirp4netns'
__swaddle_option allow-host-loopback "With --net-user, let the gateway address reach the host's 127.0.0.1"
__swaddle_option forward-port 'Forward [ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp] to the sandbox'
__swaddle_option netns 'Use the network namespace of a descriptor'
# limits
__swaddle_option rlimit 'Set a resource limit for the payload and pid 1'
__swaddle_option timeout 'End the sandbox after so many seconds; exit 124'
__swaddle_option memory-max 'Limit the memory of the sandbox in a cgroup of its own'
__swaddle_option pids-max 'Limit the processes of the sandbox in a cgroup of its own'
__swaddle_option cpu-max 'Limit the CPU time of the sandbox in a cgroup of its own'
# policy
__swaddle_option seccomp-deny 'Make these system calls fail'
__swaddle_option seccomp-allow 'Allow only these system calls'
__swaddle_option seccomp-errno 'Errno of denied calls'
__swaddle_option seccomp-profile 'Deny a built-in list of calls'
__swaddle_option deny-socket 'Make socket() of these families fail'
__swaddle_option landlock-scope 'Landlock: no abstract socket or signal out of the sandbox'
__swaddle_option landlock-ro 'Landlock: a path readable'
__swaddle_option landlock-rw 'Landlock: a path readable and writable'
__swaddle_option landlock-tcp-connect 'Landlock: TCP connections to these ports only'
__swaddle_option landlock-tcp-bind 'Landlock: TCP binds to these ports only'
__swaddle_option landlock-best-effort 'Landlock: enforce what the kernel can'
# idmap
# Id ranges
__swaddle_option map-subids 'Map the rest of ids 0-65535 to your ranges in /etc/subuid and /etc/subgid'
__swaddle_option uid-map 'Map uids INSIDE:OUTSIDE:COUNT'
__swaddle_option gid-map 'Map gids INSIDE:OUTSIDE:COUNT'

functions -e __swaddle_option
