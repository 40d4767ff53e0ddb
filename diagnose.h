/* swaddle: why a sandbox could not start, and what to do about it.
 *
 * A failure is reported with what failed (the system call, errno, what
 * was asked for); the diagnosis looks at the host for the cause, and
 * prints one line for scripts followed by the explanation and the fix. */
#pragma once

#include <stdbool.h>

struct failure_report
{
  const char *call;     /* "unshare", "write /proc/self/uid_map", "fsconfig(FSCONFIG_CMD_CREATE)", "pivot_root", ... */
  int error;            /* errno of that call */
  int clone_flags;      /* the namespaces the sandbox asked for */
  const char *fstype;   /* for a new filesystem instance: "proc", "sysfs", "overlay", "tmpfs", ...; else NULL */
  const char *message;  /* the one-line message, already composed */
};

/* Print report->message, then the cause and fix when one is found; exit 1. */
_Noreturn void die_with_diagnosis (const struct failure_report *report);
