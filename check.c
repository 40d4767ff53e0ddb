/* swaddle --check: what this host allows an unprivileged sandbox.
 *
 * Everything is tried for real, but only in short-lived children: each
 * namespace type is created by a child that exits at once; the mounts are
 * made inside a throwaway user + mount namespace (pid 1 of a new pid
 * namespace, so that procfs can be mounted), with the same code the
 * sandbox uses, so nothing on the host changes.  The host's facts are the
 * diagnosis's (diagnose.c), and when the default sandbox cannot run, the
 * failing step goes through the same classifier as a real failure. */
#include "config.h"
#include "check.h"
#include "net-user.h"
#include "bind-mount.h"
#include "cgroup.h"
#include "diagnose.h"
#include "kernel-abis.h"
#include "id-ranges.h"
#include "utils.h"

#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <sched.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
# define SYS_landlock_create_ruleset 444
#endif
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)

/* The identity an unprivileged sandbox is probed as when root asks. */
#define NOBODY 65534

enum probe
{
  P_USERNS,
  P_UIDMAP,
  P_NS_MNT,
  P_NS_PID,
  P_NS_NET,
  P_NS_IPC,
  P_NS_UTS,
  P_NS_CGROUP,
  P_NS_TIME,
  P_MOUNT_NS,     /* user + mount + pid namespaces for the mount probes */
  P_RSLAVE,
  P_TMPFS,
  P_PIVOT,
  P_BIND,
  P_PROC,
  P_SYSFS,
  P_DEVPTS,
  P_MQUEUE,
  P_OVERLAY,
  P_COUNT
};

static const struct
{
  const char *key;        /* JSON key */
  const char *label;      /* table label */
  enum diag_ns ns;        /* for the namespace probes */
} probes[P_COUNT] = {
  [P_USERNS] = { "user", "user", DIAG_NS_USER },
  [P_UIDMAP] = { "uid-gid-map", "uid/gid map", DIAG_NS_USER },
  [P_NS_MNT] = { "mnt", "mnt", DIAG_NS_MNT },
  [P_NS_PID] = { "pid", "pid", DIAG_NS_PID },
  [P_NS_NET] = { "net", "net", DIAG_NS_NET },
  [P_NS_IPC] = { "ipc", "ipc", DIAG_NS_IPC },
  [P_NS_UTS] = { "uts", "uts", DIAG_NS_UTS },
  [P_NS_CGROUP] = { "cgroup", "cgroup", DIAG_NS_CGROUP },
  [P_NS_TIME] = { "time", "time", DIAG_NS_TIME },
  [P_MOUNT_NS] = { "namespaces", "user+mnt+pid namespaces", DIAG_NS_USER },
  [P_RSLAVE] = { "private-propagation", "private propagation", DIAG_NS_MNT },
  [P_TMPFS] = { "tmpfs", "tmpfs", DIAG_NS_MNT },
  [P_BIND] = { "bind", "bind (recursive)", DIAG_NS_MNT },
  [P_PROC] = { "proc", "proc (own pid ns)", DIAG_NS_MNT },
  [P_SYSFS] = { "sysfs", "sysfs (own net ns)", DIAG_NS_MNT },
  [P_DEVPTS] = { "devpts", "devpts (new instance)", DIAG_NS_MNT },
  [P_MQUEUE] = { "mqueue", "mqueue (own ipc ns)", DIAG_NS_MNT },
  [P_OVERLAY] = { "overlay", "overlay", DIAG_NS_MNT },
  [P_PIVOT] = { "pivot-root", "pivot_root", DIAG_NS_MNT },
};

struct result
{
  bool tried;
  bool ok;
  int error;
  int clone_flags;
  int probe_errno;        /* diag_probe_call() in the failing process */
  char call[64];
  char fstype[16];
  char skipped[96];       /* why not tried */
};

struct shared
{
  struct result r[P_COUNT];
  bool dropped;           /* probed as NOBODY */
  bool drop_failed;       /* root could not become NOBODY here */
};

static struct shared *sh;

/* ---- in the children -------------------------------------------------------- */

static void
record_ok (enum probe p)
{
  sh->r[p].tried = true;
  sh->r[p].ok = true;
}

static void
record_fail (enum probe p, const char *call, int err, int clone_flags, const char *fstype)
{
  struct result *r = &sh->r[p];
  r->tried = true;
  r->ok = false;
  r->error = err;
  r->clone_flags = clone_flags;
  snprintf (r->call, sizeof r->call, "%s", call ? call : "?");
  snprintf (r->fstype, sizeof r->fstype, "%s", fstype ? fstype : "");
  r->probe_errno = diag_probe_call (call, clone_flags);
}

static void
record_skip (enum probe p, const char *why)
{
  snprintf (sh->r[p].skipped, sizeof sh->r[p].skipped, "%s", why);
}

/* Root probes as nobody: the report is about unprivileged sandboxes. */
static void
become_unprivileged (void)
{
  if (getuid () != 0 && geteuid () != 0)
    return;
  if (setgroups (0, NULL) == 0 && setresgid (NOBODY, NOBODY, NOBODY) == 0
      && setresuid (NOBODY, NOBODY, NOBODY) == 0)
    {
      /* Changing uid made us undumpable: /proc/self would be root's. */
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
      sh->dropped = true;
    }
  else
    sh->drop_failed = true;
}

static int
write_maps (uid_t uid, gid_t gid, const char **call)
{
  char line[64];
  if (write_file_at (AT_FDCWD, "/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
    return *call = "write /proc/self/setgroups", -1;
  snprintf (line, sizeof line, "%u %u 1\n", (unsigned) uid, (unsigned) uid);
  if (write_file_at (AT_FDCWD, "/proc/self/uid_map", line) < 0)
    return *call = "write /proc/self/uid_map", -1;
  snprintf (line, sizeof line, "%u %u 1\n", (unsigned) gid, (unsigned) gid);
  if (write_file_at (AT_FDCWD, "/proc/self/gid_map", line) < 0)
    return *call = "write /proc/self/gid_map", -1;
  return 0;
}

static void
probe_user_ns (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  const char *call = NULL;
  if (unshare (CLONE_NEWUSER) < 0)
    {
      record_fail (P_USERNS, "unshare", errno, CLONE_NEWUSER, NULL);
      record_skip (P_UIDMAP, "no user namespace");
      return;
    }
  record_ok (P_USERNS);
  if (write_maps (uid, gid, &call) < 0)
    record_fail (P_UIDMAP, call, errno, CLONE_NEWUSER, NULL);
  else
    record_ok (P_UIDMAP);
}

static void
probe_other_ns (enum probe p)
{
  int flags = CLONE_NEWUSER | diag_ns_kinds[probes[p].ns].clone_flag;
  if (unshare (flags) < 0)
    record_fail (p, "unshare", errno, flags, NULL);
  else
    record_ok (p);
}

static int
open_dir (int base, const char *name)
{
  if (mkdirat (base, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return openat (base, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void
probe_fs (enum probe p, int base, const char *dir, const char *fstype,
          const struct fs_param *params, size_t n, int clone_flags)
{
  const char *call = NULL;
  autoclose int dest = open_dir (base, dir);
  if (dest < 0)
    {
      record_fail (p, "mkdirat", errno, clone_flags, NULL);
      return;
    }
  if (mount_fs_at (fstype, params, n, MOUNT_NOSUID | MOUNT_NODEV, dest, &call) < 0)
    record_fail (p, call, errno, clone_flags, fstype);
  else
    record_ok (p);
}

/* pid 1 of the throwaway namespaces: every mount a sandbox makes, in the
 * order and the way setup-fs.c makes them. */
static void
probe_mounts (int clone_flags)
{
  const char *call = NULL;
  char lower[80], upper[80], work[80];

  if (mount_make_root_rslave (&call) < 0)
    record_fail (P_RSLAVE, call, errno, clone_flags, NULL);
  else
    record_ok (P_RSLAVE);

  struct fs_param mode[] = { { "mode", "755" } };
  autoclose int base = mount_tmpfs_over_root (mode, 1, MOUNT_NOSUID | MOUNT_NODEV, &call);
  if (base < 0)
    {
      record_fail (P_TMPFS, call, errno, clone_flags, "tmpfs");
      for (int p = P_PIVOT; p < P_COUNT; p++)
        record_skip ((enum probe) p, "no tmpfs to mount on");
      return;
    }
  record_ok (P_TMPFS);

  /* The sandbox's first root switch: the caller's root goes to
   * base/oldroot; then, as the sandbox does, back into it by chroot so
   * that /proc is where the mount(2) path expects it. */
  if (mkdirat (base, "oldroot", 0755) < 0)
    record_fail (P_PIVOT, "mkdirat", errno, clone_flags, NULL);
  else if (mount_pivot_into (base, "oldroot", &call) < 0)
    record_fail (P_PIVOT, call, errno, clone_flags, NULL);
  else
    {
      record_ok (P_PIVOT);
      if (chroot ("/oldroot") < 0 || chdir ("/") < 0)
        {
          for (int p = P_BIND; p < P_COUNT; p++)
            record_skip ((enum probe) p, "could not return to the caller's root");
          return;
        }
    }
  mount_set_staging_dir (base);

  {
    autoclose int src = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    autoclose int dest = open_dir (base, "bind");
    if (src < 0 || dest < 0)
      record_fail (P_BIND, "open", errno, clone_flags, NULL);
    else if (mount_bind_at (src, dest, MOUNT_NOSUID | MOUNT_NODEV | MOUNT_RDONLY, true, &call) < 0)
      record_fail (P_BIND, call, errno, clone_flags, NULL);
    else
      record_ok (P_BIND);
  }

  probe_fs (P_PROC, base, "proc", "proc", NULL, 0, clone_flags);
  struct fs_param devpts[] = { { "newinstance", NULL }, { "ptmxmode", "0666" }, { "mode", "620" } };
  probe_fs (P_DEVPTS, base, "pts", "devpts", devpts, N_ELEMENTS (devpts), clone_flags);

  {
    autoclose int l = open_dir (base, "lower");
    autoclose int u = open_dir (base, "upper");
    autoclose int w = open_dir (base, "work");
    proc_fd_path (l, lower, sizeof lower);
    proc_fd_path (u, upper, sizeof upper);
    proc_fd_path (w, work, sizeof work);
    struct fs_param overlay[] = { { "lowerdir", lower }, { "upperdir", upper }, { "workdir", work } };
    if (l < 0 || u < 0 || w < 0)
      record_fail (P_OVERLAY, "mkdirat", errno, clone_flags, NULL);
    else
      probe_fs (P_OVERLAY, base, "merged", "overlay", overlay, N_ELEMENTS (overlay), clone_flags);
  }

  /* sysfs and mqueue belong to the network and IPC namespaces: the
   * sandbox gets them with --unshare-net and --unshare-ipc. */
  if (unshare (CLONE_NEWNET) < 0)
    record_fail (P_SYSFS, "unshare", errno, clone_flags | CLONE_NEWNET, NULL);
  else
    probe_fs (P_SYSFS, base, "sys", "sysfs", NULL, 0, clone_flags | CLONE_NEWNET);
  if (unshare (CLONE_NEWIPC) < 0)
    record_fail (P_MQUEUE, "unshare", errno, clone_flags | CLONE_NEWIPC, NULL);
  else
    probe_fs (P_MQUEUE, base, "mqueue", "mqueue", NULL, 0, clone_flags | CLONE_NEWIPC);
}

static void
probe_mount_namespace (void)
{
  const int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID;
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  const char *call = NULL;
  if (unshare (flags) < 0)
    {
      record_fail (P_MOUNT_NS, "unshare", errno, flags, NULL);
      goto skip;
    }
  if (write_maps (uid, gid, &call) < 0)
    {
      record_fail (P_MOUNT_NS, call, errno, flags, NULL);
      goto skip;
    }
  record_ok (P_MOUNT_NS);
  pid_t pid = fork ();
  if (pid == 0)
    {
      probe_mounts (flags);
      _exit (0);
    }
  if (pid > 0)
    waitpid (pid, NULL, 0);
  return;
skip:
  for (int p = P_RSLAVE; p < P_COUNT; p++)
    record_skip ((enum probe) p, "the namespaces could not be created");
}

/* Start fn in a child that ends at once; what it found lands in *sh. */
static pid_t
in_child (void (*fn) (enum probe), enum probe p)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      alarm (5);
      become_unprivileged ();
      fn (p);
      _exit (0);
    }
  return pid;
}

static void
probe_user_ns_p (enum probe p)
{
  probe_user_ns ();
}

static void
probe_mount_namespace_p (enum probe p)
{
  probe_mount_namespace ();
}

/* ---- host facts beyond the diagnosis's ----------------------------------------- */

struct host
{
  char kernel[96];
  int landlock_abi;       /* > 0, or -errno */
  bool new_mount_api;
  char cgroup2_mount[256];
  char cgroup[256];
  int cgroup_delegated;   /* 1, 0, -1 unknown */
  int seccomp_install;    /* 0: a filter can be installed; else the errno */
  unsigned seccomp_abis;  /* kernel_foreign_abis(): rules by name go to these */
  struct net_helper_probe net_helpers[2];   /* --net-user's pasta, slirp4netns */
  bool cgroup_limits;     /* --memory-max, --pids-max, --cpu-max can be had */
  char cgroup_limits_why[512];
};

/* Whether a seccomp filter (--seccomp, --seccomp-deny, ...) can be
 * installed here: a child sets no_new_privs and installs one that allows
 * everything.  0, or the errno that refused it. */
static int
probe_seccomp_install (void)
{
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return errno;
  if (pid == 0)
    {
      struct sock_filter allow = BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
      struct sock_fprog prog = { 1, &allow };
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        _exit (errno & 0xff);
      _exit (0);
    }
  int status = 0;
  if (waitpid (pid, &status, 0) < 0)
    return errno;
  return WIFEXITED (status) ? WEXITSTATUS (status) : EINTR;
}

static void
find_cgroup2 (struct host *h)
{
  autofree char *info = NULL;
  autoclose int fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  size_t len;
  h->cgroup_delegated = -1;
  if (fd < 0 || read_all (fd, &info, &len) < 0)
    return;
  for (char *line = info, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *dash = strstr (line, " - cgroup2 ");
      if (dash == NULL)
        continue;
      char point[256];
      if (sscanf (line, "%*s %*s %*s %*s %255s", point) == 1)
        {
          snprintf (h->cgroup2_mount, sizeof h->cgroup2_mount, "%s", point);
          break;
        }
    }
  autofree char *cg = NULL;
  autoclose int cfd = open ("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  if (cfd >= 0 && read_all (cfd, &cg, &len) == 0)
    {
      char *p = strstr (cg, "0::");
      if (p && (p == cg || p[-1] == '\n'))
        {
          p += 3;
          snprintf (h->cgroup, sizeof h->cgroup, "%.*s", (int) strcspn (p, "\n"), p);
        }
    }
  if (h->cgroup2_mount[0] && h->cgroup[0])
    {
      char dir[600];
      snprintf (dir, sizeof dir, "%s%s", h->cgroup2_mount, strcmp (h->cgroup, "/") ? h->cgroup : "");
      char procs[640];
      snprintf (procs, sizeof procs, "%s/cgroup.procs", dir);
      h->cgroup_delegated = access (dir, W_OK) == 0 && access (procs, W_OK) == 0;
    }
}

static void
gather_host (struct host *h)
{
  memset (h, 0, sizeof *h);
  autofree char *rel = NULL;
  autoclose int fd = open ("/proc/sys/kernel/osrelease", O_RDONLY | O_CLOEXEC);
  size_t len;
  if (fd >= 0 && read_all (fd, &rel, &len) == 0)
    snprintf (h->kernel, sizeof h->kernel, "%.*s", (int) strcspn (rel, "\n"), rel);
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  h->landlock_abi = abi > 0 ? (int) abi : -errno;
  h->new_mount_api = mount_api_is_new ();
  find_cgroup2 (h);
  h->seccomp_install = probe_seccomp_install ();
  h->seccomp_abis = kernel_foreign_abis ();
  net_probe_helpers (h->net_helpers);
  h->cgroup_limits = cgroup_limits_possible (h->cgroup_limits_why, sizeof h->cgroup_limits_why);
}

/* ---- the verdict ---------------------------------------------------------------- */

/* The default sandbox: user + mount namespaces with the caller's ids,
 * tmpfs, binds, a procfs in its own pid namespace, the root switch. */
static const enum probe default_steps[] = {
  P_USERNS, P_UIDMAP, P_NS_MNT, P_NS_PID, P_MOUNT_NS, P_RSLAVE, P_TMPFS, P_PIVOT, P_BIND, P_PROC,
};

static const struct result *
first_failure (enum probe *which)
{
  for (size_t i = 0; i < N_ELEMENTS (default_steps); i++)
    {
      const struct result *r = &sh->r[default_steps[i]];
      if (r->tried && !r->ok)
        {
          *which = default_steps[i];
          return r;
        }
    }
  /* Not tried at all (a child died): not a verdict of "runs". */
  for (size_t i = 0; i < N_ELEMENTS (default_steps); i++)
    if (!sh->r[default_steps[i]].tried && !sh->r[default_steps[i]].skipped[0])
      {
        *which = default_steps[i];
        return &sh->r[default_steps[i]];
      }
  return NULL;
}

/* "EPERM", "ENOSPC", ...: the name the kernel's documentation uses. */
static const char *
errno_name (int e)
{
  const char *name = strerrorname_np (e);
  return name ? name : "an unknown errno";
}

static void
describe_result (const struct result *r, char *buf, size_t size)
{
  if (r->ok)
    snprintf (buf, size, "yes");
  else if (r->tried)
    snprintf (buf, size, "no: %s: %s", r->call, strerror (r->error));
  else if (r->skipped[0])
    snprintf (buf, size, "not tried: %s", r->skipped);
  else
    snprintf (buf, size, "unknown: the probe did not finish");
}

/* ---- output ------------------------------------------------------------------------ */

static void
json_number_or_null (FILE *out, long v)
{
  if (v < 0)
    fputs ("null", out);
  else
    fprintf (out, "%ld", v);
}

static void
json_result (FILE *out, const struct result *r)
{
  fprintf (out, "{ \"ok\": %s", r->ok ? "true" : "false");
  if (r->tried && !r->ok)
    {
      fputs (", \"call\": ", out);
      json_write_string (out, r->call);
      fputs (", \"errno\": ", out);
      json_write_string (out, errno_name (r->error));
      fputs (", \"error\": ", out);
      json_write_string (out, strerror (r->error));
    }
  else if (!r->tried)
    {
      fputs (", \"skipped\": ", out);
      json_write_string (out, r->skipped[0] ? r->skipped : "the probe did not finish");
    }
  fputs (" }", out);
}

static void
json_diagnosis (FILE *out, const struct diagnosis *d)
{
  if (d->cause == NULL)
    {
      fputs ("null, \"checked\": ", out);
      json_write_string (out, d->checked);
      return;
    }
  fputs ("{ \"id\": ", out);
  json_write_string (out, d->cause->id);
  fputs (", \"summary\": ", out);
  json_write_string (out, d->cause->summary);
  fputs (", \"evidence\": [", out);
  const char *p = d->evidence;
  bool first = true;
  while (p && *p)
    {
      const char *nl = strchr (p, '\n');
      char line[1024];
      snprintf (line, sizeof line, "%.*s", nl ? (int) (nl - p) : (int) strlen (p), p);
      fputs (first ? " " : ", ", out);
      json_write_string (out, line);
      first = false;
      p = nl ? nl + 1 : NULL;
    }
  fputs (first ? "], \"fix\": " : " ], \"fix\": ", out);
  json_write_string (out, d->cause->fix);
  fputs (" }", out);
}

static const char *
yes_no_unknown (int v)
{
  return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static void
print_json (FILE *out, const struct host *h, const struct diag_facts *f, uid_t uid, gid_t gid,
            const struct result *failed, enum probe failed_step, const struct diagnosis *d)
{
  fprintf (out, "{\n  \"version\": \"%s\",\n", PACKAGE_VERSION);
  fprintf (out, "  \"probed-as\": { \"uid\": %u, \"gid\": %u },\n", (unsigned) uid, (unsigned) gid);
  fputs ("  \"kernel\": ", out);
  json_write_string (out, h->kernel);
  fprintf (out, ",\n  \"chroot\": %s,\n", f->chroot < 0 ? "null" : f->chroot ? "true" : "false");
  fprintf (out, "  \"seccomp\": { \"mode\": ");
  json_number_or_null (out, f->seccomp_mode);
  fputs (", \"filters\": ", out);
  json_number_or_null (out, f->seccomp_filters);
  fputs (" },\n  \"container-markers\": ", out);
  json_write_string (out, f->container[0] ? f->container : NULL);
  fputs (",\n  \"lsm\": ", out);
  json_write_string (out, f->lsm[0] ? f->lsm : NULL);
  fprintf (out, ",\n  \"apparmor\": { \"enabled\": %s, \"label\": ", f->apparmor_enabled ? "true" : "false");
  json_write_string (out, f->apparmor_label[0] ? f->apparmor_label : NULL);
  fprintf (out, " },\n  \"selinux\": { \"enforcing\": %s },\n",
           f->selinux_enforcing < 0 ? "null" : f->selinux_enforcing ? "true" : "false");
  fputs ("  \"sysctls\": {\n    \"kernel.unprivileged_userns_clone\": ", out);
  json_number_or_null (out, f->unprivileged_userns_clone);
  fputs (",\n    \"kernel.userns_restrict\": ", out);
  json_number_or_null (out, f->userns_restrict);
  fputs (",\n    \"kernel.apparmor_restrict_unprivileged_userns\": ", out);
  json_number_or_null (out, f->apparmor_restrict_userns);
  for (size_t i = 0; i < DIAG_N_NS; i++)
    {
      fprintf (out, ",\n    \"user.%s\": ", diag_ns_kinds[i].sysctl);
      json_number_or_null (out, f->max_ns[i]);
    }
  fputs ("\n  },\n  \"namespaces\": {", out);
  static const enum probe ns_probes[] = { P_USERNS, P_NS_MNT, P_NS_PID, P_NS_NET, P_NS_IPC, P_NS_UTS, P_NS_CGROUP, P_NS_TIME };
  for (size_t i = 0; i < N_ELEMENTS (ns_probes); i++)
    {
      fprintf (out, "%s\n    \"%s\": ", i ? "," : "", probes[ns_probes[i]].key);
      json_result (out, &sh->r[ns_probes[i]]);
    }
  fputs ("\n  },\n  \"uid-gid-map\": ", out);
  json_result (out, &sh->r[P_UIDMAP]);
  fputs (",\n  \"id-ranges\": ", out);
  id_ranges_check_json (out, getuid ());
  fputs (",\n  \"mounts\": {", out);
  for (int p = P_MOUNT_NS; p < P_COUNT; p++)
    {
      fprintf (out, "%s\n    \"%s\": ", p > P_MOUNT_NS ? "," : "", probes[p].key);
      json_result (out, &sh->r[p]);
    }
  fprintf (out, "\n  },\n  \"new-mount-api\": %s,\n", h->new_mount_api ? "true" : "false");
  fputs ("  \"landlock-abi\": ", out);
  if (h->landlock_abi > 0)
    fprintf (out, "%d", h->landlock_abi);
  else
    fputs ("null", out);
  fputs (",\n  \"seccomp-install\": ", out);
  json_result (out, &(struct result) { .tried = true, .ok = h->seccomp_install == 0,
                                       .error = h->seccomp_install, .call = "prctl(PR_SET_SECCOMP)" });
  char abis[64];
  fputs (",\n  \"seccomp-rules-abis\": ", out);
  json_write_string (out, kernel_abi_names (h->seccomp_abis, abis, sizeof abis));
  fputs (",\n  \"cgroup2\": ", out);
  if (h->cgroup2_mount[0])
    {
      fputs ("{ \"mount\": ", out);
      json_write_string (out, h->cgroup2_mount);
      fputs (", \"cgroup\": ", out);
      json_write_string (out, h->cgroup[0] ? h->cgroup : NULL);
      fprintf (out, ", \"writable-by-caller\": %s }",
               h->cgroup_delegated < 0 ? "null" : h->cgroup_delegated ? "true" : "false");
    }
  else
    fputs ("null", out);
  fputs (",\n  \"net-user\": {", out);
  for (size_t i = 0; i < N_ELEMENTS (h->net_helpers); i++)
    {
      const struct net_helper_probe *n = &h->net_helpers[i];
      fprintf (out, "%s \"%s\": { \"path\": ", i ? "," : "", n->name);
      json_write_string (out, n->path[0] ? n->path : NULL);
      fprintf (out, ", \"usable\": %s }", n->usable ? "true" : "false");
    }
  fputs (" }", out);
  fprintf (out, ",\n  \"cgroup-limits\": { \"possible\": %s, \"why\": ", h->cgroup_limits ? "true" : "false");
  json_write_string (out, h->cgroup_limits_why);
  fputs (" }", out);
  fprintf (out, ",\n  \"default-sandbox\": { \"ok\": %s", failed ? "false" : "true");
  if (failed)
    {
      fputs (", \"step\": ", out);
      json_write_string (out, probes[failed_step].key);
      fputs (", \"call\": ", out);
      json_write_string (out, failed->call[0] ? failed->call : NULL);
      fputs (", \"errno\": ", out);
      json_write_string (out, failed->tried ? errno_name (failed->error) : NULL);
      fputs (", \"cause\": ", out);
      json_diagnosis (out, d);
    }
  fputs (" }\n}\n", out);
}

static void
row (FILE *out, const char *label, const char *fmt, ...) __attribute__((format (printf, 3, 4)));

static void
row (FILE *out, const char *label, const char *fmt, ...)
{
  va_list ap;
  fprintf (out, "  %-46s ", label);
  va_start (ap, fmt);
  vfprintf (out, fmt, ap);
  va_end (ap);
  fputc ('\n', out);
}

static void
sysctl_row (FILE *out, const char *name, long v)
{
  if (v < 0)
    row (out, name, "(not in this kernel)");
  else
    row (out, name, "%ld", v);
}

static void
print_table (FILE *out, const struct host *h, const struct diag_facts *f, uid_t uid, gid_t gid,
             const struct result *failed, enum probe failed_step, const struct diagnosis *d)
{
  char buf[256];
  fprintf (out, "%s --check: what this host allows an unprivileged sandbox\n\n", log_program_name ());
  if (sh->dropped)
    row (out, "probed as", "uid %u, gid %u (asked by root)", (unsigned) uid, (unsigned) gid);
  else if (sh->drop_failed)
    row (out, "probed as", "uid %u, gid %u (uid %u is not mapped here)", (unsigned) uid, (unsigned) gid, NOBODY);
  else
    row (out, "probed as", "uid %u, gid %u", (unsigned) uid, (unsigned) gid);
  row (out, "kernel", "%s", h->kernel[0] ? h->kernel : "unknown");
  row (out, "chroot", "%s%s%s%s", yes_no_unknown (f->chroot), f->chroot_evidence[0] ? " (" : "",
       f->chroot_evidence, f->chroot_evidence[0] ? ")" : "");
  if (f->seccomp_mode == 2)
    row (out, "seccomp", "filter (%d filter%s)", f->seccomp_filters, f->seccomp_filters == 1 ? "" : "s");
  else
    row (out, "seccomp", "%s", f->seccomp_mode == 1 ? "strict" : f->seccomp_mode == 0 ? "off" : "unknown");
  row (out, "container markers", "%s", f->container[0] ? f->container : "none");
  row (out, "security modules", "%s", f->lsm[0] ? f->lsm : "unknown (/sys/kernel/security/lsm unreadable)");
  row (out, "AppArmor", "%s%s%s", f->apparmor_enabled ? "enabled" : "off",
       f->apparmor_label[0] ? ", label " : "", f->apparmor_label);
  row (out, "SELinux", "%s", f->selinux_enforcing == 1 ? "enforcing" : f->selinux_enforcing == 0 ? "permissive" : "off");
  sysctl_row (out, "kernel.unprivileged_userns_clone", f->unprivileged_userns_clone);
  sysctl_row (out, "kernel.userns_restrict", f->userns_restrict);
  sysctl_row (out, "kernel.apparmor_restrict_unprivileged_userns", f->apparmor_restrict_userns);
  for (size_t i = 0; i < DIAG_N_NS; i++)
    {
      char name[64];
      snprintf (name, sizeof name, "user.%s", diag_ns_kinds[i].sysctl);
      sysctl_row (out, name, f->max_ns[i]);
    }

  fputs ("\nnamespaces (each with a user namespace)\n", out);
  static const enum probe ns_rows[] = { P_USERNS, P_UIDMAP, P_NS_MNT, P_NS_PID, P_NS_NET, P_NS_IPC, P_NS_UTS, P_NS_CGROUP, P_NS_TIME };
  for (size_t i = 0; i < N_ELEMENTS (ns_rows); i++)
    {
      describe_result (&sh->r[ns_rows[i]], buf, sizeof buf);
      row (out, probes[ns_rows[i]].label, "%s", buf);
    }
  fputs ("\nmounts in a user namespace\n", out);
  for (int p = P_MOUNT_NS; p < P_COUNT; p++)
    {
      describe_result (&sh->r[p], buf, sizeof buf);
      row (out, probes[p].label, "%s", buf);
    }
  row (out, "new mount API", "%s", h->new_mount_api ? "yes (fsopen, fsmount, open_tree, move_mount, mount_setattr)"
                                                    : "no: mount(2) is used");

  fputs ("\nother\n", out);
  if (h->landlock_abi > 0)
    row (out, "Landlock", "ABI %d", h->landlock_abi);
  else
    row (out, "Landlock", "%s", -h->landlock_abi == EOPNOTSUPP ? "no: built in but disabled (lsm= boot option)"
                                : -h->landlock_abi == ENOSYS ? "no: not in this kernel" : "no");
  if (h->seccomp_install == 0)
    row (out, "seccomp filters", "can be installed (--seccomp, --seccomp-deny, --seccomp-profile, ...)");
  else
    row (out, "seccomp filters", "no: prctl(PR_SET_SECCOMP): %s", strerror (h->seccomp_install));
  char abis[64];
  row (out, "seccomp rules by name for", "%s (%s)", kernel_abi_names (h->seccomp_abis, abis, sizeof abis),
       f->seccomp_mode == 2 ? "every ABI of the machine: under a seccomp filter the kernel cannot be asked"
                            : "the ABIs this kernel enters");
  if (h->cgroup2_mount[0])
    row (out, "cgroup v2", "%s; this process in %s, writable by the caller: %s", h->cgroup2_mount,
         h->cgroup[0] ? h->cgroup : "?", yes_no_unknown (h->cgroup_delegated));
  else
    row (out, "cgroup v2", "not mounted");
  for (size_t i = 0; i < N_ELEMENTS (h->net_helpers); i++)
    {
      const struct net_helper_probe *n = &h->net_helpers[i];
      char label[64];
      snprintf (label, sizeof label, "--net-user: %s", n->name);
      if (n->path[0] == '\0')
        row (out, label, "not installed (Debian package %s)", n->package);
      else
        row (out, label, "%s%s", n->path, n->usable ? "" : ", but it does not run (--version fails)");
    }
  row (out, "--net-user uses", "%s", h->net_helpers[0].usable ? "pasta"
                                     : h->net_helpers[1].usable ? "slirp4netns" : "nothing: --net-user cannot run here");
  row (out, "cgroup limits", "%s: %s", h->cgroup_limits ? "yes" : "no", h->cgroup_limits_why);

  fputs ("\nid ranges (--map-subids, --uid-map, --gid-map) of the caller\n", out);
  id_ranges_check_table (out, getuid ());

  fputc ('\n', out);
  if (failed == NULL)
    {
      fputs ("The default sandbox (user and mount namespaces, tmpfs, binds, /proc in a pid namespace) can run here.\n", out);
      return;
    }
  describe_result (failed, buf, sizeof buf);
  fprintf (out, "The default sandbox cannot run here: %s: %s\n", probes[failed_step].label, buf);
  diagnosis_print (d, out);
}

/* ---- the entry point --------------------------------------------------------------- */

int
run_host_check (bool json)
{
  static struct diag_facts facts;
  static struct diagnosis diagnosis;
  struct host host;

  /* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1, cppcheck's posix.cfg wants >= 0 */
  sh = mmap (NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED)
    die_errno ("--check: mmap");
  memset (sh, 0, sizeof *sh);
  mount_api_init ();
  fflush (NULL);

  /* All at once: each child creates its namespaces and ends. */
  pid_t children[P_COUNT];
  size_t n = 0;
  children[n++] = in_child (probe_user_ns_p, P_USERNS);
  for (int p = P_NS_MNT; p <= P_NS_TIME; p++)
    children[n++] = in_child (probe_other_ns, (enum probe) p);
  children[n++] = in_child (probe_mount_namespace_p, P_MOUNT_NS);
  for (size_t i = 0; i < n; i++)
    if (children[i] > 0)
      waitpid (children[i], NULL, 0);

  diag_gather ("/", &facts);
  gather_host (&host);

  if (sh->dropped)
    {
      /* The probes ran as nobody: judge them with nobody's privileges. */
      facts.euid = NOBODY;
      facts.cap_sys_admin = 0;
    }
  uid_t uid = sh->dropped ? NOBODY : geteuid ();
  gid_t gid = sh->dropped ? NOBODY : getegid ();
  enum probe failed_step = P_USERNS;
  const struct result *failed = first_failure (&failed_step);
  if (failed)
    {
      struct failure_report report = {
        .call = failed->call[0] ? failed->call : NULL,
        .error = failed->error,
        .clone_flags = failed->clone_flags,
        .fstype = failed->fstype[0] ? failed->fstype : NULL,
        .message = "",
      };
      diagnose_failure (&report, &facts, failed->probe_errno, &diagnosis);
    }
  if (json)
    print_json (stdout, &host, &facts, uid, gid, failed, failed_step, &diagnosis);
  else
    print_table (stdout, &host, &facts, uid, gid, failed, failed_step, &diagnosis);
  fflush (stdout);
  return failed ? 1 : 0;
}
