/* swaddle: the monitor outside and the pid-1 reaper inside. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Block the signals the monitor forwards (and SIGCHLD) before a fork, so
 * none is lost in between; the child restores *old before it execs. */
void signals_block_forwarded (sigset_t *old);
void signals_restore (const sigset_t *old);
/* SIGCHLD and the signals the monitor forwards. */
void signals_watched (sigset_t *set);

/* Pass a signal sent to the monitor on to child, unless a terminal sent
 * it to a process group child is in. */
void forward_signal (pid_t child, const siginfo_t *info);

/* Reap what has ended without waiting (every child with reap_orphans);
 * true once child has, with its wait status in *child_status. */
bool reap (pid_t child, bool reap_orphans, int *child_status);

/* Wait for child, passing forwarded signals on to it; with reap_orphans
 * (pid 1), reap every other child too.  Returns the exit status to
 * report: the child's code, or 128+N when signal N killed it. */
int monitor_child (pid_t child, bool reap_orphans);

int exit_code_from_wait_status (int status);
