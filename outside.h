/* swaddle: a process left in the caller's namespaces, to act on the
 * sandbox from there.
 *
 * Some work can only be done from outside the sandbox's user namespace:
 * newuidmap and newgidmap write the id maps of a process in a child user
 * namespace; pasta and slirp4netns join the sandbox's network namespace
 * while keeping the host's.  Once swaddle has unshared, no process of its
 * own is outside any more, so before it does, it forks this helper.  The
 * helper waits until told that the namespaces exist and which process is
 * the sandbox's, then does its work items in order on that pid,
 * reporting each one's result.  Commands reach it in any order (the
 * watcher outside sends the go, the sandbox inside releases gated items):
 * each item waits for what it needs.
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

/* A work item: runs in the helper, outside; sandbox is the sandbox's pid
 * (in the caller's pid namespace).  0, or -1 with a one-line message (the
 * option, the call, the cause) in message. */
typedef int (*outside_work) (void *ctx, pid_t sandbox, char *message, size_t size);

#define OUTSIDE_MAX_WORK 4

struct outside_item
{
  outside_work work;
  void *ctx;
  bool lasting;     /* it leaves a process running: the helper stays */
  bool gated;       /* done only once outside_release() says so */
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
/* Add a work item the helper does only when outside_release() tells it to
 * (or skips when told so): for work that depends on what the sandbox
 * learns after the namespaces exist, such as id maps that a
 * --userns-block-fd caller may have written itself. */
void outside_add_gated (struct outside *o, outside_work work, void *ctx);
bool outside_has_work (const struct outside *o);

/* Fork the helper, before the namespaces are created.  0, or -1 with errno. */
int outside_start (struct outside *o);

/* Tell the helper that the namespaces exist, and the sandbox's process
 * its work applies to (a pid in the caller's pid namespace): the one
 * that waits for the results, and so stays dumpable while the helper
 * works on it.  0, or -1 with errno. */
int outside_go (struct outside *o, pid_t sandbox);

/* Let the next gated work item go (run), or have it skipped: it then
 * reports success without doing anything.  0, or -1 with errno. */
int outside_release (struct outside *o, bool run);

/* Wait for the next work item's result: 0, or -1 with its message (or,
 * when the helper died without a word, a message saying so).  After the
 * last item, a helper with no lasting work is reaped. */
int outside_wait (struct outside *o, char *message, size_t size);

/* Our ends of the pipes, in a process that will not talk to the helper. */
void outside_close (struct outside *o);
