/* swaddle: mounts through the new mount API, or mount(2) where it is missing. */
#include "bind-mount.h"
#include "mount-legacy.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static bool use_new_api;
static bool open_tree_attr_missing;   /* before Linux 6.15, or filtered away */
static int staging_dir = -1;

/* ---- raw system calls (glibc 2.36 wraps some, not all) ---------------- */

static int
sys_open_tree (int dirfd, const char *path, unsigned flags)
{
  return (int) syscall (SYS_open_tree, dirfd, path, flags);
}

static int
sys_open_tree_attr (int dirfd, const char *path, unsigned flags, struct mount_attr *attr)
{
  return (int) syscall (SYS_open_tree_attr, dirfd, path, flags, attr, sizeof *attr);
}

static int
sys_move_mount (int from_fd, const char *from_path, int to_fd, const char *to_path, unsigned flags)
{
  return (int) syscall (SYS_move_mount, from_fd, from_path, to_fd, to_path, flags);
}

static int
sys_mount_setattr (int dirfd, const char *path, unsigned flags, struct mount_attr *attr)
{
  return (int) syscall (SYS_mount_setattr, dirfd, path, flags, attr, sizeof *attr);
}

static int
sys_fsopen (const char *fstype, unsigned flags)
{
  return (int) syscall (SYS_fsopen, fstype, flags);
}

static int
sys_fsconfig (int fd, unsigned cmd, const char *key, const void *value, int aux)
{
  return (int) syscall (SYS_fsconfig, fd, cmd, key, value, aux);
}

static int
sys_fsmount (int fd, unsigned flags, unsigned attr_flags)
{
  return (int) syscall (SYS_fsmount, fd, flags, attr_flags);
}

/* ---- choosing the interface --------------------------------------------- */

/* Called with arguments no kernel accepts: ENOSYS means the call is missing
 * (or filtered away), any other error means it exists. */
static bool
syscall_exists (long nr)
{
  long r = syscall (nr, -1, NULL, 0, NULL, 0);
  return !(r < 0 && errno == ENOSYS);
}

void
mount_api_init (void)
{
  use_new_api = syscall_exists (SYS_open_tree)
                && syscall_exists (SYS_move_mount)
                && syscall_exists (SYS_mount_setattr)
                && syscall_exists (SYS_fsopen)
                && syscall_exists (SYS_fsconfig)
                && syscall_exists (SYS_fsmount);
}

bool
mount_api_is_new (void)
{
  return use_new_api;
}

const char *
mount_api_name (void)
{
  return use_new_api ? "new mount API" : "mount(2)";
}

void
mount_set_staging_dir (int dir_fd)
{
  staging_dir = dir_fd;
}

const char *
proc_fd_path (int fd, char *buf, size_t size)
{
  snprintf (buf, size, "/proc/self/fd/%d", fd);
  return buf;
}

/* ---- flag translation ------------------------------------------------- */

static unsigned
to_mount_attr (unsigned flags)
{
  return ((flags & MOUNT_RDONLY) ? MOUNT_ATTR_RDONLY : 0)
         | ((flags & MOUNT_NOSUID) ? MOUNT_ATTR_NOSUID : 0)
         | ((flags & MOUNT_NODEV) ? MOUNT_ATTR_NODEV : 0)
         | ((flags & MOUNT_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
}

/* ---- the new mount API -------------------------------------------------- */

static int
new_fs_instance (const char *fstype, const struct fs_param *params, size_t n_params,
                 unsigned flags, const char **call)
{
  autoclose int fs = sys_fsopen (fstype, FSOPEN_CLOEXEC);
  if (fs < 0)
    return fail_with (call, "fsopen");
  /* The source /proc/mounts shows, as mount(2) gives it (tools read it). */
  if (sys_fsconfig (fs, FSCONFIG_SET_STRING, "source", fstype, 0) < 0)
    return fail_with (call, "fsconfig(source)");
  for (size_t i = 0; i < n_params; i++)
    {
      int r = params[i].value
              ? sys_fsconfig (fs, FSCONFIG_SET_STRING, params[i].key, params[i].value, 0)
              : sys_fsconfig (fs, FSCONFIG_SET_FLAG, params[i].key, NULL, 0);
      if (r < 0)
        return fail_with (call, "fsconfig");
    }
  if (sys_fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fail_with (call, "fsconfig(FSCONFIG_CMD_CREATE)");
  int mnt = sys_fsmount (fs, FSMOUNT_CLOEXEC, to_mount_attr (flags));
  if (mnt < 0)
    return fail_with (call, "fsmount");
  return mnt;
}

static int
new_attach (int tree_fd, int dest_fd, const char *dest_path, const char **call)
{
  unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | (dest_path[0] ? 0 : MOVE_MOUNT_T_EMPTY_PATH);
  if (sys_move_mount (tree_fd, "", dest_fd, dest_path, flags) < 0)
    return fail_with (call, "move_mount");
  return 0;
}

static int
new_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
           unsigned flags, int dest_fd, const char *dest_path, const char **call)
{
  autoclose int mnt = new_fs_instance (fstype, params, n_params, flags, call);
  if (mnt < 0 || new_attach (mnt, dest_fd, dest_path, call) < 0)
    return -1;
  return steal_fd (&mnt);
}

/* ---- the interface ---------------------------------------------------- */

int
mount_make_root_rslave (const char **call)
{
  if (use_new_api)
    {
      struct mount_attr attr = { .propagation = MS_SLAVE };
      if (sys_mount_setattr (AT_FDCWD, "/", AT_RECURSIVE, &attr) < 0)
        return fail_with (call, "mount_setattr(MS_SLAVE)");
      return 0;
    }
  if (mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return fail_with (call, "mount(MS_SLAVE|MS_REC)");
  return 0;
}

/* What is stacked on "/" is reached by "/.." (see mount_tmpfs_over_root). */
static int
open_top_of_root (const char **call)
{
  int fd = open ("/..", O_PATH | O_CLOEXEC | O_DIRECTORY);
  return fd < 0 ? fail_with (call, "open(/..)") : fd;
}

int
mount_tmpfs_over_root (const struct fs_param *params, size_t n_params, unsigned flags,
                       const char **call)
{
  if (use_new_api)
    return new_fs_at ("tmpfs", params, n_params, flags, AT_FDCWD, "/", call);
  if (legacy_fs_at ("tmpfs", params, n_params, flags, "/", call) < 0)
    return -1;
  /* "/" is our root and lookups start there without crossing what is
   * stacked on it; ".." from the root does cross it. */
  return open_top_of_root (call);
}

int
mount_root_over_itself (const char **call)
{
  if (use_new_api)
    {
      autoclose int tree = sys_open_tree (AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (tree < 0)
        return fail_with (call, "open_tree(/)");
      return new_attach (tree, AT_FDCWD, "/", call) < 0 ? -1 : steal_fd (&tree);
    }
  if (mount ("/", "/", NULL, MS_BIND | MS_REC, NULL) < 0)
    return fail_with (call, "mount(/, MS_BIND|MS_REC)");
  return open_top_of_root (call);
}

int
mount_detach_fd (int fd, const char **call)
{
  char path[64];
  return mount_detach (proc_fd_path (fd, path, sizeof path), call);
}

int
mount_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
             unsigned flags, int dest_fd, const char **call)
{
  if (use_new_api)
    {
      autoclose int mnt = new_fs_at (fstype, params, n_params, flags, dest_fd, "", call);
      return mnt < 0 ? -1 : 0;
    }
  char dest[64];
  return legacy_fs_at (fstype, params, n_params, flags, proc_fd_path (dest_fd, dest, sizeof dest), call);
}

/* ---- --not-a-security-boundary: flags mount by mount --------------------- */

/* mount_setattr(AT_RECURSIVE) changes every mount of a tree or none: one
 * submount that refuses fails the whole call.  Leniently, the tree's top
 * takes every flag or the bind fails; then, once the copy is attached
 * (mount_setattr changes no submount of a detached copy on its own, and
 * nothing runs in the sandbox before setup ends), each submount is
 * reached from the top by its path in the caller's mount table and takes
 * what it will, flag by flag.  The calls name paths relative to
 * descriptors rather than descriptors alone (AT_EMPTY_PATH), so a test
 * can refuse the recursive call with a seccomp filter and leave these. */

struct child_attr
{
  int fd;
  const char *name;     /* "." for a directory, "" (AT_EMPTY_PATH) else */
};

static int
set_one_flag (void *ctx, unsigned flag)
{
  const struct child_attr *c = ctx;
  struct mount_attr attr = { .attr_set = to_mount_attr (flag) };
  return sys_mount_setattr (c->fd, c->name, c->name[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH, &attr);
}

struct lenient_walk
{
  int tree_fd;
  unsigned flags;
};

static int
set_submount_flags (void *ctx, const char *host_path, const char *relative)
{
  const struct lenient_walk *w = ctx;
  /* Beneath the copy's top, through no symbolic link: only its own mounts. */
  struct open_how how = {
    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  autoclose int fd = (int) syscall (SYS_openat2, w->tree_fd, relative, &how, sizeof how);
  if (fd < 0)
    {
      warn_submount_refused (host_path, w->flags, "openat2", errno);
      return 0;
    }
  struct stat st;
  struct child_attr child = { fd, fstat (fd, &st) == 0 && S_ISDIR (st.st_mode) ? "." : "" };
  int err = 0;
  unsigned refused = set_flags_one_by_one (w->flags, set_one_flag, &child, &err);
  if (refused)
    warn_submount_refused (host_path, refused, "mount_setattr", err);
  return 0;
}

/* A recursive copy of path whose flags reach every submount that takes
 * them: the one recursive call when it can, else mount by mount. */
static int
clone_lenient (int dirfd, const char *path, struct mount_tree *tree, const char **call)
{
  autoclose int src = path[0] ? openat (dirfd, path, O_PATH | O_CLOEXEC) : fcntl (dirfd, F_DUPFD_CLOEXEC, 3);
  if (src < 0)
    return fail_with (call, "open");
  tree->fd = sys_open_tree (src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
  if (tree->fd < 0)
    return fail_with (call, "open_tree");
  struct mount_attr attr = { .attr_set = to_mount_attr (tree->flags) };
  if (sys_mount_setattr (tree->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) == 0)
    return 0;

  struct child_attr top = { tree->fd, mount_tree_is_dir (tree) ? "." : "" };
  tree->pending_submounts = fd_target (src);
  if (sys_mount_setattr (top.fd, top.name, top.name[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH, &attr) < 0
      || tree->pending_submounts == NULL)
    {
      const char *failed = tree->pending_submounts ? "mount_setattr" : "readlink";
      mount_tree_release (tree);
      return fail_with (call, failed);
    }
  return 0;
}

/* The lenient tree, attached: its submounts take what flags they will. */
static void
set_pending_submount_flags (const struct mount_tree *tree)
{
  struct lenient_walk walk = { tree->fd, tree->flags };
  if (tree->pending_submounts)
    for_each_submount (tree->pending_submounts, set_submount_flags, &walk);
}

int
mount_tree_clone (int dirfd, const char *path, unsigned flags, enum mount_depth depth,
                  struct mount_tree *tree, const char **call)
{
  unsigned at_empty = path[0] ? 0 : AT_EMPTY_PATH;
  bool recursive = depth != MOUNT_TOP_ONLY;
  *tree = (struct mount_tree) { -1, flags, depth, NULL };
  if (!use_new_api)
    {
      tree->fd = at_empty ? fcntl (dirfd, F_DUPFD_CLOEXEC, 3) : openat (dirfd, path, O_PATH | O_CLOEXEC);
      return tree->fd < 0 ? fail_with (call, "open") : 0;
    }
  if (depth == MOUNT_RECURSIVE_LENIENT && flags != 0)
    return clone_lenient (dirfd, path, tree, call);
  unsigned open_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | at_empty | (recursive ? AT_RECURSIVE : 0);
  /* The flags go on the detached copy, before anyone can see it: in the
   * same call where the kernel has open_tree_attr. */
  struct mount_attr attr = { .attr_set = to_mount_attr (flags) };
  if (attr.attr_set != 0 && !open_tree_attr_missing)
    {
      tree->fd = sys_open_tree_attr (dirfd, path, open_flags, &attr);
      if (tree->fd >= 0)
        return 0;
      /* Older kernels say ENOSYS; a container's seccomp profile may say
       * EPERM to a call it does not know.  open_tree says what is true. */
      if (errno != ENOSYS && errno != EPERM)
        return fail_with (call, "open_tree_attr");
      open_tree_attr_missing = true;
    }
  tree->fd = sys_open_tree (dirfd, path, open_flags);
  if (tree->fd < 0)
    return fail_with (call, "open_tree");
  if (attr.attr_set != 0
      && sys_mount_setattr (tree->fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) < 0)
    {
      mount_tree_release (tree);
      return fail_with (call, "mount_setattr");
    }
  return 0;
}

bool
mount_tree_is_dir (const struct mount_tree *tree)
{
  struct stat st;
  return fstat (tree->fd, &st) == 0 && S_ISDIR (st.st_mode);
}

int
mount_tree_attach (const struct mount_tree *tree, int dest_fd, const char **call)
{
  return mount_tree_attach_at (tree, dest_fd, "", call);
}

int
mount_tree_attach_at (const struct mount_tree *tree, int dir_fd, const char *name, const char **call)
{
  if (use_new_api)
    {
      if (new_attach (tree->fd, dir_fd, name, call) < 0)
        return -1;
      set_pending_submount_flags (tree);
      return 0;
    }
  autoclose int dest = name[0] ? openat (dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
  if (name[0] && dest < 0)
    return fail_with (call, "openat");
  return legacy_attach_tree (tree, staging_dir, name[0] ? dest : dir_fd, call);
}

void
mount_tree_release (struct mount_tree *tree)
{
  close_fd_ptr (&tree->fd);
  free (tree->pending_submounts);
  tree->pending_submounts = NULL;
}

int
mount_bind_at (int src_fd, int dest_fd, unsigned flags, bool recursive, const char **call)
{
  struct mount_tree tree;
  if (mount_tree_clone (src_fd, "", flags, recursive ? MOUNT_RECURSIVE : MOUNT_TOP_ONLY, &tree, call) < 0)
    return -1;
  int r = mount_tree_attach (&tree, dest_fd, call);
  mount_tree_release (&tree);
  return r;
}

int
mount_remount_readonly (int dest_fd, const char **call)
{
  if (use_new_api)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (sys_mount_setattr (dest_fd, "", AT_EMPTY_PATH, &attr) < 0)
        return fail_with (call, "mount_setattr(MOUNT_ATTR_RDONLY)");
      return 0;
    }
  char path[64];
  return legacy_remount (proc_fd_path (dest_fd, path, sizeof path), MS_RDONLY, call);
}

int
mount_pivot_into (int new_root_fd, const char *put_old, const char **call)
{
  if (fchdir (new_root_fd) < 0)
    return fail_with (call, "fchdir");
  if (syscall (SYS_pivot_root, ".", put_old) < 0)
    return fail_with (call, "pivot_root");
  return 0;
}

int
mount_detach (const char *path, const char **call)
{
  if (umount2 (path, MNT_DETACH) < 0)
    return fail_with (call, "umount2(MNT_DETACH)");
  return 0;
}
