/* swaddle: forwarding signals and reaping. */
#include "reaper.h"
#include "utils.h"

#include <string.h>
#include <time.h>
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

uint64_t
monotonic_ms (void)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (uint64_t) now.tv_sec * 1000 + (uint64_t) now.tv_nsec / 1000000;
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

/* Until the timer's deadline; false when it has passed. */
static bool
wait_signal (const sigset_t *waited, struct monitor_timer *timer, siginfo_t *info, int *sig)
{
  if (timer == NULL || timer->deadline_ms == 0)
    {
      *sig = sigwaitinfo (waited, info);
      return true;
    }
  uint64_t now = monotonic_ms ();
  if (now >= timer->deadline_ms)
    return false;
  uint64_t left = timer->deadline_ms - now;
  struct timespec wait = { (time_t) (left / 1000), (long) (left % 1000) * 1000000 };
  *sig = sigtimedwait (waited, info, &wait);
  return !(*sig < 0 && errno == EAGAIN);
}

int
monitor_child_timed (pid_t child, bool reap_orphans, struct monitor_timer *timer)
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
      int sig;
      if (!wait_signal (&waited, timer, &info, &sig))
        {
          timer->expired (timer, child);
          continue;
        }
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

int
monitor_child (pid_t child, bool reap_orphans)
{
  return monitor_child_timed (child, reap_orphans, NULL);
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
