/* swaddle: the last steps inside the sandbox, then the payload. */
#pragma once

#include "landlock.h"
#include "plan.h"
#include "privileges.h"
#include "status.h"

#include <stdbool.h>

struct run_setup
{
  const struct plan *plan;
  const char *host_cwd;       /* the caller's working directory, or NULL */
  struct cap_policy caps;
  const struct landlock_policy *landlock;
  const struct seccomp_program *seccomp;
  size_t n_seccomp;
  const struct exec_report *exec_report;
  int host_proc_dir;          /* for --disable-userns; -1 otherwise */
};

/* --block-fd, user namespace switches, working directory, environment,
 * capabilities, no_new_privs, session, label, seccomp, then exec.  Never
 * returns; dies with the reason on failure. */
_Noreturn void run_payload (const struct run_setup *setup);
