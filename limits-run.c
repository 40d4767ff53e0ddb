/* swaddle: resource limits (--rlimit) and the wall-clock limit (--timeout).
 *
 * Resource limits are set in the sandbox's first process once the sandbox
 * is built, so pid 1 (with a pid namespace) and the payload both run under
 * them; raising a hard limit needs CAP_SYS_RESOURCE in the initial user
 * namespace, so root does that part first, before any namespace.
 *
 * The timeout is kept by the watcher that waits for the payload: pid 1 of
 * a pid namespace signals every other process of it; without a pid
 * namespace the payload leads a process group of its own (as under
 * timeout(1)), which gets the signals. */
#include "limits-run.h"
#include "cgroup.h"
#include "privileges.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

_Static_assert (RLIM_NLIMITS <= N_ELEMENTS (((struct host_facts *) 0)->rlimit_hard), "room for every RLIMIT_*");

static uint64_t
from_rlim (rlim_t v)
{
  return v == RLIM_INFINITY ? LIMIT_UNLIMITED : (uint64_t) v;
}

static rlim_t
to_rlim (uint64_t v)
{
  return v == LIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t) v;
}

void
rlimits_read_host (struct host_facts *facts)
{
  for (int r = 0; r < RLIM_NLIMITS; r++)
    {
      struct rlimit cur;
      facts->rlimit_hard[r] = getrlimit (r, &cur) == 0 ? from_rlim (cur.rlim_max) : LIMIT_UNLIMITED;
    }
  facts->rlimits_known = true;
  facts->may_raise_rlimits = (caller_permitted_caps () >> CAP_SYS_RESOURCE) & 1;
}

/* The limit's new hard value: the one given, else the current one, raised
 * to the soft one where root asked for a soft limit above it. */
static uint64_t
wanted_hard (const struct plan_rlimit *limit, const struct rlimit *cur)
{
  if (limit->has_hard)
    return limit->hard;
  uint64_t hard = from_rlim (cur->rlim_max);
  return limit->soft > hard ? limit->soft : hard;
}

/* The limit as it is now, and as the plan wants it. */
static void
current_and_wanted (const struct plan_rlimit *limit, struct rlimit *cur, struct rlimit *want)
{
  if (getrlimit (limit->resource, cur) < 0)
    die_errno ("--rlimit %s: getrlimit", limit->text);
  *want = (struct rlimit) { to_rlim (limit->soft), to_rlim (wanted_hard (limit, cur)) };
}

void
rlimits_raise_hard (const struct plan *plan)
{
  for (size_t i = 0; i < plan->n_rlimits; i++)
    {
      struct rlimit cur, want;
      current_and_wanted (&plan->rlimits[i], &cur, &want);
      if (from_rlim (want.rlim_max) <= from_rlim (cur.rlim_max))
        continue;
      cur.rlim_max = want.rlim_max;
      if (setrlimit (plan->rlimits[i].resource, &cur) < 0)
        die_errno ("--rlimit %s: raising the hard limit (setrlimit)", plan->rlimits[i].text);
    }
}

void
rlimits_apply (const struct plan *plan)
{
  for (size_t i = 0; i < plan->n_rlimits; i++)
    {
      struct rlimit cur, want;
      current_and_wanted (&plan->rlimits[i], &cur, &want);
      if (setrlimit (plan->rlimits[i].resource, &want) < 0)
        die_errno ("--rlimit %s: setrlimit", plan->rlimits[i].text);
    }
}

/* ---- --timeout ------------------------------------------------------------- */

static void
signal_targets (const struct sandbox_timeout *t, pid_t child, int sig)
{
  switch (t->targets)
    {
    case TIMEOUT_PID_NS:
      /* From pid 1: every process of the namespace but pid 1 itself. */
      kill (-1, sig);
      break;
    case TIMEOUT_GROUP:
      kill (-child, sig);
      /* It may have left its group (setsid): it still gets the signal. */
      kill (child, sig);
      break;
    case TIMEOUT_CHILD:
      kill (child, sig);
      break;
    }
}

static void
timeout_expired (struct monitor_timer *timer, pid_t child)
{
  struct sandbox_timeout *t = (struct sandbox_timeout *) timer;
  const struct plan *plan = t->plan;
  if (t->stage == 0)
    {
      warn ("--timeout %s: the sandbox ran out of time: SIGTERM to its processes%s", plan->timeout_text,
            plan->timeout_grace_ms ? ", SIGKILL after the grace" : "");
      if (t->report_fd >= 0)
        (void) write_all (t->report_fd, "T", 1);
      signal_targets (t, child, SIGTERM);
      t->stage = 1;
      timer->deadline_ms += plan->timeout_grace_ms;
      if (plan->timeout_grace_ms)
        return;
    }
  warn ("--timeout %s: SIGKILL to what is left of the sandbox", plan->timeout_text);
  signal_targets (t, child, SIGKILL);
  t->stage = 2;
  timer->deadline_ms = 0;
}

struct monitor_timer *
timeout_arm (struct sandbox_timeout *t, const struct plan *plan, enum timeout_targets targets, int report_fd)
{
  if (plan->timeout_ms == 0)
    return NULL;
  *t = (struct sandbox_timeout) {
    .timer = { monotonic_ms () + plan->timeout_ms, timeout_expired },
    .plan = plan,
    .targets = targets,
    .report_fd = report_fd,
  };
  return &t->timer;
}

bool
timeout_finish (struct sandbox_timeout *t, pid_t child)
{
  if (t == NULL || t->stage == 0)
    return false;
  /* The payload ended within the grace: what it left in its group has had
   * its SIGTERM, and goes now.  (In a pid namespace, pid 1's exit does it.) */
  if (t->targets == TIMEOUT_GROUP)
    kill (-child, SIGKILL);
  return true;
}

void
timeout_report_open (struct timeout_report *report, const struct plan *plan)
{
  int fds[2] = { -1, -1 };
  if (plan->timeout_ms && plan->json_status_fd >= 0 && pipe2 (fds, O_CLOEXEC | O_NONBLOCK) < 0)
    die_errno ("--timeout: pipe2");
  report->read_fd = fds[0];
  report->write_fd = fds[1];
}

bool
timeout_report_read (struct timeout_report *report)
{
  char c;
  if (report->read_fd < 0)
    return false;
  close_fd_ptr (&report->write_fd);
  return read (report->read_fd, &c, 1) == 1 && c == 'T';
}

bool
timeout_uses_group (const struct plan *plan, bool own_pid_ns)
{
  return plan->timeout_ms && !own_pid_ns;
}

void
timeout_before_exec (const struct plan *plan, bool own_pid_ns)
{
  /* --new-session and --pty make it a session leader, and so a group leader. */
  if (timeout_uses_group (plan, own_pid_ns) && !plan->new_session && !plan->pty && setpgid (0, 0) < 0)
    die_errno ("--timeout: setpgid (a process group for the payload)");
}

void
limits_status_members (const struct plan *plan, bool timed_out, const struct cgroup_events *events,
                       char *out, size_t size)
{
  size_t used = 0;
  out[0] = '\0';
  if (plan->timeout_ms)
    used += (size_t) snprintf (out + used, size - used, ", \"timed-out\": %s", timed_out ? "true" : "false");
  if (plan->memory_max && used < size)
    used += (size_t) snprintf (out + used, size - used, ", \"oom-kills\": %llu, \"oom-killed\": %s",
                               (unsigned long long) events->oom_kills, events->oom_kills ? "true" : "false");
  if (plan->pids_max && used < size)
    snprintf (out + used, size - used, ", \"pids-max-refusals\": %llu", (unsigned long long) events->pids_refused);
}
