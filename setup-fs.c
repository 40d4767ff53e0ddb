/* swaddle: executing the plan's filesystem operations into a new root.
 *
 * The layout while building, in the sandbox's mount namespace:
 *   base            a private tmpfs, stacked on the caller's root
 *   base/oldroot    the caller's root
 *   base/newroot    a tmpfs that becomes the sandbox's "/"
 * While the plan runs, the process is chroot'ed into the caller's root and
 * sits in the caller's working directory, so bind sources mean exactly
 * what they mean to the caller (relative paths, symlinks, /proc/self/fd);
 * destinations are resolved inside newroot by descriptor.  At the end the
 * old root is detached and newroot made "/"; the base goes with it. */
#include "setup-fs.h"
#include "bind-mount.h"
#include "cgroup.h"
#include "privileges.h"
#include "resolve.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

struct fs_context
{
  const struct fs_setup *setup;
  struct setup_failure *failure;
  int base_fd;          /* the staging tmpfs */
  int root_fd;          /* the top mount on base/newroot */
  dev_t root_dev;
  ino_t root_ino;
  unsigned n_data_files;
  /* The parent directory of the last mount point created: long runs of
   * binds side by side resolve it once. */
  char *parent_path;
  int parent_fd;
};

/* ---- failures --------------------------------------------------------- */

static int
failf (struct fs_context *ctx, const char *call, const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));

/* Record a failure: "<what>: <call>: <strerror>" unless fmt says it all. */
static int
failf (struct fs_context *ctx, const char *call, const char *fmt, ...)
{
  struct setup_failure *f = ctx->failure;
  int err = errno;
  char what[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (what, sizeof what, fmt, ap);
  va_end (ap);
  f->call = call;
  f->error = err;
  if (call)
    snprintf (f->message, sizeof f->message, "%s: %s: %s", what, call, strerror (err));
  else
    snprintf (f->message, sizeof f->message, "%s", what);
  errno = err;
  return -1;
}

/* "--bind SRC DEST: [what: ]call: strerror" */
static int
fail_op (struct fs_context *ctx, const struct op *op, const char *call, const char *what)
{
  const char *sep = what && *what ? ": " : "";
  if (what == NULL || strcmp (what, op->dest) == 0)
    what = sep = "";
  if (op->kind == OP_BIND || op->kind == OP_SYMLINK)
    return failf (ctx, call, "%s %s %s%s%s", op->option, op->source, op->dest, sep, what);
  return failf (ctx, call, "%s %s%s%s", op->option, op->dest, sep, what);
}

/* ---- the new root ------------------------------------------------------- */

static int
refresh_root (struct fs_context *ctx)
{
  close_fd_ptr (&ctx->root_fd);
  /* A lookup of the name crosses every mount stacked on it. */
  ctx->root_fd = openat (ctx->base_fd, "newroot", O_PATH | O_CLOEXEC | O_DIRECTORY);
  struct stat st;
  if (ctx->root_fd < 0 || fstat (ctx->root_fd, &st) < 0)
    return failf (ctx, "open", "opening the new root /newroot");
  ctx->root_dev = st.st_dev;
  ctx->root_ino = st.st_ino;
  return 0;
}

/* After a mount on dest_fd: if that was the root, later lookups must start
 * from the mount now on top of it. */
static int
after_mount_on (struct fs_context *ctx, int dest_fd)
{
  struct stat st;
  if (fstat (dest_fd, &st) == 0 && st.st_dev == ctx->root_dev && st.st_ino == ctx->root_ino)
    return refresh_root (ctx);
  return 0;
}

/* ---- sources on the host -------------------------------------------- */

/* The process sits in the caller's root and working directory: a plain
 * lookup is the caller's own. */
static int
open_host_path (const char *source)
{
  return open (source, O_PATH | O_CLOEXEC);
}

static bool
fd_is_dir (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 && S_ISDIR (st.st_mode);
}

/* ---- mount points ---------------------------------------------------- */

static void
forget_parent (struct fs_context *ctx)
{
  free (ctx->parent_path);
  ctx->parent_path = NULL;
  close_fd_ptr (&ctx->parent_fd);
}

static int
parent_dir (struct fs_context *ctx, const char *parent, mode_t parent_mode)
{
  if (ctx->parent_path && strcmp (ctx->parent_path, parent) == 0)
    return ctx->parent_fd;
  forget_parent (ctx);
  ctx->parent_fd = ensure_dir (ctx->root_fd, parent, parent_mode, parent_mode);
  if (ctx->parent_fd >= 0)
    ctx->parent_path = xstrdup (parent);
  return ctx->parent_fd;
}

/* Where a mount goes: an entry just made, named in a directory we hold
 * (so no symlink to follow, and no descriptor to open for it), or what
 * was already there, by descriptor. */
struct mount_point
{
  int fd;               /* what was there; -1 for a fresh entry */
  int parent_fd;        /* a fresh entry's directory (the context's) */
  char *copy;           /* owns name */
  const char *name;
};

static void
mount_point_release (struct mount_point *mp)
{
  close_fd_ptr (&mp->fd);
  free (mp->copy);
}

/* Somewhere to mount source_fd's kind of file at dest: a new directory or
 * empty file, or what is already there.  0, or -1 with errno. */
static int
make_mount_point (struct fs_context *ctx, const char *dest, int source_fd, mode_t parent_mode,
                  struct mount_point *mp)
{
  char *parent;
  *mp = (struct mount_point) { -1, -1, xstrdup (dest), NULL };
  path_split_last (mp->copy, &parent, (char **) &mp->name);
  if (*mp->name != '\0')
    {
      mp->parent_fd = parent_dir (ctx, parent, parent_mode);
      if (mp->parent_fd < 0)
        return -1;
      bool dir = fd_is_dir (source_fd);
      if (create_entry (mp->parent_fd, mp->name, dir, dir ? 0755 : 0444) == 0)
        return 0;
      if (errno != EEXIST)
        return -1;
    }
  mp->fd = resolve_in_root (ctx->root_fd, dest, 0, false);
  return mp->fd < 0 ? -1 : 0;
}

/* ---- operations ------------------------------------------------------- */

static unsigned
bind_mount_flags (unsigned bind_flags)
{
  return MOUNT_NOSUID
         | ((bind_flags & BIND_DEVICES) ? 0 : MOUNT_NODEV)
         | ((bind_flags & BIND_READONLY) ? MOUNT_RDONLY : 0);
}

/* Binds are recursive; with --not-a-security-boundary a submount that
 * refuses its flags is a warning (bubblewrap 0.12). */
static enum mount_depth
bind_depth (const struct fs_context *ctx)
{
  return ctx->setup->plan->not_a_security_boundary ? MOUNT_RECURSIVE_LENIENT : MOUNT_RECURSIVE;
}

/* After a mount on what was already there: it may hide the cached
 * parent, or be the root itself. */
static int
after_mount_on_existing (struct fs_context *ctx, int dest_fd)
{
  forget_parent (ctx);
  return after_mount_on (ctx, dest_fd);
}

/* Put tree at op's destination, creating missing parents with parent_mode. */
static int
attach_at_dest (struct fs_context *ctx, const struct op *op, const struct mount_tree *tree, mode_t parent_mode)
{
  const char *call = NULL;
  __attribute__((cleanup (mount_point_release))) struct mount_point mp;
  if (make_mount_point (ctx, op->dest, tree->fd, parent_mode, &mp) < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the mount point");
  if (mp.fd < 0)
    return mount_tree_attach_at (tree, mp.parent_fd, mp.name, &call) < 0 ? fail_op (ctx, op, call, NULL) : 0;
  if (mount_tree_attach (tree, mp.fd, &call) < 0)
    return fail_op (ctx, op, call, NULL);
  return after_mount_on_existing (ctx, mp.fd);
}

static int
op_bind (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  struct mount_tree tree;
  if (mount_tree_clone (AT_FDCWD, op->source, bind_mount_flags (op->bind_flags), bind_depth (ctx), &tree, &call) < 0)
    {
      if (errno == ENOENT && (op->bind_flags & BIND_TRY))
        return 0;
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP)
        return failf (ctx, NULL, "Can't find source path %s: %s", op->source, strerror (errno));
      return fail_op (ctx, op, call, NULL);
    }
  int r = attach_at_dest (ctx, op, &tree, 0755);
  mount_tree_release (&tree);
  return r;
}

static int
op_remount_ro (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  autoclose int dest = resolve_in_root (ctx->root_fd, op->dest, 0, false);
  if (dest < 0)
    return fail_op (ctx, op, "openat2", op->dest);
  if (mount_remount_readonly (dest, &call) < 0)
    return fail_op (ctx, op, call, op->dest);
  return 0;
}

/* --file-label: the files of the filesystems swaddle makes for the
 * sandbox carry that SELinux context.  Copies params into out, adding
 * "context" where it applies; returns the count. */
static size_t
with_file_label (const struct fs_context *ctx, const struct fs_param *params, size_t n_params,
                 struct fs_param *out, size_t size)
{
  const char *label = selinux_file_context ();
  for (size_t i = 0; i < n_params && i < size; i++)
    out[i] = params[i];
  if (label == NULL || n_params >= size)
    return n_params;
  out[n_params] = (struct fs_param) { "context", label };
  return n_params + 1;
}

static int
mount_new_fs (struct fs_context *ctx, const struct op *op, const char *fstype,
              const struct fs_param *params, size_t n_params, unsigned flags)
{
  const char *call = NULL;
  struct fs_param labelled[8];
  n_params = with_file_label (ctx, params, n_params, labelled, N_ELEMENTS (labelled));
  autoclose int dest = ensure_dir (ctx->root_fd, op->dest, 0755, parent_mode_for (op->perms));
  if (dest < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the mount point");
  if (mount_fs_at (fstype, labelled, n_params, flags, dest, &call) < 0)
    {
      ctx->failure->fstype = fstype;
      return fail_op (ctx, op, call, op->dest);
    }
  return after_mount_on (ctx, dest);
}

static int
op_tmpfs (struct fs_context *ctx, const struct op *op)
{
  char mode[16], size[32];
  snprintf (mode, sizeof mode, "%o", op->perms == PERMS_DEFAULT ? 0755 : (unsigned) op->perms);
  snprintf (size, sizeof size, "%llu", (unsigned long long) op->size);
  struct fs_param params[] = { { "mode", mode }, { "size", size } };
  return mount_new_fs (ctx, op, "tmpfs", params, op->size ? 2 : 1, MOUNT_NOSUID | MOUNT_NODEV);
}

static int
op_mqueue (struct fs_context *ctx, const struct op *op)
{
  return mount_new_fs (ctx, op, "mqueue", NULL, 0, MOUNT_NOSUID | MOUNT_NODEV | MOUNT_NOEXEC);
}

/* Kernel knobs a sandbox must not turn, even as its own root. */
static const char *const proc_read_only[] = { "sys", "sysrq-trigger", "irq", "bus" };

static int
protect_proc (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  autoclose int proc = resolve_in_root (ctx->root_fd, op->dest, O_DIRECTORY, false);
  if (proc < 0)
    return fail_op (ctx, op, "openat2", op->dest);
  for (size_t i = 0; i < N_ELEMENTS (proc_read_only); i++)
    {
      autoclose int entry = openat (proc, proc_read_only[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (entry < 0 && errno == ENOENT)
        continue;
      if (entry < 0)
        return fail_op (ctx, op, "openat", proc_read_only[i]);
      if (mount_bind_at (entry, entry, MOUNT_RDONLY | MOUNT_NOSUID | MOUNT_NODEV | MOUNT_NOEXEC,
                         true, &call) < 0)
        return fail_op (ctx, op, call, proc_read_only[i]);
    }
  return 0;
}

/* A new filesystem of fstype on dest, or, where the sandbox may not make
 * one, the host's own bound there: a fresh procfs needs a pid namespace
 * the sandbox owns, a fresh sysfs a network namespace. */
static int
mount_fresh_or_host (struct fs_context *ctx, const struct op *op, bool fresh, const char *fstype,
                     const char *host_path, unsigned flags)
{
  if (fresh)
    return mount_new_fs (ctx, op, fstype, NULL, 0, flags);
  const char *call = NULL;
  autoclose int src = open_host_path (host_path);
  if (src < 0)
    return fail_op (ctx, op, "opening the host's", host_path);
  autoclose int dest = ensure_dir (ctx->root_fd, op->dest, 0755, 0755);
  if (dest < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the mount point");
  if (mount_bind_at (src, dest, flags, true, &call) < 0)
    return fail_op (ctx, op, call, NULL);
  return after_mount_on (ctx, dest);
}

bool
caller_cgroup_is_delegated (void)
{
  autofree char *dir = cgroup_caller_dir ();
  if (dir == NULL)
    return false;
  autofree char *procs = xasprintf ("%s/cgroup.procs", dir);
  return access (dir, W_OK) == 0 && access (procs, W_OK) == 0;
}

static int
op_sys (struct fs_context *ctx, const struct op *op)
{
  const unsigned sys_flags = MOUNT_RDONLY | MOUNT_NOSUID | MOUNT_NODEV | MOUNT_NOEXEC;
  if (mount_fresh_or_host (ctx, op, ctx->setup->own_net_ns, "sysfs", "/sys", sys_flags) < 0)
    return -1;
  if (!ctx->setup->own_cgroup_ns)
    return 0;
  const char *call = NULL;
  autofree char *cgroup = xasprintf ("%s/fs/cgroup", op->dest);
  autoclose int dest = resolve_in_root (ctx->root_fd, cgroup, O_DIRECTORY, false);
  if (dest < 0)
    return fail_op (ctx, op, "openat2", "fs/cgroup");
  unsigned flags = MOUNT_NOSUID | MOUNT_NODEV | MOUNT_NOEXEC
                   | (ctx->setup->cgroup_delegated ? 0 : MOUNT_RDONLY);
  if (mount_fs_at ("cgroup2", NULL, 0, flags, dest, &call) < 0)
    {
      ctx->failure->fstype = "cgroup2";
      return fail_op (ctx, op, call, "fs/cgroup");
    }
  return 0;
}

static int
op_proc (struct fs_context *ctx, const struct op *op)
{
  const unsigned flags = MOUNT_NOSUID | MOUNT_NODEV | MOUNT_NOEXEC;
  if (mount_fresh_or_host (ctx, op, ctx->setup->own_pid_ns, "proc", "/proc", flags) < 0)
    return -1;
  return protect_proc (ctx, op);
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

static const struct { const char *name, *target; } dev_links[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
  { "core", "/proc/kcore" },
  { "ptmx", "pts/ptmx" },
};

static int
bind_dev_node (struct fs_context *ctx, const struct op *op, int dev, const char *name)
{
  const char *call = NULL;
  char host_path[64];
  snprintf (host_path, sizeof host_path, "/dev/%s", name);
  autoclose int src = open_host_path (host_path);
  if (src < 0)
    return fail_op (ctx, op, "opening the host's device", host_path);
  autoclose int file = openat (dev, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
  autoclose int dest = file < 0 ? -1 : openat (dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dest < 0)
    return fail_op (ctx, op, "creating the mount point", name);
  /* Not noexec, as with bwrap: mapping /dev/zero PROT_EXEC is how some
   * programs get executable memory. */
  if (mount_bind_at (src, dest, MOUNT_NOSUID, false, &call) < 0)
    return fail_op (ctx, op, call, host_path);
  return 0;
}

/* A new devpts instance on dir/pts (which exists). */
static int
mount_devpts_in (struct fs_context *ctx, int dir, const char **call)
{
  struct fs_param devpts[] = { { "newinstance", NULL }, { "ptmxmode", "0666" }, { "mode", "620" } };
  struct fs_param labelled[8];
  size_t n_params = with_file_label (ctx, devpts, N_ELEMENTS (devpts), labelled, N_ELEMENTS (labelled));
  autoclose int pts = openat (dir, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pts < 0)
    return fail_with (call, "openat");
  return mount_fs_at ("devpts", labelled, n_params, MOUNT_NOSUID | MOUNT_NOEXEC, pts, call);
}

static int
op_dev (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  struct fs_param tmpfs[] = { { "mode", "755" } };
  /* nodev is per mount: the device binds below are mounts of their own.
   * No noexec, as with bwrap: /dev/shm may hold executable mappings. */
  if (mount_new_fs (ctx, op, "tmpfs", tmpfs, N_ELEMENTS (tmpfs), MOUNT_NOSUID | MOUNT_NODEV) < 0)
    return -1;
  autoclose int dev = resolve_in_root (ctx->root_fd, op->dest, O_DIRECTORY, false);
  if (dev < 0)
    return fail_op (ctx, op, "openat2", op->dest);

  for (size_t i = 0; i < N_ELEMENTS (dev_nodes); i++)
    if (bind_dev_node (ctx, op, dev, dev_nodes[i]) < 0)
      return -1;
  for (size_t i = 0; i < N_ELEMENTS (dev_links); i++)
    if (symlinkat (dev_links[i].target, dev, dev_links[i].name) < 0)
      return fail_op (ctx, op, "symlinkat", dev_links[i].name);
  if (mkdirat (dev, "shm", 01777) < 0 || mkdirat (dev, "pts", 0755) < 0)
    return fail_op (ctx, op, "mkdirat", "shm, pts");

  /* A devpts of its own: the sandbox sees and reaches no terminal of the host's. */
  if (mount_devpts_in (ctx, dev, &call) < 0)
    return fail_op (ctx, op, call, "pts");
  if (ctx->setup->pty != NULL)
    {
      /* The last --dev's terminal is the one the payload can name. */
      pty_pair_close (ctx->setup->pty);
      if (pty_open_at (dev, "pts/ptmx", ctx->setup->pty, &call) < 0)
        return fail_op (ctx, op, call, "--pty: pts/ptmx");
    }
  return 0;
}

/* --pty without --dev: a devpts instance in the staging tmpfs, which goes
 * away with it; the open pair keeps the instance alive. */
static int
open_private_pty (struct fs_context *ctx)
{
  const char *call = NULL;
  if (mkdirat (ctx->base_fd, "pts", 0755) < 0)
    return failf (ctx, "mkdirat", "--pty: creating a mount point for its devpts");
  if (mount_devpts_in (ctx, ctx->base_fd, &call) < 0)
    return failf (ctx, call, "--pty: mounting a devpts instance");
  if (pty_open_at (ctx->base_fd, "pts/ptmx", ctx->setup->pty, &call) < 0)
    return failf (ctx, call, "--pty: opening a new terminal");
  return 0;
}

static int
op_dir (struct fs_context *ctx, const struct op *op)
{
  mode_t mode = op->perms == PERMS_DEFAULT ? 0755 : (mode_t) op->perms;
  autoclose int dir = ensure_dir (ctx->root_fd, op->dest, mode, parent_mode_for (op->perms));
  if (dir < 0)
    return fail_op (ctx, op, resolve_failed_call (), NULL);
  return 0;
}

static int
copy_data (struct fs_context *ctx, const struct op *op, int out_fd)
{
  if (copy_fd (op->fd, out_fd) < 0)
    return failf (ctx, "read", "%s %d %s: copying from file descriptor %d",
                  op->option, op->fd, op->dest, op->fd);
  /* Read once; the payload must not inherit it. */
  close (op->fd);
  return 0;
}

static int
op_file (struct fs_context *ctx, const struct op *op)
{
  autofree char *copy = NULL;
  char *name;
  autoclose int parent = open_parent (ctx->root_fd, op->dest, parent_mode_for (op->perms), &name, &copy);
  if (parent < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the parent directories");
  mode_t mode = op->perms == PERMS_DEFAULT ? 0666 : (mode_t) op->perms;
  autoclose int file = openat (parent, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (file < 0)
    return fail_op (ctx, op, "openat", op->dest);
  return copy_data (ctx, op, file);
}

static int
op_bind_data (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  char name[32];
  snprintf (name, sizeof name, "data%u", ctx->n_data_files++);
  mode_t mode = op->perms == PERMS_DEFAULT ? 0600 : (mode_t) op->perms;

  /* The data lives in a file of the base tmpfs, bound onto the destination. */
  autoclose int file = openat (ctx->base_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (file < 0)
    return fail_op (ctx, op, "creating the data file", name);
  if (copy_data (ctx, op, file) < 0)
    return -1;
  unsigned flags = MOUNT_NOSUID | MOUNT_NODEV | ((op->bind_flags & BIND_READONLY) ? MOUNT_RDONLY : 0);
  struct mount_tree tree;
  if (mount_tree_clone (file, "", flags, MOUNT_TOP_ONLY, &tree, &call) < 0)
    return fail_op (ctx, op, call, op->dest);
  int r = attach_at_dest (ctx, op, &tree, parent_mode_for (op->perms));
  mount_tree_release (&tree);
  /* The mount holds the file; its name in the base is no longer needed. */
  (void) unlinkat (ctx->base_fd, name, 0);
  return r;
}

static int
op_symlink (struct fs_context *ctx, const struct op *op)
{
  autofree char *copy = NULL;
  char *name;
  autoclose int parent = open_parent (ctx->root_fd, op->dest, 0755, &name, &copy);
  if (parent < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the parent directories");
  if (symlinkat (op->source, parent, name) == 0)
    return 0;
  if (errno != EEXIST)
    return fail_op (ctx, op, "symlinkat", op->dest);

  /* Already there: fine if it is the same link. */
  char existing[4096];
  ssize_t n = readlinkat (parent, name, existing, sizeof existing - 1);
  if (n < 0)
    return failf (ctx, NULL, "Can't make symlink at %s: a file or directory that is not a symlink is already there",
                  op->dest);
  existing[n] = '\0';
  if (strcmp (existing, op->source) != 0)
    return failf (ctx, NULL, "Can't make symlink at %s: existing destination is %s", op->dest, existing);
  return 0;
}

static int
op_chmod (struct fs_context *ctx, const struct op *op)
{
  char path[64];
  autoclose int fd = resolve_in_root (ctx->root_fd, op->dest, 0, false);
  if (fd < 0)
    return fail_op (ctx, op, "openat2", op->dest);
  /* An O_PATH descriptor cannot be fchmod()ed; its /proc path can. */
  if (chmod (proc_fd_path (fd, path, sizeof path), (mode_t) op->perms) < 0)
    return fail_op (ctx, op, "chmod", op->dest);
  return 0;
}

/* The caller's descriptor lives in the caller's mount namespace, which
 * the kernel will not clone from: bind the path it names here, then make
 * sure that is the very file the descriptor holds. */
static int
op_bind_fd (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  char link[64], path[4096];
  struct stat want, got;
  ssize_t n = readlink (proc_fd_path (op->fd, link, sizeof link), path, sizeof path - 1);
  if (n < 0 || fstat (op->fd, &want) < 0)
    return failf (ctx, "readlink", "%s %d %s: file descriptor %d", op->option, op->fd, op->dest, op->fd);
  path[n] = '\0';

  struct mount_tree tree;
  if (mount_tree_clone (AT_FDCWD, path, bind_mount_flags (op->bind_flags), bind_depth (ctx), &tree, &call) < 0)
    return failf (ctx, call, "%s %d %s: %s", op->option, op->fd, op->dest, path);
  if (fstat (tree.fd, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino)
    {
      mount_tree_release (&tree);
      errno = ESTALE;
      return failf (ctx, NULL, "%s %d %s: %s is no longer the file the descriptor holds",
                    op->option, op->fd, op->dest, path);
    }
  int r = attach_at_dest (ctx, op, &tree, 0755);
  mount_tree_release (&tree);
  /* The descriptor was only a way to name the source. */
  close (op->fd);
  return r;
}

/* Descriptors that close together when the list goes out of scope. */
struct fd_list
{
  int *fds;
  size_t n;
};

static void
fd_list_release (struct fd_list *list)
{
  for (size_t i = 0; i < list->n; i++)
    close (list->fds[i]);
  free (list->fds);
}

#define auto_fd_list __attribute__((cleanup (fd_list_release))) struct fd_list

/* The kernel reads overlay layers as path strings: a /proc/self/fd path
 * needs no escaping of ',' ':' or '\\' whatever the real path holds. */
static int
open_layer (struct fs_context *ctx, const char *path, struct fd_list *list)
{
  int fd = open_host_path (path);
  if (fd < 0)
    return failf (ctx, NULL, "Can't find source path %s: %s", path, strerror (errno));
  list->fds[list->n++] = fd;
  return 0;
}

/* A tmpfs in the staging root, holding the upper and work directories of
 * a --tmp-overlay: writes land there and vanish with the sandbox. */
static int
make_tmp_upper (struct fs_context *ctx, const struct op *op, struct fd_list *list)
{
  const char *call = NULL;
  char name[32];
  struct fs_param mode[] = { { "mode", "755" } };
  snprintf (name, sizeof name, "overlay%u", ctx->n_data_files++);
  if (mkdirat (ctx->base_fd, name, 0755) < 0)
    return fail_op (ctx, op, "mkdirat", name);
  autoclose int dir = openat (ctx->base_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return fail_op (ctx, op, "openat", name);
  if (mount_fs_at ("tmpfs", mode, 1, MOUNT_NOSUID | MOUNT_NODEV, dir, &call) < 0)
    return fail_op (ctx, op, call, name);
  autoclose int top = openat (ctx->base_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  static const char *const parts[] = { "upper", "work" };
  for (size_t i = 0; i < N_ELEMENTS (parts); i++)
    {
      if (top < 0 || mkdirat (top, parts[i], 0755) < 0)
        return fail_op (ctx, op, "mkdirat", parts[i]);
      int fd = openat (top, parts[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        return fail_op (ctx, op, "openat", parts[i]);
      list->fds[list->n++] = fd;
    }
  return 0;
}

static char *
layer_list (const int *fds, size_t n)
{
  /* The kernel's lowerdir lists the top layer first; the command line
   * gives the bottom first. */
  size_t cap = n * 40 + 1, used = 0;
  char *list = xmalloc (cap);
  list[0] = '\0';
  for (size_t i = n; i-- > 0; )
    {
      char path[64];
      used += (size_t) snprintf (list + used, cap - used, "%s%s", used ? ":" : "",
                                 proc_fd_path (fds[i], path, sizeof path));
    }
  return list;
}

/* Layers, then upper and work where the overlay has them. */
static int
open_overlay_dirs (struct fs_context *ctx, const struct op *op, struct fd_list *dirs)
{
  for (size_t i = 0; i < op->n_layers; i++)
    if (open_layer (ctx, op->layers[i], dirs) < 0)
      return -1;
  switch (op->overlay)
    {
    case OVERLAY_RW:
      return open_layer (ctx, op->source, dirs) < 0 ? -1 : open_layer (ctx, op->workdir, dirs);
    case OVERLAY_TMP:
      return make_tmp_upper (ctx, op, dirs);
    case OVERLAY_RO:
      return 0;
    }
  return 0;
}

static int
op_overlay (struct fs_context *ctx, const struct op *op)
{
  const char *call = NULL;
  auto_fd_list dirs = { xcalloc (op->n_layers + 2, sizeof (int)), 0 };
  if (open_overlay_dirs (ctx, op, &dirs) < 0)
    return -1;

  autofree char *lower = layer_list (dirs.fds, op->n_layers);
  char upper[64], work[64];
  struct fs_param params[4] = { { "lowerdir", lower } };
  size_t n_params = 1;
  if (dirs.n > op->n_layers)
    {
      params[n_params++] = (struct fs_param) { "upperdir", proc_fd_path (dirs.fds[op->n_layers], upper, sizeof upper) };
      params[n_params++] = (struct fs_param) { "workdir", proc_fd_path (dirs.fds[op->n_layers + 1], work, sizeof work) };
    }
  /* In a user namespace overlayfs keeps its metadata in user.* xattrs. */
  params[n_params++] = (struct fs_param) { "userxattr", NULL };
  unsigned flags = MOUNT_NOSUID | MOUNT_NODEV | (op->overlay == OVERLAY_RO ? MOUNT_RDONLY : 0);

  autoclose int dest = ensure_dir (ctx->root_fd, op->dest, 0755, 0755);
  if (dest < 0)
    return fail_op (ctx, op, resolve_failed_call (), "creating the mount point");
  if (mount_fs_at ("overlay", params, n_params, flags, dest, &call) < 0)
    {
      ctx->failure->fstype = "overlay";
      return fail_op (ctx, op, call, NULL);
    }
  return after_mount_on (ctx, dest);
}

static int
run_op (struct fs_context *ctx, const struct op *op)
{
  ctx->failure->op = op;
  /* Mounting a filesystem on a path may hide the cached parent. */
  if (op->kind != OP_BIND && op->kind != OP_DIR && op->kind != OP_SYMLINK
      && op->kind != OP_FILE && op->kind != OP_CHMOD && op->kind != OP_REMOUNT_RO)
    forget_parent (ctx);
  switch (op->kind)
    {
    case OP_BIND: return op_bind (ctx, op);
    case OP_REMOUNT_RO: return op_remount_ro (ctx, op);
    case OP_PROC: return op_proc (ctx, op);
    case OP_DEV: return op_dev (ctx, op);
    case OP_TMPFS: return op_tmpfs (ctx, op);
    case OP_MQUEUE: return op_mqueue (ctx, op);
    case OP_DIR: return op_dir (ctx, op);
    case OP_FILE: return op_file (ctx, op);
    case OP_BIND_DATA: return op_bind_data (ctx, op);
    case OP_SYMLINK: return op_symlink (ctx, op);
    case OP_CHMOD: return op_chmod (ctx, op);
    case OP_BIND_FD: return op_bind_fd (ctx, op);
    case OP_OVERLAY: return op_overlay (ctx, op);
    case OP_SYS: return op_sys (ctx, op);
    }
  errno = EINVAL;
  return failf (ctx, NULL, "%s: unknown operation", op->option);
}

/* ---- the two root switches -------------------------------------------- */

static int
stack_base (struct fs_context *ctx)
{
  const char *call = NULL;
  struct fs_param mode[] = { { "mode", "755" } };
  ctx->base_fd = mount_tmpfs_over_root (mode, 1, MOUNT_NOSUID | MOUNT_NODEV, &call);
  if (ctx->base_fd < 0)
    return failf (ctx, call, "mounting the staging tmpfs");
  if (mkdirat (ctx->base_fd, "oldroot", 0755) < 0 || mkdirat (ctx->base_fd, "newroot", 0755) < 0)
    return failf (ctx, "mkdirat", "creating oldroot and newroot in the staging tmpfs");
  return 0;
}

/* An initramfs: "/" is the rootfs itself, which has no parent mount, and
 * pivot_root needs one.  Put a copy of "/" on top of it, enter that, and
 * pivot from there. */
static int
pivot_from_initramfs (struct fs_context *ctx)
{
  const char *call = NULL;
  if (mount_detach_fd (ctx->base_fd, &call) < 0)
    return failf (ctx, call, "detaching the staging tmpfs");
  close_fd_ptr (&ctx->base_fd);
  autoclose int copy = mount_root_over_itself (&call);
  if (copy < 0)
    return failf (ctx, call, "binding the initramfs root over itself");
  if (fchdir (copy) < 0 || chroot (".") < 0)
    return failf (ctx, "chroot", "entering the copy of the initramfs root");
  if (stack_base (ctx) < 0)
    return -1;
  if (mount_pivot_into (ctx->base_fd, "oldroot", &call) < 0)
    return failf (ctx, call, "moving the caller's root aside");
  return 0;
}

/* Stack the staging tmpfs on "/" and pivot into it: the caller's root
 * moves to base/oldroot. */
static int
enter_base (struct fs_context *ctx)
{
  const char *call = NULL;

  if (mount_make_root_rslave (&call) < 0)
    return failf (ctx, call, "making the mounts of the new namespace private to it");
  if (stack_base (ctx) < 0)
    return -1;
  if (mount_pivot_into (ctx->base_fd, "oldroot", &call) < 0)
    {
      if (errno != EINVAL)
        return failf (ctx, call, "moving the caller's root aside");
      if (pivot_from_initramfs (ctx) < 0)
        return -1;
    }
  mount_set_staging_dir (ctx->base_fd);
  return 0;
}

/* The new root's own tmpfs (after enter_caller_view: mount(2) needs /proc). */
static int
make_new_root (struct fs_context *ctx)
{
  const char *call = NULL;
  struct fs_param mode[] = { { "mode", "755" } };
  autoclose int newroot = openat (ctx->base_fd, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0)
    return failf (ctx, "openat", "opening newroot");
  if (mount_fs_at ("tmpfs", mode, 1, MOUNT_NOSUID | MOUNT_NODEV, newroot, &call) < 0)
    return failf (ctx, call, "mounting the new root's tmpfs");
  return refresh_root (ctx);
}

/* Back into the caller's root and working directory, for the sources. */
static int
enter_caller_view (struct fs_context *ctx, int caller_cwd)
{
  if (chroot ("/oldroot") < 0)
    return failf (ctx, "chroot", "entering the caller's root");
  if (fchdir (caller_cwd) < 0 && chdir ("/") < 0)
    return failf (ctx, "chdir", "entering the caller's working directory");
  return 0;
}

static int
enter_new_root (struct fs_context *ctx)
{
  const char *call = NULL;
  forget_parent (ctx);
  if (fchdir (ctx->base_fd) < 0 || chroot (".") < 0)
    return failf (ctx, "chroot", "returning to the staging root");
  /* pivot_root(".", ".") stacks the old root (the base, with the caller's
   * root on base/oldroot) on the new one; detaching "." removes that whole
   * tree at once, leaving nothing of the caller's reachable.  (Each lazy
   * unmount waits for an RCU grace period: one, not two.) */
  if (mount_pivot_into (ctx->root_fd, ".", &call) < 0)
    return failf (ctx, call, "switching to the new root");
  if (mount_detach (".", &call) < 0)
    return failf (ctx, call, "detaching the staging root");
  if (chdir ("/") < 0)
    return failf (ctx, "chdir", "entering the new root");
  return 0;
}

static void
release_context (struct fs_context *ctx)
{
  forget_parent (ctx);
  close_fd_ptr (&ctx->root_fd);
  close_fd_ptr (&ctx->base_fd);
}

static void
restore_umask (mode_t *saved)
{
  umask (*saved);
}

int
setup_filesystem (const struct fs_setup *setup, struct setup_failure *failure)
{
  __attribute__((cleanup (release_context))) struct fs_context ctx = {
    .setup = setup,
    .failure = failure,
    .base_fd = -1,
    .root_fd = -1,
    .parent_fd = -1,
  };
  /* Modes are exactly what the plan says, whatever the caller's umask. */
  /* cppcheck-suppress unreadVariable ; restore_umask reads it (cppcheck ignores cleanup) */
  __attribute__((cleanup (restore_umask), unused)) mode_t saved_umask = umask (0);

  /* The caller's working directory, before the pivot moves "/" away. */
  autoclose int caller_cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (enter_base (&ctx) < 0 || enter_caller_view (&ctx, caller_cwd) < 0 || make_new_root (&ctx) < 0)
    return -1;
  for (size_t i = 0; i < setup->plan->n_ops; i++)
    if (run_op (&ctx, &setup->plan->ops[i]) < 0)
      return -1;
  failure->op = NULL;
  if (setup->pty != NULL && setup->pty->master < 0 && open_private_pty (&ctx) < 0)
    return -1;
  return enter_new_root (&ctx);
}
