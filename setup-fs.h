/* swaddle: the sandbox's filesystem, built from the plan, made the root. */
#pragma once

#include "plan.h"
#include "pty.h"

#include <stdbool.h>

struct setup_failure
{
  const struct op *op;    /* NULL when outside any operation */
  const char *call;       /* the system call that failed */
  int error;              /* its errno */
  const char *fstype;     /* when mounting a new filesystem instance */
  char message[2048];     /* one line, ready to print */
};

struct fs_setup
{
  const struct plan *plan;
  const char *host_cwd;   /* the caller's working directory, NULL if unknown */
  bool own_pid_ns;        /* --proc gets a fresh procfs */
  bool own_net_ns;        /* --sys gets a fresh sysfs */
  bool own_cgroup_ns;     /* --sys gets a cgroup2 at fs/cgroup */
  bool cgroup_delegated;  /* ... writable: the caller may manage its cgroup */
  /* --pty: filled with a pair opened on the last --dev's devpts, or on a
   * devpts instance of its own, mounted nowhere the payload can see. */
  struct pty_pair *pty;
};

/* Whether the caller may write its own cgroup2 directory (asked before
 * the cgroup namespace makes that directory "/"). */
bool caller_cgroup_is_delegated (void);

/* Build the new root in order and switch to it; the old root is detached.
 * 0, or -1 with *failure filled in. */
int setup_filesystem (const struct fs_setup *setup, struct setup_failure *failure);
