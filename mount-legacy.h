/* swaddle: the mount(2) side of bind-mount.c, for kernels without the new
 * mount API.  Not for use elsewhere. */
#pragma once

#include "bind-mount.h"

#include <stddef.h>

int legacy_fs_at (const char *fstype, const struct fs_param *params, size_t n_params,
                  unsigned flags, const char *dest, const char **call);
int legacy_attach_tree (const struct mount_tree *tree, int staging_dir, int dest_fd, const char **call);
int legacy_remount (const char *path, unsigned long ms_flags, const char **call);
unsigned long legacy_ms_flags (unsigned flags);

/* Shared with bind-mount.c: the caller's mount table and the lenient
 * (--not-a-security-boundary) application of flags to submounts. */

/* The path the kernel gives for fd's file (malloc'd), or NULL. */
char *fd_target (int fd);
/* Call fn for each mount strictly below source (a host path), parents
 * first, with its host path and its path relative to source; stops at
 * the first nonzero return and returns it. */
int for_each_submount (const char *source,
                       int (*fn) (void *ctx, const char *host_path, const char *relative),
                       void *ctx);
/* Apply each of flags alone through set(); returns the flags it refused,
 * with the errno of the first refusal in *first_error. */
unsigned set_flags_one_by_one (unsigned flags, int (*set) (void *ctx, unsigned flag), void *ctx,
                               int *first_error);
/* The warning for a submount that refused flags: one line. */
void warn_submount_refused (const char *host_path, unsigned flags, const char *call, int err);
