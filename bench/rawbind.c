/* bench/rawbind.c: the floor for N read-only binds.
 *
 *   rawbind N SRCDIR
 *
 * Does only what any sandbox launcher must do for N `--ro-bind SRCDIR/i DEST`
 * options and nothing else: a user + mount namespace, a tmpfs on /tmp (in the
 * new namespace) to hold the destinations, then per bind mkdirat + open_tree(OPEN_TREE_CLONE |
 * AT_RECURSIVE) + mount_setattr(MOUNT_ATTR_RDONLY, AT_RECURSIVE) +
 * move_mount + close.  No root switch, no exec: it exits when the binds are
 * in place.  bench.py times it next to swaddle and bwrap as "floor".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static void die (const char *what)
{
  fprintf (stderr, "rawbind: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, strlen (text)) < 0)
    die (path);
  close (fd);
}

int main (int argc, char **argv)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  char map[64], src[32], dst[32];
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  int n, root, fs, mnt, srcdir;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s N SRCDIR\n", argv[0]);
      return 2;
    }
  n = atoi (argv[1]);
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
    die ("unshare");
  write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "0 %u 1", (unsigned) uid);
  write_file ("/proc/self/uid_map", map);
  snprintf (map, sizeof map, "0 %u 1", (unsigned) gid);
  write_file ("/proc/self/gid_map", map);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die ("make / private");

  /* Sources are looked up relative to SRCDIR, opened before the tmpfs goes
   * on /tmp (SRCDIR may be under /tmp). */
  srcdir = open (argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (srcdir < 0)
    die (argv[2]);

  /* A tmpfs to hold the destinations. */
  fs = (int) syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0)
    die ("fsopen");
  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    die ("fsconfig");
  mnt = (int) syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    die ("fsmount");
  if (syscall (SYS_move_mount, mnt, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    die ("move_mount tmpfs");
  root = mnt;

  for (int i = 0; i < n; i++)
    {
      int tree;
      snprintf (src, sizeof src, "%d", i);
      snprintf (dst, sizeof dst, "d%d", i);
      if (mkdirat (root, dst, 0755) < 0)
        die ("mkdirat");
      tree = (int) syscall (SYS_open_tree, srcdir, src,
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (tree < 0)
        die ("open_tree");
      if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
                   &attr, sizeof attr) < 0)
        die ("mount_setattr");
      if (syscall (SYS_move_mount, tree, "", root, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        die ("move_mount");
      close (tree);
    }
  return 0;
}
