/* swaddle: Landlock, through its three system calls.
 *
 * The kernel's uapi header on a build machine may be older than the
 * kernel swaddle runs on: the structures and rights are spelled out here,
 * as the kernel documents them (they never change once released). */
#include "landlock.h"
#include "utils.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

struct ll_ruleset_attr
{
  /* cppcheck-suppress unusedStructMember ; the kernel reads it */
  uint64_t handled_access_fs;
  /* cppcheck-suppress unusedStructMember ; the kernel reads it */
  uint64_t handled_access_net;    /* ABI 4 */
  /* cppcheck-suppress unusedStructMember ; the kernel reads it */
  uint64_t scoped;                /* ABI 6 */
};

struct ll_path_beneath_attr
{
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr
{
  /* cppcheck-suppress unusedStructMember ; the kernel reads it */
  uint64_t allowed_access;
  /* cppcheck-suppress unusedStructMember ; the kernel reads it */
  uint64_t port;
};

enum
{
  LL_CREATE_RULESET_VERSION = 1 << 0,
  LL_RULE_PATH_BENEATH = 1,
  LL_RULE_NET_PORT = 2,
};

#define LL_FS(bit) ((uint64_t) 1 << (bit))
#define LL_FS_EXECUTE LL_FS (0)
#define LL_FS_WRITE_FILE LL_FS (1)
#define LL_FS_READ_FILE LL_FS (2)
#define LL_FS_READ_DIR LL_FS (3)
#define LL_FS_TRUNCATE LL_FS (14)     /* ABI 3 */
#define LL_FS_IOCTL_DEV LL_FS (15)    /* ABI 5 */
#define LL_NET_BIND_TCP ((uint64_t) 1 << 0)
#define LL_NET_CONNECT_TCP ((uint64_t) 1 << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET ((uint64_t) 1 << 0)
#define LL_SCOPE_SIGNAL ((uint64_t) 1 << 1)

/* Every filesystem right of an ABI: 13 in ABI 1, then REFER (2),
 * TRUNCATE (3), IOCTL_DEV (5). */
static uint64_t
fs_rights_of_abi (int abi)
{
  int bits = abi >= 5 ? 16 : abi >= 3 ? 15 : abi >= 2 ? 14 : abi >= 1 ? 13 : 0;
  return bits ? LL_FS (bits) - 1 : 0;
}

/* The rights that make sense on a file that is not a directory. */
#define LL_FS_FILE_RIGHTS \
  (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define LL_FS_READ_RIGHTS (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)

int
landlock_abi (void)
{
  long abi = syscall (__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : (int) abi;
}

/* One right the plan asks for, and the ABI it needs. */
static bool
abi_has (const struct plan *plan, int abi, int needed, const char *what)
{
  if (abi >= needed)
    return true;
  char have[32] = "no Landlock";
  if (abi > 0)
    snprintf (have, sizeof have, "ABI %d", abi);
  if (!plan->landlock_best_effort)
    die ("%s needs Landlock ABI %d; this kernel has %s (--landlock-best-effort enforces what it can)",
         what, needed, have);
  log_message (LOG_LEVEL_WARNING, "%s needs Landlock ABI %d; this kernel has %s: not enforced (--landlock-best-effort)",
               what, needed, have);
  return false;
}

void
landlock_decide (const struct plan *plan, struct landlock_policy *policy)
{
  *policy = (struct landlock_policy) { 0 };
  if (!plan_wants_landlock (plan))
    return;
  int abi = landlock_abi ();
  policy->abi = abi;
  if (plan->n_landlock_paths > 0 && abi_has (plan, abi, 1, "--landlock-ro/--landlock-rw"))
    policy->handled_fs = fs_rights_of_abi (abi);
  if (plan->n_landlock_tcp_bind > 0 && abi_has (plan, abi, 4, "--landlock-tcp-bind"))
    policy->handled_net |= LL_NET_BIND_TCP;
  if (plan->n_landlock_tcp_connect > 0 && abi_has (plan, abi, 4, "--landlock-tcp-connect"))
    policy->handled_net |= LL_NET_CONNECT_TCP;
  if ((plan->landlock_scope & LANDLOCK_SCOPE_ABSTRACT_UNIX)
      && abi_has (plan, abi, 6, "--landlock-scope abstract-unix-socket"))
    policy->scoped |= LL_SCOPE_ABSTRACT_UNIX_SOCKET;
  if ((plan->landlock_scope & LANDLOCK_SCOPE_SIGNALS) && abi_has (plan, abi, 6, "--landlock-scope signal"))
    policy->scoped |= LL_SCOPE_SIGNAL;
  policy->enforce = policy->handled_fs || policy->handled_net || policy->scoped;
}

static void
add_path_rule (int ruleset, const struct landlock_path *lp, uint64_t handled)
{
  const char *option = lp->writable ? "--landlock-rw" : "--landlock-ro";
  autoclose int fd = open (lp->path, O_PATH | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    die_errno ("%s %s: %s", option, lp->path, fd < 0 ? "open" : "fstat");
  uint64_t rights = lp->writable ? handled : LL_FS_READ_RIGHTS;
  if (!S_ISDIR (st.st_mode))
    rights &= LL_FS_FILE_RIGHTS;
  struct ll_path_beneath_attr rule = { rights & handled, fd };
  if (syscall (__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) < 0)
    die_errno ("%s %s: landlock_add_rule", option, lp->path);
}

static void
add_port_rules (int ruleset, const uint16_t *ports, size_t n, uint64_t right, const char *option)
{
  for (size_t i = 0; i < n; i++)
    {
      struct ll_net_port_attr rule = { right, ports[i] };
      if (syscall (__NR_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0) < 0)
        die_errno ("%s %u: landlock_add_rule", option, (unsigned) ports[i]);
    }
}

void
landlock_apply (const struct plan *plan, const struct landlock_policy *policy)
{
  if (!policy->enforce)
    return;
  struct ll_ruleset_attr attr = {
    .handled_access_fs = policy->handled_fs,
    .handled_access_net = policy->handled_net,
    .scoped = policy->scoped,
  };
  autoclose int ruleset = (int) syscall (__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    die_errno ("Landlock (ABI %d): landlock_create_ruleset", policy->abi);
  if (policy->handled_fs)
    for (size_t i = 0; i < plan->n_landlock_paths; i++)
      add_path_rule (ruleset, &plan->landlock_paths[i], policy->handled_fs);
  if (policy->handled_net & LL_NET_CONNECT_TCP)
    add_port_rules (ruleset, plan->landlock_tcp_connect, plan->n_landlock_tcp_connect,
                    LL_NET_CONNECT_TCP, "--landlock-tcp-connect");
  if (policy->handled_net & LL_NET_BIND_TCP)
    add_port_rules (ruleset, plan->landlock_tcp_bind, plan->n_landlock_tcp_bind,
                    LL_NET_BIND_TCP, "--landlock-tcp-bind");
  if (syscall (__NR_landlock_restrict_self, ruleset, 0) < 0)
    die_errno ("Landlock: landlock_restrict_self");
}
