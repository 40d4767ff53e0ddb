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
int caps_drop_all (void);

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
  int fd;
};

/* Read the programs of --seccomp / --add-seccomp-fd; dies on a bad one. */
void seccomp_load_all (const struct plan *plan, struct seccomp_program **programs, size_t *n);
/* Install them (no_new_privs must be set).  0, or -1 with errno. */
int seccomp_install_all (const struct seccomp_program *programs, size_t n, size_t *failed);

/* Find out whether SELinux is on, before the root changes (never, in a
 * build without label support). */
void selinux_probe (void);

/* Whether SELinux labels mean anything on this host (false until probed). */
bool selinux_enabled (void);

/* --exec-label: 0, or -1 with errno; a no-op where SELinux is off. */
int selinux_set_exec_label (const char *label);
