/* swaddle: small shared helpers — logging, dying, memory, descriptors. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* ---- cleanup attributes ------------------------------------------------ */

/* Close *fd if open, and mark it closed (-1). */
static inline void
close_fd_ptr (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

static inline void
free_ptr (void *p)
{
  int saved = errno;
  free (*(void **) p);
  errno = saved;
}

#define autoclose __attribute__((cleanup (close_fd_ptr)))
#define autofree __attribute__((cleanup (free_ptr)))

/* Hand a resource over to the caller: the variable no longer owns it. */
static inline int
steal_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

static inline void *
steal_ptr_impl (void *pp)
{
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_pointer(pp) steal_ptr_impl (pp)

/* ---- failures of system calls ---------------------------------------- */

/* Name the call that failed for the caller's message; -1, errno kept. */
static inline int
fail_with (const char **call, const char *name)
{
  *call = name;
  return -1;
}

/* ---- logging ----------------------------------------------------------- */

/* Severities as syslog numbers, for --level-prefix. */
enum log_level
{
  LOG_LEVEL_ERROR = 3,
  LOG_LEVEL_WARNING = 4,
  LOG_LEVEL_NOTICE = 5,
  LOG_LEVEL_INFO = 6,
};

void log_init (const char *argv0);
void log_set_level_prefix (bool enabled);
const char *log_program_name (void);

/* Each keeps errno as it was. */
void log_message (enum log_level level, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));
/* Continuation lines of a diagnosis: same level prefix, no program name. */
void log_detail (enum log_level level, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

#define warn(...) log_message (LOG_LEVEL_WARNING, __VA_ARGS__)

/* The one death path: print "PROG: message" and exit 1. */
_Noreturn void die (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
/* As die(), appending ": strerror(errno)". */
_Noreturn void die_errno (const char *fmt, ...) __attribute__((format (printf, 1, 2)));

/* ---- memory ------------------------------------------------------------ */

void *xmalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__((format (printf, 1, 2)));

/* ---- text ---------------------------------------------------------------- */

/* s as a JSON string, quoted and escaped; null for NULL.  Bytes that are
 * not UTF-8 become U+FFFD. */
void json_write_string (FILE *out, const char *s);

/* An absolute path with "//", "." and ".." folded lexically (".." stops
 * at "/"), as a lookup confined to a root would resolve it. */
char *path_normalize (const char *path);

/* ---- descriptors and files --------------------------------------------- */

/* write() all of buf, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
/* Write a short string to an existing file (procfs knobs). */
int write_file_at (int dirfd, const char *path, const char *content);
/* Read all of fd into a NUL-terminated malloc'd buffer. */
int read_all (int fd, char **data, size_t *len);
/* Copy everything readable from in_fd to out_fd. */
int copy_fd (int in_fd, int out_fd);
