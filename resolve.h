/* swaddle: paths looked up inside a root that a descriptor holds.
 *
 * Every destination is resolved with openat2(RESOLVE_IN_ROOT) -- or, where
 * the kernel lacks it (before 5.6), by a walk in user space with the same
 * rules: ".." and absolute symlinks stay inside the new root, so nothing
 * the sandbox's contents say can make a mount or a file land outside it. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* O_PATH descriptor of path inside root_fd; extra_flags may add
 * O_NOFOLLOW or O_DIRECTORY.  -1 with errno on failure. */
int resolve_in_root (int root_fd, const char *path, int extra_flags, bool allow_magic_links);

/* The directory at path, created with mode (and missing parents with
 * parent_mode) where absent.  Returns an O_PATH descriptor. */
int ensure_dir (int root_fd, const char *path, mode_t mode, mode_t parent_mode);

/* The parent directory of path (created where absent) and the last
 * component's name, which points into path.  For the root itself the
 * name is "". */
int open_parent (int root_fd, const char *path, mode_t parent_mode, char **name_out, char **copy_out);

/* Split a copy of path into its parent and last component, ignoring
 * trailing slashes: "/a/b/" gives "/a" and "b"; "/" gives "/" and "". */
void path_split_last (char *copy, char **parent, char **name);

/* The system call behind the last failure of these functions (and of
 * callers that note theirs): "openat2", "mkdirat", "openat". */
const char *resolve_failed_call (void);
void resolve_note_failure (const char *call);

/* A new empty directory (dir) or regular file at name in parent_fd;
 * 0, or -1 with errno (EEXIST when something is there). */
int create_entry (int parent_fd, const char *name, bool dir, mode_t mode);

/* The mode parents get: 0755, less the group and other bits that perms
 * withholds from the thing being created. */
mode_t parent_mode_for (int perms);
