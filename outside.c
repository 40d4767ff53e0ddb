/* swaddle: a process left in the caller's namespaces (see outside.h). */
#include "outside.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


struct outside_record
{
  int status;
  char message[512];
};

void
outside_add (struct outside *o, outside_work work, void *ctx, bool lasting)
{
  if (o->n_items == OUTSIDE_MAX_WORK)
    die ("internal error: more than %d work items for the outside helper", OUTSIDE_MAX_WORK);
  o->items[o->n_items++] = (struct outside_item) { work, ctx, lasting };
}

bool
outside_has_work (const struct outside *o)
{
  return o->n_items > 0;
}

static bool
has_lasting_work (const struct outside *o)
{
  for (size_t i = 0; i < o->n_items; i++)
    if (o->items[i].lasting)
      return true;
  return false;
}

static void
close_fds_between (unsigned first, unsigned last)
{
  if (first > last)
    return;
  if (syscall (SYS_close_range, first, last, 0) == 0)
    return;
  /* Before Linux 5.9. */
  long max = sysconf (_SC_OPEN_MAX);
  for (long fd = first; fd <= (long) last && fd < (max > 0 ? max : 1024); fd++)
    close ((int) fd);
}

/* Nothing of swaddle's but the two pipe ends (and stdio, for the programs
 * it runs to report on) stays open in the helper, so that nothing the
 * caller passed to swaddle, such as a --sync-fd or a status descriptor,
 * lives on in it. */
static void
keep_only (int a, int b)
{
  int keep[2] = { a < b ? a : b, a < b ? b : a };
  unsigned next = 3;
  for (size_t i = 0; i < 2; i++)
    if (keep[i] >= (int) next)
      {
        close_fds_between (next, (unsigned) keep[i] - 1);
        next = (unsigned) keep[i] + 1;
      }
  close_fds_between (next, ~0U);
}

static _Noreturn void
helper_main (struct outside *o, int go, int report, pid_t parent)
{
  sigset_t none;
  pid_t sandbox;
  ssize_t n;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid () != parent)
    _exit (1);
  keep_only (go, report);
  do
    n = read (go, &sandbox, sizeof sandbox);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof sandbox)
    _exit (0);   /* swaddle gave up before creating the namespaces */
  for (size_t i = 0; i < o->n_items; i++)
    {
      struct outside_record record = { 0 };
      record.status = o->items[i].work (o->items[i].ctx, sandbox, record.message, sizeof record.message);
      if (write_all (report, &record, sizeof record) < 0 || record.status < 0)
        _exit (1);
    }
  if (!has_lasting_work (o))
    _exit (0);
  /* Until swaddle (or the payload it became) ends and takes us along. */
  for (;;)
    pause ();
}

int
outside_start (struct outside *o)
{
  int go[2], report[2];
  pid_t self = getpid ();

  if (pipe2 (go, O_CLOEXEC) < 0)
    return -1;
  if (pipe2 (report, O_CLOEXEC) < 0)
    {
      int err = errno;
      close (go[0]);
      close (go[1]);
      errno = err;
      return -1;
    }
  o->pid = fork ();
  if (o->pid < 0)
    {
      int err = errno;
      close (go[0]);
      close (go[1]);
      close (report[0]);
      close (report[1]);
      errno = err;
      return -1;
    }
  if (o->pid == 0)
    {
      close (go[1]);
      close (report[0]);
      helper_main (o, go[0], report[1], self);
    }
  close (go[0]);
  close (report[1]);
  o->go_fd = go[1];
  o->report_fd = report[0];
  return 0;
}

int
outside_go (struct outside *o)
{
  return outside_go_for (o, getpid ());
}

int
outside_go_for (struct outside *o, pid_t sandbox)
{
  return write_all (o->go_fd, &sandbox, sizeof sandbox);
}

static int
helper_failed (struct outside *o, char *message, size_t size)
{
  int status = 0;
  while (waitpid (o->pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFSIGNALED (status))
    snprintf (message, size, "the helper process outside the sandbox was killed by signal %d", WTERMSIG (status));
  else
    snprintf (message, size, "the helper process outside the sandbox ended (status %d) without a result",
              WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  o->pid = 0;
  return -1;
}

int
outside_wait (struct outside *o, char *message, size_t size)
{
  struct outside_record record;
  ssize_t n;

  message[0] = '\0';
  do
    n = read (o->report_fd, &record, sizeof record);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof record)
    return helper_failed (o, message, size);
  o->n_waited++;
  if (record.status < 0)
    {
      record.message[sizeof record.message - 1] = '\0';
      snprintf (message, size, "%s", record.message);
      while (waitpid (o->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      o->pid = 0;
      return -1;
    }
  if (o->n_waited == o->n_items && !has_lasting_work (o))
    {
      while (waitpid (o->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      o->pid = 0;
    }
  return 0;
}

void
outside_close (struct outside *o)
{
  close_fd_ptr (&o->go_fd);
  close_fd_ptr (&o->report_fd);
}
