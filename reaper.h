/* swaddle: the monitor outside and the pid-1 reaper inside. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Block the signals the monitor forwards (and SIGCHLD) before a fork, so
 * none is lost in between; the child restores *old before it execs. */
void signals_block_forwarded (sigset_t *old);
void signals_restore (const sigset_t *old);

/* Wait for child, passing forwarded signals on to it; with reap_orphans
 * (pid 1), reap every other child too.  Returns the exit status to
 * report: the child's code, or 128+N when signal N killed it. */
int monitor_child (pid_t child, bool reap_orphans, bool child_shares_pgrp);

int exit_code_from_wait_status (int status);
