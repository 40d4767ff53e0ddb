/* swaddle: failure diagnosis.
 *
 * When the namespaces, the id maps or a mount cannot be set up, the kernel
 * says only EPERM, EACCES, ENOSPC or EINVAL.  The causes behind those are
 * few and well known; each leaves evidence on the host that an
 * unprivileged process can read.  This file holds the list of causes (it
 * also renders docs/troubleshooting.md), reads the evidence, and decides. */
#include "diagnose.h"
#include "bind-mount.h"
#include "utils.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
# define CLONE_NEWTIME 0x00000080
#endif

/* ---- the causes ------------------------------------------------------------ */

const struct diag_cause diag_causes[] = {
  {
    "chroot", "Running inside a chroot",
    "this process runs in a chroot, where the kernel refuses to create user namespaces and "
    "pivot_root cannot move the root",
    "`/proc/1/root` (pid 1's root, when readable and pid 1 shares the mount namespace) is another "
    "directory than `/`, or `/proc/self/mountinfo` has no mount at `/`: the root is a directory "
    "inside another filesystem.",
    "run swaddle outside the chroot and give it the tree as its root instead: "
    "`swaddle --bind DIR / ...` needs no privilege;\n"
    "tools that build in a chroot (pbuilder, mock, schroot) usually offer a container mode "
    "(systemd-nspawn, a mount namespace) that swaddle can run in",
  },
  {
    "no-proc", "/proc is not mounted",
    "/proc is not mounted here, so the host could not be examined; a root without /proc is "
    "usually a chroot or an early-boot environment",
    "`/proc/self/status` cannot be read.",
    "mount it (as root: `mount -t proc proc /proc`) and run again for a precise diagnosis; "
    "in a chroot, run swaddle outside it",
  },
  {
    "userns-clone-disabled", "Unprivileged user namespaces are switched off",
    "the kernel is configured to refuse user namespaces to unprivileged processes",
    "`/proc/sys/kernel/unprivileged_userns_clone` is 0 (Debian and other distribution kernels "
    "before they enabled it by default) or `/proc/sys/kernel/userns_restrict` is 1 "
    "(linux-hardened), and the caller has no CAP_SYS_ADMIN.",
    "as root: `sysctl -w kernel.unprivileged_userns_clone=1` (linux-hardened: "
    "`sysctl -w kernel.userns_restrict=0`);\n"
    "to keep it across reboots: `echo kernel.unprivileged_userns_clone=1 > /etc/sysctl.d/50-userns.conf`",
  },
  {
    "namespace-limit-zero", "A namespace limit is 0",
    "the limit on the number of namespaces of a type the sandbox needs is 0, so none can be created",
    "the namespaces cannot be created (ENOSPC) and one of `/proc/sys/user/max_<type>_namespaces` "
    "is 0 (the evidence names it). These limits exist in every user namespace: a container "
    "runtime or an enclosing sandbox may have set it for its own.",
    "raise the limit named above, as root where it is set (on the host, or in the enclosing "
    "user namespace), e.g. `sysctl -w user.max_user_namespaces=15000`, and in /etc/sysctl.d/ "
    "to keep it; in a container, its runtime or the host must raise it",
  },
  {
    "userns-nesting", "User namespaces are nested as deep as the kernel allows",
    "this process is as deep in nested user namespaces as the kernel allows (32 levels "
    "below the host's)",
    "the user namespace cannot be created (ENOSPC) and the user namespaces of this process and "
    "of its parent processes (`/proc/PID/ns/user`, following `PPid`) number 33 or more.",
    "start the sandbox from a shallower level: next to the enclosing sandboxes rather than "
    "inside them, or reuse an existing user namespace (`--userns FD`) instead of creating a new one",
  },
  {
    "userns-exhausted", "The number of user namespaces allowed is used up",
    "this user already has as many user namespaces as `user.max_user_namespaces` allows",
    "the user namespace cannot be created (ENOSPC) and the user namespaces below this one held "
    "by processes visible here (`/proc/*/ns/user`) are at least as many as "
    "`/proc/sys/user/max_user_namespaces`.",
    "end sandboxes and containers that are no longer needed (`lsns -t user` lists them), "
    "or raise the limit: `sysctl -w user.max_user_namespaces=N`, as root where it is set",
  },
  {
    "namespace-limit", "A namespace limit was reached",
    "a kernel limit on namespaces was reached: this user has as many as allowed, here or in "
    "an enclosing user namespace, or they are nested as deep as allowed",
    "the namespaces cannot be created with ENOSPC, which the kernel returns only for these "
    "limits, but what is visible here does not tell which one: the limits and counts of "
    "enclosing user namespaces cannot be seen from inside.",
    "look for leftover sandboxes or containers of this user (`lsns -t user`) and compare with "
    "`sysctl user.max_user_namespaces` here, on the host and in each enclosing container",
  },
  {
    "apparmor-userns", "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later)",
    "AppArmor restricts unprivileged user namespaces: one can be created, but without "
    "capabilities in it, unless the program's AppArmor profile allows `userns`",
    "`/proc/sys/kernel/apparmor_restrict_unprivileged_userns` is 1 and AppArmor is active "
    "(`/sys/kernel/security/lsm`, the label in `/proc/self/attr/current`); typically the "
    "namespace is created and writing `/proc/self/uid_map` is refused.",
    "install swaddle's AppArmor profile (`apparmor/swaddle` in the source tree, written for "
    "/usr/bin/swaddle; edit the path if swaddle is elsewhere):\n"
    "`sudo install -m 644 apparmor/swaddle /etc/apparmor.d/swaddle && "
    "sudo apparmor_parser -r /etc/apparmor.d/swaddle`;\n"
    "or lift the restriction for the whole system: "
    "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`",
  },
  {
    "apparmor-profile", "An AppArmor profile confines this process",
    "an AppArmor profile confines this process and refuses the call",
    "the call fails with EACCES or EPERM and `/proc/self/attr/current` names an enforcing "
    "profile other than `unconfined` (for example `docker-default`, which denies mounts).",
    "run without that profile (Docker, Podman: `--security-opt apparmor=unconfined`) or add the "
    "rules it lacks (`userns,`, `mount,`); `journalctl -k | grep DENIED` shows the denials",
  },
  {
    "seccomp", "A seccomp filter refuses the call (containers)",
    "a seccomp filter around this process refuses the call (the default profiles of Docker, "
    "Podman and Kubernetes refuse unshare and clone with CLONE_NEWUSER, and mounts)",
    "`Seccomp: 2` in `/proc/self/status`, and the same call made again with arguments the "
    "kernel itself rejects (EINVAL, EFAULT) fails with the same errno: the filter answers "
    "before the kernel looks. Container markers (`/.dockerenv`, `/run/.containerenv`, "
    "cgroup names) are listed when present.",
    "run the container with a seccomp profile that allows user namespaces: "
    "`--security-opt seccomp=unconfined` (Docker, Podman), a profile that allows unshare and "
    "clone with CLONE_NEWUSER, or in Kubernetes `securityContext.seccompProfile.type: Unconfined`;\n"
    "or run the tool's sandbox outside the container",
  },
  {
    "selinux", "SELinux denies the call",
    "SELinux is enforcing and its policy refuses the call to this process's domain",
    "the call fails with EACCES and `/sys/fs/selinux/enforce` is 1; the process's context "
    "is read from `/proc/self/attr/current`.",
    "find the denial with `ausearch -m AVC -ts recent` and allow it with a local policy "
    "module (`audit2allow -M swaddle`), or run swaddle in a domain allowed to create user "
    "namespaces and mount (`user_namespace { create }`)",
  },
  {
    "kernel-no-namespace", "The kernel lacks a namespace type",
    "this kernel was built without a namespace type the sandbox asks for",
    "unshare fails with EINVAL or ENOSYS and `/proc/self/ns/<type>` does not exist.",
    "use a kernel built with CONFIG_USER_NS and the other CONFIG_*_NS options, or leave that "
    "namespace out: the `-try` options (`--unshare-user-try`, `--unshare-cgroup-try`) skip "
    "what the kernel lacks",
  },
  {
    "root-without-capabilities", "root without CAP_SYS_ADMIN",
    "the caller is uid 0 without CAP_SYS_ADMIN (as in an unprivileged container), so it may "
    "not create namespaces or mount unless it makes a user namespace of its own",
    "uid 0 and bit 21 (CAP_SYS_ADMIN) clear in `CapEff` in `/proc/self/status`, with no user "
    "namespace asked for.",
    "add `--unshare-user`: swaddle then creates a user namespace and has the capabilities in it; "
    "or give the container CAP_SYS_ADMIN",
  },
  {
    "masked-proc", "A new /proc is refused because the visible /proc is masked",
    "in a user namespace the kernel mounts a new procfs only where one is already fully "
    "visible, and here every /proc has entries covered by other mounts or is read-only "
    "(container runtimes mask /proc this way)",
    "a procfs mount fails with EPERM inside a user namespace, and in `/proc/self/mountinfo` "
    "every mount of a whole procfs has mounts on its entries (`/proc/kcore`, `/proc/keys`, "
    "`/proc/timer_list`, a read-only `/proc/sys`, ...) or is read-only, or there is none.",
    "without `--unshare-pid`, `--proc` binds the caller's /proc and works; or bind it "
    "explicitly (`--ro-bind /proc /proc`);\n"
    "or start the container with an unmasked /proc: Docker `--security-opt systempaths=unconfined`, "
    "Podman `--security-opt unmask=/proc/*`",
  },
  {
    "masked-sys", "A new /sys is refused because the visible /sys is masked",
    "in a user namespace the kernel mounts a new sysfs only where one is already fully "
    "visible, and here every /sys has entries covered by other mounts or is read-only",
    "a sysfs mount fails with EPERM in a user namespace with its own network namespace, and "
    "in `/proc/self/mountinfo` every mount of a whole sysfs has mounts on its entries "
    "(`/sys/firmware`, ...; mounts on the kernel's empty mount points such as `/sys/fs/cgroup` "
    "do not count) or is read-only, or there is none.",
    "bind the caller's /sys instead (`--ro-bind /sys /sys`), or start the container with an "
    "unmasked /sys (Docker `--security-opt systempaths=unconfined`, Podman `--security-opt unmask=ALL`)",
  },
  {
    "sysfs-needs-netns", "sysfs needs a network namespace of the sandbox's own",
    "in a user namespace a new sysfs can be mounted only by a process that owns its network "
    "namespace, and the sandbox shares the caller's",
    "a sysfs mount fails with EPERM in a user namespace, and the sandbox did not ask for "
    "CLONE_NEWNET.",
    "add `--unshare-net` (the sandbox then has a network namespace of its own), or bind the "
    "caller's /sys instead (`--ro-bind /sys /sys`)",
  },
  {
    "overlay-userns", "This kernel refuses overlayfs in a user namespace",
    "this kernel does not allow overlayfs to be mounted in a user namespace (Linux 5.11 and "
    "later do)",
    "an overlay mount fails with EPERM or EINVAL in a user namespace, and "
    "`/proc/sys/kernel/osrelease` is older than 5.11.",
    "use Linux 5.11 or later, run as root without a user namespace, or replace the overlay "
    "with binds (`--bind`, `--ro-bind`) or a FUSE overlay (fuse-overlayfs)",
  },
  {
    "initramfs-root", "The root is the initramfs",
    "the root is the initramfs (rootfs), which pivot_root cannot move",
    "pivot_root fails with EINVAL, and the mount at `/` in `/proc/self/mountinfo` is of type "
    "`rootfs`.",
    "start swaddle from a root that is a mount of its own: switch_root to the real root first, "
    "or, in an initramfs, copy what is needed to a tmpfs and switch_root into it",
  },
};

const size_t diag_n_causes = N_ELEMENTS (diag_causes);

const struct diag_cause *
diag_cause_by_id (const char *id)
{
  for (size_t i = 0; i < diag_n_causes; i++)
    if (strcmp (diag_causes[i].id, id) == 0)
      return &diag_causes[i];
  return NULL;
}

/* ---- the documentation --------------------------------------------------------- */

void
diag_write_markdown (FILE *out)
{
  fputs ("<!-- Generated from the cause table in diagnose.c: do not edit.\n"
         "     Regenerate with build/tests/gen-troubleshooting > docs/troubleshooting.md;\n"
         "     the unit test unit-diagnose checks that this file is current. -->\n"
         "# Troubleshooting: why a sandbox cannot start\n\n"
         "When swaddle cannot create its namespaces, write its uid and gid maps, or mount\n"
         "the sandbox's filesystems, it prints one line saying what failed (kept as it is\n"
         "for the scripts that match it), then the cause it found, the evidence, and the\n"
         "fix. `swaddle --check` probes the host the same way and prints a report\n"
         "(`--check --json` for a machine-readable one), exiting 1 with the fix when the\n"
         "default sandbox cannot run.\n\n"
         "Each cause has an identifier, shown in brackets after the cause:\n\n", out);
  for (size_t i = 0; i < diag_n_causes; i++)
    fprintf (out, "- [`%s`](#%s): %s\n", diag_causes[i].id, diag_causes[i].id, diag_causes[i].title);
  fputs ("\nWhen no cause matches, swaddle says what it checked instead of guessing.\n", out);
  for (size_t i = 0; i < diag_n_causes; i++)
    {
      const struct diag_cause *c = &diag_causes[i];
      fprintf (out, "\n<a id=\"%s\"></a>\n## `%s`: %s\n\n", c->id, c->id, c->title);
      fprintf (out, "**Cause:** %s.\n\n", c->summary);
      fprintf (out, "**Evidence:** %s\n\n", c->evidence);
      fputs ("**Fix:**\n- ", out);
      for (const char *p = c->fix; *p; p++)
        {
          if (*p == '\n')
            fputs ("\n- ", out);
          else
            fputc (*p, out);
        }
      fputs (".\n", out);
    }
}

/* ---- reading the host --------------------------------------------------------- */

const struct diag_ns_kind diag_ns_kinds[DIAG_N_NS] = {
  [DIAG_NS_USER] = { "user", CLONE_NEWUSER, "CLONE_NEWUSER", "max_user_namespaces" },
  [DIAG_NS_MNT] = { "mnt", CLONE_NEWNS, "CLONE_NEWNS", "max_mnt_namespaces" },
  [DIAG_NS_PID] = { "pid", CLONE_NEWPID, "CLONE_NEWPID", "max_pid_namespaces" },
  [DIAG_NS_NET] = { "net", CLONE_NEWNET, "CLONE_NEWNET", "max_net_namespaces" },
  [DIAG_NS_IPC] = { "ipc", CLONE_NEWIPC, "CLONE_NEWIPC", "max_ipc_namespaces" },
  [DIAG_NS_UTS] = { "uts", CLONE_NEWUTS, "CLONE_NEWUTS", "max_uts_namespaces" },
  [DIAG_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "max_cgroup_namespaces" },
  [DIAG_NS_TIME] = { "time", CLONE_NEWTIME, "CLONE_NEWTIME", "max_time_namespaces" },
};

/* Append to a fixed buffer, ", "-separated when sep is given; silently cut. */
static void
append (char *buf, size_t size, const char *sep, const char *fmt, ...)
  __attribute__((format (printf, 4, 5)));

static void
append (char *buf, size_t size, const char *sep, const char *fmt, ...)
{
  size_t used = strlen (buf);
  if (used + 1 >= size)
    return;
  if (used > 0 && sep)
    {
      snprintf (buf + used, size - used, "%s", sep);
      used = strlen (buf);
    }
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf + used, size - used, fmt, ap);
  va_end (ap);
}

/* A relative path under the root directory: the leading '/' is dropped. */
static const char *
rel (const char *path)
{
  while (*path == '/')
    path++;
  return *path ? path : ".";
}

/* Read a whole small file under root; NULL when it cannot be read. */
static char *
read_text (int root_fd, const char *path)
{
  autoclose int fd = openat (root_fd, rel (path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  char *data = NULL;
  size_t len;
  if (fd < 0 || read_all (fd, &data, &len) < 0)
    {
      free (data);
      return NULL;
    }
  return data;
}

/* The first line of a small file, without its newline; false if unreadable. */
static bool
read_line (int root_fd, const char *path, char *buf, size_t size)
{
  autofree char *text = read_text (root_fd, path);
  if (text == NULL)
    return false;
  text[strcspn (text, "\n")] = '\0';
  snprintf (buf, size, "%s", text);
  return true;
}

/* An integer sysctl or similar; -1 when absent or unreadable. */
static long
read_number (int root_fd, const char *path)
{
  char buf[64], *end;
  if (!read_line (root_fd, path, buf, sizeof buf))
    return -1;
  long v = strtol (buf, &end, 10);
  return end == buf ? -1 : v;
}

/* The value of "Name:" in a /proc/PID/status text, NULL if missing. */
static const char *
status_field (const char *status, const char *name, char *buf, size_t size)
{
  size_t n = strlen (name);
  for (const char *line = status; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      if (strncmp (line, name, n) == 0 && line[n] == ':')
        {
          const char *v = line + n + 1;
          v += strspn (v, " \t");
          size_t len = strcspn (v, "\n");
          if (len >= size)
            len = size - 1;
          memcpy (buf, v, len);
          buf[len] = '\0';
          return buf;
        }
    }
  return NULL;
}

static void
gather_status (int root_fd, struct diag_facts *f)
{
  autofree char *status = read_text (root_fd, "/proc/self/status");
  char buf[128];
  f->have_proc = status != NULL;
  if (status == NULL)
    return;
  if (status_field (status, "Uid", buf, sizeof buf))
    {
      /* real, effective, saved, fs */
      char *p = buf;
      strtol (p, &p, 10);
      f->euid = strtol (p, NULL, 10);
    }
  if (status_field (status, "CapEff", buf, sizeof buf))
    f->cap_sys_admin = (int) ((strtoull (buf, NULL, 16) >> 21) & 1);
  if (status_field (status, "Seccomp", buf, sizeof buf))
    f->seccomp_mode = (int) strtol (buf, NULL, 10);
  if (status_field (status, "Seccomp_filters", buf, sizeof buf))
    f->seccomp_filters = (int) strtol (buf, NULL, 10);
}

/* ---- the mount table ---------------------------------------------------------- */

struct mount_entry
{
  long id, parent;
  char *root, *point, *opts, *fstype, *source, *super_opts;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape (char *s)
{
  char *out = s;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *out++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 3;
        }
      else
        *out++ = *s;
    }
  *out = '\0';
}

/* Split mountinfo text in place; returns the number of entries. */
static size_t
parse_mountinfo (char *text, struct mount_entry **entries)
{
  size_t n = 0, cap = 0;
  *entries = NULL;
  for (char *line = text, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *fields[16];
      size_t nf = 0;
      char *save = NULL;
      for (char *tok = strtok_r (line, " ", &save); tok && nf < N_ELEMENTS (fields); tok = strtok_r (NULL, " ", &save))
        fields[nf++] = tok;
      size_t dash = 6;
      while (dash < nf && strcmp (fields[dash], "-") != 0)
        dash++;
      if (nf < 6 || dash + 3 > nf)
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 64;
          *entries = xrealloc (*entries, cap * sizeof **entries);
        }
      struct mount_entry *e = &(*entries)[n++];
      e->id = strtol (fields[0], NULL, 10);
      e->parent = strtol (fields[1], NULL, 10);
      e->root = fields[3];
      e->point = fields[4];
      e->opts = fields[5];
      e->fstype = fields[dash + 1];
      e->source = fields[dash + 2];
      e->super_opts = dash + 3 < nf ? fields[dash + 3] : "";
      unescape (e->root);
      unescape (e->point);
    }
  return n;
}

static bool
has_option (const char *opts, const char *opt)
{
  size_t n = strlen (opt);
  for (const char *p = opts; p; p = strchr (p, ','), p = p ? p + 1 : NULL)
    if (strncmp (p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
      return true;
  return false;
}

/* Directories the kernel creates empty, for mounting on: a mount there
 * does not hide anything (fs/proc and sysfs_create_mount_point callers). */
static const char *const proc_empty_dirs[] = { "/sys/fs/binfmt_misc" };
static const char *const sys_empty_dirs[] = {
  "/fs/cgroup", "/kernel/debug", "/kernel/tracing", "/kernel/security", "/kernel/config",
  "/fs/fuse/connections", "/fs/pstore", "/fs/bpf", "/fs/selinux", "/fs/smackfs",
  "/firmware/efi/efivars",
};

static bool
in_list (const char *s, const char *const *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, list[i]) == 0)
      return true;
  return false;
}

struct masked_list
{
  char path[16][128];
  bool ro[16];
  int n;
};

static void
masked_add (struct masked_list *l, const char *path, bool ro)
{
  for (int i = 0; i < l->n; i++)
    if (strcmp (l->path[i], path) == 0)
      {
        l->ro[i] |= ro;
        return;
      }
  if (l->n < (int) N_ELEMENTS (l->path))
    {
      snprintf (l->path[l->n], sizeof l->path[0], "%s", path);
      l->ro[l->n++] = ro;
    }
}

/* What a fresh instance of fstype would be compared with (the kernel's
 * mnt_already_visible): whole-filesystem mounts, with nothing mounted on
 * their entries except on the kernel's empty directories, and not locked
 * read-only. */
static void
view_fs (const struct mount_entry *m, size_t n, const char *fstype, const char *shown_as,
         const char *const *empty, size_t n_empty, struct diag_fs_view *view)
{
  struct masked_list list = { .n = 0 };
  int n_ro = 0;
  memset (view, 0, sizeof *view);
  for (size_t i = 0; i < n; i++)
    {
      if (strcmp (m[i].fstype, fstype) != 0 || strcmp (m[i].root, "/") != 0)
        continue;
      view->n_mounts++;
      bool clean = true;
      if (has_option (m[i].opts, "ro") || has_option (m[i].super_opts, "ro"))
        {
          clean = false;
          n_ro++;
        }
      size_t plen = strcmp (m[i].point, "/") == 0 ? 0 : strlen (m[i].point);
      for (size_t j = 0; j < n; j++)
        {
          if (m[j].parent != m[i].id || j == i)
            continue;
          const char *sub = m[j].point + plen;
          if (strncmp (m[j].point, m[i].point, plen) != 0 || *sub != '/')
            continue;
          if (in_list (sub, empty, n_empty))
            continue;
          clean = false;
          char path[128];
          snprintf (path, sizeof path, "%s%s", shown_as, sub);
          masked_add (&list, path, has_option (m[j].opts, "ro"));
        }
      if (clean)
        view->n_clean++;
    }
  for (int i = 0; i < list.n; i++)
    append (view->masked, sizeof view->masked, ", ", "%s%s", list.path[i], list.ro[i] ? " (read-only)" : "");
  if (n_ro > 0)
    append (view->masked, sizeof view->masked, "; ", "%d of the %d mounted read-only", n_ro, view->n_mounts);
}

static void
gather_mounts (int root_fd, struct diag_facts *f)
{
  autofree char *text = read_text (root_fd, "/proc/self/mountinfo");
  autofree struct mount_entry *m = NULL;
  if (text == NULL)
    {
      f->proc.n_mounts = f->sys.n_mounts = -1;
      return;
    }
  size_t n = parse_mountinfo (text, &m);
  bool root_mount = false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (m[i].point, "/") == 0)
      {
        root_mount = true;
        /* The last one listed is the one on top. */
        snprintf (f->root_fstype, sizeof f->root_fstype, "%s",
                  strcmp (m[i].source, "rootfs") == 0 && strcmp (m[i].fstype, "tmpfs") == 0
                  ? "rootfs" : m[i].fstype);
      }
  if (f->chroot < 0 && n > 0)
    {
      if (!root_mount)
        {
          f->chroot = 1;
          snprintf (f->chroot_evidence, sizeof f->chroot_evidence,
                    "/proc/self/mountinfo has no mount at \"/\": this root is a directory inside another filesystem");
        }
      else
        {
          f->chroot = 0;
          snprintf (f->chroot_evidence, sizeof f->chroot_evidence, "a mount is at \"/\" in /proc/self/mountinfo");
        }
    }
  view_fs (m, n, "proc", "/proc", proc_empty_dirs, N_ELEMENTS (proc_empty_dirs), &f->proc);
  view_fs (m, n, "sysfs", "/sys", sys_empty_dirs, N_ELEMENTS (sys_empty_dirs), &f->sys);
}

/* ---- chroot ---------------------------------------------------------------- */

static bool
same_link (int root_fd, const char *a, const char *b)
{
  char la[64], lb[64];
  ssize_t na = readlinkat (root_fd, rel (a), la, sizeof la - 1);
  ssize_t nb = readlinkat (root_fd, rel (b), lb, sizeof lb - 1);
  if (na < 0 || nb < 0)
    return false;
  return na == nb && memcmp (la, lb, (size_t) na) == 0;
}

/* Pid 1's root against ours, as systemd does; meaningful only when pid 1
 * is in our mount namespace. */
static void
gather_chroot (int root_fd, struct diag_facts *f)
{
  struct stat ours, init;
  f->chroot = -1;
  if (!same_link (root_fd, "/proc/1/ns/mnt", "/proc/self/ns/mnt"))
    return;
  if (fstatat (root_fd, "proc/1/root/", &init, 0) < 0 || fstat (root_fd, &ours) < 0)
    return;
  if (init.st_dev == ours.st_dev && init.st_ino == ours.st_ino)
    {
      f->chroot = 0;
      snprintf (f->chroot_evidence, sizeof f->chroot_evidence, "pid 1 has the same root directory");
    }
  else
    {
      f->chroot = 1;
      snprintf (f->chroot_evidence, sizeof f->chroot_evidence,
                "/proc/1/root, the root directory of pid 1 (in the same mount namespace), is not this process's \"/\"");
    }
}

/* ---- user namespaces ------------------------------------------------------------ */

static bool
read_ns_link (int root_fd, const char *pid, char *buf, size_t size)
{
  char path[300];
  snprintf (path, sizeof path, "proc/%s/ns/user", pid);
  ssize_t n = readlinkat (root_fd, path, buf, size - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return true;
}

static unsigned long
ns_inode (const char *link)
{
  const char *p = strchr (link, '[');
  return p ? strtoul (p + 1, NULL, 10) : 0;
}

#define MAX_SEEN 64

static bool
seen (char seen_links[][64], int n, const char *link)
{
  for (int i = 0; i < n; i++)
    if (strcmp (seen_links[i], link) == 0)
      return true;
  return false;
}

/* Is the user namespace of proc/PID below ours?  Walk its parents up
 * (NS_GET_PARENT) until ours.  A fixture link or file (no nsfs behind
 * it) counts as below. */
static bool
userns_is_below (int root_fd, const char *pid, unsigned long ours)
{
  char path[300];
  snprintf (path, sizeof path, "proc/%s/ns/user", pid);
  int fd = openat (root_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    /* A dangling link: a fixture's, with no nsfs behind it. */
    return errno == ENOENT;
  bool below = false;
  for (int depth = 0; depth < 40; depth++)
    {
      int parent = ioctl (fd, NS_GET_PARENT);
      if (parent < 0)
        {
          below = depth == 0 && (errno == ENOTTY || errno == EINVAL);
          break;
        }
      close (fd);
      fd = parent;
      struct stat st;
      if (fstat (fd, &st) == 0 && (unsigned long) st.st_ino == ours)
        {
          below = true;
          break;
        }
    }
  close (fd);
  return below;
}

static void
gather_userns (int root_fd, struct diag_facts *f)
{
  char seen_links[MAX_SEEN][64];
  int n_seen = 0;
  char pid[32] = "self", link[64], status_path[64], buf[32];

  /* Up the parent processes: the user namespaces they are in.  Those of
   * processes in an enclosing user namespace cannot be read from here
   * (reading needs CAP_SYS_PTRACE in their namespace): they are counted
   * apart. */
  for (int i = 0; i < 512 && n_seen < MAX_SEEN; i++)
    {
      if (read_ns_link (root_fd, pid, link, sizeof link))
        {
          if (!seen (seen_links, n_seen, link))
            snprintf (seen_links[n_seen++], sizeof seen_links[0], "%s", link);
        }
      else if (errno == EACCES || errno == EPERM)
        f->userns_hidden_parents++;
      else
        break;
      snprintf (status_path, sizeof status_path, "/proc/%s/status", pid);
      autofree char *status = read_text (root_fd, status_path);
      long ppid = status && status_field (status, "PPid", buf, sizeof buf) ? strtol (buf, NULL, 10) : 0;
      if (ppid <= 0)
        break;
      snprintf (pid, sizeof pid, "%ld", ppid);
    }
  f->userns_depth = n_seen;
  if (n_seen == 0)
    return;
  snprintf (f->own_userns, sizeof f->own_userns, "%s", seen_links[0]);

  /* Other processes' user namespaces below ours. */
  autoclose int proc_fd = openat (root_fd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = proc_fd < 0 ? NULL : fdopendir (dup (proc_fd));
  if (dir == NULL)
    return;
  unsigned long ours = ns_inode (seen_links[0]);
  char below[MAX_SEEN][64];
  int n_below = 0;
  for (struct dirent *d; (d = readdir (dir)) != NULL && n_below < MAX_SEEN;)
    {
      if (d->d_name[0] < '0' || d->d_name[0] > '9')
        continue;
      if (!read_ns_link (root_fd, d->d_name, link, sizeof link))
        continue;
      if (seen (seen_links, n_seen, link) || seen (below, n_below, link))
        continue;
      if (!userns_is_below (root_fd, d->d_name, ours))
        continue;
      snprintf (below[n_below++], sizeof below[0], "%s", link);
      append (f->userns_below_pids, sizeof f->userns_below_pids, ", ", "%s", d->d_name);
    }
  closedir (dir);
  f->userns_below = n_below;
}

/* ---- security modules, containers ------------------------------------------------ */

static void
gather_lsm (int root_fd, struct diag_facts *f)
{
  char buf[64];
  if (!read_line (root_fd, "/sys/kernel/security/lsm", f->lsm, sizeof f->lsm))
    f->lsm[0] = '\0';
  f->apparmor_enabled = strstr (f->lsm, "apparmor") != NULL
                        || (read_line (root_fd, "/sys/module/apparmor/parameters/enabled", buf, sizeof buf)
                            && buf[0] == 'Y');
  long enforce = read_number (root_fd, "/sys/fs/selinux/enforce");
  f->selinux_enforcing = enforce < 0 ? -1 : enforce != 0;
  if (f->apparmor_enabled
      && !read_line (root_fd, "/proc/self/attr/apparmor/current", f->apparmor_label, sizeof f->apparmor_label))
    read_line (root_fd, "/proc/self/attr/current", f->apparmor_label, sizeof f->apparmor_label);
  if (f->selinux_enforcing >= 0)
    read_line (root_fd, "/proc/self/attr/current", f->selinux_label, sizeof f->selinux_label);
}

static void
gather_container (int root_fd, struct diag_facts *f)
{
  static const char *const files[] = { "/.dockerenv", "/run/.containerenv" };
  static const char *const cgroup_words[] = { "docker", "libpod", "kubepods", "containerd", "lxc", "garden" };
  char buf[128];
  for (size_t i = 0; i < N_ELEMENTS (files); i++)
    if (faccessat (root_fd, rel (files[i]), F_OK, 0) == 0)
      append (f->container, sizeof f->container, "; ", "%s exists", files[i]);
  if (read_line (root_fd, "/run/systemd/container", buf, sizeof buf) && buf[0])
    append (f->container, sizeof f->container, "; ", "/run/systemd/container says \"%s\"", buf);
  autofree char *cgroup = read_text (root_fd, "/proc/self/cgroup");
  for (size_t i = 0; cgroup && i < N_ELEMENTS (cgroup_words); i++)
    if (strstr (cgroup, cgroup_words[i]))
      {
        append (f->container, sizeof f->container, "; ", "/proc/self/cgroup names \"%s\"", cgroup_words[i]);
        break;
      }
}

void
diag_gather (const char *root, struct diag_facts *f)
{
  memset (f, 0, sizeof *f);
  snprintf (f->root, sizeof f->root, "%s", root);
  f->euid = -1;
  f->cap_sys_admin = -1;
  f->seccomp_mode = -1;
  f->seccomp_filters = -1;
  f->selinux_enforcing = -1;
  f->chroot = -1;
  f->in_userns = -1;
  for (size_t i = 0; i < DIAG_N_NS; i++)
    {
      f->max_ns[i] = -1;
      f->ns_present[i] = -1;
    }

  autoclose int root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return;
  gather_status (root_fd, f);
  char map[128];
  if (read_line (root_fd, "/proc/self/uid_map", map, sizeof map))
    {
      unsigned long inside, outside, count;
      /* NOLINTNEXTLINE(cert-err34-c): the kernel's own numbers; a short read is caught by == 3 */
      f->in_userns = !(sscanf (map, "%lu %lu %lu", &inside, &outside, &count) == 3
                       && inside == 0 && outside == 0 && count == 4294967295UL);
    }
  f->unprivileged_userns_clone = read_number (root_fd, "/proc/sys/kernel/unprivileged_userns_clone");
  f->userns_restrict = read_number (root_fd, "/proc/sys/kernel/userns_restrict");
  f->apparmor_restrict_userns = read_number (root_fd, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  for (size_t i = 0; i < DIAG_N_NS; i++)
    {
      char path[96];
      snprintf (path, sizeof path, "/proc/sys/user/%s", diag_ns_kinds[i].sysctl);
      f->max_ns[i] = read_number (root_fd, path);
      if (f->have_proc)
        {
          snprintf (path, sizeof path, "proc/self/ns/%s", diag_ns_kinds[i].name);
          f->ns_present[i] = faccessat (root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        }
    }
  if (!read_line (root_fd, "/proc/sys/kernel/osrelease", f->kernel_release, sizeof f->kernel_release))
    f->kernel_release[0] = '\0';
  gather_chroot (root_fd, f);
  gather_mounts (root_fd, f);
  gather_userns (root_fd, f);
  gather_lsm (root_fd, f);
  gather_container (root_fd, f);
}

/* ---- the seccomp probe ---------------------------------------------------------- */

/* Flags no version of unshare() accepts: the kernel answers EINVAL. */
#define UNSHARE_INVALID_FLAG 0x00100000   /* CLONE_PARENT_SETTID */

int
diag_probe_call (const char *call, int clone_flags)
{
  long r;
  if (call == NULL)
    return 0;
  if (strcmp (call, "unshare") == 0)
    r = syscall (SYS_unshare, (unsigned long) (unsigned) clone_flags | UNSHARE_INVALID_FLAG);
  else if (strncmp (call, "mount", 5) == 0 && strncmp (call, "mount_setattr", 13) != 0
           && strncmp (call, "mount_", 6) != 0)
    /* The target path is read first: EFAULT. */
    r = syscall (SYS_mount, NULL, NULL, NULL, 0UL, NULL);
  else if (strcmp (call, "pivot_root") == 0)
    r = syscall (SYS_pivot_root, NULL, NULL);
  else if (strncmp (call, "umount", 6) == 0)
    r = syscall (SYS_umount2, NULL, 0x80000000);
#ifdef SYS_open_tree
  else if (strcmp (call, "open_tree") == 0)
    r = syscall (SYS_open_tree, -1, NULL, 0xffffffffU);
  else if (strcmp (call, "open_tree_attr") == 0)
    r = syscall (SYS_open_tree_attr, -1, NULL, 0xffffffffU, NULL, 0);
  else if (strcmp (call, "move_mount") == 0)
    r = syscall (SYS_move_mount, -1, NULL, -1, NULL, 0xffffffffU);
  else if (strncmp (call, "mount_setattr", 13) == 0)
    r = syscall (SYS_mount_setattr, -1, NULL, 0xffffffffU, NULL, 0);
  else if (strcmp (call, "fsopen") == 0)
    r = syscall (SYS_fsopen, NULL, 0xffffffffU);
  else if (strncmp (call, "fsconfig", 8) == 0)
    r = syscall (SYS_fsconfig, -1, 0xffffffffU, NULL, NULL, 0);
  else if (strcmp (call, "fsmount") == 0)
    r = syscall (SYS_fsmount, -1, 0xffffffffU, 0xffffffffU);
#endif
  else
    return 0;
  if (r >= 0)
    {
      /* Never expected; do not keep anything it may have returned. */
      if (strcmp (call, "unshare") != 0)
        close ((int) r);
      return 0;
    }
  return errno;
}

bool
diag_probe_intercepted (int probe_errno)
{
  return probe_errno != 0 && probe_errno != EINVAL && probe_errno != EFAULT && probe_errno != EBADF;
}

/* ---- classification ----------------------------------------------------------- */

struct classify
{
  const struct failure_report *r;
  const struct diag_facts *f;
  struct diagnosis *out;
};

static int
found (struct classify *c, const char *id)
{
  c->out->cause = diag_cause_by_id (id);
  return 0;
}

static void
evidence (struct classify *c, const char *fmt, ...) __attribute__((format (printf, 2, 3)));

static void
evidence (struct classify *c, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  append (c->out->evidence, sizeof c->out->evidence, "\n", "%s", line);
}

/* "EPERM", "ENOSPC", ...: the name the kernel's documentation uses. */
static const char *
errno_name (int e)
{
  const char *name = strerrorname_np (e);
  return name ? name : "an unknown errno";
}

static bool
is_namespace_call (const char *call)
{
  return strcmp (call, "unshare") == 0 || strcmp (call, "clone") == 0 || strcmp (call, "clone3") == 0
         || strcmp (call, "setns") == 0;
}

static bool
is_map_call (const char *call)
{
  return strncmp (call, "write /proc/self/", 17) == 0;
}

static bool
is_mount_call (const char *call)
{
  static const char *const prefixes[] = {
    "mount", "umount", "fsopen", "fsconfig", "fsmount", "move_mount", "open_tree", "pivot_root",
  };
  for (size_t i = 0; i < N_ELEMENTS (prefixes); i++)
    if (strncmp (call, prefixes[i], strlen (prefixes[i])) == 0)
      return true;
  return false;
}

static bool
denied (int e)
{
  return e == EPERM || e == EACCES;
}

static bool
in_userns (const struct classify *c)
{
  /* The sandbox's own, or the caller's when it runs in one already. */
  return (c->r->clone_flags & CLONE_NEWUSER) || c->f->in_userns == 1;
}

static bool
seccomp_answered (struct classify *c, int probe_errno)
{
  const struct diag_facts *f = c->f;
  if (!diag_probe_intercepted (probe_errno) || probe_errno != c->r->error || f->seccomp_mode == 0)
    return false;
  if (f->seccomp_mode == 2 && f->seccomp_filters > 0)
    evidence (c, "/proc/self/status: Seccomp: 2 (filter mode), Seccomp_filters: %d", f->seccomp_filters);
  else if (f->seccomp_mode == 2)
    evidence (c, "/proc/self/status: Seccomp: 2 (filter mode)");
  else
    evidence (c, "/proc/self/status could not be read");
  evidence (c, "%s, tried again with an argument the kernel itself rejects (with EINVAL or EFAULT), "
            "still fails with %s: a filter answers before the kernel looks", c->r->call, errno_name (probe_errno));
  if (f->container[0])
    evidence (c, "container markers: %s", f->container);
  return true;
}

static bool
apparmor_confined (const struct diag_facts *f)
{
  return f->apparmor_enabled && f->apparmor_label[0]
         && strncmp (f->apparmor_label, "unconfined", 10) != 0
         && strstr (f->apparmor_label, "(complain)") == NULL
         && strstr (f->apparmor_label, "(unconfined)") == NULL;
}

static int
classify_lsm (struct classify *c)
{
  const struct diag_facts *f = c->f;
  int e = c->r->error;
  if (e == EACCES && f->selinux_enforcing == 1)
    {
      evidence (c, "/sys/fs/selinux/enforce is 1 (SELinux enforcing)%s%s", f->selinux_label[0] ? "; this process's context: " : "",
                f->selinux_label);
      return found (c, "selinux");
    }
  if (denied (e) && apparmor_confined (f))
    {
      evidence (c, "this process is confined by the AppArmor profile \"%s\" (/proc/self/attr/current)", f->apparmor_label);
      if (f->container[0])
        evidence (c, "container markers: %s", f->container);
      return found (c, "apparmor-profile");
    }
  return -1;
}

static int
classify_apparmor_userns (struct classify *c)
{
  const struct diag_facts *f = c->f;
  /* The restriction spares processes with CAP_SYS_ADMIN on the host. */
  if (f->apparmor_restrict_userns != 1 || !denied (c->r->error)
      || (f->euid == 0 && f->cap_sys_admin == 1 && f->in_userns == 0))
    return -1;
  evidence (c, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns is 1");
  if (f->lsm[0])
    evidence (c, "active security modules (/sys/kernel/security/lsm): %s", f->lsm);
  else if (f->apparmor_enabled)
    evidence (c, "AppArmor is enabled (/sys/module/apparmor/parameters/enabled)");
  if (f->apparmor_label[0])
    evidence (c, "this process's AppArmor label: %s", f->apparmor_label);
  return found (c, "apparmor-userns");
}

static int
classify_limits (struct classify *c)
{
  const struct diag_facts *f = c->f;
  int flags = c->r->clone_flags;
  for (size_t i = 0; i < DIAG_N_NS; i++)
    if ((flags & diag_ns_kinds[i].clone_flag) && f->max_ns[i] == 0)
      {
        evidence (c, "/proc/sys/user/%s is 0 (sysctl user.%s)", diag_ns_kinds[i].sysctl, diag_ns_kinds[i].sysctl);
        return found (c, "namespace-limit-zero");
      }
  if (flags & CLONE_NEWUSER)
    {
      /* The kernel hides enclosing user namespaces: their depth shows only
       * as parent processes whose namespace cannot be read. */
      if (f->in_userns != 0 && f->userns_depth + f->userns_hidden_parents >= 34)
        {
          if (f->userns_hidden_parents > 0)
            evidence (c, "%d parent processes (following PPid in /proc/PID/status) are in user namespaces enclosing this "
                      "one, hidden from it (readlink /proc/PID/ns/user: permission denied), and %d user "
                      "namespace%s visible along the chain: as deep a chain as 33 levels of nesting need",
                      f->userns_hidden_parents, f->userns_depth, f->userns_depth == 1 ? " is" : "s are");
          else
            evidence (c, "this process and its parent processes are in %d different user namespaces "
                      "(/proc/PID/ns/user along PPid): this one is at least %d levels deep",
                      f->userns_depth, f->userns_depth - 1);
          if (f->max_ns[DIAG_NS_USER] > 0)
            evidence (c, "this namespace's own limit is far: user.max_user_namespaces = %ld, %d user namespace%s below this one",
                      f->max_ns[DIAG_NS_USER], f->userns_below, f->userns_below == 1 ? "" : "s");
          return found (c, "userns-nesting");
        }
      long limit = f->max_ns[DIAG_NS_USER];
      if (limit > 0 && f->userns_below >= limit)
        {
          evidence (c, "/proc/sys/user/max_user_namespaces is %ld here, and %d user namespaces below this one "
                    "are held by processes visible here (pids %s)", limit, f->userns_below, f->userns_below_pids);
          return found (c, "userns-exhausted");
        }
    }
  evidence (c, "%s fails with %s, which the kernel returns when a namespace count or the nesting depth is at its limit",
            c->r->call, errno_name (c->r->error));
  char limits[512] = "";
  for (size_t i = 0; i < DIAG_N_NS; i++)
    if ((flags & diag_ns_kinds[i].clone_flag) && f->max_ns[i] >= 0)
      append (limits, sizeof limits, ", ", "user.%s = %ld", diag_ns_kinds[i].sysctl, f->max_ns[i]);
  if (limits[0])
    evidence (c, "limits in this user namespace: %s", limits);
  if (flags & CLONE_NEWUSER)
    evidence (c, "user namespaces seen: %d along the parent processes (this one included; %d more parent processes are in "
              "enclosing ones it cannot see), %d below this one", f->userns_depth, f->userns_hidden_parents, f->userns_below);
  return found (c, "namespace-limit");
}

static int
classify_namespaces (struct classify *c, int probe_errno)
{
  const struct diag_facts *f = c->f;
  int e = c->r->error;
  int flags = c->r->clone_flags;
  bool userns = (flags & CLONE_NEWUSER) != 0;

  if (seccomp_answered (c, probe_errno))
    return found (c, "seccomp");
  if (e == ENOSPC || e == EUSERS)
    return classify_limits (c);
  if (e == EINVAL || e == ENOSYS)
    {
      char missing[256] = "";
      for (size_t i = 0; i < DIAG_N_NS; i++)
        if ((flags & diag_ns_kinds[i].clone_flag) && f->ns_present[i] == 0)
          append (missing, sizeof missing, ", ", "/proc/self/ns/%s", diag_ns_kinds[i].name);
      if (!missing[0])
        return -1;
      evidence (c, "%s does not exist", missing);
      return found (c, "kernel-no-namespace");
    }
  if (!denied (e))
    return -1;
  if (userns && f->chroot == 1)
    {
      evidence (c, "%s", f->chroot_evidence);
      return found (c, "chroot");
    }
  if (userns && f->cap_sys_admin != 1 && f->unprivileged_userns_clone == 0)
    {
      evidence (c, "/proc/sys/kernel/unprivileged_userns_clone is 0, and this process has no CAP_SYS_ADMIN");
      return found (c, "userns-clone-disabled");
    }
  if (userns && f->cap_sys_admin != 1 && f->userns_restrict == 1)
    {
      evidence (c, "/proc/sys/kernel/userns_restrict is 1, and this process has no CAP_SYS_ADMIN");
      return found (c, "userns-clone-disabled");
    }
  if (userns && classify_apparmor_userns (c) == 0)
    return 0;
  if (classify_lsm (c) == 0)
    return 0;
  if (!userns && f->euid == 0 && f->cap_sys_admin == 0)
    {
      evidence (c, "/proc/self/status: uid 0, CapEff without CAP_SYS_ADMIN (bit 21)");
      if (f->container[0])
        evidence (c, "container markers: %s", f->container);
      return found (c, "root-without-capabilities");
    }
  if (!f->have_proc)
    {
      evidence (c, "%s/proc/self/status cannot be read: no procfs is mounted there", strcmp (f->root, "/") ? f->root : "");
      return found (c, "no-proc");
    }
  return -1;
}

static bool
kernel_older_than (const char *release, int major, int minor)
{
  char *end;
  long maj = strtol (release, &end, 10);
  if (end == release || *end != '.')
    return false;
  long min = strtol (end + 1, NULL, 10);
  return maj < major || (maj == major && min < minor);
}

static int
classify_masked (struct classify *c, const struct diag_fs_view *v, const char *what, const char *id)
{
  if (v->n_mounts < 0 || v->n_clean > 0)
    return -1;
  if (v->n_mounts == 0)
    evidence (c, "/proc/self/mountinfo lists no mount of a whole %s", what);
  else
    evidence (c, "/proc/self/mountinfo: %d mount%s of a whole %s, none fully visible: %s",
              v->n_mounts, v->n_mounts == 1 ? "" : "s", what, v->masked);
  return found (c, id);
}

static int
classify_mounts (struct classify *c, int probe_errno)
{
  const struct diag_facts *f = c->f;
  const char *call = c->r->call;
  const char *fstype = c->r->fstype ? c->r->fstype : "";
  int e = c->r->error;

  if (seccomp_answered (c, probe_errno))
    return found (c, "seccomp");
  if (strcmp (call, "pivot_root") == 0 && e == EINVAL && strcmp (f->root_fstype, "rootfs") == 0)
    {
      evidence (c, "the mount at \"/\" in /proc/self/mountinfo is rootfs, the initramfs");
      return found (c, "initramfs-root");
    }
  /* In a chroot, "/" is no mount root: pivot_root and propagation changes
   * of "/" are refused with EINVAL. */
  if (e == EINVAL && f->chroot == 1 && strcmp (fstype, "overlay") != 0)
    {
      evidence (c, "%s", f->chroot_evidence);
      return found (c, "chroot");
    }
  if (strcmp (fstype, "proc") == 0 && denied (e) && in_userns (c))
    {
      if (classify_masked (c, &f->proc, "procfs", "masked-proc") == 0)
        return 0;
    }
  if (strcmp (fstype, "sysfs") == 0 && denied (e) && in_userns (c))
    {
      if (!(c->r->clone_flags & CLONE_NEWNET))
        {
          evidence (c, "the sandbox shares the caller's network namespace (no CLONE_NEWNET) and runs in a user namespace");
          return found (c, "sysfs-needs-netns");
        }
      if (classify_masked (c, &f->sys, "sysfs", "masked-sys") == 0)
        return 0;
    }
  if (strcmp (fstype, "overlay") == 0 && (denied (e) || e == EINVAL) && in_userns (c)
      && f->kernel_release[0] && kernel_older_than (f->kernel_release, 5, 11))
    {
      evidence (c, "/proc/sys/kernel/osrelease is %s, older than 5.11", f->kernel_release);
      return found (c, "overlay-userns");
    }
  if (denied (e) && classify_lsm (c) == 0)
    return 0;
  if (e == EPERM && !in_userns (c) && f->euid == 0 && f->cap_sys_admin == 0)
    {
      evidence (c, "/proc/self/status: uid 0, CapEff without CAP_SYS_ADMIN (bit 21)");
      return found (c, "root-without-capabilities");
    }
  return -1;
}

static void
describe_checked (const struct failure_report *r, const struct diag_facts *f, char *buf, size_t size)
{
  buf[0] = '\0';
  if (!f->have_proc)
    {
      append (buf, size, "; ", "%s/proc/self/status cannot be read", strcmp (f->root, "/") ? f->root : "");
      return;
    }
  if (f->chroot >= 0)
    append (buf, size, "; ", "chroot: %s (%s)", f->chroot ? "yes" : "no", f->chroot_evidence);
  else
    append (buf, size, "; ", "chroot: unknown");
  if (f->seccomp_mode >= 0)
    append (buf, size, "; ", "seccomp: %s", f->seccomp_mode == 2 ? "filter" : f->seccomp_mode == 1 ? "strict" : "off");
  if (f->unprivileged_userns_clone >= 0)
    append (buf, size, "; ", "kernel.unprivileged_userns_clone = %ld", f->unprivileged_userns_clone);
  if (f->apparmor_restrict_userns >= 0)
    append (buf, size, "; ", "kernel.apparmor_restrict_unprivileged_userns = %ld", f->apparmor_restrict_userns);
  if (f->max_ns[DIAG_NS_USER] >= 0)
    append (buf, size, "; ", "user.max_user_namespaces = %ld", f->max_ns[DIAG_NS_USER]);
  append (buf, size, "; ", "AppArmor: %s", f->apparmor_enabled ? (f->apparmor_label[0] ? f->apparmor_label : "on") : "off");
  append (buf, size, "; ", "SELinux: %s", f->selinux_enforcing == 1 ? "enforcing" : f->selinux_enforcing == 0 ? "permissive" : "off");
  if (r->fstype && strcmp (r->fstype, "proc") == 0 && f->proc.n_mounts >= 0)
    append (buf, size, "; ", "procfs mounts fully visible: %d of %d", f->proc.n_clean, f->proc.n_mounts);
  if (r->fstype && strcmp (r->fstype, "sysfs") == 0 && f->sys.n_mounts >= 0)
    append (buf, size, "; ", "sysfs mounts fully visible: %d of %d", f->sys.n_clean, f->sys.n_mounts);
  append (buf, size, "; ", "container markers: %s", f->container[0] ? f->container : "none");
}

int
diagnose_failure (const struct failure_report *r, const struct diag_facts *f, int probe_errno,
                  struct diagnosis *out)
{
  struct classify c = { r, f, out };
  int rc = -1;
  memset (out, 0, sizeof *out);
  describe_checked (r, f, out->checked, sizeof out->checked);
  const char *call = r->call ? r->call : "";
  if (is_namespace_call (call))
    rc = classify_namespaces (&c, probe_errno);
  else if (is_map_call (call))
    {
      if (classify_apparmor_userns (&c) == 0 || classify_lsm (&c) == 0)
        rc = 0;
      else if (!f->have_proc)
        {
          evidence (&c, "/proc/self/status cannot be read: no procfs is mounted there");
          rc = found (&c, "no-proc");
        }
    }
  else if (is_mount_call (call))
    rc = classify_mounts (&c, probe_errno);
  if (rc < 0 || out->cause == NULL)
    {
      out->cause = NULL;
      out->evidence[0] = '\0';
      return -1;
    }
  return 0;
}

/* ---- printing ------------------------------------------------------------------ */

/* "  LABEL first line", then the other lines indented under it. */
static void
emit (FILE *out, enum log_level level, const char *label, const char *text)
{
  int width = (int) strlen (label);
  bool first = true;
  for (const char *line = text; line;)
    {
      const char *nl = strchr (line, '\n');
      int len = nl ? (int) (nl - line) : (int) strlen (line);
      if (out)
        fprintf (out, "  %*s%.*s\n", width, first ? label : "", len, line);
      else
        log_detail (level, "  %*s%.*s", width, first ? label : "", len, line);
      first = false;
      line = nl ? nl + 1 : NULL;
    }
}

void
diagnosis_print (const struct diagnosis *d, FILE *out)
{
  if (d->cause == NULL)
    {
      char line[1200];
      snprintf (line, sizeof line, "no known cause matches; checked: %s", d->checked);
      emit (out, LOG_LEVEL_NOTICE, "cause: ", line);
      if (out == NULL)
        {
          snprintf (line, sizeof line, "`%s --check` reports what this host allows a sandbox", log_program_name ());
          emit (out, LOG_LEVEL_INFO, "more: ", line);
        }
      return;
    }
  char line[1200];
  snprintf (line, sizeof line, "%s [%s]", d->cause->summary, d->cause->id);
  emit (out, LOG_LEVEL_NOTICE, "cause: ", line);
  for (const char *p = d->evidence; p && *p;)
    {
      const char *nl = strchr (p, '\n');
      snprintf (line, sizeof line, "%.*s", nl ? (int) (nl - p) : (int) strlen (p), p);
      emit (out, LOG_LEVEL_NOTICE, "evidence: ", line);
      p = nl ? nl + 1 : NULL;
    }
  emit (out, LOG_LEVEL_NOTICE, "fix: ", d->cause->fix);
  if (out)
    snprintf (line, sizeof line, "docs/troubleshooting.md#%s", d->cause->id);
  else
    snprintf (line, sizeof line, "docs/troubleshooting.md#%s; `%s --check` reports what this host allows",
              d->cause->id, log_program_name ());
  emit (out, LOG_LEVEL_INFO, "more: ", line);
}

/* ---- the death path ------------------------------------------------------------ */

/* Only failures the kernel refuses for host reasons get an explanation;
 * a missing source path or an existing destination is said in one line. */
static bool
worth_diagnosing (const struct failure_report *r)
{
  if (r->call == NULL)
    return false;
  if (is_namespace_call (r->call) || is_map_call (r->call))
    return true;
  if (!is_mount_call (r->call))
    return false;
  return r->error == EPERM || r->error == EACCES || r->error == ENOSYS || r->error == EINVAL;
}

/* After the first root switch the host's root is at /oldroot. */
static const char *
host_root (void)
{
  if (access ("/proc/self/status", R_OK) == 0)
    return "/";
  if (access ("/oldroot/proc/self/status", R_OK) == 0)
    return "/oldroot";
  return "/";
}

void
die_with_diagnosis (const struct failure_report *report)
{
  log_message (LOG_LEVEL_ERROR, "%s", report->message);
  if (worth_diagnosing (report))
    {
      /* Probe before reading anything: nothing may change errno's story. */
      int probe = diag_probe_call (report->call, report->clone_flags);
      static struct diag_facts facts;
      static struct diagnosis d;
      diag_gather (host_root (), &facts);
      diagnose_failure (report, &facts, probe, &d);
      diagnosis_print (&d, NULL);
    }
  _exit (1);
}
