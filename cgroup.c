/* swaddle: cgroup v2 limits in a cgroup of the sandbox's own.
 *
 * The sandbox's cgroup is a child of the caller's cgroup, which the caller
 * must be allowed to write (a delegated cgroup: systemd's Delegate=yes, a
 * container's root, or root itself).  cgroup v2 gives a child controllers
 * only through its parent's cgroup.subtree_control, and refuses to enable
 * them in a cgroup that holds processes (the "no internal processes"
 * rule, the root cgroup excepted).  When swaddle is alone in the caller's
 * cgroup (systemd-run --scope), it moves itself into a leaf beside the
 * sandbox's cgroup for the time of the run, and back afterwards.
 *
 * Everything after the start is done through descriptors opened now: the
 * watcher shares the sandbox's mount namespace, whose root moves. */
#include "cgroup.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DELEGATE_FIX "run swaddle in a delegated cgroup of its own, for example: systemd-run --user --scope -p Delegate=yes swaddle ..."

char *
cgroup_caller_dir (void)
{
  autoclose int cg = open ("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  autoclose int mi = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  autofree char *groups = NULL, *mounts = NULL;
  size_t len;
  if (cg < 0 || mi < 0 || read_all (cg, &groups, &len) < 0 || read_all (mi, &mounts, &len) < 0)
    return NULL;
  char *path = strstr (groups, "0::");
  char *type = strstr (mounts, " - cgroup2 ");
  if (path == NULL || type == NULL)
    return NULL;
  path += 3;
  path[strcspn (path, "\n")] = '\0';
  /* The mount point is the fifth field of the line that holds " - cgroup2 ". */
  char *line = type;
  while (line > mounts && line[-1] != '\n')
    line--;
  char *point = line;
  for (int i = 0; i < 4 && point; i++)
    point = strchr (point, ' ') ? strchr (point, ' ') + 1 : NULL;
  if (point == NULL)
    return NULL;
  point[strcspn (point, " ")] = '\0';
  return xasprintf ("%s%s", point, strcmp (path, "/") == 0 ? "" : path);
}

bool
plan_wants_cgroup (const struct plan *plan)
{
  return plan->memory_max || plan->pids_max || plan->cpu_quota_us;
}

/* A small cgroup file, NUL-terminated, newline dropped; "" when unreadable. */
static void
read_small (int dirfd, const char *name, char *buf, size_t size)
{
  autoclose int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, size - 1);
  buf[n > 0 ? n : 0] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
}

static bool
has_word (const char *list, const char *word)
{
  size_t len = strlen (word);
  for (const char *p = list; (p = strstr (p, word)) != NULL; p += len)
    if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
      return true;
  return false;
}

/* The controllers the plan needs, and the first option that needs each. */
struct need
{
  const char *controller;
  const char *option;
  const char *(*value) (const struct plan *plan);
};

static const char *memory_value (const struct plan *plan) { return plan->memory_max_text; }
static const char *pids_value (const struct plan *plan) { return plan->pids_max_text; }
static const char *cpu_value (const struct plan *plan) { return plan->cpu_max_text; }

static size_t
needed_controllers (const struct plan *plan, struct need *need)
{
  size_t n = 0;
  if (plan->memory_max)
    need[n++] = (struct need) { "memory", "--memory-max", memory_value };
  if (plan->pids_max)
    need[n++] = (struct need) { "pids", "--pids-max", pids_value };
  if (plan->cpu_quota_us)
    need[n++] = (struct need) { "cpu", "--cpu-max", cpu_value };
  return n;
}

/* Why the caller's cgroup cannot have children with these controllers,
 * or NULL when it can. */
static const char *
why_not (const char *dir, int dirfd, const struct need *need, size_t n, char *why, size_t size)
{
  char controllers[256];
  if (dirfd < 0)
    {
      snprintf (why, size, "there is no cgroup v2 hierarchy here (no cgroup2 mount, or no 0:: line in /proc/self/cgroup): "
                "limits need a kernel and an init with cgroup v2 (systemd.unified_cgroup_hierarchy=1)");
      return why;
    }
  read_small (dirfd, "cgroup.controllers", controllers, sizeof controllers);
  for (size_t i = 0; i < n; i++)
    if (!has_word (controllers, need[i].controller))
      {
        if (strstr (dir, "/unified") != NULL)
          snprintf (why, size, "the cgroup v2 hierarchy here (%s) has no %s controller: this host keeps it in cgroup v1 "
                    "(a hybrid layout); boot with systemd.unified_cgroup_hierarchy=1, or use a machine or container with cgroup v2",
                    dir, need[i].controller);
        else
          snprintf (why, size, "the caller's cgroup %s is not given the %s controller by its parent (it has: %s); %s",
                    dir, need[i].controller, controllers[0] ? controllers : "none", DELEGATE_FIX);
        return why;
      }
  if (faccessat (dirfd, ".", W_OK, 0) < 0 || faccessat (dirfd, "cgroup.procs", W_OK, 0) < 0
      || faccessat (dirfd, "cgroup.subtree_control", W_OK, 0) < 0)
    {
      snprintf (why, size, "the caller's cgroup %s is not delegated to uid %u (not writable); %s", dir,
                (unsigned) getuid (), DELEGATE_FIX);
      return why;
    }
  return NULL;
}

static _Noreturn void
die_not_possible (const struct need *need, const struct plan *plan, const char *why)
{
  die ("%s %s: cannot be applied: %s", need->option, need->value (plan), why);
}

static void undo (struct sandbox_cgroup *cg);

/* Whether this process is the only one in the cgroup dirfd. */
static bool
alone_in (int dirfd)
{
  char procs[64], self[24];
  read_small (dirfd, "cgroup.procs", procs, sizeof procs);
  snprintf (self, sizeof self, "%d", (int) getpid ());
  return strcmp (procs, self) == 0;
}

static int
enable_controllers (struct sandbox_cgroup *cg, const struct need *need, size_t n)
{
  char current[256], change[64] = "";
  read_small (cg->parent_fd, "cgroup.subtree_control", current, sizeof current);
  for (size_t i = 0; i < n; i++)
    if (!has_word (current, need[i].controller))
      {
        size_t used = strlen (change);
        snprintf (change + used, sizeof change - used, "%s+%s", used ? " " : "", need[i].controller);
      }
  if (change[0] == '\0')
    return 0;
  if (write_file_at (cg->parent_fd, "cgroup.subtree_control", change) < 0)
    return -1;
  snprintf (cg->enabled, sizeof cg->enabled, "%s", change);
  return 0;
}

/* The root cgroup has no cgroup.type. */
static bool
is_root_cgroup (int dirfd)
{
  return faccessat (dirfd, "cgroup.type", F_OK, 0) < 0;
}

static bool
holds_processes (int dirfd)
{
  char procs[16];
  read_small (dirfd, "cgroup.procs", procs, sizeof procs);
  return procs[0] != '\0';
}

/* cgroup v2 gives a child domain controllers (memory) only while its
 * parent holds no process, and with processes and a threaded controller
 * (pids, cpu) the parent becomes a thread root whose children take no
 * process at all: either way the caller's cgroup must be empty.  When
 * swaddle is the only one in it, it steps into a leaf for the run. */
static void
make_room (struct sandbox_cgroup *cg, const struct need *need, size_t n, const struct plan *plan)
{
  if (!is_root_cgroup (cg->parent_fd) && holds_processes (cg->parent_fd))
    {
      snprintf (cg->leaf, sizeof cg->leaf, "swaddle-%d.watcher", (int) getpid ());
      if (mkdirat (cg->parent_fd, cg->leaf, 0755) < 0 && errno != EEXIST)
        die_errno ("%s: creating %s/%s", need[0].option, cg->path, cg->leaf);
      autoclose int leaf = openat (cg->parent_fd, cg->leaf, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (leaf < 0 || write_file_at (leaf, "cgroup.procs", "0") < 0)
        {
          int err = errno;
          undo (cg);
          errno = err;
          die_errno ("%s: moving swaddle into %s/%s", need[0].option, cg->path, cg->leaf);
        }
    }
  if (enable_controllers (cg, need, n) < 0)
    {
      int err = errno;
      undo (cg);
      errno = err;
      die_errno ("%s: enabling the controllers in %s/cgroup.subtree_control", need[0].option, cg->path);
    }
}

static void
undo (struct sandbox_cgroup *cg)
{
  int err = errno;
  if (cg->dir_fd >= 0 || cg->name[0])
    (void) unlinkat (cg->parent_fd, cg->name, AT_REMOVEDIR);
  close_fd_ptr (&cg->dir_fd);
  close_fd_ptr (&cg->procs_fd);
  if (cg->enabled[0])
    {
      char off[64];
      snprintf (off, sizeof off, "%s", cg->enabled);
      for (char *c = off; *c; c++)
        if (*c == '+')
          *c = '-';
      (void) write_file_at (cg->parent_fd, "cgroup.subtree_control", off);
    }
  if (cg->leaf[0])
    {
      char self[24];
      snprintf (self, sizeof self, "%d", (int) getpid ());
      (void) write_all (cg->parent_procs_fd, self, strlen (self));
      (void) unlinkat (cg->parent_fd, cg->leaf, AT_REMOVEDIR);
    }
  close_fd_ptr (&cg->parent_procs_fd);
  close_fd_ptr (&cg->parent_fd);
  free (cg->path);
  cg->path = NULL;
  errno = err;
}

static void
write_limit (struct sandbox_cgroup *cg, const char *option, const char *file, const char *value, bool optional)
{
  if (write_file_at (cg->dir_fd, file, value) == 0 || (optional && errno == ENOENT))
    return;
  int err = errno;
  char where[512];
  snprintf (where, sizeof where, "%s/%s/%s", cg->path, cg->name, file);
  undo (cg);
  errno = err;
  die_errno ("%s: writing %s to %s", option, value, where);
}

static void
limit_text (uint64_t v, char *buf, size_t size)
{
  if (v == LIMIT_UNLIMITED)
    snprintf (buf, size, "max");
  else
    snprintf (buf, size, "%llu", (unsigned long long) v);
}

/* Whether the caller's cgroup can get children with the controllers:
 * NULL, or why not. */
static const char *
why_not_here (const char *dir, int fd, const struct need *need, size_t n, char *why, size_t size)
{
  if (why_not (dir, fd, need, n, why, size))
    return why;
  /* The root cgroup may hold processes and give its children controllers;
   * another must hold none but swaddle (see make_room). */
  if (!is_root_cgroup (fd) && holds_processes (fd) && !alone_in (fd))
    {
      snprintf (why, size, "the caller's cgroup %s holds other processes, and cgroup v2 gives controllers to the "
                "children of a cgroup only when it holds none; %s", dir, DELEGATE_FIX);
      return why;
    }
  return NULL;
}

void
cgroup_check (const struct plan *plan)
{
  struct need need[3];
  size_t n = needed_controllers (plan, need);
  char why[512];
  if (n == 0)
    return;
  autofree char *dir = cgroup_caller_dir ();
  autoclose int fd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (why_not_here (dir ? dir : "", fd, need, n, why, sizeof why))
    die_not_possible (&need[0], plan, why);
}

void
cgroup_create (struct sandbox_cgroup *cg, const struct plan *plan)
{
  struct need need[3];
  size_t n = needed_controllers (plan, need);
  char why[512], value[64];
  *cg = SANDBOX_CGROUP_NONE;
  if (n == 0)
    return;
  cg->path = cgroup_caller_dir ();
  cg->parent_fd = cg->path ? open (cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (why_not (cg->path ? cg->path : "", cg->parent_fd, need, n, why, sizeof why))
    die_not_possible (&need[0], plan, why);
  struct stat st;
  cg->needs_override = fstat (cg->parent_fd, &st) == 0 && !(st.st_uid == geteuid () && (st.st_mode & S_IWUSR));
  cg->parent_procs_fd = openat (cg->parent_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
  if (cg->parent_procs_fd < 0)
    die_errno ("%s: opening %s/cgroup.procs", need[0].option, cg->path);
  make_room (cg, need, n, plan);

  snprintf (cg->name, sizeof cg->name, "swaddle-%d", (int) getpid ());
  if (mkdirat (cg->parent_fd, cg->name, 0755) < 0)
    {
      int err = errno;
      cg->name[0] = '\0';
      undo (cg);
      errno = err;
      die_errno ("%s: creating the sandbox's cgroup in %s", need[0].option, cg->path);
    }
  cg->dir_fd = openat (cg->parent_fd, cg->name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cg->procs_fd = cg->dir_fd < 0 ? -1 : openat (cg->dir_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
  if (cg->procs_fd < 0)
    {
      undo (cg);
      die_errno ("%s: opening the sandbox's cgroup %s/%s", need[0].option, cg->path, cg->name);
    }
  if (plan->memory_max)
    {
      limit_text (plan->memory_max, value, sizeof value);
      write_limit (cg, "--memory-max", "memory.max", value, false);
      /* The limit is the memory the sandbox has: without swap on top. */
      write_limit (cg, "--memory-max", "memory.swap.max", "0", true);
    }
  if (plan->pids_max)
    {
      limit_text (plan->pids_max, value, sizeof value);
      write_limit (cg, "--pids-max", "pids.max", value, false);
    }
  if (plan->cpu_quota_us)
    {
      snprintf (value, sizeof value, "%llu %llu", (unsigned long long) plan->cpu_quota_us,
                (unsigned long long) plan->cpu_period_us);
      write_limit (cg, "--cpu-max", "cpu.max", value, false);
    }
}

uint64_t
cgroup_watcher_caps (const struct sandbox_cgroup *cg)
{
  return cg->dir_fd >= 0 && cg->needs_override ? UINT64_C (1) << CAP_DAC_OVERRIDE : 0;
}

void
cgroup_forget (struct sandbox_cgroup *cg)
{
  close_fd_ptr (&cg->procs_fd);
  close_fd_ptr (&cg->dir_fd);
  close_fd_ptr (&cg->parent_procs_fd);
  close_fd_ptr (&cg->parent_fd);
}

void
cgroup_enter (struct sandbox_cgroup *cg)
{
  if (cg->procs_fd < 0)
    return;
  if (write_all (cg->procs_fd, "0", 1) < 0)
    die_errno ("moving the sandbox into its cgroup %s/%s", cg->path, cg->name);
  /* A descriptor of the cgroup tree would let the payload (through a
   * ptrace of pid 1) move itself out of the limits. */
  cgroup_forget (cg);
}

/* "key N" in a flat-keyed cgroup file. */
static uint64_t
read_event (int dirfd, const char *file, const char *key)
{
  char buf[512];
  autoclose int fd = openat (dirfd, file, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  size_t len = strlen (key);
  for (char *line = buf; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, key, len) == 0 && line[len] == ' ')
      return strtoull (line + len + 1, NULL, 10);
  return 0;
}

/* End what is left in the cgroup (an orphan of a sandbox without a pid
 * namespace), and wait until it is empty. */
static void
empty (struct sandbox_cgroup *cg)
{
  if (write_file_at (cg->dir_fd, "cgroup.kill", "1") < 0)
    {
      /* Before Linux 5.14: one by one. */
      char procs[4096];
      autoclose int fd = openat (cg->dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
      ssize_t n = fd < 0 ? -1 : read (fd, procs, sizeof procs - 1);
      procs[n > 0 ? n : 0] = '\0';
      for (char *p = procs; *p; p += strcspn (p, "\n"), p += *p == '\n')
        kill ((pid_t) strtol (p, NULL, 10), SIGKILL);
    }
}

void
cgroup_remove (struct sandbox_cgroup *cg, const struct plan *plan, struct cgroup_events *events)
{
  *events = (struct cgroup_events) { 0 };
  if (cg->dir_fd < 0)
    return;
  events->oom_kills = read_event (cg->dir_fd, "memory.events", "oom_kill");
  events->pids_refused = read_event (cg->dir_fd, "pids.events", "max");
  empty (cg);
  /* Exiting processes leave the cgroup within moments. */
  for (int i = 0; i < 500 && unlinkat (cg->parent_fd, cg->name, AT_REMOVEDIR) < 0 && errno == EBUSY; i++)
    {
      if (i == 0)
        empty (cg);
      nanosleep (&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
    }
  if (faccessat (cg->parent_fd, cg->name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    warn ("removing the sandbox's cgroup %s/%s: %s", cg->path, cg->name, strerror (errno));
  cg->name[0] = '\0';
  if (events->oom_kills)
    warn ("--memory-max: the sandbox ran out of memory: the kernel's OOM killer ended %llu of its processes",
          (unsigned long long) events->oom_kills);
  if (events->pids_refused)
    warn ("--pids-max %llu: the sandbox reached its process limit: the kernel refused %llu forks",
          (unsigned long long) plan->pids_max, (unsigned long long) events->pids_refused);
  undo (cg);
}

bool
cgroup_limits_possible (char *why, size_t why_size)
{
  static const struct need all[] = { { "memory", "--memory-max", memory_value }, { "pids", "--pids-max", pids_value },
                                     { "cpu", "--cpu-max", cpu_value } };
  autofree char *dir = cgroup_caller_dir ();
  autoclose int fd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (why_not_here (dir ? dir : "", fd, all, N_ELEMENTS (all), why, why_size))
    return false;
  snprintf (why, why_size, "in a new child cgroup of %s", dir);
  return true;
}
