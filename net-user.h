/* swaddle: the user-mode network (--net-user) and joined network
 * namespaces (--netns).
 *
 * --net-user: the sandbox gets a network namespace of its own, and pasta
 * (Debian package passt), or slirp4netns where pasta is missing, attached
 * to it from outside: started by the outside helper (outside.h) as soon as
 * the namespaces exist, so that its own set-up overlaps the sandbox's, and
 * waited for only before the payload starts.  It runs in the foreground as
 * the outside helper's child and dies with it (PR_SET_PDEATHSIG), which
 * dies with swaddle: nothing is left behind on any path. */
#pragma once

#include "outside.h"
#include "plan.h"

#include <stdbool.h>

/* Before anything is started: find the helper (or die naming both
 * packages), check --netns, and register the helper's work item with o
 * (after any the id maps need).  Nothing to do without --net-user or
 * --netns. */
void net_prepare (const struct plan *plan, struct outside *o);

/* --netns: enter the network namespace, before a new user namespace is
 * created (after --userns is joined).  Dies with one line on failure. */
void net_join (const struct plan *plan);

/* --net-user: wait until the helper has configured the sandbox's
 * interface; dies with its message if it could not. */
void net_wait_ready (const struct plan *plan, struct outside *o);

/* For --check: what --net-user would use on this host. */
struct net_helper_probe
{
  const char *name;     /* "pasta", "slirp4netns" */
  const char *package;  /* Debian package */
  char path[4096];      /* "" when not found on PATH */
  bool usable;          /* found and runs (--version answers) */
};
void net_probe_helpers (struct net_helper_probe probes[2]);
