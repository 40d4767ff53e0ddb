/* swaddle: resolving and creating paths inside the new root. */
#include "resolve.h"
#include "plan.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static const char *failed_call = "openat2";

const char *
resolve_failed_call (void)
{
  return failed_call;
}

void
resolve_note_failure (const char *call)
{
  failed_call = call;
}

int
resolve_in_root (int root_fd, const char *path, int extra_flags, bool allow_magic_links)
{
  struct open_how how = {
    .flags = (unsigned) (O_PATH | O_CLOEXEC | extra_flags),
    .resolve = RESOLVE_IN_ROOT | (allow_magic_links ? 0 : RESOLVE_NO_MAGICLINKS),
  };
  for (;;)
    {
      int fd = (int) syscall (SYS_openat2, root_fd, path, &how, sizeof how);
      /* EAGAIN: a rename raced with a ".." walk; the kernel asks us to retry. */
      if (fd < 0 && errno == EAGAIN)
        continue;
      if (fd < 0)
        failed_call = "openat2";
      return fd;
    }
}

mode_t
parent_mode_for (int perms)
{
  mode_t mode = 0755;
  if (perms == PERMS_DEFAULT)
    return mode;
  if ((perms & 0070) == 0)
    mode &= ~(mode_t) 0050;
  if ((perms & 0007) == 0)
    mode &= ~(mode_t) 0005;
  return mode;
}

void
path_split_last (char *copy, char **parent, char **name)
{
  size_t len = strlen (copy);
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  char *slash = strrchr (copy, '/');
  if (slash == NULL)
    {
      *parent = (char *) ".";
      *name = copy;
    }
  else if (slash == copy)
    {
      *parent = (char *) "/";
      *name = copy[1] ? copy + 1 : copy + len;
    }
  else
    {
      *slash = '\0';
      *parent = copy;
      *name = slash + 1;
    }
}

int
open_parent (int root_fd, const char *path, mode_t parent_mode, char **name_out, char **copy_out)
{
  char *copy = xstrdup (path);
  char *parent, *name;
  path_split_last (copy, &parent, &name);
  int fd = ensure_dir (root_fd, parent, parent_mode, parent_mode);
  if (fd < 0)
    {
      free (copy);
      return -1;
    }
  *name_out = name;
  *copy_out = copy;
  return fd;
}

int
create_entry (int parent_fd, const char *name, bool dir, mode_t mode)
{
  failed_call = dir ? "mkdirat" : "openat";
  if (dir)
    return mkdirat (parent_fd, name, mode);
  autoclose int fd = openat (parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  return fd < 0 ? -1 : 0;
}

/* Open path; where it is missing, create it (and its parents) and open it
 * again through the root, so a symlink raced in cannot redirect us. */
static int
ensure_entry (int root_fd, const char *path, bool dir, mode_t mode, mode_t parent_mode)
{
  int fd = resolve_in_root (root_fd, path, dir ? O_DIRECTORY : 0, false);
  if (fd >= 0 || errno != ENOENT)
    return fd;

  autofree char *copy = NULL;
  char *name;
  autoclose int parent_fd = open_parent (root_fd, path, parent_mode, &name, &copy);
  if (parent_fd < 0)
    return -1;
  if (*name && create_entry (parent_fd, name, dir, mode) < 0 && errno != EEXIST)
    return -1;
  return resolve_in_root (root_fd, path, dir ? O_DIRECTORY : 0, false);
}

int
ensure_dir (int root_fd, const char *path, mode_t mode, mode_t parent_mode)
{
  return ensure_entry (root_fd, path, true, mode, parent_mode);
}
