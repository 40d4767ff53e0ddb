/* swaddle: the values of --rlimit, --timeout and the cgroup limits, as the
 * plan holds them (pure: no system call). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIMIT_UNLIMITED UINT64_MAX            /* RLIM_INFINITY, cgroup "max" */
#define TIMEOUT_DEFAULT_GRACE_MS 5000
#define CPU_DEFAULT_PERIOD_US 100000

/* --rlimit NAME=SOFT[:HARD] */
struct plan_rlimit
{
  int resource;           /* RLIMIT_* */
  uint64_t soft, hard;    /* LIMIT_UNLIMITED for unlimited */
  bool has_hard;          /* without it the hard limit stays as it is */
  const char *text;       /* the option's value, for messages */
};

/* Each: 0, or -1 with the reason (without the option) in why. */
int rlimit_parse (const char *text, struct plan_rlimit *out, char *why, size_t why_size);
const char *rlimit_name (int resource);
int timeout_parse (const char *text, uint64_t *ms, uint64_t *grace_ms, char *why, size_t why_size);
int bytes_parse (const char *text, uint64_t *bytes, char *why, size_t why_size);
int count_parse (const char *text, uint64_t *count, char *why, size_t why_size);
int cpu_max_parse (const char *text, uint64_t *quota_us, uint64_t *period_us, char *why, size_t why_size);
