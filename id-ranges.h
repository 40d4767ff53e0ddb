/* swaddle: ranges of ids in the sandbox's user namespace (--map-subids,
 * --uid-map, --gid-map).
 *
 * Alone, a user may map only its own uid and gid into a user namespace.
 * More comes from the ranges root gave it in /etc/subuid and /etc/subgid,
 * which only the setuid helpers newuidmap and newgidmap (Debian package
 * uidmap) may write, and only from outside the namespace.  So the maps
 * are laid out and checked here before any namespace exists, and written
 * by the helper process left outside (outside.h).
 *
 * Root needs no helper: it writes the maps itself (from outside too: the
 * kernel takes a map of more than one's own id only from a writer with
 * CAP_SETUID in the parent namespace).  --map-subids then uses root's own
 * entries in /etc/subuid and /etc/subgid, like any user's; explicit maps
 * are root's to choose, and are not checked against those files. */
#pragma once

#include "outside.h"
#include "plan.h"

#include <stdbool.h>
#include <stdio.h>

/* The kernel's limit on the lines of a map (since Linux 4.15). */
#define ID_RANGES_MAX_LINES 340

struct id_ranges_side
{
  struct id_map lines[ID_RANGES_MAX_LINES];
  size_t n;
  const char *map_file;       /* "uid_map" or "gid_map" */
  char helper[4096];          /* newuidmap's path; "" when writing the map directly (root) */
};

struct id_ranges
{
  char option[80];            /* "--map-subids" or "--uid-map 0:1000:1", for messages */
  struct id_ranges_side uid, gid;
};

/* Before the namespaces: lay out the maps, check them against the
 * caller's ranges, find newuidmap and newgidmap and check that they can
 * work; then have the outside helper write them (a gated work item, see
 * id_ranges_await).  Dies with one line naming the fix when the maps
 * cannot be written. */
void id_ranges_prepare (const struct plan *plan, const struct host_facts *facts, struct id_ranges *ranges,
                        struct outside *outside);

/* In the sandbox, where the maps must exist: let the helper write them
 * (write false: the --userns-block-fd caller did) and wait for it.  Dies
 * with the helper's message when it failed. */
void id_ranges_await (struct outside *outside, bool write);

/* --check: the caller's ranges and whether newuidmap and newgidmap can
 * write maps; as a table row or as JSON members. */
void id_ranges_check_table (FILE *out, uid_t uid);
void id_ranges_check_json (FILE *out, uid_t uid);
