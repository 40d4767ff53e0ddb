/* swaddle: capabilities, seccomp, SELinux. */
#include "config.h"
#include "privileges.h"
#include "kernel-abis.h"
#include "seccomp-rules.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Capabilities 0 to cap_max_bits () - 1: what the running kernel has, as
 * libcap's constructor found at start (newer than its own table, maybe). */
static int
cap_count (void)
{
  int n = (int) cap_max_bits ();
  return n > 64 ? 64 : n;
}

static uint64_t
all_caps_mask (void)
{
  int n = cap_count ();
  return n >= 64 ? ~(uint64_t) 0 : ((uint64_t) 1 << n) - 1;
}

uint64_t
caller_permitted_caps (void)
{
  cap_t caps = cap_get_proc ();
  if (caps == NULL)
    return 0;
  uint64_t permitted = 0;
  for (int cap = 0; cap < cap_count (); cap++)
    {
      cap_flag_value_t value = CAP_CLEAR;
      if (cap_get_flag (caps, cap, CAP_PERMITTED, &value) == 0 && value == CAP_SET)
        permitted |= (uint64_t) 1 << cap;
    }
  cap_free (caps);
  return permitted;
}

/* This process's effective, permitted and inheritable sets all become
 * keep.  0, or -1 with errno. */
static int
set_process_caps (uint64_t keep)
{
  cap_t caps = cap_init ();
  if (caps == NULL)
    return -1;
  static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
  int rc = 0;
  for (int cap = 0; cap < cap_count () && rc == 0; cap++)
    if (keep & ((uint64_t) 1 << cap))
      for (size_t f = 0; f < N_ELEMENTS (flags) && rc == 0; f++)
        rc = cap_set_flag (caps, flags[f], 1, &(cap_value_t) { cap }, CAP_SET);
  if (rc == 0)
    rc = cap_set_proc (caps);
  int err = errno;
  cap_free (caps);
  errno = err;
  return rc;
}

int
caps_keep_only (uint64_t keep)
{
  /* Only what the process has: asking for more would fail. */
  return set_process_caps (keep & caller_permitted_caps ());
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

/* execve() as uid 0 grants the bounding set: nothing more to do than to
 * bring the current sets down to it. */
static int
keep_root_caps (const char **step)
{
  cap_t caps = cap_get_proc ();
  if (caps == NULL)
    return fail_with (step, "cap_get_proc");
  int rc = cap_clear_flag (caps, CAP_INHERITABLE) < 0 ? -1 : cap_set_proc (caps);
  int err = errno;
  cap_free (caps);
  errno = err;
  return rc < 0 ? fail_with (step, "cap_set_proc") : 0;
}

int
cap_policy_apply (const struct cap_policy *policy, const char **step)
{
  /* The bounding set first: changing it needs CAP_SETPCAP, which the
   * later steps may take away. */
  for (int cap = 0; cap < cap_count (); cap++)
    if (!(policy->bounding & ((uint64_t) 1 << cap)) && cap_drop_bound (cap) < 0 && errno != EINVAL)
      return fail_with (step, "cap_drop_bound");
  /* One prctl, where libcap's cap_reset_ambient() first reads each
   * capability's ambient bit: a call per capability at every start. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return fail_with (step, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
  if (policy->as_root_would)
    return keep_root_caps (step);
  /* Any other set: uid 0 must not regain everything at execve(), and a
   * non-root uid keeps capabilities only as ambient ones. */
  if (policy->keep != 0 && cap_set_secbits (SECBIT_NOROOT) < 0)
    return fail_with (step, "cap_set_secbits");
  if (set_process_caps (policy->keep) < 0)
    {
      /* Root asking for more than it has (--cap-add ALL in a container
       * with a reduced set) runs with what it has, as with bwrap. */
      if (errno != EPERM || !policy->root_may_keep)
        return fail_with (step, "cap_set_proc");
      if (cap_set_secbits (0) < 0)
        return fail_with (step, "cap_set_secbits");
      return keep_root_caps (step);
    }
  for (int cap = 0; cap < cap_count (); cap++)
    if ((policy->keep & ((uint64_t) 1 << cap)) && cap_set_ambient (cap, CAP_SET) < 0)
      return fail_with (step, "cap_set_ambient");
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
  program->option = option;
}

/* The rules by name go last, after the descriptors' programs: one
 * program per ABI. */
static void
compile_rules (const struct plan *plan, struct seccomp_program *programs, size_t *n)
{
  const char *step = NULL;
  struct seccomp_rules_bpf bpf;
  if (seccomp_rules_compile (plan, kernel_foreign_abis (), &bpf, &step) < 0)
    die_errno ("compiling the seccomp rules (--seccomp-deny, --seccomp-allow, --seccomp-profile, --deny-socket): %s", step);
  for (size_t i = 0; i < bpf.n; i++)
    programs[i] = (struct seccomp_program) {
      bpf.filter[i], bpf.length[i], -1,
      "--seccomp-deny/--seccomp-allow/--seccomp-profile/--deny-socket",
    };
  *n += bpf.n;
}

void
seccomp_load_all (const struct plan *plan, struct seccomp_program **programs, size_t *n)
{
  size_t from_fds = (plan->seccomp_fd >= 0 ? 1 : 0) + plan->n_add_seccomp_fds;
  bool by_name = seccomp_rules_wanted (plan);
  size_t count = from_fds + (by_name ? SECCOMP_RULES_MAX_ABIS : 0);
  *programs = count ? xcalloc (count, sizeof **programs) : NULL;
  *n = from_fds;
  if (plan->seccomp_fd >= 0)
    load_program (plan->seccomp_fd, "--seccomp", &(*programs)[0]);
  for (size_t i = 0; i < plan->n_add_seccomp_fds; i++)
    load_program (plan->add_seccomp_fds[i], "--add-seccomp-fd", &(*programs)[i]);
  if (by_name)
    compile_rules (plan, &(*programs)[from_fds], n);
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

/* SELinux through libselinux.  Labels are translated to raw contexts
 * (mcstrans, where its daemon runs, as any libselinux program does) and
 * checked against the loaded policy before anything is built: later, in
 * the new root, the daemon's socket is out of reach, and a bad label
 * would only show as a failed execve() or mount. */
#if HAVE_SELINUX
#include <selinux/selinux.h>

static char *exec_context, *file_context;   /* raw, NULL when not asked for or off */

static char *
raw_checked_context (const char *option, const char *label)
{
  char *raw = NULL;
  if (selinux_trans_to_raw_context (label, &raw) < 0 || raw == NULL)
    die_errno ("%s '%s': translating it to a raw SELinux context", option, label);
  if (security_check_context_raw (raw) < 0)
    {
      int err = errno;
      die ("%s '%s': not a valid SELinux context in the loaded policy (security_check_context: %s)",
           option, label, strerror (err));
    }
  return raw;   /* kept until exit: the payload's process uses it */
}

void
selinux_prepare_labels (const char *exec_label, const char *file_label)
{
  if ((exec_label == NULL && file_label == NULL) || is_selinux_enabled () <= 0)
    return;
  if (exec_label)
    exec_context = raw_checked_context ("--exec-label", exec_label);
  if (file_label)
    file_context = raw_checked_context ("--file-label", file_label);
}

const char *
selinux_file_context (void)
{
  return file_context;
}

int
selinux_set_exec_label (void)
{
  return exec_context != NULL ? setexeccon_raw (exec_context) : 0;
}

#else /* built without libselinux: labels have no effect */

void
selinux_prepare_labels (const char *exec_label, const char *file_label)
{
}

const char *
selinux_file_context (void)
{
  return NULL;
}

int
selinux_set_exec_label (void)
{
  return 0;
}
#endif
