/* swaddle: resolving and creating paths inside the new root. */
#include "resolve.h"
#include "plan.h"
#include "utils.h"

#include <fcntl.h>
#include <limits.h>
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

/* ---- without openat2 (Linux before 5.6, or a filter that hides it) ----- */

/* What the kernel allows (MAXSYMLINKS) before ELOOP. */
enum { MAX_SYMLINKS_FOLLOWED = 40 };

/* The directories walked through, the root at the bottom: ".." goes back
 * one without asking the kernel, which would follow a directory that the
 * host moved meanwhile out of a bind mount's subtree. */
struct dir_stack
{
  int *fds;
  size_t n, size;
};

static void
dir_stack_push (struct dir_stack *stack, int fd)
{
  if (stack->n == stack->size)
    {
      stack->size = stack->size ? 2 * stack->size : 16;
      stack->fds = xrealloc (stack->fds, stack->size * sizeof *stack->fds);
    }
  stack->fds[stack->n++] = fd;
}

/* Back to the first n directories (n >= 1: the root stays). */
static void
dir_stack_cut (struct dir_stack *stack, size_t n)
{
  while (stack->n > n)
    close_fd_ptr (&stack->fds[--stack->n]);
}

static void
dir_stack_free (struct dir_stack *stack)
{
  dir_stack_cut (stack, 0);
  free (stack->fds);
}

/* The next component of *rest (NUL-terminated in place), or NULL at the
 * end; *last tells whether nothing but slashes follows it. */
static char *
next_component (char **rest, bool *last)
{
  char *p = *rest;
  while (*p == '/')
    p++;
  if (*p == '\0')
    return NULL;
  char *end = p + strcspn (p, "/");
  char *after = end;
  while (*after == '/')
    after++;
  *last = *after == '\0';
  if (*end)
    *end++ = '\0';
  *rest = end;
  return p;
}

/* RESOLVE_IN_ROOT by hand, a component at a time, each opened with
 * O_NOFOLLOW from the directory before it: ".." is taken back on the
 * stack of directories walked (never above the root), and a symlink's
 * target is walked on from the root when absolute, from its directory
 * when relative.  A magic link (/proc/PID/...) is followed by its text,
 * which stays inside the root as well. */
static int
walk_in_root (int root_fd, const char *path, int extra_flags)
{
  __attribute__((cleanup (dir_stack_free))) struct dir_stack walked = { 0 };
  int root = openat (root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return -1;
  dir_stack_push (&walked, root);
  autofree char *todo = xstrdup (path);
  char *rest = todo, *name;
  bool last = true;
  int links = 0;
  autoclose int found = -1;
  while (found < 0 && (name = next_component (&rest, &last)) != NULL)
    {
      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          dir_stack_cut (&walked, walked.n > 1 ? walked.n - 1 : 1);
          continue;
        }
      autoclose int next = openat (walked.fds[walked.n - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      struct stat st;
      if (next < 0 || fstat (next, &st) < 0)
        return -1;
      if (S_ISLNK (st.st_mode) && (!last || !(extra_flags & O_NOFOLLOW)))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (next, "", target, sizeof target - 1);
          if (n < 0)
            return -1;
          if (++links > MAX_SYMLINKS_FOLLOWED)
            return errno = ELOOP, -1;
          target[n] = '\0';
          char *joined = xasprintf ("%s/%s", target, rest);
          free (todo);
          todo = rest = joined;
          if (target[0] == '/')
            dir_stack_cut (&walked, 1);
          continue;
        }
      if (last)
        found = steal_fd (&next);
      else if (S_ISDIR (st.st_mode))
        dir_stack_push (&walked, steal_fd (&next));
      else
        return errno = ENOTDIR, -1;
    }
  if (found < 0)   /* the path ended in a directory walked: ".", "..", "/" */
    found = steal_fd (&walked.fds[--walked.n]);
  if (extra_flags & O_DIRECTORY)
    {
      struct stat st;
      if (fstat (found, &st) < 0)
        return -1;
      if (!S_ISDIR (st.st_mode))
        return errno = ENOTDIR, -1;
    }
  return steal_fd (&found);
}

static bool openat2_missing;

int
resolve_in_root (int root_fd, const char *path, int extra_flags, bool allow_magic_links)
{
  struct open_how how = {
    .flags = (unsigned) (O_PATH | O_CLOEXEC | extra_flags),
    .resolve = RESOLVE_IN_ROOT | (allow_magic_links ? 0 : RESOLVE_NO_MAGICLINKS),
  };
  while (!openat2_missing)
    {
      int fd = (int) syscall (SYS_openat2, root_fd, path, &how, sizeof how);
      /* EAGAIN: a rename raced with a ".." walk; the kernel asks us to retry. */
      if (fd < 0 && errno == EAGAIN)
        continue;
      if (fd < 0 && errno == ENOSYS)
        {
          openat2_missing = true;
          break;
        }
      if (fd < 0)
        failed_call = "openat2";
      return fd;
    }
  int fd = walk_in_root (root_fd, path, extra_flags);
  if (fd < 0)
    failed_call = "openat";
  return fd;
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
