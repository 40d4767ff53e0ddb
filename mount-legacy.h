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
