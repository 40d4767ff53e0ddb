/* swaddle: capabilities, seccomp, SELinux. */
#include "config.h"
#include "privileges.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t
all_caps_mask (void)
{
  int last = capability_last ();
  return last >= 63 ? ~(uint64_t) 0 : ((uint64_t) 1 << (last + 1)) - 1;
}

/* A process's three capability sets.  The kernel's interface is two
 * system calls and two 32-bit words per set: too little to load libcap
 * for at every start. */
struct cap_sets
{
  uint64_t effective, permitted, inheritable;
};

static int
cap_sets_get (struct cap_sets *sets)
{
  struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
  if (syscall (SYS_capget, &header, data) < 0)
    return -1;
  sets->effective = data[0].effective | (uint64_t) data[1].effective << 32;
  sets->permitted = data[0].permitted | (uint64_t) data[1].permitted << 32;
  sets->inheritable = data[0].inheritable | (uint64_t) data[1].inheritable << 32;
  return 0;
}

static int
cap_sets_set (const struct cap_sets *sets)
{
  struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
    { (uint32_t) sets->effective, (uint32_t) sets->permitted, (uint32_t) sets->inheritable },
    { (uint32_t) (sets->effective >> 32), (uint32_t) (sets->permitted >> 32),
      (uint32_t) (sets->inheritable >> 32) },
  };
  return syscall (SYS_capset, &header, data) < 0 ? -1 : 0;
}

uint64_t
caller_permitted_caps (void)
{
  struct cap_sets sets;
  return cap_sets_get (&sets) < 0 ? 0 : sets.permitted & all_caps_mask ();
}

int
caps_drop_all (void)
{
  const struct cap_sets none = { 0 };
  return cap_sets_set (&none);
}

void
cap_policy_decide (const struct plan *plan, bool caller_is_root, uint64_t caller_caps,
                   bool new_user_ns, struct cap_policy *policy)
{
  uint64_t all = all_caps_mask ();
  uint64_t keep = caller_is_root ? caller_caps : 0;
  for (size_t i = 0; i < plan->n_cap_edits; i++)
    {
      const struct cap_edit *e = &plan->cap_edits[i];
      uint64_t bits = e->cap < 0 ? all : (uint64_t) 1 << e->cap;
      keep = e->kind == CAP_EDIT_ADD ? keep | bits : keep & ~bits;
    }
  policy->keep = keep;
  /* A new user namespace starts with a full bounding set: bring it down
   * to what was asked for.  Root outside one keeps its own. */
  policy->bounding = caller_is_root && !new_user_ns ? all : keep;
  policy->as_root_would = caller_is_root && plan->n_cap_edits == 0;
  policy->root_may_keep = caller_is_root;
}

static int
set_process_caps (uint64_t keep)
{
  const struct cap_sets sets = { keep, keep, keep };
  return cap_sets_set (&sets);
}

/* execve() as uid 0 grants the bounding set: nothing more to do than to
 * bring the current sets down to it. */
static int
keep_root_caps (const char **step)
{
  struct cap_sets sets;
  if (cap_sets_get (&sets) < 0)
    return fail_with (step, "capget");
  sets.inheritable = 0;
  return cap_sets_set (&sets) < 0 ? fail_with (step, "capset") : 0;
}

int
cap_policy_apply (const struct cap_policy *policy, const char **step)
{
  /* The bounding set first: changing it needs CAP_SETPCAP, which the
   * later steps may take away. */
  for (int cap = 0; cap <= capability_last (); cap++)
    if (!(policy->bounding & ((uint64_t) 1 << cap))
        && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return fail_with (step, "prctl(PR_CAPBSET_DROP)");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return fail_with (step, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
  if (policy->as_root_would)
    return keep_root_caps (step);
  /* Any other set: uid 0 must not regain everything at execve(), and a
   * non-root uid keeps capabilities only as ambient ones. */
  if (policy->keep != 0 && prctl (PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0) < 0)
    return fail_with (step, "prctl(PR_SET_SECUREBITS)");
  if (set_process_caps (policy->keep) < 0)
    {
      /* Root asking for more than it has (--cap-add ALL in a container
       * with a reduced set) runs with what it has, as with bwrap. */
      if (errno != EPERM || !policy->root_may_keep)
        return fail_with (step, "capset");
      if (prctl (PR_SET_SECUREBITS, 0, 0, 0, 0) < 0)
        return fail_with (step, "prctl(PR_SET_SECUREBITS)");
      return keep_root_caps (step);
    }
  for (int cap = 0; cap <= capability_last (); cap++)
    if ((policy->keep & ((uint64_t) 1 << cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return fail_with (step, "prctl(PR_CAP_AMBIENT_RAISE)");
  return 0;
}

/* bwrap's words first, which its users' tests match; then ours. */
static _Noreturn void
die_seccomp (const char *message, const char *option, int fd, const char *detail)
{
  log_message (LOG_LEVEL_ERROR, "%s", message);
  log_detail (LOG_LEVEL_INFO, "  %s %d: %s", option, fd, detail);
  exit (1);
}

static void
load_program (int fd, const char *option, struct seccomp_program *program)
{
  char *data;
  size_t len;
  char detail[128];
  if (read_all (fd, &data, &len) < 0)
    {
      char message[128];
      snprintf (message, sizeof message, "Can't read seccomp data: %s", strerror (errno));
      die_seccomp (message, option, fd, "reading the program failed");
    }
  close (fd);
  if (len % sizeof (struct sock_filter) != 0)
    {
      snprintf (detail, sizeof detail, "%zu bytes are not whole %zu-byte BPF instructions",
                len, sizeof (struct sock_filter));
      die_seccomp ("Invalid seccomp data, must be multiple of 8", option, fd, detail);
    }
  if (len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    die ("%s %d: the seccomp program has %zu instructions, more than the kernel's %d",
         option, fd, len / sizeof (struct sock_filter), BPF_MAXINSNS);
  /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): never NULL, the analyzer lets 1 + n wrap to 0 in seccomp_load_all */
  program->filter = data;
  program->length = (unsigned short) (len / sizeof (struct sock_filter));
  program->fd = fd;
}

void
seccomp_load_all (const struct plan *plan, struct seccomp_program **programs, size_t *n)
{
  size_t count = (plan->seccomp_fd >= 0 ? 1 : 0) + plan->n_add_seccomp_fds;
  *programs = count ? xcalloc (count, sizeof **programs) : NULL;
  *n = count;
  if (plan->seccomp_fd >= 0)
    load_program (plan->seccomp_fd, "--seccomp", &(*programs)[0]);
  for (size_t i = 0; i < plan->n_add_seccomp_fds; i++)
    load_program (plan->add_seccomp_fds[i], "--add-seccomp-fd", &(*programs)[i]);
}

int
seccomp_install_all (const struct seccomp_program *programs, size_t n, size_t *failed)
{
  for (size_t i = 0; i < n; i++)
    {
      struct sock_fprog prog = { programs[i].length, programs[i].filter };
      /* prctl, not seccomp(2): a filter installed earlier need only allow
       * prctl(PR_SET_SECCOMP) for the next one to go in, as bwrap documents. */
      if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        {
          *failed = i;
          return -1;
        }
    }
  return 0;
}

/* SELinux through the kernel's own files, as libselinux's raw calls use
 * them: it is on where selinuxfs is mounted, and the label of the next
 * execve() is written to /proc/thread-self/attr/exec.  Labels are taken
 * as given (raw contexts): there is no mcstrans translation.  No library
 * is loaded, so that a static swaddle has labels too. */
static bool selinux_on;    /* found by selinux_probe() */

void
selinux_probe (void)
{
  struct statfs fs;
  selinux_on = HAVE_SELINUX && statfs ("/sys/fs/selinux", &fs) == 0
               && (uint32_t) fs.f_type == SELINUX_MAGIC;
}

bool
selinux_enabled (void)
{
  return selinux_on;
}

int
selinux_set_exec_label (const char *label)
{
  if (label == NULL || !selinux_on)
    return 0;
  return write_file_at (AT_FDCWD, "/proc/thread-self/attr/exec", label);
}
