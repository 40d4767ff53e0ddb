/* swaddle: forwarding signals and reaping. */
#include "reaper.h"
#include "utils.h"

#include <string.h>
#include <sys/wait.h>

/* What a supervisor or a terminal sends to stop or poke the payload. */
static const int forwarded_signals[] = {
  SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGPWR,
};

static void
noop_handler (int sig)
{
}

void
signals_watched (sigset_t *set)
{
  sigemptyset (set);
  sigaddset (set, SIGCHLD);
  for (size_t i = 0; i < N_ELEMENTS (forwarded_signals); i++)
    sigaddset (set, forwarded_signals[i]);
}

void
signals_block_forwarded (sigset_t *old)
{
  sigset_t set;
  signals_watched (&set);
  sigprocmask (SIG_BLOCK, &set, old);
}

void
signals_restore (const sigset_t *old)
{
  sigprocmask (SIG_SETMASK, old, NULL);
}

/* A pid 1 drops signals it has no handler for; a handler (never run, as
 * the signals stay blocked) makes them wait for sigwaitinfo(). */
static void
install_handlers (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = noop_handler;
  sigaction (SIGCHLD, &sa, NULL);
  for (size_t i = 0; i < N_ELEMENTS (forwarded_signals); i++)
    sigaction (forwarded_signals[i], &sa, NULL);
}

int
exit_code_from_wait_status (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

bool
reap (pid_t child, bool reap_orphans, int *child_status)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (reap_orphans ? -1 : child, &status, WNOHANG);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid <= 0)
        return false;
      if (pid == child)
        {
          *child_status = status;
          return true;
        }
    }
}

int
monitor_child (pid_t child, bool reap_orphans)
{
  sigset_t waited;
  int status = 0;

  install_handlers ();
  signals_watched (&waited);

  /* The child may have ended before we blocked in sigwaitinfo(). */
  if (reap (child, reap_orphans, &status))
    return exit_code_from_wait_status (status);
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (&waited, &info);
      if (sig < 0)
        continue;
      if (sig == SIGCHLD)
        {
          if (reap (child, reap_orphans, &status))
            return exit_code_from_wait_status (status);
          continue;
        }
      forward_signal (child, &info);
    }
}

void
forward_signal (pid_t child, const siginfo_t *info)
{
  /* A terminal signals its whole foreground process group: a child in
   * our group already got it, and a second copy would be wrong.  (Inside
   * a pid namespace, a group led from outside reads as 0 for both.) */
  if (info->si_code == SI_KERNEL && getpgid (child) == getpgrp ())
    return;
  kill (child, info->si_signo);
}
