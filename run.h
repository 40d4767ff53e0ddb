/* swaddle: the last steps inside the sandbox, then the payload. */
#pragma once

#include "plan.h"

#include <stdbool.h>

struct run_setup
{
  const struct plan *plan;
  const char *host_cwd;       /* the caller's working directory, or NULL */
  bool keep_capabilities;     /* a root caller keeps what it has, as bwrap does */
};

/* Drop every capability from all five sets.  0, or -1 with errno. */
int drop_all_capabilities (void);

/* Working directory, environment, capabilities, no_new_privs, session,
 * then exec.  Never returns; dies with the reason on failure. */
_Noreturn void run_payload (const struct run_setup *setup);
