/* swaddle: --pty, a terminal of the sandbox's own.
 *
 * Inside, a pseudo-terminal pair is opened on a devpts instance the
 * sandbox owns; its slave becomes the payload's controlling terminal and
 * standard streams, and the master is passed out to the watcher that
 * stayed outside.  The watcher relays bytes between the master and the
 * caller's terminal, which it puts in raw mode for the run, and copies
 * window size changes.  No descriptor of the caller's terminal remains
 * inside, so nothing there can push input into it. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct pty_pair
{
  int master;
  int slave;
};

#define PTY_PAIR_NONE ((struct pty_pair) { -1, -1 })

/* Open a new pair on the devpts instance whose ptmx is ptmx_path
 * (relative to dirfd).  0, or -1 with errno set and *call naming the
 * system call that failed. */
int pty_open_at (int dirfd, const char *ptmx_path, struct pty_pair *pty, const char **call);
void pty_pair_close (struct pty_pair *pty);

/* In the sandbox's first process: send the master out through sock, and
 * make the slave this process's standard streams (so no process of the
 * sandbox keeps the caller's terminal).  Closes both descriptors. */
int pty_hand_over (struct pty_pair *pty, int sock, const char **call);

/* In the payload: a new session with the slave on fd 0 as its
 * controlling terminal. */
int pty_become_controlling (const char **call);

/* Outside: wait for the master on sock, then relay between it and the
 * caller's standard input and output until child ends, forwarding the
 * signals the monitor forwards.  Returns child's exit status as
 * monitor_child() does. */
int pty_relay (pid_t child, int sock);
