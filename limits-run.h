/* swaddle: resource limits (--rlimit) and the wall-clock limit (--timeout). */
#pragma once

#include "plan.h"
#include "reaper.h"

#include <stdbool.h>
#include <sys/types.h>

/* The caller's hard limits, which validation compares --rlimit with. */
void rlimits_read_host (struct host_facts *facts);
/* As root, in swaddle's first process: raise the hard limits the plan asks
 * above the current ones (in a user namespace nobody can).  Soft limits
 * stay: swaddle itself runs as before. */
void rlimits_raise_hard (const struct plan *plan);
/* Set the plan's limits on this process; its children inherit them. */
void rlimits_apply (const struct plan *plan);

/* --timeout, kept by the watcher that waits for the payload (or for pid 1
 * under --as-pid-1). */
enum timeout_targets
{
  TIMEOUT_PID_NS,         /* this is pid 1: every other process of the namespace */
  TIMEOUT_GROUP,          /* the payload and its process group */
  TIMEOUT_CHILD,          /* the child only: pid 1 under --as-pid-1, whose death ends the rest */
};

struct sandbox_timeout
{
  struct monitor_timer timer;     /* first: the monitor hands this back */
  const struct plan *plan;
  enum timeout_targets targets;
  int stage;                      /* 0 running, 1 SIGTERM sent, 2 SIGKILL sent */
  int report_fd;                  /* 'T' goes here for the outermost watcher, or -1 */
};

/* NULL when the plan has no --timeout. */
struct monitor_timer *timeout_arm (struct sandbox_timeout *t, const struct plan *plan,
                                   enum timeout_targets targets, int report_fd);
/* After the child ended: whether the time ran out, and what is left of the
 * process group (without a pid namespace) killed. */
bool timeout_finish (struct sandbox_timeout *t, pid_t child);

/* The pipe by which an inner watcher tells the outermost one (which
 * writes --json-status-fd) that the time ran out. */
struct timeout_report
{
  int read_fd;
  int write_fd;
};
void timeout_report_open (struct timeout_report *report, const struct plan *plan);
bool timeout_report_read (struct timeout_report *report);

/* What the payload does for --timeout just before it execs: without a pid
 * namespace, a process group of its own, which the watcher signals. */
void timeout_before_exec (const struct plan *plan, bool own_pid_ns);
bool timeout_uses_group (const struct plan *plan, bool own_pid_ns);

/* The --json-status-fd members after "exit-code" that the limits add:
 * "timed-out", "oom-kills", "oom-killed", "pids-max-refusals". */
struct cgroup_events;
void limits_status_members (const struct plan *plan, bool timed_out, const struct cgroup_events *events,
                            char *out, size_t size);
