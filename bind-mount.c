/* swaddle: mounts through the new mount API, or mount(2) where it is missing. */
#include "bind-mount.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

static bool use_new_api;
static const char *host_proc = "/proc";

/* ---- raw system calls (glibc 2.36 wraps some, not all) ---------------- */

static int
sys_open_tree (int dirfd, const char *path, unsigned flags)
{
  return (int) syscall (SYS_open_tree, dirfd, path, flags);
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

static int
fail_with (const char **call, const char *name)
{
  *call = name;
  return -1;
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
mount_set_host_proc (const char *proc_path)
{
  host_proc = proc_path;
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

static unsigned long
to_ms_flags (unsigned flags)
{
  return ((flags & MOUNT_RDONLY) ? MS_RDONLY : 0)
         | ((flags & MOUNT_NOSUID) ? MS_NOSUID : 0)
         | ((flags & MOUNT_NODEV) ? MS_NODEV : 0)
         | ((flags & MOUNT_NOEXEC) ? MS_NOEXEC : 0);
}

/* ---- the new mount API -------------------------------------------------- */

static int
new_fs_instance (const char *fstype, const struct fs_param *params, size_t n_params,
                 unsigned flags, const char **call)
{
  autoclose int fs = sys_fsopen (fstype, FSOPEN_CLOEXEC);
  if (fs < 0)
    return fail_with (call, "fsopen");
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

static int
new_bind_at (int src_fd, int dest_fd, unsigned flags, bool recursive, const char **call)
{
  unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH
                        | (recursive ? AT_RECURSIVE : 0);
  autoclose int tree = sys_open_tree (src_fd, "", tree_flags);
  if (tree < 0)
    return fail_with (call, "open_tree");
  /* Set the flags on the detached copy, before anyone can see it. */
  struct mount_attr attr = { .attr_set = to_mount_attr (flags) };
  if (attr.attr_set != 0
      && sys_mount_setattr (tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) < 0)
    return fail_with (call, "mount_setattr");
  return new_attach (tree, dest_fd, "", call);
}

/* ---- mount(2) ----------------------------------------------------------- */

const char *
host_proc_fd_path (int fd, char *buf, size_t size)
{
  snprintf (buf, size, "%s/self/fd/%d", host_proc, fd);
  return buf;
}

static char *
join_params (const struct fs_param *params, size_t n_params)
{
  size_t len = 1;
  for (size_t i = 0; i < n_params; i++)
    len += strlen (params[i].key) + (params[i].value ? strlen (params[i].value) + 1 : 0) + 1;
  char *out = xmalloc (len);
  char *p = out;
  *p = '\0';
  for (size_t i = 0; i < n_params; i++)
    p += sprintf (p, "%s%s%s%s", i ? "," : "", params[i].key,
                  params[i].value ? "=" : "", params[i].value ? params[i].value : "");
  return out;
}

/* The flags a remount must keep: the kernel refuses to clear flags that
 * were locked when the mount came from a more privileged namespace. */
static unsigned long
kept_ms_flags (const char *path)
{
  struct statvfs st;
  if (statvfs (path, &st) < 0)
    return 0;
  unsigned long kept = 0;
  static const struct { unsigned long st, ms; } map[] = {
    { ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
    { ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
    { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
  };
  for (size_t i = 0; i < N_ELEMENTS (map); i++)
    if (st.f_flag & map[i].st)
      kept |= map[i].ms;
  return kept;
}

static int
legacy_remount (const char *path, unsigned long ms_flags, const char **call)
{
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | ms_flags | kept_ms_flags (path), NULL) < 0)
    return fail_with (call, "mount(MS_REMOUNT)");
  return 0;
}

/* The path of fd as the current root sees it. */
static char *
fd_current_path (int fd)
{
  char link[64], target[4096];
  ssize_t n = readlink (host_proc_fd_path (fd, link, sizeof link), target, sizeof target - 1);
  if (n < 0)
    return NULL;
  target[n] = '\0';
  return xstrdup (target);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal (char *s)
{
  char *out = s;
  for (char *in = s; *in; )
    {
      if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7'
          && in[3] >= '0' && in[3] <= '7')
        {
          *out++ = (char) (((in[1] - '0') << 6) | ((in[2] - '0') << 3) | (in[3] - '0'));
          in += 4;
        }
      else
        *out++ = *in++;
    }
  *out = '\0';
}

static bool
is_under (const char *path, const char *top)
{
  size_t n = strlen (top);
  if (strcmp (top, "/") == 0)
    return true;
  return strncmp (path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* mount(2) sets flags one mount at a time: find the submounts of top in
 * mountinfo.  Only this fallback reads the mount table. */
static int
legacy_remount_tree (const char *top, unsigned long ms_flags, const char **call)
{
  char path[256];
  snprintf (path, sizeof path, "%s/self/mountinfo", host_proc);
  autoclose int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail_with (call, "open(/proc/self/mountinfo)");
  autofree char *table = NULL;
  size_t len;
  if (read_all (fd, &table, &len) < 0)
    return fail_with (call, "read(/proc/self/mountinfo)");

  for (char *line = table, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      /* id parent major:minor root mountpoint ... */
      char *field = line;
      for (int i = 0; i < 4 && field; i++)
        {
          field = strchr (field, ' ');
          if (field)
            field++;
        }
      if (field == NULL)
        continue;
      char *end = strchr (field, ' ');
      if (end)
        *end = '\0';
      unescape_octal (field);
      if (is_under (field, top) && legacy_remount (field, ms_flags, call) < 0)
        return -1;
    }
  return 0;
}

static int
legacy_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
              unsigned flags, const char *dest, const char **call)
{
  autofree char *data = join_params (params, n_params);
  if (mount (fstype, dest, fstype, to_ms_flags (flags), data) < 0)
    return fail_with (call, "mount");
  return 0;
}

static int
legacy_bind_at (int src_fd, int dest_fd, unsigned flags, bool recursive, const char **call)
{
  char src[64], dest[64];
  if (mount (host_proc_fd_path (src_fd, src, sizeof src), host_proc_fd_path (dest_fd, dest, sizeof dest), NULL,
             MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return fail_with (call, "mount(MS_BIND)");
  if (flags == 0)
    return 0;
  autofree char *top = fd_current_path (dest_fd);
  if (top == NULL)
    return fail_with (call, "readlink(/proc/self/fd)");
  if (!recursive)
    return legacy_remount (top, to_ms_flags (flags), call);
  return legacy_remount_tree (top, to_ms_flags (flags), call);
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
  int fd = open ("/..", O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0)
    return fail_with (call, "open(/..)");
  return fd;
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
  return legacy_fs_at (fstype, params, n_params, flags, host_proc_fd_path (dest_fd, dest, sizeof dest), call);
}

int
mount_bind_at (int src_fd, int dest_fd, unsigned flags, bool recursive, const char **call)
{
  if (use_new_api)
    return new_bind_at (src_fd, dest_fd, flags, recursive, call);
  return legacy_bind_at (src_fd, dest_fd, flags, recursive, call);
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
  autofree char *path = fd_current_path (dest_fd);
  if (path == NULL)
    return fail_with (call, "readlink(/proc/self/fd)");
  return legacy_remount (path, MS_RDONLY, call);
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
