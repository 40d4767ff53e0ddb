/* swaddle: a process left in the caller's namespaces, to act on the
 * sandbox from there.
 *
 * Some work can only be done from outside the sandbox's user namespace:
 * newuidmap and newgidmap write the id maps of a process in a child user
 * namespace; pasta and slirp4netns join the sandbox's network namespace
 * while keeping the host's.  Once swaddle has unshared, no process of its
 * own is outside any more, so before it does, it forks this helper.  The
 * helper waits until told that the namespaces exist, then does its work
 * items in order on swaddle's pid, reporting each one's result.
 *
 * Lifetime: the helper dies with the process that started it
 * (PR_SET_PDEATHSIG), whether that process ends normally, is killed with
 * SIGKILL, or became the payload and ended.  A work item that starts a
 * lasting process (a network helper) makes it die with the helper the same
 * way, so nothing is left behind on any path. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A work item: runs in the helper, outside; sandbox is swaddle's pid (in
 * the caller's pid namespace).  0, or -1 with a one-line message (the
 * option, the call, the cause) in message. */
typedef int (*outside_work) (void *ctx, pid_t sandbox, char *message, size_t size);

#define OUTSIDE_MAX_WORK 4

struct outside_item
{
  outside_work work;
  void *ctx;
  bool lasting;     /* it leaves a process running: the helper stays */
};

struct outside
{
  struct outside_item items[OUTSIDE_MAX_WORK];
  size_t n_items;
  size_t n_waited;
  pid_t pid;        /* the helper; 0 before it starts */
  int go_fd;        /* ours: one byte when the namespaces exist */
  int report_fd;    /* ours: one result record per item */
};

#define OUTSIDE_INIT { .go_fd = -1, .report_fd = -1 }

/* Add a work item (before outside_start). */
void outside_add (struct outside *o, outside_work work, void *ctx, bool lasting);
bool outside_has_work (const struct outside *o);

/* Fork the helper, before the namespaces are created.  0, or -1 with errno. */
int outside_start (struct outside *o);

/* Tell the helper that the namespaces exist.  0, or -1 with errno.  The
 * work items act on our pid; outside_go_for names another process of the
 * sandbox's namespaces: the outside watcher of a pid namespace becomes
 * undumpable at once, so that helpers which open its /proc/PID/ns files
 * without privilege (pasta, slirp4netns) must be sent to its child. */
int outside_go (struct outside *o);
int outside_go_for (struct outside *o, pid_t sandbox);

/* Wait for the next work item's result: 0, or -1 with its message (or,
 * when the helper died without a word, a message saying so).  After the
 * last item, a helper with no lasting work is reaped. */
int outside_wait (struct outside *o, char *message, size_t size);

/* Our ends of the pipes, in a process that will not talk to the helper. */
void outside_close (struct outside *o);
