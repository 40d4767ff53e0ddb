/* swaddle: the kernel's mount interface, behind one set of functions.
 *
 * The new mount API (open_tree, move_mount, mount_setattr, fsopen/fsmount)
 * works on descriptors: each call costs the same however many mounts
 * exist.  Where the kernel lacks it, mount(2) does the same work through
 * /proc/self/fd paths.  mount_api_init() picks one, once. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/syscall.h>

#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467        /* Linux 6.15; the same number on every architecture */
#endif

enum mount_flags
{
  MOUNT_RDONLY = 1 << 0,
  MOUNT_NOSUID = 1 << 1,
  MOUNT_NODEV = 1 << 2,
  MOUNT_NOEXEC = 1 << 3,
};

struct fs_param
{
  const char *key;
  const char *value;    /* NULL for a flag such as "newinstance" */
};

void mount_api_init (void);
bool mount_api_is_new (void);
const char *mount_api_name (void);

/* "/proc/self/fd/N": a path the kernel resolves to fd's file. */
const char *proc_fd_path (int fd, char *buf, size_t size);

/* A directory of swaddle's own where the mount(2) path prepares a bind
 * before moving it into place. */
void mount_set_staging_dir (int dir_fd);

/* Each returns 0 (or a descriptor) on success, or -1 with errno set and
 * *call naming the system call that failed. */

/* Stop mount events from propagating back to the caller's namespace. */
int mount_make_root_rslave (const char **call);

/* A fresh tmpfs stacked on "/" of the current root; returns an O_PATH
 * descriptor of its root. */
int mount_tmpfs_over_root (const struct fs_param *params, size_t n_params,
                           unsigned flags, const char **call);

/* A recursive bind of "/" stacked on "/"; returns an O_PATH descriptor of
 * its root.  On an initramfs, "/" is the rootfs itself, which has no
 * parent mount, and pivot_root needs one: this copy has. */
int mount_root_over_itself (const char **call);

/* Detach the mount whose root fd holds. */
int mount_detach_fd (int fd, const char **call);

/* A new instance of fstype mounted on dest_fd. */
int mount_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
                 unsigned flags, int dest_fd, const char **call);

/* How much of a tree a clone copies, and how strictly its flags apply. */
enum mount_depth
{
  MOUNT_TOP_ONLY,
  MOUNT_RECURSIVE,
  /* --not-a-security-boundary: recursive, but a submount that refuses a
   * flag keeps going without it, with a warning; the top still must take
   * every flag. */
  MOUNT_RECURSIVE_LENIENT,
};

/* A copy of the mount tree at path (relative to dirfd; "" for dirfd
 * itself), with flags set on every mount of it, ready to attach. */
struct mount_tree
{
  int fd;             /* new API: the detached copy; mount(2): the source (O_PATH) */
  unsigned flags;
  enum mount_depth depth;
  /* new API, leniently, when the recursive call failed: the source's path,
   * whose submounts take their flags one by one once attached (the kernel
   * changes no submount of a detached copy but through its top). */
  char *pending_submounts;
};

int mount_tree_clone (int dirfd, const char *path, unsigned flags, enum mount_depth depth,
                      struct mount_tree *tree, const char **call);
bool mount_tree_is_dir (const struct mount_tree *tree);
int mount_tree_attach (const struct mount_tree *tree, int dest_fd, const char **call);
/* The same at name in dir_fd ("" for dir_fd itself); the last component
 * is not followed if it is a symlink. */
int mount_tree_attach_at (const struct mount_tree *tree, int dir_fd, const char *name, const char **call);
void mount_tree_release (struct mount_tree *tree);

/* Bind src_fd on dest_fd, with flags applied to every mount of the tree. */
int mount_bind_at (int src_fd, int dest_fd, unsigned flags, bool recursive, const char **call);

/* Make the mount whose root is dest_fd read-only (that mount only). */
int mount_remount_readonly (int dest_fd, const char **call);

/* pivot_root into the directory new_root_fd, the old root moved to
 * put_old (relative to new_root).  put_old "." stacks it on the new root. */
int mount_pivot_into (int new_root_fd, const char *put_old, const char **call);

int mount_detach (const char *path, const char **call);
