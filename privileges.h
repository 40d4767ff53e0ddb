/* swaddle: the capabilities, seccomp filters and SELinux label the payload
 * runs with. */
#pragma once

#include "plan.h"

#include <stdbool.h>
#include <stdint.h>

struct cap_policy
{
  uint64_t keep;          /* bit N: capability N */
  uint64_t bounding;      /* what the bounding set keeps */
  bool as_root_would;     /* a root caller keeping its own set: uid 0 gets it back at execve() */
  bool root_may_keep;     /* a root caller: a set it cannot have leaves its own (as bwrap) */
};

/* The caller's permitted capabilities, read before any namespace. */
uint64_t caller_permitted_caps (void);

/* Empty this process's effective, permitted and inheritable sets: 0, or -1
 * with errno. */
/* Drop every capability but those of keep that the process has. */
int caps_keep_only (uint64_t keep);

/* bwrap's rules: a root caller starts with the capabilities it has, anyone
 * else with none; --cap-add and --cap-drop then apply in order.  The
 * bounding set comes down to that in a new user namespace, and for anyone
 * but root. */
void cap_policy_decide (const struct plan *plan, bool caller_is_root, uint64_t caller_caps,
                        bool new_user_ns, struct cap_policy *policy);
/* 0, or -1 with errno and *step naming what failed. */
int cap_policy_apply (const struct cap_policy *policy, const char **step);

struct seccomp_program
{
  void *filter;           /* struct sock_filter[] */
  unsigned short length;
  int fd;                 /* -1: compiled from rules by name */
  const char *option;     /* for messages: "--seccomp" */
};

/* Read the programs of --seccomp / --add-seccomp-fd, then compile the
 * rules by name (--seccomp-deny and the like) into the last; dies on a
 * bad one. */
void seccomp_load_all (const struct plan *plan, struct seccomp_program **programs, size_t *n);
/* Install them (no_new_privs must be set).  0, or -1 with errno. */
int seccomp_install_all (const struct seccomp_program *programs, size_t n, size_t *failed);

/* --exec-label, --file-label: where SELinux is on, translate each to a
 * raw context and check it against the loaded policy; dies with one line
 * naming the option and the label when the policy does not know it.
 * Where SELinux is off (or not built in) labels have no effect. */
void selinux_prepare_labels (const char *exec_label, const char *file_label);

/* The raw --file-label context for the filesystems swaddle makes, or NULL. */
const char *selinux_file_context (void);

/* The raw --exec-label context for the next execve(): 0, or -1 with errno;
 * a no-op without one. */
int selinux_set_exec_label (void);
