/* swaddle: logging, the death path, memory and descriptor helpers. */
#include "utils.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/sendfile.h>

static const char *program_name = "swaddle";
static bool level_prefix;

void
log_init (const char *argv0)
{
  if (argv0 == NULL || *argv0 == '\0')
    return;
  const char *slash = strrchr (argv0, '/');
  program_name = slash ? slash + 1 : argv0;
}

void
log_set_level_prefix (bool enabled)
{
  level_prefix = enabled;
}

const char *
log_program_name (void)
{
  return program_name;
}

static void
vlog (enum log_level level, bool with_name, const char *fmt, va_list ap)
  __attribute__((format (printf, 3, 0)));

static void
vlog (enum log_level level, bool with_name, const char *fmt, va_list ap)
{
  char line[4096];
  size_t used = 0;

  if (level_prefix)
    used += (size_t) snprintf (line, sizeof line, "<%d>", (int) level);
  if (with_name && used < sizeof line)
    used += (size_t) snprintf (line + used, sizeof line - used, "%s: ", program_name);
  if (used < sizeof line)
    {
      size_t start = used;
      used += (size_t) vsnprintf (line + used, sizeof line - used, fmt, ap);
      /* A one-line message stays one line, whatever a path in it holds:
       * a newline could forge a line scripts would believe. */
      if (with_name)
        for (size_t i = start; i < used && i < sizeof line; i++)
          if ((unsigned char) line[i] < 0x20)
            line[i] = '?';
    }
  if (used >= sizeof line - 1)
    used = sizeof line - 2;
  line[used++] = '\n';
  /* One write per line, so lines of concurrent sandboxes do not interleave. */
  (void) write_all (STDERR_FILENO, line, used);
}

void
log_message (enum log_level level, const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  va_start (ap, fmt);
  vlog (level, true, fmt, ap);
  va_end (ap);
  errno = saved;
}

void
log_detail (enum log_level level, const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  va_start (ap, fmt);
  vlog (level, false, fmt, ap);
  va_end (ap);
  errno = saved;
}

void
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vlog (LOG_LEVEL_ERROR, true, fmt, ap);
  va_end (ap);
  _exit (1);
}

void
die_errno (const char *fmt, ...)
{
  int saved = errno;
  char message[2048];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (message, sizeof message, fmt, ap);
  va_end (ap);
  log_message (LOG_LEVEL_ERROR, "%s: %s", message, strerror (saved));
  _exit (1);
}

static void *
check_alloc (void *p)
{
  if (p == NULL)
    die ("out of memory");
  return p;
}

void *
xmalloc (size_t size)
{
  return check_alloc (malloc (size ? size : 1));
}

void *
xcalloc (size_t n, size_t size)
{
  return check_alloc (calloc (n ? n : 1, size ? size : 1));
}

void *
xrealloc (void *p, size_t size)
{
  return check_alloc (realloc (p, size ? size : 1));
}

char *
xstrdup (const char *s)
{
  return check_alloc (strdup (s));
}

char *
xasprintf (const char *fmt, ...)
{
  char *out = NULL;
  va_list ap;
  va_start (ap, fmt);
  int n = vasprintf (&out, fmt, ap);
  va_end (ap);
  if (n < 0)
    die ("out of memory");
  return out;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
write_file_at (int dirfd, const char *path, const char *content)
{
  autoclose int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -1;
  return write_all (fd, content, strlen (content));
}

int
read_all (int fd, char **data, size_t *len)
{
  size_t cap = 4096, used = 0;
  autofree char *buf = xmalloc (cap);
  for (;;)
    {
      if (cap - used < 2)
        buf = xrealloc (buf, cap *= 2);
      ssize_t n = read (fd, buf + used, cap - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      used += (size_t) n;
    }
  buf[used] = '\0';
  *len = used;
  *data = steal_pointer (&buf);
  return 0;
}

int
copy_fd (int in_fd, int out_fd)
{
  /* sendfile() moves data in the kernel when in_fd allows it (a regular
   * file or memfd); pipes and sockets fall back to read/write. */
  for (;;)
    {
      ssize_t n = sendfile (out_fd, in_fd, NULL, 1 << 20);
      if (n > 0)
        continue;
      if (n == 0)
        return 0;
      if (errno == EINTR)
        continue;
      if (errno == EINVAL || errno == ENOSYS)
        break;
      return -1;
    }
  char buf[16384];
  for (;;)
    {
      ssize_t n = read (in_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        return 0;
      if (write_all (out_fd, buf, (size_t) n) < 0)
        return -1;
    }
}

/* ---- text ---------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_sequence_length (const unsigned char *p)
{
  size_t length;
  unsigned lowest, highest = 0xBF;   /* the allowed range of p[1] */
  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    length = 2, lowest = 0x80;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    length = 3, lowest = p[0] == 0xE0 ? 0xA0 : 0x80, highest = p[0] == 0xED ? 0x9F : 0xBF;
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    length = 4, lowest = p[0] == 0xF0 ? 0x90 : 0x80, highest = p[0] == 0xF4 ? 0x8F : 0xBF;
  else
    return 0;
  if (p[1] < lowest || p[1] > highest)
    return 0;
  for (size_t i = 2; i < length; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return length;
}

void
json_write_string (FILE *out, const char *s)
{
  if (s == NULL)
    {
      fputs ("null", out);
      return;
    }
  fputc ('"', out);
  for (const unsigned char *p = (const unsigned char *) s; *p;)
    {
      size_t length = utf8_sequence_length (p);
      if (length == 0)
        {
          /* JSON text is Unicode: a byte that is not UTF-8 (a path may
           * hold any) is shown as U+FFFD REPLACEMENT CHARACTER. */
          fputs ("\\ufffd", out);
          length = 1;
        }
      else if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fwrite (p, 1, length, out);
      p += length;
    }
  fputc ('"', out);
}

char *
path_normalize (const char *path)
{
  size_t len = strlen (path);
  char *out = xmalloc (len + 2);
  size_t n = 0;
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      const char *end = strchrnul (p, '/');
      size_t part = (size_t) (end - p);
      if (part == 0 || (part == 1 && p[0] == '.'))
        ;
      else if (part == 2 && p[0] == '.' && p[1] == '.')
        {
          while (n > 0 && out[n - 1] != '/')
            n--;
          if (n > 0)
            n--;
        }
      else
        {
          out[n++] = '/';
          memcpy (out + n, p, part);
          n += part;
        }
      p = end;
    }
  if (n == 0)
    out[n++] = '/';
  out[n] = '\0';
  return out;
}
