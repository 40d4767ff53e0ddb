/* swaddle: creating the sandbox's namespaces and its single-id maps. */
#pragma once

#include "plan.h"

#include <stdbool.h>
#include <sys/types.h>

struct ns_setup
{
  int clone_flags;        /* CLONE_NEW* to unshare */
  bool user_ns;
  uid_t uid_inside, uid_outside;
  gid_t gid_inside, gid_outside;
};

/* Decide which namespaces to create: the plan's wishes, "-try" ones only
 * where this kernel has them. */
void ns_decide (const struct plan *plan, const struct host_facts *facts, struct ns_setup *ns);

/* unshare() them and write the id maps.  0, or -1 with errno and *call. */
int ns_create (const struct ns_setup *ns, const char **call);

/* "CLONE_NEWUSER|CLONE_NEWNS|..." for messages. */
void ns_flags_describe (int clone_flags, char *buf, size_t size);
