/* swaddle: cgroup v2 limits (--memory-max, --pids-max, --cpu-max) in a
 * child cgroup of the caller's own, made for the sandbox and removed after. */
#pragma once

#include "plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The caller's cgroup2 directory (malloc'd), or NULL when there is none. */
char *cgroup_caller_dir (void);

bool plan_wants_cgroup (const struct plan *plan);

struct sandbox_cgroup
{
  int parent_fd;          /* the caller's cgroup */
  int parent_procs_fd;    /* its cgroup.procs, to come back to */
  int dir_fd;             /* the sandbox's cgroup, a child of it */
  int procs_fd;           /* the sandbox's cgroup.procs, opened now */
  char name[64];          /* the sandbox's cgroup, under parent */
  char leaf[64];          /* where swaddle moved itself to give the children controllers, or "" */
  char enabled[64];       /* the controllers swaddle enabled in the parent's subtree_control, or "" */
  char *path;             /* for messages */
  bool needs_override;    /* removing it takes CAP_DAC_OVERRIDE (root's cgroup is r-x) */
};

#define SANDBOX_CGROUP_NONE ((struct sandbox_cgroup) { -1, -1, -1, -1, "", "", "", NULL, false })

/* The capabilities the watcher that removes the cgroup must keep. */
uint64_t cgroup_watcher_caps (const struct sandbox_cgroup *cg);

/* Before anything is built: die with the cause and the fix when the
 * plan's cgroup limits cannot be had here. */
void cgroup_check (const struct plan *plan);
/* Make the sandbox's cgroup with the plan's limits, or die with the cause
 * and the fix; nothing is left behind. */
void cgroup_create (struct sandbox_cgroup *cg, const struct plan *plan);
/* In the sandbox's first process: move into it, and keep no handle on it. */
void cgroup_enter (struct sandbox_cgroup *cg);
/* Drop the handles (a process that is not the watcher). */
void cgroup_forget (struct sandbox_cgroup *cg);

/* What the kernel did to keep the limits. */
struct cgroup_events
{
  uint64_t oom_kills;
  uint64_t pids_refused;
};

/* After the sandbox ended: read its events, end what is left in it,
 * remove it, and say on stderr what the limits did. */
void cgroup_remove (struct sandbox_cgroup *cg, const struct plan *plan, struct cgroup_events *events);

/* --check: whether the cgroup limits can be had here; when not, why and
 * the fix, in why. */
bool cgroup_limits_possible (char *why, size_t why_size);
