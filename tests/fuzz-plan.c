/* swaddle: a libFuzzer target for the pure plan builder.
 *
 * The input is one command line and one --args blob:
 *
 *   byte 0        the fd number (0..7) whose --args reads get the blob
 *   bytes 1..2    the blob's length, little-endian (clipped to what is left)
 *   the middle    the argv after argv[0], NUL-separated (a missing final
 *                 NUL is added)
 *   the end       the blob, exactly as a read of that fd would return it
 *
 * Every --args FD read of that fd number returns a fresh copy of the blob;
 * any other fd fails with EBADF, as a closed descriptor would.  The plan
 * is then validated with a root and a non-root caller's facts, and freed:
 * a crash, a sanitizer report, a leak or a hang is a finding.
 *
 * Build by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. \
 *     tests/fuzz-plan.c plan.c options.c utils.c -lcap -o /tmp/fuzz-plan
 * Run:
 *   /tmp/fuzz-plan -max_total_time=600 -timeout=10 tests/fuzz-corpus
 * Seeds: tests/fuzz-corpus/, real command lines in this format. */
#include "plan.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct blob_source
{
  int fd;
  const uint8_t *blob;
  size_t len;
};

static int
read_blob (void *ctx, int fd, char **data, size_t *len)
{
  const struct blob_source *src = ctx;
  if (fd != src->fd)
    {
      errno = EBADF;
      return -1;
    }
  /* Like read_all(): a malloc'd buffer with a NUL after the data, which
   * the plan takes over. */
  char *copy = malloc (src->len + 1);
  if (copy == NULL)
    {
      errno = ENOMEM;
      return -1;
    }
  if (src->len > 0)
    memcpy (copy, src->blob, src->len);
  copy[src->len] = '\0';
  *data = copy;
  *len = src->len;
  return 0;
}

static void
check_plan_invariants (const struct plan *plan)
{
  /* What the rest of swaddle relies on once plan_build() succeeded. */
  for (size_t i = 0; i < plan->n_ops; i++)
    {
      const struct op *op = &plan->ops[i];
      if (op->option == NULL || op->dest == NULL)
        abort ();
      if (op->perms != PERMS_DEFAULT && (op->perms < 0 || op->perms > 07777))
        abort ();
      if (op->kind == OP_OVERLAY && (op->layers == NULL || op->n_layers == 0))
        abort ();
      for (size_t j = 0; j < op->n_layers; j++)
        if (op->layers[j] == NULL)
          abort ();
    }
  if (plan->command != NULL)
    for (char **c = plan->command; *c != NULL; c++)
      (void) strlen (*c);
  if (plan->n_chdir > 0 && plan->chdir_path == NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 3)
    return 0;
  struct blob_source src = { .fd = data[0] & 7 };
  size_t blob_len = (size_t) data[1] | ((size_t) data[2] << 8);
  data += 3;
  size -= 3;
  if (blob_len > size)
    blob_len = size;
  src.len = blob_len;
  src.blob = data + size - blob_len;
  size_t argv_len = size - blob_len;

  /* The argument words, NUL-terminated, in storage the plan may point to. */
  char *words = malloc (argv_len + 1);
  if (words == NULL)
    return 0;
  if (argv_len > 0)
    memcpy (words, data, argv_len);
  words[argv_len] = '\0';

  size_t argc = 1;
  for (size_t i = 0; i < argv_len; i++)
    argc += words[i] == '\0';
  if (argv_len > 0 && words[argv_len - 1] != '\0')
    argc++;
  char **argv = calloc (argc + 1, sizeof (char *));
  if (argv == NULL)
    {
      free (words);
      return 0;
    }
  static char argv0[] = "swaddle";
  argv[0] = argv0;
  size_t n = 1;
  for (size_t i = 0; i < argv_len; i += strlen (words + i) + 1)
    argv[n++] = words + i;
  argv[n] = NULL;

  struct plan_reader reader = { read_blob, &src };
  struct plan_error error;
  struct plan plan;

  if (plan_build (&plan, (int) n, argv, &reader, &error) == 0)
    {
      check_plan_invariants (&plan);
      const struct host_facts root = { .is_root = true, .uid = 0, .gid = 0 };
      const struct host_facts user = { .is_root = false, .uid = 1000, .gid = 1000 };
      struct plan_error verror;
      (void) plan_validate (&plan, &root, &verror);
      (void) plan_wants_user_ns (&plan, &root);
      if (strnlen (verror.message, sizeof verror.message) == sizeof verror.message)
        abort ();
      (void) plan_validate (&plan, &user, &verror);
      (void) plan_wants_user_ns (&plan, &user);
      if (strnlen (verror.message, sizeof verror.message) == sizeof verror.message)
        abort ();
    }
  else
    {
      /* A failure always says something, NUL-terminated. */
      if (error.kind == PLAN_ERROR_NONE)
        abort ();
      if (strnlen (error.message, sizeof error.message) == sizeof error.message
          || strnlen (error.detail, sizeof error.detail) == sizeof error.detail)
        abort ();
      if (error.kind == PLAN_ERROR_INVALID && error.message[0] == '\0')
        abort ();
    }
  plan_free (&plan);
  free (argv);
  free (words);
  return 0;
}
