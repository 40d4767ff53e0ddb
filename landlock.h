/* swaddle: Landlock (--landlock-scope, --landlock-ro, --landlock-rw,
 * --landlock-tcp-connect, --landlock-tcp-bind): what the payload may
 * reach, enforced by the kernel on the payload and all it starts. */
#pragma once

#include "plan.h"

#include <stdbool.h>
#include <stdint.h>

/* What the kernel will be asked to handle, decided before anything is
 * made. */
struct landlock_policy
{
  bool enforce;             /* a ruleset is made at all */
  int abi;                  /* the kernel's Landlock ABI; 0: none */
  uint64_t handled_fs;      /* access rights only the paths' rules grant */
  uint64_t handled_net;     /* TCP rights only the ports' rules grant */
  uint64_t scoped;          /* the kernel's LANDLOCK_SCOPE_* bits */
};

/* The kernel's Landlock ABI version; 0 when it has none (or it is off). */
int landlock_abi (void);

/* Check the plan's rules against the kernel's ABI: a right it cannot
 * enforce is one line naming the ABI it needs and exit 1, unless
 * --landlock-best-effort, which says on stderr what is left out. */
void landlock_decide (const struct plan *plan, struct landlock_policy *policy);

/* Make the ruleset, with the paths as this process sees them, and
 * restrict this process (no_new_privs must be set).  Dies naming the
 * option, the path and the call that failed. */
void landlock_apply (const struct plan *plan, const struct landlock_policy *policy);
