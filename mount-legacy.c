/* swaddle: binds and filesystem mounts through mount(2).
 *
 * mount(2) works on paths and sets flags one mount at a time.  A bind is
 * prepared in a staging directory of swaddle's own (reached as
 * /proc/self/fd/N/stage, so no path of the sandbox's is trusted), its
 * flags set on the copy of every submount, then moved into place.  The
 * submounts come from the caller's mount table, read once. */
#include "mount-legacy.h"
#include "utils.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

unsigned long
legacy_ms_flags (unsigned flags)
{
  return ((flags & MOUNT_RDONLY) ? MS_RDONLY : 0)
         | ((flags & MOUNT_NOSUID) ? MS_NOSUID : 0)
         | ((flags & MOUNT_NODEV) ? MS_NODEV : 0)
         | ((flags & MOUNT_NOEXEC) ? MS_NOEXEC : 0);
}

static char *
join_params (const struct fs_param *params, size_t n_params)
{
  size_t len = 1;
  for (size_t i = 0; i < n_params; i++)
    len += strlen (params[i].key) + (params[i].value ? strlen (params[i].value) + 3 : 0) + 1;
  char *out = xmalloc (len);
  char *p = out;
  *p = '\0';
  for (size_t i = 0; i < n_params; i++)
    {
      const char *value = params[i].value;
      /* An SELinux context's category list has commas: quote it. */
      const char *quote = value && strchr (value, ',') ? "\"" : "";
      p += sprintf (p, "%s%s%s%s%s%s", i ? "," : "", params[i].key, value ? "=" : "",
                    quote, value ? value : "", quote);
    }
  return out;
}

int
legacy_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
              unsigned flags, const char *dest, const char **call)
{
  autofree char *data = join_params (params, n_params);
  if (mount (fstype, dest, fstype, legacy_ms_flags (flags), data) < 0)
    return fail_with (call, "mount");
  return 0;
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

int
legacy_remount (const char *path, unsigned long ms_flags, const char **call)
{
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | ms_flags | kept_ms_flags (path), NULL) < 0)
    return fail_with (call, "mount(MS_REMOUNT)");
  return 0;
}

/* ---- the caller's mount table, read once --------------------------------- */

static char **host_mounts;      /* mount points, sorted */
static size_t n_host_mounts;
static bool host_mounts_read;

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

/* The fifth field of a mountinfo line: the mount point. */
static char *
mount_point_field (char *line)
{
  char *field = line;
  for (int i = 0; i < 4 && field; i++)
    {
      field = strchr (field, ' ');
      if (field)
        field++;
    }
  if (field == NULL)
    return NULL;
  char *end = strchr (field, ' ');
  if (end)
    *end = '\0';
  unescape_octal (field);
  return field;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
read_host_mounts (void)
{
  host_mounts_read = true;
  autoclose int fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  autofree char *table = NULL;
  size_t len;
  if (fd < 0 || read_all (fd, &table, &len) < 0)
    return;
  size_t cap = 0;
  for (char *line = table, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *point = mount_point_field (line);
      if (point == NULL)
        continue;
      if (n_host_mounts == cap)
        host_mounts = xrealloc (host_mounts, (cap = cap ? cap * 2 : 64) * sizeof (char *));
      host_mounts[n_host_mounts++] = xstrdup (point);
    }
  qsort (host_mounts, n_host_mounts, sizeof (char *), compare_strings);
}

int
for_each_submount (const char *source,
                   int (*fn) (void *ctx, const char *host_path, const char *relative),
                   void *ctx)
{
  if (!host_mounts_read)
    read_host_mounts ();
  size_t len = strcmp (source, "/") == 0 ? 0 : strlen (source);
  /* Sorted order puts a parent before what is below it. */
  for (size_t i = 0; i < n_host_mounts; i++)
    {
      const char *point = host_mounts[i];
      if (strncmp (point, source, len) != 0 || point[len] != '/' || point[len + 1] == '\0')
        continue;
      int r = fn (ctx, point, point + len + 1);
      if (r != 0)
        return r;
    }
  return 0;
}

static const struct { unsigned flag; const char *name; } flag_names[] = {
  { MOUNT_RDONLY, "ro" }, { MOUNT_NOSUID, "nosuid" }, { MOUNT_NODEV, "nodev" }, { MOUNT_NOEXEC, "noexec" },
};

void
warn_submount_refused (const char *host_path, unsigned flags, const char *call, int err)
{
  char names[64] = "";
  for (size_t i = 0; i < N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      snprintf (names + strlen (names), sizeof names - strlen (names), "%s%s",
                names[0] ? "," : "", flag_names[i].name);
  warn ("the submount %s stays without %s: %s: %s (going on: --not-a-security-boundary)",
        host_path, names, call, strerror (err));
}

unsigned
set_flags_one_by_one (unsigned flags, int (*set) (void *ctx, unsigned flag), void *ctx, int *first_error)
{
  unsigned refused = 0;
  for (size_t i = 0; i < N_ELEMENTS (flag_names); i++)
    if ((flags & flag_names[i].flag) && set (ctx, flag_names[i].flag) < 0)
      {
        if (refused == 0)
          *first_error = errno;
        refused |= flag_names[i].flag;
      }
  return refused;
}

struct remount_one
{
  const char *path;
  const char **call;
};

static int
remount_one_flag (void *ctx, unsigned flag)
{
  const struct remount_one *one = ctx;
  return legacy_remount (one->path, legacy_ms_flags (flag), one->call);
}

struct remount_walk
{
  const char *staged;
  unsigned flags;
  bool lenient;
  const char **call;
};

/* Remount one submount at the same place below the staged copy; leniently,
 * flag by flag, skipping (with a warning) each one it refuses. */
static int
remount_submount (void *ctx, const char *host_path, const char *relative)
{
  const struct remount_walk *w = ctx;
  autofree char *path = xasprintf ("%s/%s", w->staged, relative);
  if (!w->lenient)
    return legacy_remount (path, legacy_ms_flags (w->flags), w->call);
  struct remount_one one = { path, w->call };
  int err = 0;
  unsigned refused = set_flags_one_by_one (w->flags, remount_one_flag, &one, &err);
  if (refused)
    warn_submount_refused (host_path, refused, *w->call, err);
  return 0;
}

/* ---- binds ------------------------------------------------------------- */

char *
fd_target (int fd)
{
  char link[64], target[4096];
  ssize_t n = readlink (proc_fd_path (fd, link, sizeof link), target, sizeof target - 1);
  if (n < 0)
    return NULL;
  target[n] = '\0';
  return xstrdup (target);
}

/* A mount point in the staging directory of the source's kind. */
static int
staging_point (int staging_dir, bool is_dir, char *path, size_t size)
{
  const char *name = is_dir ? "stage" : "stage-file";
  char dir[64];
  int r = is_dir ? mkdirat (staging_dir, name, 0755)
                 : close (openat (staging_dir, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (r < 0 && errno != EEXIST)
    return -1;
  snprintf (path, size, "%s/%s", proc_fd_path (staging_dir, dir, sizeof dir), name);
  return 0;
}

int
legacy_attach_tree (const struct mount_tree *tree, int staging_dir, int dest_fd, const char **call)
{
  char src[64], dest[64], staged[128];
  unsigned long ms_flags = legacy_ms_flags (tree->flags);

  if (staging_point (staging_dir, mount_tree_is_dir (tree), staged, sizeof staged) < 0)
    return fail_with (call, "creating the staging mount point");
  bool recursive = tree->depth != MOUNT_TOP_ONLY;
  if (mount (proc_fd_path (tree->fd, src, sizeof src), staged, NULL,
             MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return fail_with (call, "mount(MS_BIND)");
  if (ms_flags && legacy_remount (staged, ms_flags, call) < 0)
    return -1;
  if (ms_flags && recursive)
    {
      autofree char *source = fd_target (tree->fd);
      struct remount_walk walk = { staged, tree->flags, tree->depth == MOUNT_RECURSIVE_LENIENT, call };
      if (source && for_each_submount (source, remount_submount, &walk) < 0)
        return -1;
    }
  if (mount (staged, proc_fd_path (dest_fd, dest, sizeof dest), NULL, MS_MOVE, NULL) < 0)
    return fail_with (call, "mount(MS_MOVE)");
  return 0;
}
