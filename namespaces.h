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

/* Each: 0, or -1 with errno and *call naming the failed step. */

/* --pidns, --userns: enter the namespaces the caller passed by fd. */
int ns_join (const struct plan *plan, const char **call);
/* unshare() the namespaces decided on. */
int ns_create (const struct ns_setup *ns, const char **call);
/* The single-id maps of the new user namespace, through proc_dir (an
 * open procfs of the caller's). */
int ns_write_id_maps (const struct ns_setup *ns, int proc_dir, const char **call);
/* Whether someone (the --userns-block-fd caller) has written them. */
bool ns_id_maps_written (int proc_dir);
/* --disable-userns: cap this user namespace at one child, and enter that
 * child, so nothing inside can create another or lift the cap. */
int ns_disable_further_userns (int proc_dir, const char **call);

/* "CLONE_NEWUSER|CLONE_NEWNS|..." for messages. */
void ns_flags_describe (int clone_flags, char *buf, size_t size);
