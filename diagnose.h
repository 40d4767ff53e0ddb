/* swaddle: why a sandbox could not start, and what to do about it.
 *
 * A failure is reported with what failed (the system call, errno, what
 * was asked for); the diagnosis looks at the host for the cause, and
 * prints one line for scripts followed by the explanation and the fix.
 *
 * The diagnosis is in three steps, so that every branch can be tested
 * without the environment it describes:
 *   1. diag_gather() reads the host's facts (/proc/sys values, seccomp and
 *      capabilities in /proc/self/status, the mount table, LSMs, container
 *      markers, ...) through a root directory: "/" for real, a fixture
 *      tree in the unit tests;
 *   2. diag_probe_call() asks the kernel directly whether a seccomp filter
 *      intercepts the failing call (only in the process that failed);
 *   3. diagnose_failure() is pure: failure + facts -> cause and evidence.
 * The causes are one table (diag_causes), which also renders
 * docs/troubleshooting.md (diag_write_markdown). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct failure_report
{
  const char *call;     /* "unshare", "write /proc/self/uid_map", "fsconfig(FSCONFIG_CMD_CREATE)", "pivot_root", ... */
  int error;            /* errno of that call */
  int clone_flags;      /* the namespaces the sandbox asked for */
  const char *fstype;   /* for a new filesystem instance: "proc", "sysfs", "overlay", "tmpfs", ...; else NULL */
  const char *message;  /* the one-line message, already composed */
};

/* Print report->message, then the cause and fix when one is found; exit 1. */
_Noreturn void die_with_diagnosis (const struct failure_report *report);

/* ---- the cause table ----------------------------------------------------- */

struct diag_cause
{
  const char *id;         /* stable name: "chroot", "seccomp", ... */
  const char *title;      /* heading in the documentation */
  const char *summary;    /* the "cause:" line */
  const char *evidence;   /* documentation: what swaddle looks at */
  const char *fix;        /* the "fix:" text; '\n' separates lines */
};

extern const struct diag_cause diag_causes[];
extern const size_t diag_n_causes;

const struct diag_cause *diag_cause_by_id (const char *id);

/* Render the cause table as docs/troubleshooting.md. */
void diag_write_markdown (FILE *out);

/* ---- facts ----------------------------------------------------------------- */

enum diag_ns
{
  DIAG_NS_USER,
  DIAG_NS_MNT,
  DIAG_NS_PID,
  DIAG_NS_NET,
  DIAG_NS_IPC,
  DIAG_NS_UTS,
  DIAG_NS_CGROUP,
  DIAG_NS_TIME,
  DIAG_N_NS
};

struct diag_ns_kind
{
  const char *name;       /* as in /proc/self/ns: "user", "mnt", ... */
  int clone_flag;
  const char *flag_name;  /* "CLONE_NEWUSER" */
  const char *sysctl;     /* "max_user_namespaces" in /proc/sys/user */
};
extern const struct diag_ns_kind diag_ns_kinds[DIAG_N_NS];

#define DIAG_TEXT 768

/* A filesystem type (proc or sysfs) as the visible mounts show it: the
 * kernel allows a fresh instance in a user namespace only when one mount
 * of it is fully visible (nothing mounted over its entries, not read-only). */
struct diag_fs_view
{
  int n_mounts;           /* mounts of the whole filesystem (root "/") */
  int n_clean;            /* of those, fully visible */
  char masked[DIAG_TEXT]; /* "/proc/keys, /proc/sys (read-only), ..." */
};

struct diag_facts
{
  char root[256];                 /* where they were read from */
  bool have_proc;                 /* ROOT/proc/self/status was readable */
  long euid;                      /* -1: unknown */
  int cap_sys_admin;              /* effective CAP_SYS_ADMIN: 1, 0, -1 unknown */
  int in_userns;                  /* /proc/self/uid_map is not the identity: 1, 0, -1 unknown */
  int seccomp_mode;               /* 0 none, 1 strict, 2 filter, -1 unknown */
  int seccomp_filters;            /* -1 unknown */
  long unprivileged_userns_clone; /* -1: the sysctl does not exist */
  long userns_restrict;           /* kernel.userns_restrict (linux-hardened), -1 absent */
  long apparmor_restrict_userns;  /* kernel.apparmor_restrict_unprivileged_userns, -1 absent */
  long max_ns[DIAG_N_NS];         /* /proc/sys/user/max_*_namespaces, -1 absent */
  int ns_present[DIAG_N_NS];      /* /proc/self/ns/NAME exists: 1, 0, -1 unknown */
  char own_userns[64];            /* "user:[4026531837]" */
  int chroot;                     /* 1 in a chroot, 0 not, -1 unknown */
  char chroot_evidence[DIAG_TEXT];
  int userns_depth;               /* user namespaces counted along the parent processes, ours included; 0 unknown */
  int userns_hidden_parents;      /* parent processes whose user namespace cannot be read (enclosing ones) */
  int userns_below;               /* user namespaces below ours held by processes visible here */
  char userns_below_pids[128];    /* some of those processes */
  char kernel_release[96];
  char lsm[256];                  /* /sys/kernel/security/lsm, "" unknown */
  bool apparmor_enabled;
  char apparmor_label[160];       /* the process's AppArmor label, "" unknown */
  int selinux_enforcing;          /* 1, 0, -1 not present */
  char selinux_label[160];
  char container[DIAG_TEXT];      /* container markers found, "" none */
  char root_fstype[32];           /* filesystem of the mount at "/", "" when no mount is there */
  struct diag_fs_view proc, sys;
};

/* Read the facts through ROOT ("/" normally). Never fails: what cannot be
 * read is marked unknown. */
void diag_gather (const char *root, struct diag_facts *facts);

/* ---- live probe ------------------------------------------------------------- */

/* Call the system call named by `call` again, with arguments the kernel
 * itself rejects (EINVAL, EFAULT, EBADF) before doing or checking anything:
 * returns the errno seen.  A seccomp filter answers instead of the kernel
 * with its own errno (EPERM, ENOSYS...).  clone_flags are the namespaces of
 * a failed unshare.  0 when the call is not one that can be probed. */
int diag_probe_call (const char *call, int clone_flags);

/* True when the errno of diag_probe_call() shows a filter answered. */
bool diag_probe_intercepted (int probe_errno);

/* ---- classification ----------------------------------------------------------- */

struct diagnosis
{
  const struct diag_cause *cause;  /* NULL: no cause found */
  char evidence[2048];             /* lines separated by '\n' */
  char checked[1024];              /* what was looked at (printed when no cause) */
};

/* Classify a failure; probe_errno is diag_probe_call()'s answer or 0.
 * Returns 0 when a cause was found, -1 otherwise (out->checked says what
 * was looked at). */
int diagnose_failure (const struct failure_report *report, const struct diag_facts *facts,
                      int probe_errno, struct diagnosis *out);

/* Print the explanation lines (not the message) through log_detail(), or,
 * with `out` non-NULL, as plain indented lines to that stream. */
void diagnosis_print (const struct diagnosis *d, FILE *out);
