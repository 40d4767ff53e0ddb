/* swaddle: the monitor outside and the pid-1 reaper inside. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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

/* A deadline for monitor_child_timed(): when it passes, expired() runs
 * (it may set a later deadline, or 0 for none). */
struct monitor_timer
{
  uint64_t deadline_ms;       /* on monotonic_ms()'s clock; 0: none */
  void (*expired) (struct monitor_timer *timer, pid_t child);
};

int monitor_child_timed (pid_t child, bool reap_orphans, struct monitor_timer *timer);
uint64_t monotonic_ms (void);
