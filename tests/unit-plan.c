/* swaddle: unit tests of the plan builder (options.c, plan.c).
 *
 * plan_build() is pure, so every test feeds it an argv and looks at the
 * plan (or the error) it produced.  The bytes behind --args FD come from
 * fixture blobs through a test reader.  The option table is listed here
 * from what COMPAT.md and bubblewrap say, not read back from --help, so a
 * row that changes or disappears makes a test fail. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "plan.h"
#include "seccomp-rules.h"
#include "utils.h"

#pragma GCC diagnostic ignored "-Woverride-init"

#define COUNT(a) (sizeof (a) / sizeof ((a)[0]))

/* ---- fixture: --args blobs ------------------------------------------------ */

struct blob
{
  int fd;
  const char *bytes;
  size_t len;
  int error;        /* nonzero: the read fails with this errno */
  size_t slack;     /* 'X' bytes after len in the buffer, not part of the data */
};

/* One argument of a blob with its terminating NUL; safe before digits. */
#define ARG(s) s "\0"
#define BLOB(f, literal) ((struct blob) { .fd = (f), .bytes = (literal), .len = sizeof (literal) - 1 })

static struct blob blobs[8];
static size_t n_blobs;
static unsigned n_reads;

static void
add_blob (struct blob b)
{
  cr_assert_lt (n_blobs, COUNT (blobs));
  blobs[n_blobs++] = b;
}

/* The reader: a fresh malloc'd copy of exactly len bytes (plus slack), so
 * valgrind sees any read past the data. */
static int
read_blob (void *ctx, int fd, char **data, size_t *len)
{
  n_reads++;
  for (size_t i = 0; i < n_blobs; i++)
    {
      const struct blob *b = &blobs[i];
      if (b->fd != fd)
        continue;
      if (b->error != 0)
        {
          errno = b->error;
          return -1;
        }
      size_t size = b->len + b->slack;
      char *copy = malloc (size ? size : 1);
      cr_assert_not_null (copy);
      memcpy (copy, b->bytes, b->len);
      memset (copy + b->len, 'X', b->slack);
      *data = copy;
      *len = b->len;
      return 0;
    }
  errno = EBADF;
  return -1;
}

static const struct plan_reader reader = { read_blob, NULL };

/* ---- fixture: the plan under test ----------------------------------------- */

static struct plan plan;
static struct plan_error error;
static char **scratch;          /* strings the plan points into, freed last */
static size_t n_scratch;

static char *
keep (char *s)
{
  scratch = realloc (scratch, (n_scratch + 1) * sizeof *scratch);
  cr_assert_not_null (scratch);
  return scratch[n_scratch++] = s;
}

static void
teardown (void)
{
  plan_free (&plan);
  for (size_t i = 0; i < n_scratch; i++)
    free (scratch[i]);
  free (scratch);
  scratch = NULL;
  n_scratch = 0;
  n_blobs = 0;
  n_reads = 0;
}

#define T(suite, name, ...) Test (suite, name, .fini = teardown, ##__VA_ARGS__)

/* Parameterized tests over a static array.  Criterion runs each test in a
 * new process where the parent's pointers mean nothing, so the parameter is
 * an index (in criterion's shared memory) into this process's own copy of
 * the array.  PARAM_TEST (suite, name, array, type, var) { body using var } */
static size_t *
indices (size_t n)
{
  size_t *a = cr_malloc (n * sizeof *a);
  for (size_t i = 0; i < n; i++)
    a[i] = i;
  return a;
}

static void
free_indices (struct criterion_test_params *params)
{
  cr_free (params->params);
}

/* NOLINTBEGIN(bugprone-macro-parentheses): type and var are a type and a
 * parameter name, which cannot be parenthesised */
#define PARAM_TEST(suite, name, array, type, var)                                          \
  static void suite##_##name##_body (type *var);                                          \
  ParameterizedTestParameters (suite, name)                                               \
  {                                                                                       \
    return cr_make_param_array (size_t, indices (COUNT (array)), COUNT (array), free_indices); \
  }                                                                                       \
  ParameterizedTest (size_t *index, suite, name, .fini = teardown)                         \
  {                                                                                       \
    suite##_##name##_body (&array[*index]);                                               \
  }                                                                                       \
  static void suite##_##name##_body (type *var)
/* NOLINTEND(bugprone-macro-parentheses) */

/* Build from a NULL-terminated word list (argv[1]...); argv[0] is "swaddle". */
static int
build_words (const char *const *words)
{
  size_t n = 0;
  while (words[n] != NULL)
    n++;
  char **argv = calloc (n + 2, sizeof *argv);
  cr_assert_not_null (argv);
  argv[0] = (char *) "swaddle";
  for (size_t i = 0; i < n; i++)
    argv[i + 1] = (char *) words[i];
  plan_free (&plan);
  int r = plan_build (&plan, (int) n + 1, argv, &reader, &error);
  free (argv);
  return r;
}

static void
build_ok (const char *const *words)
{
  int r = build_words (words);
  cr_assert_eq (r, 0, "plan_build failed (kind %d): %s", error.kind, error.message);
  cr_assert_eq (error.kind, PLAN_ERROR_NONE);
  cr_assert_str_empty (error.message);
}

static void
build_fails (enum plan_error_kind kind, const char *const *words)
{
  int r = build_words (words);
  cr_assert_eq (r, -1, "plan_build succeeded, expected error kind %d", kind);
  cr_assert_eq (error.kind, kind, "error kind %d, expected %d: %s", error.kind, kind, error.message);
  cr_assert_str_not_empty (error.message);
}

#define WORDS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define BUILD_OK(...) build_ok (WORDS (__VA_ARGS__))
#define BUILD_FAILS(kind, ...) build_fails (kind, WORDS (__VA_ARGS__))
#define BUILD_INVALID(...) BUILD_FAILS (PLAN_ERROR_INVALID, __VA_ARGS__)

/* ---- expectations -------------------------------------------------------- */

static void
expect_str (const char *what, const char *actual, const char *expected)
{
  if (expected == NULL || actual == NULL)
    cr_assert_eq (actual, expected, "%s: '%s', expected '%s'", what,
                  actual ? actual : "(null)", expected ? expected : "(null)");
  else
    cr_assert_str_eq (actual, expected, "%s: '%s', expected '%s'", what, actual, expected);
}

static void
expect_message (const char *exact)
{
  expect_str ("error message", error.message, exact);
}

/* The one line, and the detail line where bwrap's exact words take the
 * first one. */
static void
expect_message_has (const char *part)
{
  cr_assert (strstr (error.message, part) || strstr (error.detail, part),
             "error message '%s' (detail '%s') lacks '%s'", error.message, error.detail, part);
}

/* swaddle's own messages: they must name the option and the offending value. */
static void
expect_message_names (const char *option, const char *value)
{
  expect_message_has (option);
  if (value != NULL)
    expect_message_has (*value ? value : "''");
}

struct op_want
{
  enum op_kind kind;
  const char *option, *source, *dest;
  int fd;
  unsigned flags;
  int perms;
  uint64_t size;
};

static void
expect_op (size_t i, struct op_want w)
{
  cr_assert_lt (i, plan.n_ops, "op %zu of %zu", i, plan.n_ops);
  const struct op *op = &plan.ops[i];
  cr_assert_eq (op->kind, w.kind, "op %zu kind %d, expected %d", i, op->kind, w.kind);
  expect_str ("op option", op->option, w.option);
  expect_str ("op source", op->source, w.source);
  expect_str ("op dest", op->dest, w.dest);
  cr_assert_eq (op->fd, w.fd, "op %zu fd %d, expected %d", i, op->fd, w.fd);
  cr_assert_eq (op->bind_flags, w.flags, "op %zu flags %#x, expected %#x", i, op->bind_flags, w.flags);
  cr_assert_eq (op->perms, w.perms, "op %zu perms %#o, expected %#o", i, op->perms, w.perms);
  cr_assert_eq (op->size, w.size, "op %zu size %llu, expected %llu", i,
                (unsigned long long) op->size, (unsigned long long) w.size);
  if (op->kind != OP_OVERLAY)
    {
      cr_assert_eq (op->n_layers, 0, "op %zu has %zu layers", i, op->n_layers);
      cr_assert_null (op->workdir, "op %zu has a workdir", i);
    }
}

/* Fields not named take the values of an op without extras. */
#define EXPECT_OP(i, ...) expect_op (i, (struct op_want) { .fd = -1, .perms = PERMS_DEFAULT, __VA_ARGS__ })

static void
expect_n_ops (size_t n)
{
  cr_assert_eq (plan.n_ops, n, "%zu ops, expected %zu", plan.n_ops, n);
}

static void
expect_env (size_t i, enum env_kind kind, const char *name, const char *value)
{
  cr_assert_lt (i, plan.n_env, "env op %zu of %zu", i, plan.n_env);
  cr_assert_eq (plan.env[i].kind, kind, "env op %zu kind %d, expected %d", i, plan.env[i].kind, kind);
  expect_str ("env name", plan.env[i].name, name);
  expect_str ("env value", plan.env[i].value, value);
}

static void
expect_command (const char *const *words)
{
  if (words[0] == NULL)
    {
      cr_assert_null (plan.command, "a command, expected none: '%s'", plan.command ? plan.command[0] : "");
      return;
    }
  cr_assert_not_null (plan.command, "no command, expected '%s'", words[0]);
  size_t i = 0;
  for (; words[i] != NULL; i++)
    expect_str ("command word", plan.command[i], words[i]);
  cr_assert_null (plan.command[i], "command longer than expected: '%s'", plan.command[i]);
}

#define EXPECT_COMMAND(...) expect_command (WORDS (__VA_ARGS__))
#define EXPECT_NO_COMMAND() expect_command (WORDS (NULL))

/* Namespace wants in the order user ipc pid net uts cgroup: N no, T try, Y yes. */
static void
expect_ns (const char *wants)
{
  static const char *names[] = { "user", "ipc", "pid", "net", "uts", "cgroup" };
  cr_assert_eq (strlen (wants), NS_TYPE_COUNT);
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      enum ns_want w = wants[t] == 'Y' ? NS_WANT_YES : wants[t] == 'T' ? NS_WANT_TRY : NS_WANT_NO;
      cr_assert_eq (plan.ns[t], w, "%s namespace want %d, expected %d (%s)", names[t], plan.ns[t], w, wants);
    }
}

/* A field of the plan, by the option that sets it. */
struct field
{
  const char *option;
  size_t offset;
};

/* The boolean switches. */
static struct field flags[] = {
  { "--level-prefix", offsetof (struct plan, level_prefix) },
  { "--check", offsetof (struct plan, check_host) },
  { "--json", offsetof (struct plan, check_json) },
  { "--print-plan", offsetof (struct plan, print_plan) },
  { "--new-session", offsetof (struct plan, new_session) },
  { "--pty", offsetof (struct plan, pty) },
  { "--die-with-parent", offsetof (struct plan, die_with_parent) },
  { "--as-pid-1", offsetof (struct plan, as_pid_1) },
  { "--help", offsetof (struct plan, show_help) },
  { "--version", offsetof (struct plan, show_version) },
  { "--disable-userns", offsetof (struct plan, disable_userns) },
  { "--assert-userns-disabled", offsetof (struct plan, assert_userns_disabled) },
  { "--not-a-security-boundary", offsetof (struct plan, not_a_security_boundary) },
};

/* The descriptors, -1 when not given. */
static struct field fd_fields[] = {
  { "--userns", offsetof (struct plan, userns_fd) },
  { "--userns2", offsetof (struct plan, userns2_fd) },
  { "--pidns", offsetof (struct plan, pidns_fd) },
  { "--sync-fd", offsetof (struct plan, sync_fd) },
  { "--block-fd", offsetof (struct plan, block_fd) },
  { "--userns-block-fd", offsetof (struct plan, userns_block_fd) },
  { "--info-fd", offsetof (struct plan, info_fd) },
  { "--json-status-fd", offsetof (struct plan, json_status_fd) },
  { "--seccomp", offsetof (struct plan, seccomp_fd) },
};

/* The descriptor at `offset` is `fd`, all others -1 (SIZE_MAX: all). */
static void
expect_only_fd (size_t offset, int fd)
{
  for (size_t i = 0; i < COUNT (fd_fields); i++)
    {
      int v = *(int *) ((char *) &plan + fd_fields[i].offset);
      int expected = fd_fields[i].offset == offset ? fd : -1;
      cr_assert_eq (v, expected, "%s descriptor is %d, expected %d", fd_fields[i].option, v, expected);
    }
}

/* Exactly the switch at `offset` is on (SIZE_MAX: none). */
static void
expect_only_flag (size_t offset)
{
  for (size_t i = 0; i < COUNT (flags); i++)
    {
      bool on = *(bool *) ((char *) &plan + flags[i].offset);
      cr_assert_eq (on, flags[i].offset == offset, "%s switch is %d", flags[i].option, on);
    }
}

/* A plan nothing has touched. */
static void
expect_empty_plan (void)
{
  expect_n_ops (0);
  cr_assert_eq (plan.n_env, 0);
  expect_ns ("NNNNNN");
  expect_only_flag (SIZE_MAX);
  cr_assert_not (plan.has_uid);
  cr_assert_not (plan.has_gid);
  cr_assert_null (plan.hostname);
  cr_assert_null (plan.chdir_path);
  cr_assert_eq (plan.n_chdir, 0);
  cr_assert_null (plan.argv0);
  expect_only_fd (SIZE_MAX, -1);
  cr_assert_eq (plan.n_add_seccomp_fds, 0);
  cr_assert_eq (plan.n_lock_files, 0);
  cr_assert_eq (plan.n_cap_edits, 0);
  cr_assert_null (plan.exec_label);
  cr_assert_null (plan.file_label);
  cr_assert_eq (plan.n_pending_layers, 0);
}

static int
validate (bool is_root)
{
  struct host_facts facts = { .is_root = is_root };
  return plan_validate (&plan, &facts, &error);
}

static void
validate_ok (bool is_root)
{
  cr_assert_eq (validate (is_root), 0, "validation (is_root %d) failed (kind %d): %s", is_root, error.kind, error.message);
  cr_assert_eq (error.kind, PLAN_ERROR_NONE);
}

static void
validate_fails (bool is_root, enum plan_error_kind kind)
{
  cr_assert_eq (validate (is_root), -1, "validation (is_root %d) passed, expected error kind %d", is_root, kind);
  cr_assert_eq (error.kind, kind, "error kind %d, expected %d: %s", error.kind, kind, error.message);
}

/* ---- the option table, as this test knows it ---------------------------- */

struct row
{
  const char *name;
  unsigned arity;
  const char *args[3];          /* plausible arguments */
  const char *before[4];        /* what the option needs before it to validate */
  const char *after[2];         /* ... or after it (the operation a modifier applies to) */
};

static struct row rows[] = {
  { "--help", 0 },
  { "--version", 0 },
  { "--args", 1, { "3" } },
  { "--argv0", 1, { "name" } },
  { "--level-prefix", 0 },
  { "--check", 0 },
  { "--json", 0, {}, { "--check" } },
  { "--print-plan", 0 },
  { "--unshare-all", 0 },
  { "--share-net", 0 },
  { "--unshare-user", 0 },
  { "--unshare-user-try", 0 },
  { "--unshare-ipc", 0 },
  { "--unshare-pid", 0 },
  { "--unshare-net", 0 },
  { "--unshare-uts", 0 },
  { "--unshare-cgroup", 0 },
  { "--unshare-cgroup-try", 0 },
  { "--userns", 1, { "5" } },
  { "--userns2", 1, { "6" }, { "--userns", "5" } },
  { "--disable-userns", 0, {}, { "--unshare-user" } },
  { "--assert-userns-disabled", 0 },
  { "--pidns", 1, { "5" } },
  { "--uid", 1, { "1000" }, { "--unshare-user" } },
  { "--gid", 1, { "1000" }, { "--unshare-user" } },
  { "--hostname", 1, { "box" }, { "--unshare-uts" } },
  { "--chdir", 1, { "/work" } },
  { "--clearenv", 0 },
  { "--setenv", 2, { "VAR", "value" } },
  { "--unsetenv", 1, { "VAR" } },
  { "--lock-file", 1, { "/lock" } },
  { "--sync-fd", 1, { "5" } },
  { "--block-fd", 1, { "5" } },
  { "--userns-block-fd", 1, { "5" }, { "--unshare-user", "--info-fd", "6" } },
  { "--info-fd", 1, { "5" } },
  { "--json-status-fd", 1, { "5" } },
  { "--bind", 2, { "/src", "/dst" } },
  { "--bind-try", 2, { "/src", "/dst" } },
  { "--dev-bind", 2, { "/dev", "/dev" } },
  { "--dev-bind-try", 2, { "/dev", "/dev" } },
  { "--ro-bind", 2, { "/usr", "/usr" } },
  { "--ro-bind-try", 2, { "/usr", "/usr" } },
  { "--bind-fd", 2, { "5", "/dst" } },
  { "--ro-bind-fd", 2, { "5", "/dst" } },
  { "--remount-ro", 1, { "/usr" } },
  { "--overlay-src", 1, { "/lower" }, {}, { "--tmp-overlay", "/dst" } },
  { "--overlay", 3, { "/rw", "/work", "/dst" }, { "--overlay-src", "/lower" } },
  { "--tmp-overlay", 1, { "/dst" }, { "--overlay-src", "/lower" } },
  { "--ro-overlay", 1, { "/dst" }, { "--overlay-src", "/l1", "--overlay-src", "/l2" } },
  { "--exec-label", 1, { "system_u:system_r:svirt_t:s0" } },
  { "--file-label", 1, { "system_u:object_r:svirt_file_t:s0" } },
  { "--proc", 1, { "/proc" } },
  { "--dev", 1, { "/dev" } },
  { "--tmpfs", 1, { "/tmp" } },
  { "--sys", 1, { "/sys" } },
  { "--mqueue", 1, { "/dev/mqueue" } },
  { "--dir", 1, { "/run/user" } },
  { "--file", 2, { "5", "/etc/passwd" } },
  { "--bind-data", 2, { "5", "/etc/group" } },
  { "--ro-bind-data", 2, { "5", "/etc/hosts" } },
  { "--symlink", 2, { "usr/lib", "/lib" } },
  { "--chmod", 2, { "0755", "/usr" } },
  { "--perms", 1, { "0700" }, {}, { "--dir", "/private" } },
  { "--size", 1, { "1048576" }, {}, { "--tmpfs", "/small" } },
  { "--not-a-security-boundary", 0 },
  { "--seccomp", 1, { "5" } },
  { "--add-seccomp-fd", 1, { "5" } },
  { "--cap-add", 1, { "CAP_NET_ADMIN" } },
  { "--cap-drop", 1, { "ALL" } },
  { "--new-session", 0 },
  { "--pty", 0 },
  { "--die-with-parent", 0 },
  { "--as-pid-1", 0, {}, { "--unshare-pid" } },
  { "--net-user", 0 },
  { "--allow-host-loopback", 0, {}, { "--net-user" } },
  { "--forward-port", 1, { "8080:80" }, { "--net-user" } },
  { "--netns", 1, { "5" } },
  /* policy */
  { "--seccomp-deny", 1, { "ptrace,mount" } },
  { "--seccomp-allow", 1, { "read,write" } },
  { "--seccomp-errno", 1, { "ENOSYS" }, { "--seccomp-deny", "ptrace" } },
  { "--seccomp-profile", 1, { "default" } },
  { "--deny-socket", 1, { "netlink,AF_PACKET" } },
  { "--landlock-scope", 1, { "abstract-unix-socket,signal" } },
  { "--landlock-ro", 1, { "/usr" } },
  { "--landlock-rw", 1, { "/tmp" } },
  { "--landlock-tcp-connect", 1, { "80,443" } },
  { "--landlock-tcp-bind", 1, { "8080" } },
  { "--landlock-best-effort", 0 },
  /* idmap */
  { "--map-subids", 0, {}, { "--unshare-user" } },
  { "--uid-map", 1, { "0:0:1" }, { "--unshare-user" } },
  { "--gid-map", 1, { "0:0:1" }, { "--unshare-user" } },
  /* limits */
  { "--rlimit", 1, { "nofile=1024:4096" } },
  { "--timeout", 1, { "60:5" } },
  { "--memory-max", 1, { "64M" } },
  { "--pids-max", 1, { "100" } },
  { "--cpu-max", 1, { "1.5" } },
};

/* 61 options of bubblewrap 0.8, 6 more of 0.11, 1 of 0.12, --check,
 * --json, --sys; the network's 4, 11 of policy by name, the 3 of id
 * ranges and the limits' 5. */
Test (table, has_every_option) { cr_assert_eq (COUNT (rows), 96); }

/* Append a row's words (what it needs, the option, `n_args` of its
 * arguments, what follows it) to words[*n]. */
static void
append_row (const char **words, size_t *n, const struct row *r, unsigned n_args, bool context)
{
  for (size_t i = 0; context && i < COUNT (r->before) && r->before[i]; i++)
    words[(*n)++] = r->before[i];
  words[(*n)++] = r->name;
  for (unsigned i = 0; i < n_args; i++)
    words[(*n)++] = r->args[i];
  for (size_t i = 0; context && i < COUNT (r->after) && r->after[i]; i++)
    words[(*n)++] = r->after[i];
}

static int
build_row (const struct row *r, unsigned n_args, bool context, const char *command)
{
  const char *words[16] = { 0 };
  size_t n = 0;
  append_row (words, &n, r, n_args, context);
  words[n] = command;
  return build_words (words);
}

/* --args 3 in a row reads this. */
static void
add_row_blob (void)
{
  add_blob (BLOB (3, ARG ("--unshare-ipc")));
}

/* Every row with plausible arguments builds and validates. */
PARAM_TEST (table, every_row, rows, struct row, r)
{
  add_row_blob ();
  int rc = build_row (r, r->arity, true, "true");
  cr_assert_eq (rc, 0, "%s: %s", r->name, error.message);
  validate_ok (true);
  validate_ok (false);
}

/* Whether a row's argument k is a path: the table's plausible paths are
 * absolute, and a --symlink target is a path however it is written. */
static bool
row_arg_is_path (const struct row *r, unsigned k)
{
  return r->args[k][0] == '/' || (strcmp (r->name, "--symlink") == 0 && k == 0);
}

/* Every path argument of every option refuses the empty string (bwrap
 * 0.13, issue #771: `--bind-try "" ""` bound the whole host). */
PARAM_TEST (table, empty_path_refused, rows, struct row, r)
{
  for (unsigned k = 0; k < r->arity; k++)
    {
      if (!row_arg_is_path (r, k))
        continue;
      struct row emptied = *r;
      emptied.args[k] = "";
      add_row_blob ();
      cr_assert_eq (build_row (&emptied, r->arity, true, "true"), -1,
                    "%s with an empty argument %u was accepted", r->name, k + 1);
      cr_assert_eq (error.kind, PLAN_ERROR_INVALID, "%s: %s", r->name, error.message);
      expect_message_names (r->name, "empty path");
    }
}

/* Each shortfall of arguments at the end of argv is reported as such; with
 * all of them, whatever else happens, nothing is missing. */
PARAM_TEST (table, missing_arguments, rows, struct row, r)
{
  add_row_blob ();
  for (unsigned k = 0; k < r->arity; k++)
    {
      cr_assert_eq (build_row (r, k, false, NULL), -1, "%s with %u of %u arguments built", r->name, k, r->arity);
      cr_assert_eq (error.kind, PLAN_ERROR_INVALID, "%s with %u arguments: %s", r->name, k, error.message);
      expect_message_names (r->name, "missing argument");
    }
  build_row (r, r->arity, false, NULL);
  cr_assert_null (strstr (error.message, "missing"), "%s: %s", r->name, error.message);
}

/* All supported rows in one command line make one plan. */
T (table, all_rows_together)
{
  /* Not the rows that stop reading, skip validation or contradict others. */
  static const char skip[] = " --help --version --check --json --userns --userns2 --add-seccomp-fd --assert-userns-disabled --netns "
                             /* id ranges: not with --disable-userns, nor --map-subids with the maps */
                             " --map-subids --uid-map --gid-map "
                             "--timeout "    /* not with both --as-pid-1 and --pty */
                             "--memory-max --pids-max --cpu-max ";   /* not with --net-user */
  const char *words[256] = { 0 };
  size_t n = 0;
  char name[64];
  add_row_blob ();
  for (size_t i = 0; i < COUNT (rows); i++)
    if ((snprintf (name, sizeof name, " %s ", rows[i].name), strstr (skip, name) == NULL))
      append_row (words, &n, &rows[i], rows[i].arity, true);
  words[n++] = "true";
  build_ok (words);
  /* 23 operation rows (6 binds, 2 fd binds, --remount-ro, 3 overlays,
   * --proc, --dev, --tmpfs, --sys, --mqueue, --dir, --file, --bind-data,
   * --ro-bind-data, --symlink, --chmod), and the --dir, --tmpfs and
   * --tmp-overlay that --perms, --size and --overlay-src need. */
  expect_n_ops (23 + 3);
  cr_assert_eq (plan.n_env, 3);
  expect_ns ("YYYYYY");       /* --unshare-net comes after --share-net */
  cr_assert (plan.level_prefix && plan.new_session && plan.die_with_parent && plan.as_pid_1);
  cr_assert (plan.has_uid && plan.has_gid && plan.hostname && plan.argv0 && plan.n_chdir == 1);
  cr_assert (plan.disable_userns && plan.exec_label && plan.file_label);
  cr_assert (plan.n_lock_files == 1 && plan.n_cap_edits == 2 && plan.seccomp_fd == 5 && plan.pidns_fd == 5);
  cr_assert (plan.sync_fd == 5 && plan.block_fd == 5 && plan.userns_block_fd == 5 && plan.json_status_fd == 5);
  cr_assert_eq (plan.info_fd, 5);      /* the row comes after --userns-block-fd's --info-fd 6 */
  cr_assert (plan.net_user && plan.allow_host_loopback && plan.n_forwards == 1 && plan.netns_fd == -1);
  EXPECT_COMMAND ("true");
  validate_ok (true);
}

/* --help lists exactly the supported rows (a new option needs a row here). */
static void
collect_help (void *ctx, const char *line)
{
  char *all = ctx;
  cr_assert_lt (strlen (all) + strlen (line), 16384);
  /* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): bounded by the assertion above */
  strcat (all, line);
}

T (table, help_lists_the_supported_rows)
{
  char *help = keep (calloc (1, 16384));
  plan_format_help ("bwrap", collect_help, help);
  static const char usage[] = "usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]\n";
  cr_assert (strncmp (help, usage, strlen (usage)) == 0, "%s", help);
  size_t listed = 0;
  for (const char *line = strstr (help, "\n    --"); line; line = strstr (line + 1, "\n    --"))
    listed++;
  size_t supported = 0;
  for (size_t i = 0; i < COUNT (rows); i++)
    {
      char needle[64];
      snprintf (needle, sizeof needle, "\n    %s ", rows[i].name);
      bool in_help = strstr (help, needle) != NULL;
      cr_assert (in_help, "%s is not in --help", rows[i].name);
      supported++;
    }
  cr_assert_eq (listed, supported, "--help lists %zu options, the table here %zu", listed, supported);
}

/* ---- general options ---------------------------------------------------- */

T (general, nothing)
{
  BUILD_OK (NULL);
  expect_empty_plan ();
  EXPECT_NO_COMMAND ();
  expect_str ("invoked_as", plan.invoked_as, "swaddle");
}

T (general, invoked_as_is_argv0)
{
  char *argv[] = { (char *) "/usr/bin/bwrap", (char *) "true", NULL };
  cr_assert_eq (plan_build (&plan, 2, argv, &reader, &error), 0);
  expect_str ("invoked_as", plan.invoked_as, "/usr/bin/bwrap");
  EXPECT_COMMAND ("true");
}

T (general, empty_argv)
{
  cr_assert_eq (plan_build (&plan, 0, NULL, &reader, &error), 0, "%s", error.message);
  expect_str ("invoked_as", plan.invoked_as, "swaddle");
  EXPECT_NO_COMMAND ();
}

T (general, help_stops_reading)
{
  BUILD_OK ("--unshare-pid", "--help", "--no-such-option", "--perms", "--bind", "/a", "/b", "cmd");
  expect_only_flag (offsetof (struct plan, show_help));
  expect_ns ("NNYNNN");
  expect_n_ops (0);
  EXPECT_NO_COMMAND ();
  validate_ok (false);
}

T (general, version_stops_reading)
{
  BUILD_OK ("--version", "--args", "3", "--uid", "x", "cmd");
  expect_only_flag (offsetof (struct plan, show_version));
  cr_assert_eq (n_reads, 0);
  cr_assert_not (plan.has_uid);
  EXPECT_NO_COMMAND ();
  validate_ok (true);
}

/* bubblewrap prints the help here; swaddle refuses the pending --perms. */
T (general, help_after_pending_perms)
{
  BUILD_OK ("--perms", "0700", "--help");
  cr_assert (plan.show_help);
}

T (general, argv0)
{
  BUILD_OK ("--argv0", "sh", "/bin/bash", "-c", "x");
  expect_str ("argv0", plan.argv0, "sh");
  EXPECT_COMMAND ("/bin/bash", "-c", "x");
}

T (general, argv0_last_wins)
{
  BUILD_OK ("--argv0", "a", "--argv0", "", "cmd");
  expect_str ("argv0", plan.argv0, "");
}

PARAM_TEST (general, switch_sets_its_field, flags, struct field, f)
{
  BUILD_OK (f->option, f->option, "cmd");
  expect_only_flag (f->offset);
  expect_n_ops (0);
  expect_ns ("NNNNNN");
}

/* ---- namespaces ------------------------------------------------------------ */

struct ns_case
{
  const char *words[4];
  const char *wants;            /* user ipc pid net uts cgroup */
};

static struct ns_case ns_cases[] = {
  { { "--unshare-user" }, "YNNNNN" },
  { { "--unshare-user-try" }, "TNNNNN" },
  { { "--unshare-ipc" }, "NYNNNN" },
  { { "--unshare-pid" }, "NNYNNN" },
  { { "--unshare-net" }, "NNNYNN" },
  { { "--unshare-uts" }, "NNNNYN" },
  { { "--unshare-cgroup" }, "NNNNNY" },
  { { "--unshare-cgroup-try" }, "NNNNNT" },
  { { "--unshare-all" }, "TYYYYT" },
  { { "--share-net" }, "NNNNNN" },
  /* -try never weakens a firm request, in either order. */
  { { "--unshare-user", "--unshare-user-try" }, "YNNNNN" },
  { { "--unshare-user-try", "--unshare-user" }, "YNNNNN" },
  { { "--unshare-cgroup", "--unshare-cgroup-try" }, "NNNNNY" },
  { { "--unshare-cgroup-try", "--unshare-cgroup" }, "NNNNNY" },
  { { "--unshare-user", "--unshare-all" }, "YYYYYT" },
  { { "--unshare-cgroup", "--unshare-all" }, "TYYYYY" },
  { { "--unshare-all", "--unshare-user", "--unshare-cgroup" }, "YYYYYY" },
  /* --share-net and --unshare-all / --unshare-net: the last one wins. */
  { { "--unshare-all", "--share-net" }, "TYYNYT" },
  { { "--share-net", "--unshare-all" }, "TYYYYT" },
  { { "--unshare-net", "--share-net" }, "NNNNNN" },
  { { "--unshare-all", "--share-net", "--unshare-net" }, "TYYYYT" },
  { { "--unshare-pid", "--unshare-pid", "--unshare-pid" }, "NNYNNN" },
};

PARAM_TEST (namespaces, wants, ns_cases, struct ns_case, c)
{
  const char *words[6] = { 0 };
  size_t n = 0;
  for (; n < COUNT (c->words) && c->words[n]; n++)
    words[n] = c->words[n];
  words[n] = "cmd";
  build_ok (words);
  expect_ns (c->wants);
  expect_n_ops (0);
  EXPECT_COMMAND ("cmd");
}

/* ---- identity and environment ------------------------------------------- */

T (identity, uid)
{
  BUILD_OK ("--uid", "1000", "cmd");
  cr_assert (plan.has_uid);
  cr_assert_eq (plan.uid, 1000);
  cr_assert_not (plan.has_gid);
}

T (identity, gid)
{
  BUILD_OK ("--gid", "0", "cmd");
  cr_assert (plan.has_gid);
  cr_assert_eq (plan.gid, 0);
  cr_assert_not (plan.has_uid);
}

T (identity, largest_ids)
{
  BUILD_OK ("--uid", "4294967294", "--gid", "0004294967294", "cmd");
  cr_assert_eq (plan.uid, 4294967294u);
  cr_assert_eq (plan.gid, 4294967294u);
}

T (identity, last_id_wins)
{
  BUILD_OK ("--uid", "1", "--uid", "2", "--gid", "3", "--gid", "4", "cmd");
  cr_assert_eq (plan.uid, 2);
  cr_assert_eq (plan.gid, 4);
}

struct bad_value
{
  const char *option;
  const char *value;
};

static struct bad_value bad_ids[] = {
  { "--uid", "4294967295" }, { "--gid", "4294967295" },
  { "--uid", "4294967296" }, { "--gid", "99999999999999999999999" },
  { "--uid", "-1" }, { "--gid", "-1" },
  { "--uid", "" }, { "--gid", "" },
  { "--uid", "root" }, { "--gid", "12a" },
  { "--uid", " 1" }, { "--gid", "1 " },
  { "--uid", "+1" }, { "--gid", "0x10" },
  { "--uid", "1.0" }, { "--gid", "1e3" },
};

PARAM_TEST (identity, bad_id, bad_ids, struct bad_value, b)
{
  BUILD_INVALID (b->option, b->value, "cmd");
  expect_message_names (b->option, b->value);
}

T (identity, hostname)
{
  BUILD_OK ("--hostname", "box", "cmd");
  expect_str ("hostname", plan.hostname, "box");
}

T (identity, chdir_once)
{
  BUILD_OK ("--chdir", "/work", "cmd");
  expect_str ("chdir", plan.chdir_path, "/work");
  cr_assert_eq (plan.n_chdir, 1);
}

T (identity, chdir_counted_last_wins)
{
  BUILD_OK ("--chdir", "/a", "--chdir", "/b", "--chdir", "/c", "cmd");
  expect_str ("chdir", plan.chdir_path, "/c");
  cr_assert_eq (plan.n_chdir, 3);
}

T (identity, env_ops_in_order)
{
  BUILD_OK ("--setenv", "A", "1", "--unsetenv", "B", "--clearenv", "--setenv", "C", "x=y", "--setenv", "A", "", "cmd");
  cr_assert_eq (plan.n_env, 5);
  expect_env (0, ENV_SET, "A", "1");
  expect_env (1, ENV_UNSET, "B", NULL);
  expect_env (2, ENV_CLEAR, NULL, NULL);
  expect_env (3, ENV_SET, "C", "x=y");
  expect_env (4, ENV_SET, "A", "");
  expect_n_ops (0);
}

static struct bad_value bad_env_names[] = {
  { "--setenv", "" }, { "--setenv", "A=B" }, { "--setenv", "=" },
  { "--unsetenv", "" }, { "--unsetenv", "PATH=/bin" },
};

PARAM_TEST (identity, bad_env_name, bad_env_names, struct bad_value, b)
{
  if (strcmp (b->option, "--setenv") == 0)
    BUILD_INVALID (b->option, b->value, "value", "cmd");
  else
    BUILD_INVALID (b->option, b->value, "cmd");
  expect_message_names (b->option, b->value);
}

/* ---- filesystem operations ------------------------------------------------- */

struct op_case
{
  const char *words[5];
  struct op_want op;
};

#define OP_CASE(w, ...) { w, { .fd = -1, .perms = PERMS_DEFAULT, __VA_ARGS__ } }
#define W(...) { __VA_ARGS__ }

static struct op_case op_cases[] = {
  OP_CASE (W ("--bind", "/s", "/d"), .kind = OP_BIND, .option = "--bind", .source = "/s", .dest = "/d"),
  OP_CASE (W ("--bind-try", "/s", "/d"), .kind = OP_BIND, .option = "--bind-try", .source = "/s", .dest = "/d", .flags = BIND_TRY),
  OP_CASE (W ("--dev-bind", "/s", "/d"), .kind = OP_BIND, .option = "--dev-bind", .source = "/s", .dest = "/d", .flags = BIND_DEVICES),
  OP_CASE (W ("--dev-bind-try", "/s", "/d"), .kind = OP_BIND, .option = "--dev-bind-try", .source = "/s", .dest = "/d",
           .flags = BIND_DEVICES | BIND_TRY),
  OP_CASE (W ("--ro-bind", "/s", "/d"), .kind = OP_BIND, .option = "--ro-bind", .source = "/s", .dest = "/d", .flags = BIND_READONLY),
  OP_CASE (W ("--ro-bind-try", "/s", "/d"), .kind = OP_BIND, .option = "--ro-bind-try", .source = "/s", .dest = "/d",
           .flags = BIND_READONLY | BIND_TRY),
  OP_CASE (W ("--remount-ro", "/d"), .kind = OP_REMOUNT_RO, .option = "--remount-ro", .dest = "/d"),
  OP_CASE (W ("--proc", "/proc"), .kind = OP_PROC, .option = "--proc", .dest = "/proc"),
  OP_CASE (W ("--dev", "/dev"), .kind = OP_DEV, .option = "--dev", .dest = "/dev"),
  OP_CASE (W ("--tmpfs", "/tmp"), .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/tmp"),
  OP_CASE (W ("--mqueue", "/mq"), .kind = OP_MQUEUE, .option = "--mqueue", .dest = "/mq"),
  OP_CASE (W ("--dir", "/d"), .kind = OP_DIR, .option = "--dir", .dest = "/d"),
  OP_CASE (W ("--file", "5", "/f"), .kind = OP_FILE, .option = "--file", .dest = "/f", .fd = 5),
  OP_CASE (W ("--file", "0", "/f"), .kind = OP_FILE, .option = "--file", .dest = "/f", .fd = 0),
  OP_CASE (W ("--bind-data", "2147483647", "/f"), .kind = OP_BIND_DATA, .option = "--bind-data", .dest = "/f", .fd = 2147483647),
  OP_CASE (W ("--ro-bind-data", "007", "/f"), .kind = OP_BIND_DATA, .option = "--ro-bind-data", .dest = "/f", .fd = 7,
           .flags = BIND_READONLY),
  OP_CASE (W ("--bind-fd", "5", "/d"), .kind = OP_BIND_FD, .option = "--bind-fd", .dest = "/d", .fd = 5),
  OP_CASE (W ("--ro-bind-fd", "0", "/d"), .kind = OP_BIND_FD, .option = "--ro-bind-fd", .dest = "/d", .fd = 0,
           .flags = BIND_READONLY),
  OP_CASE (W ("--symlink", "usr/lib", "/lib"), .kind = OP_SYMLINK, .option = "--symlink", .source = "usr/lib", .dest = "/lib"),
  OP_CASE (W ("--chmod", "0755", "/p"), .kind = OP_CHMOD, .option = "--chmod", .dest = "/p", .perms = 0755),
  OP_CASE (W ("--chmod", "0", "/p"), .kind = OP_CHMOD, .option = "--chmod", .dest = "/p", .perms = 0),
  OP_CASE (W ("--chmod", "7777", "/p"), .kind = OP_CHMOD, .option = "--chmod", .dest = "/p", .perms = 07777),
  /* with a modifier */
  OP_CASE (W ("--perms", "0700", "--dir", "/d"), .kind = OP_DIR, .option = "--dir", .dest = "/d", .perms = 0700),
  OP_CASE (W ("--perms", "0", "--dir", "/d"), .kind = OP_DIR, .option = "--dir", .dest = "/d", .perms = 0),
  OP_CASE (W ("--perms", "600", "--file", "4", "/f"), .kind = OP_FILE, .option = "--file", .dest = "/f", .fd = 4, .perms = 0600),
  OP_CASE (W ("--perms", "0640", "--bind-data", "4", "/f"), .kind = OP_BIND_DATA, .option = "--bind-data", .dest = "/f", .fd = 4,
           .perms = 0640),
  OP_CASE (W ("--perms", "07777", "--ro-bind-data", "4", "/f"), .kind = OP_BIND_DATA, .option = "--ro-bind-data", .dest = "/f",
           .fd = 4, .flags = BIND_READONLY, .perms = 07777),
  OP_CASE (W ("--perms", "1777", "--tmpfs", "/t"), .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/t", .perms = 01777),
  OP_CASE (W ("--size", "1", "--tmpfs", "/t"), .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/t", .size = 1),
  OP_CASE (W ("--size", "9223372036854775807", "--tmpfs", "/t"), .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/t",
           .size = 9223372036854775807ull),
};

PARAM_TEST (filesystem, op_fields, op_cases, struct op_case, c)
{
  const char *words[8] = { 0 };
  size_t n = 0;
  for (; n < COUNT (c->words) && c->words[n]; n++)
    words[n] = c->words[n];
  words[n] = "cmd";
  build_ok (words);
  expect_n_ops (1);
  expect_op (0, c->op);
  EXPECT_COMMAND ("cmd");
  expect_ns ("NNNNNN");
}

T (filesystem, ops_in_order)
{
  BUILD_OK ("--ro-bind", "/usr", "/usr", "--proc", "/proc", "--unshare-pid", "--dir", "/usr/x", "--bind", "/a", "/b",
            "--symlink", "t", "/usr", "--remount-ro", "/usr", "cmd");
  expect_n_ops (6);
  EXPECT_OP (0, .kind = OP_BIND, .option = "--ro-bind", .source = "/usr", .dest = "/usr", .flags = BIND_READONLY);
  EXPECT_OP (1, .kind = OP_PROC, .option = "--proc", .dest = "/proc");
  EXPECT_OP (2, .kind = OP_DIR, .option = "--dir", .dest = "/usr/x");
  EXPECT_OP (3, .kind = OP_BIND, .option = "--bind", .source = "/a", .dest = "/b");
  EXPECT_OP (4, .kind = OP_SYMLINK, .option = "--symlink", .source = "t", .dest = "/usr");
  EXPECT_OP (5, .kind = OP_REMOUNT_RO, .option = "--remount-ro", .dest = "/usr");
}

struct bad_words
{
  const char *words[5];
  const char *option, *value;   /* what the message must name */
};

static struct bad_words empty_paths[] = {
  { { "--bind", "", "/d" }, "--bind", "source" },
  { { "--bind", "/s", "" }, "--bind", "destination" },
  { { "--dev-bind-try", "", "/d" }, "--dev-bind-try", "source" },
  { { "--ro-bind", "/s", "" }, "--ro-bind", "destination" },
  { { "--remount-ro", "" }, "--remount-ro", "empty" },
  { { "--proc", "" }, "--proc", "empty" },
  { { "--dev", "" }, "--dev", "empty" },
  { { "--tmpfs", "" }, "--tmpfs", "empty" },
  { { "--mqueue", "" }, "--mqueue", "empty" },
  { { "--dir", "" }, "--dir", "empty" },
  { { "--file", "3", "" }, "--file", "destination" },
  { { "--bind-data", "3", "" }, "--bind-data", "destination" },
  { { "--ro-bind-data", "3", "" }, "--ro-bind-data", "destination" },
  { { "--bind-fd", "3", "" }, "--bind-fd", "destination" },
  { { "--ro-bind-fd", "3", "" }, "--ro-bind-fd", "destination" },
  { { "--symlink", "", "/d" }, "--symlink", "target" },
  { { "--symlink", "t", "" }, "--symlink", "destination" },
  { { "--chmod", "0755", "" }, "--chmod", "path" },
  { { "--chdir", "" }, "--chdir", "directory" },
  { { "--perms", "0700", "--dir", "" }, "--dir", "empty" },
};

static void
build_bad_words (const struct bad_words *b)
{
  const char *words[8] = { 0 };
  size_t n = 0;
  for (; n < COUNT (b->words) && b->words[n]; n++)
    words[n] = b->words[n];
  words[n] = "cmd";
  build_fails (PLAN_ERROR_INVALID, words);
  expect_message_names (b->option, b->value);
}

PARAM_TEST (filesystem, empty_path, empty_paths, struct bad_words, b)
{
  build_bad_words (b);
  expect_message_has ("empty");
}

static struct bad_value bad_fds[] = {
  { "--file", "-1" }, { "--file", "" }, { "--file", "x" }, { "--file", "2147483648" },
  { "--bind-data", "99999999999999999999999" }, { "--bind-data", " 3" }, { "--bind-data", "3 " },
  { "--ro-bind-data", "0x3" }, { "--ro-bind-data", "+3" }, { "--ro-bind-data", "3.0" },
  { "--bind-fd", "-1" }, { "--ro-bind-fd", "fd" },
  { "--args", "-1" }, { "--args", "" }, { "--args", "stdin" }, { "--args", "4294967299" },
};

PARAM_TEST (filesystem, bad_fd, bad_fds, struct bad_value, b)
{
  add_blob (BLOB (3, ARG ("--unshare-pid")));
  if (strcmp (b->option, "--args") == 0)
    BUILD_INVALID (b->option, b->value, "cmd");
  else
    BUILD_INVALID (b->option, b->value, "/dest", "cmd");
  expect_message_names (b->option, b->value);
  cr_assert_eq (n_reads, 0);
}

static struct bad_value bad_modes[] = {
  { "--chmod", "8" }, { "--chmod", "0778" }, { "--chmod", "10000" }, { "--chmod", "-1" },
  { "--chmod", "" }, { "--chmod", "0x1ff" }, { "--chmod", "rwx" }, { "--chmod", "u+x" },
  { "--perms", "9" }, { "--perms", "017777" }, { "--perms", "-0700" }, { "--perms", "" },
  { "--perms", "0o700" }, { "--perms", " 700" }, { "--perms", "99999999999999999999999" },
};

PARAM_TEST (filesystem, bad_mode, bad_modes, struct bad_value, b)
{
  if (strcmp (b->option, "--chmod") == 0)
    BUILD_INVALID (b->option, b->value, "/p", "cmd");
  else
    BUILD_INVALID (b->option, b->value, "--dir", "/d", "cmd");
  expect_message_names (b->option, b->value);
}

/* ---- descriptors, capabilities, labels, locks ------------------------------ */

PARAM_TEST (descriptors, fd_option_sets_its_field, fd_fields, struct field, f)
{
  BUILD_OK (f->option, "7", "cmd");
  expect_only_fd (f->offset, 7);
  BUILD_OK (f->option, "0", f->option, "2147483647", "cmd");
  expect_only_fd (f->offset, 2147483647);
  expect_n_ops (0);
}

PARAM_TEST (descriptors, fd_option_bad_value, fd_fields, struct field, f)
{
  static const char *const bad[] = { "-1", "", "fd", "2147483648", "3x", " 3" };
  for (size_t i = 0; i < COUNT (bad); i++)
    {
      BUILD_INVALID (f->option, bad[i], "cmd");
      expect_message_names (f->option, bad[i]);
    }
}

T (descriptors, add_seccomp_fd_in_order)
{
  BUILD_OK ("--add-seccomp-fd", "5", "--add-seccomp-fd", "3", "--add-seccomp-fd", "5", "cmd");
  cr_assert_eq (plan.n_add_seccomp_fds, 3);
  cr_assert_eq (plan.add_seccomp_fds[0], 5);
  cr_assert_eq (plan.add_seccomp_fds[1], 3);
  cr_assert_eq (plan.add_seccomp_fds[2], 5);
  expect_only_fd (SIZE_MAX, -1);
}

T (descriptors, add_seccomp_fd_bad_value)
{
  BUILD_INVALID ("--add-seccomp-fd", "5", "--add-seccomp-fd", "-5", "cmd");
  expect_message_names ("--add-seccomp-fd", "-5");
}

T (descriptors, lock_files_in_order)
{
  BUILD_OK ("--lock-file", "/a", "--lock-file", "/b,c:d", "--lock-file", "/a", "cmd");
  cr_assert_eq (plan.n_lock_files, 3);
  expect_str ("lock file", plan.lock_files[0], "/a");
  expect_str ("lock file", plan.lock_files[1], "/b,c:d");
  expect_str ("lock file", plan.lock_files[2], "/a");
}

T (descriptors, lock_file_empty_path)
{
  BUILD_INVALID ("--lock-file", "", "cmd");
  expect_message_names ("--lock-file", "empty");
}

T (descriptors, labels)
{
  BUILD_OK ("--exec-label", "system_u:system_r:svirt_t:s0", "--file-label", "", "cmd");
  expect_str ("exec label", plan.exec_label, "system_u:system_r:svirt_t:s0");
  expect_str ("file label", plan.file_label, "");
}

static void
expect_cap (size_t i, enum cap_edit_kind kind, int cap, const char *name)
{
  cr_assert_lt (i, plan.n_cap_edits, "cap edit %zu of %zu", i, plan.n_cap_edits);
  cr_assert_eq (plan.cap_edits[i].kind, kind, "cap edit %zu kind %d", i, plan.cap_edits[i].kind);
  cr_assert_eq (plan.cap_edits[i].cap, cap, "cap edit %zu: %d, expected %d", i, plan.cap_edits[i].cap, cap);
  expect_str ("cap name", plan.cap_edits[i].name, name);
}

T (descriptors, caps_in_order)
{
  BUILD_OK ("--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN", "--cap-add", "sys_admin", "--cap-drop", "Cap_Chown",
            "--cap-add", "all", "--cap-add", "CAP_CHECKPOINT_RESTORE", "cmd");
  cr_assert_eq (plan.n_cap_edits, 6);
  expect_cap (0, CAP_EDIT_DROP, -1, "ALL");
  expect_cap (1, CAP_EDIT_ADD, 12, "CAP_NET_ADMIN");
  expect_cap (2, CAP_EDIT_ADD, 21, "sys_admin");
  expect_cap (3, CAP_EDIT_DROP, 0, "Cap_Chown");
  expect_cap (4, CAP_EDIT_ADD, -1, "all");
  expect_cap (5, CAP_EDIT_ADD, 40, "CAP_CHECKPOINT_RESTORE");
}

static struct bad_value bad_caps[] = {
  { "--cap-add", "CAP_FOO" }, { "--cap-add", "" }, { "--cap-add", "CAP_" }, { "--cap-add", "64" },
  { "--cap-drop", "CAP_NET_ADMIN " }, { "--cap-drop", "ALLL" }, { "--cap-drop", "CAP_ALL" }, { "--cap-drop", "-1" },
  { "--cap-add", "cap_chown,cap_kill" }, { "--cap-add", "cap_chownx" }, { "--cap-add", "3x" },
  { "--cap-add", "012" }, { "--cap-drop", "cap_cap_chown" }, { "--cap-add", "99999999999999999999" },
};

PARAM_TEST (descriptors, bad_cap, bad_caps, struct bad_value, b)
{
  BUILD_INVALID (b->option, b->value, "cmd");
  expect_message_names (b->option, b->value);
}

T (descriptors, capability_names)
{
  cr_assert_eq (capability_from_name ("CAP_SYS_ADMIN"), 21);
  cr_assert_eq (capability_from_name ("net_raw"), 13);
  cr_assert_eq (capability_from_name ("Cap_Chown"), 0);
  cr_assert_eq (capability_from_name ("ALL"), CAPABILITY_ALL);
  cr_assert_eq (capability_from_name ("nope"), CAPABILITY_UNKNOWN);
  /* Numbers, as libcap reads them: up to the running kernel's last one,
   * which may be newer than libcap's table. */
  cr_assert_eq (capability_from_name ("0"), 0);
  cr_assert_eq (capability_from_name ("12"), 12);
  int count = (int) cap_max_bits ();
  char last[16], beyond[16];
  snprintf (last, sizeof last, "%d", count - 1);
  snprintf (beyond, sizeof beyond, "%d", count);
  cr_assert_eq (capability_from_name (last), count - 1);
  cr_assert_eq (capability_from_name (beyond), CAPABILITY_UNKNOWN);
  BUILD_INVALID ("--cap-add", beyond, "cmd");
  expect_message_names ("--cap-add", beyond);
}

/* ---- overlays ------------------------------------------------------------------ */

static void
expect_layers (size_t i, const char *const *layers)
{
  cr_assert_lt (i, plan.n_ops);
  size_t n = 0;
  for (; layers[n] != NULL; n++)
    {
      cr_assert_lt (n, plan.ops[i].n_layers, "op %zu has %zu layers, expected more", i, plan.ops[i].n_layers);
      expect_str ("layer", plan.ops[i].layers[n], layers[n]);
    }
  cr_assert_eq (plan.ops[i].n_layers, n, "op %zu has %zu layers, expected %zu", i, plan.ops[i].n_layers, n);
}

#define EXPECT_LAYERS(i, ...) expect_layers (i, WORDS (__VA_ARGS__))

T (overlays, overlay)
{
  BUILD_OK ("--overlay-src", "/l1", "--overlay-src", "/l2", "--overlay", "/rw", "/wd", "/dst", "cmd");
  expect_n_ops (1);
  EXPECT_OP (0, .kind = OP_OVERLAY, .option = "--overlay", .source = "/rw", .dest = "/dst");
  cr_assert_eq (plan.ops[0].overlay, OVERLAY_RW);
  expect_str ("workdir", plan.ops[0].workdir, "/wd");
  EXPECT_LAYERS (0, "/l1", "/l2");
  cr_assert_eq (plan.n_pending_layers, 0);
  validate_ok (false);
}

T (overlays, tmp_and_ro_overlay)
{
  BUILD_OK ("--overlay-src", "/a", "--tmp-overlay", "/t", "--overlay-src", "/b", "--overlay-src", "/c", "--ro-overlay", "/r", "cmd");
  expect_n_ops (2);
  EXPECT_OP (0, .kind = OP_OVERLAY, .option = "--tmp-overlay", .dest = "/t");
  cr_assert_eq (plan.ops[0].overlay, OVERLAY_TMP);
  cr_assert_null (plan.ops[0].workdir);
  EXPECT_LAYERS (0, "/a");
  EXPECT_OP (1, .kind = OP_OVERLAY, .option = "--ro-overlay", .dest = "/r");
  cr_assert_eq (plan.ops[1].overlay, OVERLAY_RO);
  EXPECT_LAYERS (1, "/b", "/c");
}

/* Paths with , : and \ reach the plan as given. */
T (overlays, odd_paths_verbatim)
{
  BUILD_OK ("--overlay-src", "/a,b", "--overlay-src", "/c:d", "--overlay", "/e\\f", "/w,x", "/y:z", "cmd");
  EXPECT_LAYERS (0, "/a,b", "/c:d");
  EXPECT_OP (0, .kind = OP_OVERLAY, .option = "--overlay", .source = "/e\\f", .dest = "/y:z");
  expect_str ("workdir", plan.ops[0].workdir, "/w,x");
}

T (overlays, many_layers)
{
  const char *words[2 * 100 + 4] = { 0 };   /* and the NULL at the end */
  char *names = keep (malloc (100 * 8));
  size_t n = 0;
  for (int i = 0; i < 100; i++)
    {
      snprintf (names + 8 * i, 8, "/l%d", i);
      words[n++] = "--overlay-src";
      words[n++] = names + 8 * i;
    }
  words[n++] = "--ro-overlay";
  words[n++] = "/r";
  words[n++] = "cmd";
  build_ok (words);
  cr_assert_eq (plan.ops[0].n_layers, 100);
  for (int i = 0; i < 100; i++)
    expect_str ("layer", plan.ops[0].layers[i], names + 8 * i);
}

/* The COMPAT.md messages, word for word. */
struct overlay_error
{
  const char *words[8];
  const char *message;
};

#define MUST_FOLLOW "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"

static struct overlay_error overlay_errors[] = {
  { { "--overlay", "/rw", "/wd", "/d" }, "--overlay requires at least one --overlay-src" },
  { { "--tmp-overlay", "/d" }, "--tmp-overlay requires at least one --overlay-src" },
  { { "--ro-overlay", "/d" }, "--ro-overlay requires at least two --overlay-src" },
  { { "--overlay-src", "/a", "--ro-overlay", "/d" }, "--ro-overlay requires at least two --overlay-src" },
  /* layers belong to one overlay */
  { { "--overlay-src", "/a", "--tmp-overlay", "/d", "--tmp-overlay", "/e" }, "--tmp-overlay requires at least one --overlay-src" },
  { { "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/d", "--ro-overlay", "/e" },
    "--ro-overlay requires at least two --overlay-src" },
  { { "--overlay-src", "/a", "--bind", "/b" }, MUST_FOLLOW },
  { { "--overlay-src", "/a", "--perms", "0700", "--tmp-overlay" }, MUST_FOLLOW },
  { { "--overlay-src", "/a", "--unshare-pid" }, MUST_FOLLOW },
  { { "--overlay-src", "/a" }, MUST_FOLLOW },
  { { "--overlay-src", "/a", "--" }, MUST_FOLLOW },
};

PARAM_TEST (overlays, interface_errors, overlay_errors, struct overlay_error, e)
{
  const char *words[10] = { 0 };
  size_t n = 0;
  for (; n < COUNT (e->words) && e->words[n]; n++)
    words[n] = e->words[n];
  words[n] = "cmd";
  build_fails (PLAN_ERROR_INVALID, words);
  expect_message (e->message);
}

T (overlays, pending_layer_at_end_of_argv)
{
  BUILD_INVALID ("--tmpfs", "/t", "--overlay-src", "/a");
  expect_message (MUST_FOLLOW);
}

static struct bad_words overlay_empty_paths[] = {
  { { "--overlay-src", "" }, "--overlay-src", "empty" },
  { { "--overlay-src", "/a", "--overlay", "", "/w" }, "--overlay", "empty" },
  { { "--overlay-src", "/a", "--overlay", "/r", "" }, "--overlay", "empty" },
  { { "--overlay-src", "/a", "--tmp-overlay", "" }, "--tmp-overlay", "empty" },
};

PARAM_TEST (overlays, empty_path, overlay_empty_paths, struct bad_words, b)
{
  build_bad_words (b);      /* "cmd" completes --overlay */
}

T (overlays, empty_dest_of_overlay)
{
  BUILD_INVALID ("--overlay-src", "/a", "--overlay", "/r", "/w", "", "cmd");
  expect_message_names ("--overlay", "empty");
}

/* --perms and --size do not apply to overlays. */
T (overlays, not_for_modifiers)
{
  BUILD_INVALID ("--overlay-src", "/a", "--size", "100", "--tmp-overlay", "/d", "cmd");
  expect_message (MUST_FOLLOW);
  BUILD_INVALID ("--size", "100", "--overlay-src", "/a", "--tmp-overlay", "/d", "cmd");
  expect_message_names ("--size 100", "--tmp-overlay");
}

/* ---- --perms and --size ------------------------------------------------- */

T (modifiers, perms_and_size_either_order)
{
  BUILD_OK ("--perms", "0700", "--size", "4096", "--tmpfs", "/a", "--size", "8192", "--perms", "0750", "--tmpfs", "/b", "cmd");
  expect_n_ops (2);
  EXPECT_OP (0, .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/a", .perms = 0700, .size = 4096);
  EXPECT_OP (1, .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/b", .perms = 0750, .size = 8192);
}

T (modifiers, apply_to_the_next_operation_only)
{
  BUILD_OK ("--perms", "0700", "--size", "100", "--tmpfs", "/a", "--tmpfs", "/b", "--perms", "0", "--dir", "/c", "--dir", "/d", "cmd");
  expect_n_ops (4);
  EXPECT_OP (0, .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/a", .perms = 0700, .size = 100);
  EXPECT_OP (1, .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/b");
  EXPECT_OP (2, .kind = OP_DIR, .option = "--dir", .dest = "/c", .perms = 0);
  EXPECT_OP (3, .kind = OP_DIR, .option = "--dir", .dest = "/d");
}

T (modifiers, perms_twice)
{
  BUILD_INVALID ("--perms", "0700", "--perms", "0750", "--dir", "/d", "cmd");
  expect_message_names ("--perms", "0750");
  expect_message_has ("0700");
}

T (modifiers, perms_twice_with_size_between)
{
  BUILD_INVALID ("--perms", "0700", "--size", "1", "--perms", "0700", "--tmpfs", "/d", "cmd");
  expect_message_names ("--perms", "0700");
  expect_message_has ("twice");
}

T (modifiers, size_twice)
{
  BUILD_INVALID ("--size", "100", "--size", "200", "--tmpfs", "/t", "cmd");
  expect_message_names ("--size", "200");
  expect_message_has ("100");
}

static struct bad_value bad_sizes[] = {
  { "--size", "0" }, { "--size", "000" }, { "--size", "" }, { "--size", "-1" }, { "--size", "1k" },
  { "--size", "1M" }, { "--size", "big" }, { "--size", "0x100" }, { "--size", " 1" },
  { "--size", "9223372036854775808" }, { "--size", "18446744073709551615" },
  { "--size", "18446744073709551616" }, { "--size", "99999999999999999999999999" },
};

PARAM_TEST (modifiers, bad_size, bad_sizes, struct bad_value, b)
{
  BUILD_INVALID (b->option, b->value, "--tmpfs", "/t", "cmd");
  expect_message_names (b->option, b->value);
}

/* A modifier must be followed by an operation it applies to. */
static struct bad_words unfollowed[] = {
  { { "--perms", "0700", "--bind", "/a" }, "--perms 0700", "--bind" },
  { { "--perms", "0700", "--ro-bind", "/a" }, "--perms 0700", "--ro-bind" },
  { { "--perms", "0700", "--symlink", "a" }, "--perms 0700", "--symlink" },
  { { "--perms", "0700", "--chmod", "0755" }, "--perms 0700", "--chmod" },
  { { "--perms", "0700", "--proc", "/proc" }, "--perms 0700", "--proc" },
  { { "--perms", "0700", "--dev", "/dev" }, "--perms 0700", "--dev" },
  { { "--perms", "0700", "--mqueue", "/m" }, "--perms 0700", "--mqueue" },
  { { "--perms", "0700", "--remount-ro", "/r" }, "--perms 0700", "--remount-ro" },
  { { "--perms", "0700", "--bind-fd", "3" }, "--perms 0700", "--bind-fd" },
  { { "--perms", "0700", "--overlay-src", "/a", "--tmp-overlay" }, "--perms 0700", "--tmp-overlay" },
  { { "--perms", "0700", "--unshare-pid" }, "--perms 0700", "--unshare-pid" },
  { { "--perms", "0700", "--setenv", "A" }, "--perms 0700", "--setenv" },
  { { "--size", "100", "--dir", "/d" }, "--size 100", "--dir" },
  { { "--size", "100", "--file", "3" }, "--size 100", "--file" },
  { { "--size", "100", "--bind-data", "3" }, "--size 100", "--bind-data" },
  { { "--size", "100", "--ro-bind-data", "3" }, "--size 100", "--ro-bind-data" },
  { { "--size", "100", "--perms", "0700", "--dir" }, "--size 100", "--dir" },
  { { "--perms", "0700", "--size", "100", "--dir" }, "--size 100", "--dir" },
  { { "--size", "100", "--bind", "/a" }, "--size 100", "--bind" },
};

PARAM_TEST (modifiers, not_followed_by_its_operation, unfollowed, struct bad_words, b)
{
  build_bad_words (b);      /* "cmd" completes the two-argument options */
}

/* ... which it also is not at the end of the options. */
static struct bad_words at_end[] = {
  { { "--perms", "0700" }, "--perms", "0700" },
  { { "--perms", "0700", "--" }, "--perms", "0700" },
  { { "--dir", "/a", "--perms", "0700" }, "--perms", "0700" },
  { { "--size", "100" }, "--size", "100" },
  { { "--size", "100", "--" }, "--size", "100" },
  { { "--perms", "0700", "--size", "100" }, "--perms", "0700" },
};

PARAM_TEST (modifiers, at_end_of_options, at_end, struct bad_words, b)
{
  build_bad_words (b);      /* followed by the command "cmd" */
}

T (modifiers, at_end_of_argv)
{
  BUILD_INVALID ("--dir", "/a", "--size", "100");
  expect_message_names ("--size", "100");
  BUILD_INVALID ("--perms", "0700");
  expect_message_names ("--perms", "0700");
}

/* ---- where the options end ------------------------------------------------- */

T (endings, double_dash_then_option_word_is_command)
{
  BUILD_OK ("--bind", "/a", "/b", "--", "--dev-bind", "/c", "/d");
  expect_n_ops (1);
  EXPECT_COMMAND ("--dev-bind", "/c", "/d");
  cr_assert_eq (plan.command, plan.args + 4);
}

T (endings, double_dash_twice)
{
  BUILD_OK ("--", "--", "x");
  EXPECT_COMMAND ("--", "x");
}

T (endings, double_dash_without_command)
{
  BUILD_OK ("--unshare-net", "--");
  EXPECT_NO_COMMAND ();
  expect_ns ("NNNYNN");
}

T (endings, first_plain_word_is_command)
{
  BUILD_OK ("--unshare-pid", "cmd", "--unshare-net", "--", "--foo");
  EXPECT_COMMAND ("cmd", "--unshare-net", "--", "--foo");
  cr_assert_eq (plan.command, plan.args + 1);
  expect_ns ("NNYNNN");
}

T (endings, empty_word_is_command)
{
  BUILD_OK ("--unshare-pid", "", "x");
  EXPECT_COMMAND ("", "x");
}

T (endings, option_arguments_are_not_the_command)
{
  BUILD_OK ("--setenv", "A", "--", "--argv0", "cmd", "--", "real");
  expect_env (0, ENV_SET, "A", "--");
  expect_str ("argv0", plan.argv0, "cmd");
  EXPECT_COMMAND ("real");
}

static const char *unknown_options[] = {
  "--foo", "-", "-h", "---bind", "--BIND", "--bin", "--bind=/a", "--unshare", "--perms=0700", "-bind",
};

PARAM_TEST (endings, unknown_option, unknown_options, const char *, o)
{
  BUILD_INVALID ("--unshare-pid", *o, "cmd");
  char expected[128];
  snprintf (expected, sizeof expected, "Unknown option %s", *o);
  expect_message (expected);
}

T (endings, unknown_option_exact_text)
{
  BUILD_INVALID ("--foo");
  expect_message ("Unknown option --foo");
}

/* ---- --args ------------------------------------------------------------- */

T (args, spliced_at_its_position)
{
  add_blob (BLOB (3, ARG ("--dir") ARG ("/from-blob") ARG ("--setenv") ARG ("A") ARG ("1")));
  BUILD_OK ("--dir", "/before", "--args", "3", "--dir", "/after", "cmd");
  cr_assert_eq (n_reads, 1);
  expect_n_ops (3);
  EXPECT_OP (0, .kind = OP_DIR, .option = "--dir", .dest = "/before");
  EXPECT_OP (1, .kind = OP_DIR, .option = "--dir", .dest = "/from-blob");
  EXPECT_OP (2, .kind = OP_DIR, .option = "--dir", .dest = "/after");
  expect_env (0, ENV_SET, "A", "1");
  EXPECT_COMMAND ("cmd");
  cr_assert_eq (plan.command, plan.args + 9);
}

T (args, twice)
{
  add_blob (BLOB (3, ARG ("--unshare-pid")));
  add_blob (BLOB (4, ARG ("--bind") ARG ("/a") ARG ("/b")));
  BUILD_OK ("--args", "3", "--args", "4", "--args", "3", "cmd");
  cr_assert_eq (n_reads, 3);
  expect_ns ("NNYNNN");
  expect_n_ops (1);
  EXPECT_OP (0, .kind = OP_BIND, .option = "--bind", .source = "/a", .dest = "/b");
}

T (args, directly_after_a_blob)
{
  add_blob (BLOB (3, ARG ("--dir") ARG ("/a")));
  add_blob (BLOB (4, ARG ("--dir") ARG ("/b")));
  BUILD_OK ("--args", "3", "--args", "4", "cmd");
  expect_n_ops (2);
  EXPECT_OP (1, .kind = OP_DIR, .option = "--dir", .dest = "/b");
}

/* An empty blob shrinks the argument vector: what follows "--args FD"
 * must move down before the vector shrinks (under valgrind, realloc moves
 * the block and a late memmove would read past it). */
T (args, empty_blob)
{
  add_blob (BLOB (3, ""));
  BUILD_OK ("--args", "3", "--dir", "/x", "cmd");
  expect_n_ops (1);
  EXPECT_OP (0, .kind = OP_DIR, .option = "--dir", .dest = "/x");
  EXPECT_COMMAND ("cmd");
}

T (args, empty_blob_last)
{
  add_blob (BLOB (3, ""));
  BUILD_OK ("--args", "3");
  EXPECT_NO_COMMAND ();
  validate_fails (false, PLAN_ERROR_USAGE);
}

T (args, command_from_blob)
{
  add_blob (BLOB (3, ARG ("--unshare-pid") ARG ("--") ARG ("--bind") ARG ("x")));
  BUILD_OK ("--args", "3", "more");
  EXPECT_COMMAND ("--bind", "x", "more");
  expect_ns ("NNYNNN");
}

T (args, plain_word_in_blob_is_command)
{
  add_blob (BLOB (3, ARG ("sh") ARG ("-c") ARG ("--args")));
  BUILD_OK ("--args", "3", "--args", "4");
  cr_assert_eq (n_reads, 1);
  EXPECT_COMMAND ("sh", "-c", "--args", "--args", "4");
}

/* Embedded NULs: empty arguments; other bytes pass through untouched. */
T (args, empty_and_odd_arguments)
{
  add_blob (BLOB (3, ARG ("--setenv") ARG ("A") ARG ("") ARG ("--setenv") ARG ("B") ARG ("two\nlines \t\"'\\") ARG ("--chdir")
                         ARG ("/d i r")));
  BUILD_OK ("--args", "3", "cmd");
  cr_assert_eq (plan.n_env, 2);
  expect_env (0, ENV_SET, "A", "");
  expect_env (1, ENV_SET, "B", "two\nlines \t\"'\\");
  expect_str ("chdir", plan.chdir_path, "/d i r");
}

T (args, empty_argument_in_blob_ends_options)
{
  add_blob (BLOB (3, ARG ("--unshare-uts") ARG ("") ARG ("--unshare-net")));
  BUILD_OK ("--args", "3");
  EXPECT_COMMAND ("", "--unshare-net");
  expect_ns ("NNNNYN");
}

T (args, option_arguments_continue_after_the_blob)
{
  add_blob (BLOB (3, ARG ("--perms") ARG ("0700")));
  BUILD_OK ("--args", "3", "--dir", "/p", "cmd");
  EXPECT_OP (0, .kind = OP_DIR, .option = "--dir", .dest = "/p", .perms = 0700);
}

/* Splicing means "--perms 0700 --args 3" is "--perms 0700 --dir /p" when the
 * blob holds "--dir /p"; bubblewrap 0.8 gives /p mode 0700 here.
 * --args itself is not the operation a pending --perms waits for. */
T (args, perms_before_args)
{
  add_blob (BLOB (3, ARG ("--dir") ARG ("/p")));
  BUILD_OK ("--perms", "0700", "--args", "3", "cmd");
  EXPECT_OP (0, .kind = OP_DIR, .option = "--dir", .dest = "/p", .perms = 0700);
}

T (args, without_final_nul)
{
  add_blob (BLOB (3, ARG ("--setenv") ARG ("A") "B"));
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message_names ("--args 3", "NUL");
  expect_message_has ("'B");
}

/* The same with bytes after the data in the reader's buffer (they are not
 * part of the data: the reader said len).
 * The message shows the incomplete argument from the data alone: the
 * buffer has no NUL after it. */
T (args, without_final_nul_reads_only_the_data)
{
  struct blob b = BLOB (3, ARG ("--setenv") ARG ("A") "B");
  b.slack = 64;
  add_blob (b);
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message_has ("'B'");
}

T (args, only_bytes_without_nul)
{
  add_blob (BLOB (3, "--unshare-all"));
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message_names ("--args 3", "--unshare-all");
}

T (args, nested_in_blob)
{
  add_blob (BLOB (3, ARG ("--unshare-pid") ARG ("--args") ARG ("4")));
  add_blob (BLOB (4, ARG ("--unshare-net")));
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message_names ("--args 4", "inside");
  cr_assert_eq (n_reads, 1);
}

/* "--args" from a blob, its FD from the command line: still nested. */
T (args, nested_across_blob_end)
{
  add_blob (BLOB (3, ARG ("--args")));
  add_blob (BLOB (4, ARG ("--unshare-net")));
  BUILD_INVALID ("--args", "3", "4", "cmd");
  expect_message_names ("--args 4", "inside");
  cr_assert_eq (n_reads, 1);
}

T (args, reader_failure)
{
  add_blob ((struct blob) { .fd = 3, .error = EIO });
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message_names ("--args 3", strerror (EIO));
}

T (args, unknown_fd)
{
  BUILD_INVALID ("--args", "9", "cmd");
  expect_message_names ("--args 9", strerror (EBADF));
  cr_assert_eq (n_reads, 1);
}

T (args, no_reader)
{
  char *argv[] = { (char *) "swaddle", (char *) "--args", (char *) "3", (char *) "cmd", NULL };
  cr_assert_eq (plan_build (&plan, 4, argv, NULL, &error), -1);
  cr_assert_eq (error.kind, PLAN_ERROR_INVALID);
  expect_message_names ("--args 3", strerror (EBADF));
}

T (args, unknown_option_in_blob)
{
  add_blob (BLOB (3, ARG ("--foo")));
  BUILD_INVALID ("--args", "3", "cmd");
  expect_message ("Unknown option --foo");
}

T (args, help_in_blob_stops)
{
  add_blob (BLOB (3, ARG ("--help") ARG ("--foo")));
  BUILD_OK ("--args", "3", "--bar");
  cr_assert (plan.show_help);
}

T (args, after_double_dash_is_command)
{
  add_blob (BLOB (3, ARG ("--unshare-pid")));
  BUILD_OK ("--", "--args", "3");
  cr_assert_eq (n_reads, 0);
  EXPECT_COMMAND ("--args", "3");
  expect_ns ("NNNNNN");
}

/* ---- validation ------------------------------------------------------------ */

T (validate, command_needed)
{
  BUILD_OK ("--unshare-all", "--bind", "/a", "/b");
  validate_fails (false, PLAN_ERROR_USAGE);
  validate_fails (true, PLAN_ERROR_USAGE);
  BUILD_OK ("cmd");
  validate_ok (false);
  validate_ok (true);
}

T (validate, help_version_check_need_no_command)
{
  BUILD_OK ("--help");
  validate_ok (false);
  BUILD_OK ("--version");
  validate_ok (true);
  BUILD_OK ("--check");
  validate_ok (false);
  BUILD_OK ("--check", "--json");
  validate_ok (true);
}

T (validate, json_without_check)
{
  BUILD_OK ("--json", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--json", "--check");
}

static void
expect_id_rule (const char *option, const char *value)
{
  /* Unprivileged, a user namespace always exists. */
  BUILD_OK (option, value, "cmd");
  validate_ok (false);
  /* As root, only when asked for, firmly or not. */
  validate_fails (true, PLAN_ERROR_INVALID);
  expect_message_names (option, value);
  expect_message_has ("--unshare-user");
  expect_message_has ("--userns");
  BUILD_OK ("--unshare-user", option, value, "cmd");
  validate_ok (true);
  BUILD_OK (option, value, "--unshare-user-try", "cmd");
  validate_ok (true);
  BUILD_OK ("--unshare-all", option, value, "cmd");
  validate_ok (true);
}

T (validate, uid_as_root) { expect_id_rule ("--uid", "1000"); }
T (validate, gid_as_root) { expect_id_rule ("--gid", "100"); }

T (validate, hostname_needs_uts)
{
  BUILD_OK ("--hostname", "box", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--hostname", "box");
  expect_message_has ("--unshare-uts");
  validate_fails (true, PLAN_ERROR_INVALID);
  BUILD_OK ("--hostname", "box", "--unshare-uts", "cmd");
  validate_ok (false);
  BUILD_OK ("--unshare-all", "--share-net", "--hostname", "box", "cmd");
  validate_ok (true);
}

T (validate, as_pid_1_needs_pid)
{
  BUILD_OK ("--as-pid-1", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--as-pid-1", "--unshare-pid");
  BUILD_OK ("--as-pid-1", "--unshare-pid", "cmd");
  validate_ok (false);
  BUILD_OK ("--unshare-all", "--as-pid-1", "cmd");
  validate_ok (true);
}

T (validate, wants_user_ns)
{
  struct host_facts root = { .is_root = true }, user = { .is_root = false };
  BUILD_OK ("cmd");
  cr_assert (plan_wants_user_ns (&plan, &user));
  cr_assert_not (plan_wants_user_ns (&plan, &root));
  BUILD_OK ("--unshare-user-try", "cmd");
  cr_assert (plan_wants_user_ns (&plan, &root));
  BUILD_OK ("--unshare-user", "cmd");
  cr_assert (plan_wants_user_ns (&plan, &root));
}

/* bubblewrap: "Specifying --uid requires --unshare-user or --userns". */
T (validate, id_with_userns_as_root)
{
  BUILD_OK ("--userns", "5", "--uid", "1000", "--gid", "100", "cmd");
  validate_ok (true);
}

/* bubblewrap only refuses an id that differs from the caller's: as root,
 * "--uid 0 --gid 0" without --unshare-user runs (checked with bwrap 0.8).
 * (swaddle once refused "--uid 0 requires --unshare-user"). */
T (validate, own_ids_as_root)
{
  BUILD_OK ("--uid", "0", "--gid", "0", "cmd");
  validate_ok (true);
}

T (validate, userns_not_with_unshare_user)
{
  BUILD_OK ("--userns", "5", "--unshare-user", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--userns 5", "--unshare-user");
  BUILD_OK ("--unshare-user-try", "--userns", "5", "cmd");
  validate_ok (false);
  BUILD_OK ("--unshare-all", "--userns", "5", "cmd");
  validate_ok (true);
}

T (validate, userns2_needs_userns)
{
  BUILD_OK ("--userns2", "6", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--userns2 6", "--userns");
  BUILD_OK ("--userns2", "6", "--userns", "5", "cmd");
  validate_ok (false);
}

/* bwrap's words, which its own tests match: the option given second
 * cannot be combined with the first. */
T (options, seccomp_not_with_add_seccomp_fd)
{
  BUILD_FAILS (PLAN_ERROR_INVALID, "--add-seccomp-fd", "4", "--seccomp", "5", "cmd");
  expect_message ("--seccomp cannot be combined with --add-seccomp-fd");
  BUILD_FAILS (PLAN_ERROR_INVALID, "--seccomp", "5", "--add-seccomp-fd", "4", "cmd");
  expect_message ("--add-seccomp-fd cannot be combined with --seccomp");
  BUILD_OK ("--seccomp", "5", "--seccomp", "6", "cmd");
  validate_ok (true);
  BUILD_OK ("--add-seccomp-fd", "4", "--add-seccomp-fd", "5", "cmd");
  validate_ok (true);
}

T (validate, userns_block_fd_needs_info_fd_and_user_ns)
{
  BUILD_OK ("--userns-block-fd", "5", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_names ("--userns-block-fd 5", "--info-fd");
  BUILD_OK ("--userns-block-fd", "5", "--info-fd", "6", "cmd");
  validate_ok (false);
  validate_fails (true, PLAN_ERROR_INVALID);
  expect_message_names ("--userns-block-fd 5", "--unshare-user");
  BUILD_OK ("--userns-block-fd", "5", "--info-fd", "6", "--unshare-user", "cmd");
  validate_ok (true);
}

T (validate, disable_userns)
{
  BUILD_OK ("--disable-userns", "cmd");
  validate_ok (false);
  validate_fails (true, PLAN_ERROR_INVALID);
  expect_message_names ("--disable-userns", "--unshare-user");
  BUILD_OK ("--disable-userns", "--userns", "5", "cmd");
  validate_ok (true);
  BUILD_OK ("--disable-userns", "--unshare-user", "cmd");
  validate_ok (true);
  /* Redundant together, not contradictory: bwrap runs it. */
  BUILD_OK ("--disable-userns", "--assert-userns-disabled", "cmd");
  validate_ok (false);
  BUILD_OK ("--assert-userns-disabled", "cmd");
  validate_ok (true);
}

/* ---- scale ---------------------------------------------------------------- */

/* 100,000 options, in groups of five kinds, then the command. */
T (scale, hundred_thousand_options)
{
  enum { GROUPS = 20000 };
  const char **words = calloc (GROUPS * 10 + 2, sizeof *words);
  keep ((char *) words);
  size_t n = 0;
  for (int g = 0; g < GROUPS; g++)
    {
      char *dest = keep (malloc (16));
      snprintf (dest, 16, "/d%d", g);
      const char *group[] = { "--dir", dest, "--setenv", "V", dest, "--unshare-pid", "--perms", "0700", "--tmpfs", dest };
      for (size_t i = 0; i < COUNT (group); i++)
        words[n++] = group[i];
    }
  cr_assert_eq (n, GROUPS * 10);    /* --perms counts as an option too: 5 per group */
  words[n++] = "cmd";
  build_ok (words);
  expect_n_ops (GROUPS * 2);
  cr_assert_eq (plan.n_env, GROUPS);
  EXPECT_OP (2 * 12345 + 1, .kind = OP_TMPFS, .option = "--tmpfs", .dest = "/d12345", .perms = 0700);
  EXPECT_OP (2 * (GROUPS - 1), .kind = OP_DIR, .option = "--dir", .dest = "/d19999");
  expect_env (GROUPS - 1, ENV_SET, "V", "/d19999");
  expect_ns ("NNYNNN");
  EXPECT_COMMAND ("cmd");
}

T (scale, hundred_thousand_options_from_a_blob)
{
  enum { N = 100000 };
  static const char word[] = "--unshare-net";
  char *bytes = keep (malloc (N * sizeof word));
  for (size_t i = 0; i < N; i++)
    memcpy (bytes + i * sizeof word, word, sizeof word);
  add_blob ((struct blob) { .fd = 3, .bytes = bytes, .len = N * sizeof word });
  BUILD_OK ("--args", "3", "--dir", "/x", "cmd");
  expect_ns ("NNNYNN");
  expect_n_ops (1);
  cr_assert_eq (plan.n_args, N + 3);
  EXPECT_COMMAND ("cmd");
}

/* ---- --print-plan ---------------------------------------------------------- */

/* A resolver that knows one path. */
static char *
resolve_usr_only (void *ctx, const char *path)
{
  return strcmp (path, "usr") == 0 ? strdup ("/usr") : NULL;
}

/* The plan as --print-plan prints it, for host facts of is_root. */
static char *
printed_plan (bool is_root)
{
  struct host_facts facts = { is_root, is_root ? 0 : 1000, is_root ? 0 : 1000 };
  struct plan_print_context pc = { &facts, resolve_usr_only, NULL };
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  cr_assert_not_null (out);
  plan_print_json (&plan, &pc, out);
  cr_assert_eq (fclose (out), 0);
  return keep (text);
}

/* Line n (from 0) of text, in scratch memory. */
static char *
line_of (const char *text, size_t n)
{
  for (; n > 0 && text; n--)
    text = strchr (text, '\n') ? strchr (text, '\n') + 1 : NULL;
  cr_assert (text && *text, "no line %zu", n);
  size_t len = strcspn (text, "\n");
  return keep (strndup (text, len));
}

/* s as json_write_string writes it, in scratch memory. */
static char *
json_of (const char *s)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  cr_assert_not_null (out);
  json_write_string (out, s);
  cr_assert_eq (fclose (out), 0);
  return keep (text);
}

T (json, escapes_quotes_backslashes_and_controls)
{
  cr_assert_str_eq (json_of ("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd\\u0009e\"");
  cr_assert_str_eq (json_of (NULL), "null");
}

T (json, keeps_utf8_as_it_is)
{
  /* é, €, U+10348, U+10FFFF */
  const char *text = "/d\xc3\xa9j\xe2\x82\xac/\xf0\x90\x8d\x88\xf4\x8f\xbf\xbf";
  char *want = keep (xasprintf ("\"%s\"", text));
  cr_assert_str_eq (json_of (text), want);
}

T (json, replaces_bytes_that_are_not_utf8)
{
  const struct { const char *in, *out; } cases[] = {
    { "a\xff" "b", "\"a\\ufffdb\"" },                      /* never in UTF-8 */
    { "\xc3", "\"\\ufffd\"" },                           /* cut short by the end */
    { "\xc3(", "\"\\ufffd(\"" },                         /* cut short by ASCII */
    { "\xc0\xaf", "\"\\ufffd\\ufffd\"" },                /* overlong "/" */
    { "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },     /* overlong, 3 bytes */
    { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },     /* a surrogate, U+D800 */
    { "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* above U+10FFFF */
    { "\x80", "\"\\ufffd\"" },                           /* a lone continuation byte */
  };
  for (size_t i = 0; i < COUNT (cases); i++)
    cr_assert_str_eq (json_of (cases[i].in), cases[i].out, "case %zu", i);
}

T (print_plan, the_option_allows_no_command)
{
  BUILD_OK ("--print-plan", "--ro-bind", "/", "/");
  cr_assert (plan.print_plan);
  validate_ok (false);
  BUILD_OK ("--ro-bind", "/", "/");
  validate_fails (false, PLAN_ERROR_USAGE);
}

T (print_plan, still_validates)
{
  BUILD_OK ("--print-plan", "--hostname", "h", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
}

T (print_plan, one_line_per_operation_in_order)
{
  BUILD_OK ("--ro-bind", "usr", "/usr//", "--symlink", "usr/bin", "/bin", "--perms", "0700",
            "--tmpfs", "tmp/../x/./y", "--bind-try", "/nope", "/n", "--dev-bind", "/dev", "/dev", "sh");
  char *text = printed_plan (false);
  size_t lines = 0;
  for (const char *c = text; *c; c++)
    lines += *c == '\n';
  cr_assert_eq (lines, 6, "%s", text);
  cr_assert_str_eq (line_of (text, 1),
                    "{\"step\": 1, \"op\": \"bind\", \"option\": \"--ro-bind\", \"dest\": \"/usr\", "
                    "\"source\": \"usr\", \"resolved_source\": \"/usr\", "
                    "\"flags\": [\"ro\", \"nosuid\", \"nodev\", \"recursive\"]}");
  cr_assert_str_eq (line_of (text, 2),
                    "{\"step\": 2, \"op\": \"symlink\", \"option\": \"--symlink\", \"dest\": \"/bin\", "
                    "\"target\": \"usr/bin\"}");
  cr_assert_str_eq (line_of (text, 3),
                    "{\"step\": 3, \"op\": \"tmpfs\", \"option\": \"--tmpfs\", \"dest\": \"/x/y\", "
                    "\"fstype\": \"tmpfs\", \"mode\": \"0700\", \"flags\": [\"nosuid\", \"nodev\"]}");
  cr_assert (strstr (line_of (text, 4), "\"resolved_source\": null, \"missing_source\": \"skip\"") != NULL, "%s", text);
  /* --dev-bind leaves device access on. */
  cr_assert (strstr (line_of (text, 5), "\"flags\": [\"nosuid\", \"recursive\"]") != NULL, "%s", text);
}

T (print_plan, the_sandbox_line)
{
  BUILD_OK ("--unshare-pid", "--unshare-net", "--share-net", "--setenv", "A", "b\"c", "--unsetenv", "B",
            "--cap-add", "CAP_NET_ADMIN", "--pty", "--sync-fd", "0", "--", "echo", "a\nb");
  char *text = printed_plan (false);
  char *sandbox = line_of (text, 0);
  cr_assert (strncmp (sandbox, "{\"sandbox\": {\"namespaces\": {\"mount\": \"new\", \"user\": \"new\", "
                      "\"ipc\": \"shared\", \"pid\": \"new\", \"net\": \"shared\",", 104) == 0, "%s", sandbox);
  cr_assert (strstr (sandbox, "\"environment\": [{\"set\": \"A\", \"value\": \"b\\\"c\"}, {\"unset\": \"B\"}]"), "%s", sandbox);
  cr_assert (strstr (sandbox, "\"capabilities\": [\"add CAP_NET_ADMIN\"]"), "%s", sandbox);
  cr_assert (strstr (sandbox, "\"new_session\": true, \"pty\": true"), "%s", sandbox);
  cr_assert (strstr (sandbox, "\"sync_fd\": 0"), "%s", sandbox);
  cr_assert (strstr (sandbox, "\"command\": [\"echo\", \"a\\nb\"]}}"), "%s", sandbox);
  /* As root, no user namespace unless asked. */
  text = printed_plan (true);
  cr_assert (strstr (line_of (text, 0), "\"user\": \"shared\""), "%s", text);
}

T (print_plan, not_a_security_boundary)
{
  BUILD_OK ("--not-a-security-boundary", "--bind", "/a", "/b", "true");
  cr_assert (strstr (line_of (printed_plan (false), 0), "\"not_a_security_boundary\": true"));
  BUILD_OK ("--bind", "/a", "/b", "true");
  cr_assert (strstr (line_of (printed_plan (false), 0), "\"not_a_security_boundary\": false"));
}

T (print_plan, proc_and_sys_follow_the_namespaces)
{
  BUILD_OK ("--proc", "/proc", "--sys", "/sys", "true");
  char *text = printed_plan (false);
  cr_assert (strstr (line_of (text, 1), "\"fstype\": \"bind of the caller's /proc\""), "%s", text);
  cr_assert (strstr (line_of (text, 2), "\"fstype\": \"bind of the caller's /sys\""), "%s", text);
  BUILD_OK ("--unshare-pid", "--unshare-net", "--proc", "/proc", "--sys", "/sys", "true");
  text = printed_plan (false);
  cr_assert (strstr (line_of (text, 1), "\"fstype\": \"proc\""), "%s", text);
  cr_assert (strstr (line_of (text, 2), "\"fstype\": \"sysfs\", \"flags\": [\"ro\", \"nosuid\", \"nodev\", \"noexec\"]"), "%s", text);
}

/* ---- policy by name ---------------------------------------------------------- */

T (policy, seccomp_lists_accumulate_in_order)
{
  BUILD_OK ("--seccomp-deny", "ptrace,mount", "--seccomp-deny", "umount2", "--seccomp-errno", "enosys", "cmd");
  cr_assert_eq (plan.n_seccomp_deny, 3);
  expect_str ("deny 0", plan.seccomp_deny[0], "ptrace");
  expect_str ("deny 2", plan.seccomp_deny[2], "umount2");
  cr_assert_eq (plan.seccomp_errno, ENOSYS);
  BUILD_OK ("--seccomp-errno", "4095", "--seccomp-allow", "read", "cmd");
  cr_assert_eq (plan.seccomp_errno, 4095);
  cr_assert_eq (plan.n_seccomp_allow, 1);
}

T (policy, the_default_profile_is_a_deny_list)
{
  BUILD_OK ("--seccomp-profile", "default", "--seccomp-deny", "ptrace", "cmd");
  expect_str ("profile", plan.seccomp_profile, "default");
  cr_assert_gt (plan.n_seccomp_deny, 30);
  bool has_bpf = false;
  for (size_t i = 0; i < plan.n_seccomp_deny; i++)
    has_bpf |= strcmp (plan.seccomp_deny[i], "bpf") == 0;
  cr_assert (has_bpf);
  expect_str ("the last", plan.seccomp_deny[plan.n_seccomp_deny - 1], "ptrace");
}

T (policy, families_scopes_paths_and_ports)
{
  BUILD_OK ("--deny-socket", "netlink,AF_PACKET,Bluetooth", "--landlock-scope", "signal",
            "--landlock-ro", "/usr", "--landlock-rw", "/tmp", "--landlock-tcp-connect", "0,65535",
            "--landlock-tcp-bind", "8080", "cmd");
  cr_assert_eq (plan.n_deny_socket, 3);
  cr_assert_eq (plan.deny_socket[0], 16);
  cr_assert_eq (plan.deny_socket[1], 17);
  cr_assert_eq (plan.deny_socket[2], 31);
  cr_assert_eq (plan.landlock_scope, LANDLOCK_SCOPE_SIGNALS);
  cr_assert_eq (plan.n_landlock_paths, 2);
  cr_assert (!plan.landlock_paths[0].writable && plan.landlock_paths[1].writable);
  cr_assert_eq (plan.n_landlock_tcp_connect, 2);
  cr_assert_eq (plan.landlock_tcp_connect[1], 65535);
  cr_assert_eq (plan.landlock_tcp_bind[0], 8080);
  cr_assert (plan_wants_landlock (&plan));
}

/* One program for the native ABI and one for each foreign ABI asked for:
 * an ABI the kernel cannot enter gets none. */
static size_t
programs_compiled (unsigned foreign_abis)
{
  struct seccomp_rules_bpf bpf;
  const char *step = NULL;
  cr_assert_eq (seccomp_rules_compile (&plan, foreign_abis, &bpf, &step), 0, "compile: %s", step);
  for (size_t i = 0; i < bpf.n; i++)
    {
      cr_assert_gt (bpf.length[i], 0);
      free (bpf.filter[i]);
    }
  return bpf.n;
}

T (policy, rules_compiled_for_the_native_and_the_asked_abis)
{
  BUILD_OK ("--seccomp-deny", "getpid,acct", "--deny-socket", "netlink", "cmd");
  cr_assert_eq (programs_compiled (0), 1);
#if defined(__x86_64__)
  cr_assert_eq (programs_compiled (SECCOMP_ABI_I386), 2);
  cr_assert_eq (programs_compiled (SECCOMP_ABI_X32), 2);
  cr_assert_eq (programs_compiled (SECCOMP_ABI_X32 | SECCOMP_ABI_I386), 3);
  cr_assert_eq (programs_compiled (SECCOMP_ABI_X32 | SECCOMP_ABI_I386 | SECCOMP_ABI_ARM), 3);
#endif
}

struct bad_policy
{
  const char *option, *value;
};

static struct bad_policy bad_policies[] = {
  { "--seccomp-deny", "nosuchcall" }, { "--seccomp-deny", "" }, { "--seccomp-deny", "read,,write" },
  { "--seccomp-deny", "read," }, { "--seccomp-allow", ",read" }, { "--seccomp-errno", "EWHAT" },
  { "--seccomp-errno", "0" }, { "--seccomp-errno", "4096" }, { "--seccomp-errno", "-1" },
  { "--seccomp-profile", "strict" }, { "--deny-socket", "netlinkx" }, { "--deny-socket", "" },
  { "--landlock-scope", "signals" }, { "--landlock-scope", "" }, { "--landlock-ro", "usr" },
  { "--landlock-rw", "" }, { "--landlock-tcp-connect", "65536" }, { "--landlock-tcp-bind", "http" },
  { "--landlock-tcp-bind", "80,,81" },
};

PARAM_TEST (policy, bad_values_name_option_and_value, bad_policies, struct bad_policy, c)
{
  BUILD_INVALID (c->option, c->value, "cmd");
  expect_message_names (c->option, *c->value ? c->value : NULL);
}

T (policy, combinations_are_checked)
{
  BUILD_OK ("--seccomp-errno", "EPERM", "cmd");
  validate_fails (false, PLAN_ERROR_INVALID);
  expect_message_has ("--seccomp-errno");
  BUILD_INVALID ("--seccomp-profile", "default", "--seccomp-profile", "default", "cmd");
  expect_message_names ("--seccomp-profile", "default");
}

struct normalize_case
{
  const char *path, *expected;
};

static struct normalize_case normalize_cases[] = {
  { "/", "/" }, { "", "/" }, { "a", "/a" }, { "//a///b/", "/a/b" }, { "/a/./b/.", "/a/b" },
  { "/a/../b", "/b" }, { "../../x", "/x" }, { "/a/b/../../..", "/" }, { "/..a/b..", "/..a/b.." },
  { "/a/.../b", "/a/.../b" },
};

PARAM_TEST (print_plan, path_normalize, normalize_cases, struct normalize_case, c)
{
  char *got = keep (path_normalize (c->path));
  cr_assert_str_eq (got, c->expected, "path_normalize (\"%s\")", c->path);
}

/* ---- id ranges: --map-subids, --uid-map, --gid-map ------------------------ */

T (id_ranges, maps_are_kept_in_order)
{
  BUILD_OK ("--uid-map", "0:1000:1", "--uid-map", "1:100000:65535", "--gid-map", "5:6:7", "true");
  cr_assert_eq (plan.n_uid_maps, 2);
  cr_assert_eq (plan.n_gid_maps, 1);
  cr_assert_eq (plan.uid_maps[1].inside, 1);
  cr_assert_eq (plan.uid_maps[1].outside, 100000);
  cr_assert_eq (plan.uid_maps[1].count, 65535);
  expect_str ("text", plan.uid_maps[1].text, "1:100000:65535");
  cr_assert_eq (plan.gid_maps[0].inside, 5);
  cr_assert_eq (plan.gid_maps[0].outside, 6);
  cr_assert_eq (plan.gid_maps[0].count, 7);
  cr_assert (!plan.map_subids);
  BUILD_OK ("--uid-map", "4294967293:4294967293:1", "true");
}

struct bad_map
{
  const char *value, *message;
};

static struct bad_map bad_maps[] = {
  { "", "is not INSIDE:OUTSIDE:COUNT" }, { "1", "is not INSIDE:OUTSIDE:COUNT" },
  { "1:2", "is not INSIDE:OUTSIDE:COUNT" }, { "1:2:3:4", "is not INSIDE:OUTSIDE:COUNT" },
  { "1::3", "is not INSIDE:OUTSIDE:COUNT" }, { ":1:2", "is not INSIDE:OUTSIDE:COUNT" },
  { "1:2:", "is not INSIDE:OUTSIDE:COUNT" }, { "a:2:3", "is not INSIDE:OUTSIDE:COUNT" },
  { "-1:2:3", "is not INSIDE:OUTSIDE:COUNT" }, { "+1:2:3", "is not INSIDE:OUTSIDE:COUNT" },
  { " 1:2:3", "is not INSIDE:OUTSIDE:COUNT" }, { "1:2:3 ", "is not INSIDE:OUTSIDE:COUNT" },
  { "4294967295:0:1", "is not INSIDE:OUTSIDE:COUNT" }, { "00000000000000000001:2:3", "is not INSIDE:OUTSIDE:COUNT" },
  { "0:0:0", "the COUNT is 0" }, { "4294967290:0:6", "goes past id 4294967294" },
  { "0:4294967294:2", "goes past id 4294967294" },
};

PARAM_TEST (id_ranges, bad_values, bad_maps, struct bad_map, b)
{
  static const char *const options[] = { "--uid-map", "--gid-map" };
  for (size_t i = 0; i < COUNT (options); i++)
    {
      BUILD_INVALID (options[i], b->value, "true");
      expect_message_names (options[i], b->value);
      expect_message_has (b->message);
    }
}

T (id_ranges, overlaps_are_refused_on_either_side)
{
  BUILD_INVALID ("--uid-map", "0:1000:10", "--uid-map", "9:2000:1", "true");
  expect_message ("--uid-map 9:2000:1: its ids inside overlap those of --uid-map 0:1000:10");
  BUILD_INVALID ("--gid-map", "0:1000:10", "--gid-map", "20:1009:5", "true");
  expect_message ("--gid-map 20:1009:5: its ids outside overlap those of --gid-map 0:1000:10");
  /* uid and gid maps are separate; adjacent ranges do not overlap. */
  BUILD_OK ("--uid-map", "0:1000:10", "--gid-map", "0:1000:10", "--uid-map", "10:1010:5", "true");
}

T (id_ranges, at_most_340_maps)
{
  const char *words[2 * 341 + 2] = { 0 };
  size_t n = 0;
  for (unsigned i = 0; i < 341; i++)
    {
      words[n++] = "--uid-map";
      words[n++] = keep (xasprintf ("%u:%u:1", i, 100000 + i));
    }
  words[n++] = "true";
  cr_assert_eq (build_words (words), -1);
  expect_message_has ("more than 340 maps");
  words[2 * 340] = "true";
  words[2 * 340 + 1] = NULL;
  cr_assert_eq (build_words (words), 0, "%s", error.message);
}

static int
validate_as (uid_t uid, bool is_root)
{
  struct host_facts facts = { .is_root = is_root, .uid = uid, .gid = uid };
  return plan_validate (&plan, &facts, &error);
}

T (id_ranges, validation)
{
  BUILD_OK ("--map-subids", "true");
  cr_assert_eq (validate_as (1000, false), 0, "%s", error.message);
  cr_assert_eq (validate_as (0, true), -1);
  expect_message_has ("--map-subids requires --unshare-user");
  BUILD_OK ("--unshare-user", "--map-subids", "true");
  cr_assert_eq (validate_as (0, true), 0, "%s", error.message);
  BUILD_OK ("--map-subids", "--uid-map", "0:1000:1", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message_has ("cannot be combined with --uid-map");
  BUILD_OK ("--userns", "5", "--gid-map", "0:1000:1", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message ("--gid-map 0:1000:1 cannot be combined with --userns: the maps of a joined user namespace are already written");
  BUILD_OK ("--map-subids", "--disable-userns", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message_has ("cannot be combined with --disable-userns");
  BUILD_OK ("--uid-map", "0:1000:1", "--pidns", "5", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message_has ("--uid-map 0:1000:1 cannot be combined with --pidns");
  /* The caller's own id must be mapped, and --uid agree with where. */
  BUILD_OK ("--uid-map", "0:100000:10", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message ("--uid-map 0:100000:10: no map includes your own id 1000, which the sandbox runs as; add --uid-map INSIDE:1000:1");
  BUILD_OK ("--uid-map", "0:100000:10", "--uid-map", "10:1000:1", "--uid", "10", "true");
  cr_assert_eq (validate_as (1000, false), 0, "%s", error.message);
  BUILD_OK ("--gid-map", "3:1000:1", "--gid", "4", "true");
  cr_assert_eq (validate_as (1000, false), -1);
  expect_message ("--gid 4: --gid-map 3:1000:1 puts your id 1000 at 3 inside, which is the id the sandbox runs as");
}

T (id_ranges, the_sandbox_ids)
{
  struct host_facts facts = { .uid = 1000, .gid = 1001 };
  BUILD_OK ("--uid-map", "0:100000:10", "--uid-map", "10:1000:1", "--gid-map", "7:1001:1", "true");
  cr_assert_eq (plan_sandbox_uid (&plan, &facts), 10);
  cr_assert_eq (plan_sandbox_gid (&plan, &facts), 7);
  BUILD_OK ("--uid", "0", "--map-subids", "true");
  cr_assert_eq (plan_sandbox_uid (&plan, &facts), 0);
  cr_assert_eq (plan_sandbox_gid (&plan, &facts), 1001);
  cr_assert (plan_maps_id_ranges (&plan));
  BUILD_OK ("true");
  cr_assert (!plan_maps_id_ranges (&plan));
}

T (print_plan, id_maps)
{
  BUILD_OK ("--uid-map", "0:1000:1", "--uid-map", "1:100000:65535", "true");
  char *text = printed_plan (false);
  cr_assert (strstr (line_of (text, 0), "\"map_subids\": false, \"uid_maps\": [{\"inside\": 0, \"outside\": 1000, \"count\": 1}, "
                                        "{\"inside\": 1, \"outside\": 100000, \"count\": 65535}], \"gid_maps\": []"), "%s", text);
  BUILD_OK ("--map-subids", "true");
  text = printed_plan (false);
  cr_assert (strstr (line_of (text, 0), "\"map_subids\": true"), "%s", text);
}

/* ---- limits ---------------------------------------------------------------- */

T (limits, rlimit_names_values_and_order)
{
  BUILD_OK ("--rlimit", "nofile=10:20", "--rlimit", "RLIMIT_CORE=0", "--rlimit", "Stack=8M:unlimited",
            "--rlimit", "cpu=inf", "true");
  cr_assert_eq (plan.n_rlimits, 4);
  cr_assert_eq (plan.rlimits[0].resource, RLIMIT_NOFILE);
  cr_assert_eq (plan.rlimits[0].soft, 10);
  cr_assert_eq (plan.rlimits[0].hard, 20);
  cr_assert (plan.rlimits[0].has_hard);
  cr_assert_eq (plan.rlimits[1].resource, RLIMIT_CORE);
  cr_assert (!plan.rlimits[1].has_hard);
  cr_assert_eq (plan.rlimits[2].soft, 8 << 20);
  cr_assert_eq (plan.rlimits[2].hard, LIMIT_UNLIMITED);
  cr_assert_eq (plan.rlimits[3].soft, LIMIT_UNLIMITED);
}

static const char *const bad_rlimits[] = {
  "nofile", "nofile=", "=1", "nofile=-1", "nofile=x", "nofile=1:", "nofile=:1", "nofile=2:1",
  "bogus=1", "nofile=1 ", "nofile=18446744073709551615", "nofile=99999999999999999999", "nofile=1Z",
};

PARAM_TEST (limits, bad_rlimit_values_name_option_and_value, bad_rlimits, const char *const, text)
{
  BUILD_INVALID ("--rlimit", *text, "true");
  char expected[128];
  snprintf (expected, sizeof expected, "--rlimit %s: ", *text);
  cr_assert (strncmp (error.message, expected, strlen (expected)) == 0, "%s", error.message);
  cr_assert_null (strchr (error.message, '\n'), "one line: %s", error.message);
}

T (limits, timeout_seconds_and_grace)
{
  BUILD_OK ("--timeout", "2", "true");
  cr_assert_eq (plan.timeout_ms, 2000);
  cr_assert_eq (plan.timeout_grace_ms, 5000);
  BUILD_OK ("--timeout", "0.25:1.5", "true");
  cr_assert_eq (plan.timeout_ms, 250);
  cr_assert_eq (plan.timeout_grace_ms, 1500);
  BUILD_OK ("--timeout", ".5:0", "true");
  cr_assert_eq (plan.timeout_ms, 500);
  cr_assert_eq (plan.timeout_grace_ms, 0);
}

static const char *const bad_timeouts[] = { "0", "-1", "x", "", "1.", "1.2345", "1:", ":1", "1:x", "1:-1", "99999999999" };

PARAM_TEST (limits, bad_timeouts_name_option_and_value, bad_timeouts, const char *const, text)
{
  BUILD_INVALID ("--timeout", *text, "true");
  char expected[64];
  snprintf (expected, sizeof expected, "--timeout %s: ", *text);
  cr_assert (strncmp (error.message, expected, strlen (expected)) == 0, "%s", error.message);
}

T (limits, cgroup_values)
{
  BUILD_OK ("--memory-max", "64M", "--pids-max", "20", "--cpu-max", "1.5", "true");
  cr_assert_eq (plan.memory_max, 64 << 20);
  cr_assert_eq (plan.pids_max, 20);
  cr_assert_eq (plan.cpu_quota_us, 150000);
  cr_assert_eq (plan.cpu_period_us, 100000);
  BUILD_OK ("--memory-max", "4096", "--cpu-max", "20000/50000", "true");
  cr_assert_eq (plan.memory_max, 4096);
  cr_assert_eq (plan.cpu_quota_us, 20000);
  cr_assert_eq (plan.cpu_period_us, 50000);
  BUILD_INVALID ("--memory-max", "0", "true");
  BUILD_INVALID ("--memory-max", "-1", "true");
  BUILD_INVALID ("--memory-max", "64MB", "true");
  BUILD_INVALID ("--pids-max", "0", "true");
  BUILD_INVALID ("--pids-max", "1.5", "true");
  BUILD_INVALID ("--cpu-max", "0", "true");
  BUILD_INVALID ("--cpu-max", "0.001", "true");
  BUILD_INVALID ("--cpu-max", "100/100000", "true");
  BUILD_INVALID ("--cpu-max", "100000/2000000", "true");
  cr_assert (strstr (error.message, "--cpu-max 100000/2000000: ") == error.message, "%s", error.message);
}

/* Above the caller's hard limit: refused without CAP_SYS_RESOURCE. */
T (limits, rlimit_above_the_hard_limit)
{
  struct host_facts facts = { .rlimits_known = true };
  for (size_t i = 0; i < COUNT (facts.rlimit_hard); i++)
    facts.rlimit_hard[i] = LIMIT_UNLIMITED;
  facts.rlimit_hard[RLIMIT_NOFILE] = 1024;
  BUILD_OK ("--rlimit", "nofile=512:1024", "true");
  cr_assert_eq (plan_validate (&plan, &facts, &error), 0, "%s", error.message);
  BUILD_OK ("--rlimit", "nofile=2048", "true");
  cr_assert_eq (plan_validate (&plan, &facts, &error), -1);
  cr_assert (strstr (error.message, "--rlimit nofile=2048: ") == error.message, "%s", error.message);
  BUILD_OK ("--rlimit", "nofile=10:2048", "true");
  cr_assert_eq (plan_validate (&plan, &facts, &error), -1);
  facts.may_raise_rlimits = true;
  cr_assert_eq (plan_validate (&plan, &facts, &error), 0, "%s", error.message);
}

/* pid 1 is the payload, and the relay outside keeps no time. */
T (limits, timeout_not_with_as_pid_1_and_pty)
{
  BUILD_OK ("--unshare-pid", "--as-pid-1", "--pty", "--timeout", "5", "true");
  validate_fails (false, PLAN_ERROR_INVALID);
  cr_assert (strstr (error.message, "--timeout 5 ") == error.message, "%s", error.message);
  BUILD_OK ("--unshare-pid", "--as-pid-1", "--timeout", "5", "true");
  validate_ok (false);
}
