/* swaddle --check: what this host allows an unprivileged sandbox. */
#pragma once

#include <stdbool.h>

/* Print the report (a table, or JSON); return the exit status: 0 when the
 * default sandbox can run here, 1 otherwise. */
int run_host_check (bool json);
