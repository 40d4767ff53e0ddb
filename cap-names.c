/* swaddle: capability names, as a table the plan builder can use without
 * a system call (libcap's lookups read /proc on some versions). */
#include "plan.h"

#include <linux/capability.h>
#include <stddef.h>
#include <strings.h>

static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
  "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

_Static_assert (sizeof cap_names / sizeof cap_names[0] == CAP_LAST_CAP + 1,
                "the capability table must list every capability the kernel headers know");

int
capability_last (void)
{
  return (int) (sizeof cap_names / sizeof cap_names[0]) - 1;
}

const char *
capability_name (int cap)
{
  if (cap < 0 || cap > capability_last ())
    return NULL;
  return cap_names[cap];
}

int
capability_from_name (const char *name)
{
  if (strcasecmp (name, "ALL") == 0)
    return -1;
  for (int i = 0; i <= capability_last (); i++)
    if (strcasecmp (name, cap_names[i]) == 0 || strcasecmp (name, cap_names[i] + 4) == 0)
      return i;
  return -2;
}
