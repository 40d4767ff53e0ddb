/* swaddle: the limits' values, read from the command line.
 *
 * Pure, as the rest of the plan: names and numbers in, plain data out;
 * no system call.  limits-run.c and cgroup.c apply what is read here. */
#include "limits-plan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

static const struct { const char *name; int resource; } rlimit_names[] = {
  { "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

const char *
rlimit_name (int resource)
{
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (rlimit_names[i].resource == resource)
      return rlimit_names[i].name;
  return "?";
}

/* "nofile", "NOFILE", "RLIMIT_NOFILE", "rlimit_nofile": RLIMIT_NOFILE. */
static int
rlimit_from_name (const char *name, size_t len)
{
  if (len > 7 && strncasecmp (name, "rlimit_", 7) == 0)
    {
      name += 7;
      len -= 7;
    }
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strlen (rlimit_names[i].name) == len && strncasecmp (rlimit_names[i].name, name, len) == 0)
      return rlimit_names[i].resource;
  return -1;
}

/* Digits only, no sign, at most max. */
static int
parse_decimal (const char *text, size_t len, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;
  if (len == 0)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      if (text[i] < '0' || text[i] > '9')
        return -1;
      unsigned digit = (unsigned) (text[i] - '0');
      if (v > (max - digit) / 10)
        return -1;
      v = v * 10 + digit;
    }
  *out = v;
  return 0;
}

/* A number with an optional binary suffix: K, M, G or T (any case). */
static int
parse_scaled (const char *text, size_t len, uint64_t max, uint64_t *out)
{
  static const char units[] = "KMGT";
  unsigned shift = 0;
  int last = len > 1 ? text[len - 1] & ~0x20 : 0;   /* upper case */
  const char *unit = last != 0 ? strchr (units, last) : NULL;
  if (unit != NULL)
    {
      shift = 10 * (unsigned) (unit - units + 1);
      len--;
    }
  uint64_t v;
  if (parse_decimal (text, len, max, &v) < 0 || v > (max >> shift))
    return -1;
  *out = v << shift;
  return 0;
}

static int
parse_rlimit_value (const char *text, size_t len, uint64_t *out)
{
  if ((len == 9 && strncasecmp (text, "unlimited", 9) == 0)
      || (len == 3 && strncasecmp (text, "inf", 3) == 0)
      || (len == 8 && strncasecmp (text, "infinity", 8) == 0))
    {
      *out = LIMIT_UNLIMITED;
      return 0;
    }
  /* RLIM_INFINITY itself is all ones: a number must stay below it. */
  return parse_scaled (text, len, LIMIT_UNLIMITED - 1, out);
}

int
rlimit_parse (const char *text, struct plan_rlimit *out, char *why, size_t why_size)
{
  const char *eq = strchr (text, '=');
  if (eq == NULL)
    {
      snprintf (why, why_size, "expected NAME=SOFT[:HARD], such as nofile=1024:4096");
      return -1;
    }
  int resource = rlimit_from_name (text, (size_t) (eq - text));
  if (resource < 0)
    {
      snprintf (why, why_size, "'%.*s' is not a resource limit (as, core, cpu, data, fsize, locks, memlock, "
                "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)", (int) (eq - text), text);
      return -1;
    }
  const char *soft = eq + 1;
  const char *colon = strchr (soft, ':');
  size_t soft_len = colon ? (size_t) (colon - soft) : strlen (soft);
  *out = (struct plan_rlimit) { .resource = resource, .text = text };
  if (parse_rlimit_value (soft, soft_len, &out->soft) < 0
      || (colon && parse_rlimit_value (colon + 1, strlen (colon + 1), &out->hard) < 0))
    {
      snprintf (why, why_size, "a limit is a number (0 or more, with K, M, G or T for 1024 to 1024^4), 'unlimited' or 'inf'");
      return -1;
    }
  out->has_hard = colon != NULL;
  if (out->has_hard && out->soft > out->hard)
    {
      snprintf (why, why_size, "the soft limit is above the hard one");
      return -1;
    }
  return 0;
}

/* SECONDS with up to three decimals ("2", "0.5", "1.25"), more than 0. */
static int
parse_seconds (const char *text, size_t len, uint64_t *ms)
{
  const char *dot = memchr (text, '.', len);
  size_t int_len = dot ? (size_t) (dot - text) : len;
  uint64_t whole = 0, frac = 0;
  if (int_len > 0 && parse_decimal (text, int_len, UINT32_MAX / 1000, &whole) < 0)
    return -1;
  if (dot)
    {
      size_t frac_len = len - int_len - 1;
      if (frac_len == 0 || frac_len > 3 || parse_decimal (dot + 1, frac_len, 999, &frac) < 0)
        return -1;
      for (size_t i = frac_len; i < 3; i++)
        frac *= 10;
    }
  else if (int_len == 0)
    return -1;
  *ms = whole * 1000 + frac;
  return 0;
}

int
timeout_parse (const char *text, uint64_t *ms, uint64_t *grace_ms, char *why, size_t why_size)
{
  const char *colon = strchr (text, ':');
  size_t len = colon ? (size_t) (colon - text) : strlen (text);
  *grace_ms = TIMEOUT_DEFAULT_GRACE_MS;
  if (parse_seconds (text, len, ms) < 0 || *ms == 0)
    {
      snprintf (why, why_size, "the time limit is a number of seconds above 0, such as 60 or 2.5");
      return -1;
    }
  if (colon && parse_seconds (colon + 1, strlen (colon + 1), grace_ms) < 0)
    {
      snprintf (why, why_size, "the grace is a number of seconds, such as 5 or 0.5");
      return -1;
    }
  return 0;
}

/* cgroup's word for no limit. */
static bool
is_max (const char *text, uint64_t *out)
{
  if (strcmp (text, "max") != 0)
    return false;
  *out = LIMIT_UNLIMITED;
  return true;
}

/* 64M, 1G, 1048576; "max" for none. */
int
bytes_parse (const char *text, uint64_t *bytes, char *why, size_t why_size)
{
  if (is_max (text, bytes))
    return 0;
  if (parse_scaled (text, strlen (text), UINT64_MAX >> 1, bytes) < 0 || *bytes == 0)
    {
      snprintf (why, why_size, "a size above 0 in bytes, with K, M, G or T for KiB, MiB, GiB, TiB, or 'max'");
      return -1;
    }
  return 0;
}

int
count_parse (const char *text, uint64_t *count, char *why, size_t why_size)
{
  if (is_max (text, count))
    return 0;
  if (parse_decimal (text, strlen (text), UINT32_MAX, count) < 0 || *count == 0)
    {
      snprintf (why, why_size, "a number of processes above 0, or 'max'");
      return -1;
    }
  return 0;
}

/* QUOTA/PERIOD in microseconds ("50000/100000"), or a fraction of CPUs
 * ("0.5", "1.5", "2"), which is a quota over the kernel's default period. */
int
cpu_max_parse (const char *text, uint64_t *quota_us, uint64_t *period_us, char *why, size_t why_size)
{
  const char *slash = strchr (text, '/');
  const uint64_t max_us = 1000000;      /* the kernel's bound on the period */
  if (slash)
    {
      if (parse_decimal (text, (size_t) (slash - text), UINT32_MAX, quota_us) < 0
          || parse_decimal (slash + 1, strlen (slash + 1), max_us, period_us) < 0
          || *quota_us < 1000 || *period_us < 1000)
        {
          snprintf (why, why_size, "QUOTA/PERIOD in microseconds, each at least 1000 and PERIOD at most 1000000, such as 50000/100000");
          return -1;
        }
      return 0;
    }
  uint64_t millicpus;
  if (parse_seconds (text, strlen (text), &millicpus) < 0 || millicpus == 0 || millicpus > 1000000)
    {
      snprintf (why, why_size, "a number of CPUs above 0 such as 0.5 or 2, or QUOTA/PERIOD in microseconds such as 50000/100000");
      return -1;
    }
  *period_us = CPU_DEFAULT_PERIOD_US;
  *quota_us = millicpus * CPU_DEFAULT_PERIOD_US / 1000;
  if (*quota_us < 1000)
    {
      snprintf (why, why_size, "at least 0.01 CPU (the kernel's least quota is 1000 microseconds)");
      return -1;
    }
  return 0;
}
