/* swaddle: the command line, table-driven.
 *
 * Each option is a row: its name, how many arguments it takes, the help
 * text, and the function that records it in the plan.  Options are read
 * left to right; --args FD splices arguments in at its own position.  No
 * system call is made here: the bytes behind an --args FD come through the
 * caller's reader. */
#include "plan.h"
#include "plan-internal.h"
#include "seccomp-rules.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

struct parser;
struct option_spec;

typedef int (*option_apply) (struct parser *p, const struct option_spec *spec, char **args);

enum option_takes
{
  TAKES_PERMS = 1 << 0,   /* a preceding --perms applies */
  TAKES_SIZE = 1 << 1,    /* a preceding --size applies */
  IS_MODIFIER = 1 << 2,   /* --perms, --size: wait for their operation */
  IS_LAYER = 1 << 4,      /* --overlay-src: waits for its overlay */
  TAKES_LAYERS = 1 << 5,  /* the overlay family */
};

struct option_spec
{
  const char *name;
  unsigned n_args;
  const char *metavar;
  const char *help;
  option_apply apply;
  unsigned takes;         /* enum option_takes */
  int data;               /* the handler's parameter */
};

struct parser
{
  struct plan *plan;
  struct plan_error *error;
  const struct plan_reader *reader;
  size_t spliced_end;     /* args before this index came from an --args FD */
  int pending_perms;
  const char *pending_perms_text;
  uint64_t pending_size;
  const char *pending_size_text;
};

enum { APPLY_STOP = 1 };  /* --help, --version: stop reading */

/* Handler parameters packed into option_spec.data. */
#define FIELD(f) ((int) offsetof (struct plan, f))
#define NS(type, want) ((int) ((type) | ((want) << 8)))
/* An operation and its bind flags in one handler parameter. */
#define OP(kind, flags) ((int) ((kind) | ((flags) << 8)))
#define OP_KIND(data) ((enum op_kind) ((data) & 0xff))
#define OP_FLAGS(data) ((unsigned) (data) >> 8)


static int
fail (struct parser *p, const char *fmt, ...) __attribute__((format (printf, 2, 3)));

static int
fail (struct parser *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  plan_error_setv (p->error, PLAN_ERROR_INVALID, fmt, ap);
  va_end (ap);
  return -1;
}

/* ---- argument parsing helpers ------------------------------------------ */

static int
parse_fd (struct parser *p, const char *option, const char *text, int *fd)
{
  uint64_t v;
  if (parse_uint_arg (text, 10, INT32_MAX, &v) < 0)
    {
      /* bwrap's words, which its users' tests match, then ours. */
      fail (p, "Invalid fd: %s", text);
      snprintf (p->error->detail, sizeof p->error->detail,
                "%s takes a file descriptor number (0 or more), not '%s'", option, text);
      return -1;
    }
  *fd = (int) v;
  return 0;
}

static int
parse_octal_mode (struct parser *p, const char *option, const char *text, int *mode)
{
  uint64_t v;
  if (parse_uint_arg (text, 8, 07777, &v) < 0)
    return fail (p, "%s: '%s' is not an octal mode from 0 to 07777", option, text);
  *mode = (int) v;
  return 0;
}

static int
require_path (struct parser *p, const char *option, const char *what, const char *path)
{
  if (*path == '\0')
    return fail (p, "%s: the %s is an empty path", option, what);
  return 0;
}

/* ---- option handlers ----------------------------------------------------- */

static int
apply_help (struct parser *p, const struct option_spec *spec, char **args)
{
  p->plan->show_help = true;
  return APPLY_STOP;
}

static int
apply_version (struct parser *p, const struct option_spec *spec, char **args)
{
  p->plan->show_version = true;
  return APPLY_STOP;
}

static int
apply_args (struct parser *p, const struct option_spec *spec, char **args)
{
  /* Handled by the reading loop, which owns the argument vector. */
  return 0;
}

static int
apply_string (struct parser *p, const struct option_spec *spec, char **args)
{
  const char **field = (const char **) ((char *) p->plan + spec->data);
  *field = args[0];
  return 0;
}

static int
apply_flag (struct parser *p, const struct option_spec *spec, char **args)
{
  bool *field = (bool *) ((char *) p->plan + spec->data);
  *field = true;
  return 0;
}

static int
apply_chdir (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "directory", args[0]) < 0)
    return -1;
  p->plan->chdir_path = args[0];
  p->plan->n_chdir++;
  return 0;
}

static int
apply_unshare (struct parser *p, const struct option_spec *spec, char **args)
{
  enum ns_type type = (enum ns_type) (spec->data & 0xff);
  enum ns_want want = (enum ns_want) (spec->data >> 8);
  /* A "-try" never weakens an earlier firm request. */
  if (want > p->plan->ns[type])
    p->plan->ns[type] = want;
  return 0;
}

static int
apply_unshare_all (struct parser *p, const struct option_spec *spec, char **args)
{
  static const struct { enum ns_type type; enum ns_want want; } all[] = {
    { NS_USER, NS_WANT_TRY }, { NS_IPC, NS_WANT_YES }, { NS_PID, NS_WANT_YES },
    { NS_NET, NS_WANT_YES }, { NS_UTS, NS_WANT_YES }, { NS_CGROUP, NS_WANT_TRY },
  };
  for (size_t i = 0; i < N_ELEMENTS (all); i++)
    if (all[i].want > p->plan->ns[all[i].type])
      p->plan->ns[all[i].type] = all[i].want;
  return 0;
}

static int
apply_share_net (struct parser *p, const struct option_spec *spec, char **args)
{
  p->plan->ns[NS_NET] = NS_WANT_NO;
  return 0;
}

static int
apply_id (struct parser *p, const struct option_spec *spec, char **args)
{
  uint64_t v;
  /* (uid_t) -1 means "no change" to the kernel: never a valid id. */
  if (parse_uint_arg (args[0], 10, UINT32_MAX - 1, &v) < 0)
    return fail (p, "%s: '%s' is not a valid id (a number from 0 to 4294967294)",
                 spec->name, args[0]);
  if (spec->data == 'u')
    {
      p->plan->uid = (uid_t) v;
      p->plan->has_uid = true;
    }
  else
    {
      p->plan->gid = (gid_t) v;
      p->plan->has_gid = true;
    }
  return 0;
}

static int
apply_env (struct parser *p, const struct option_spec *spec, char **args)
{
  enum env_kind kind = (enum env_kind) spec->data;
  const char *name = spec->n_args > 0 ? args[0] : NULL;
  if (name != NULL && (*name == '\0' || strchr (name, '=') != NULL))
    return fail (p, "%s: '%s' is not a valid variable name", spec->name, name);
  plan_add_env (p->plan, kind, name, spec->n_args > 1 ? args[1] : NULL);
  return 0;
}

static struct op *
add_op (struct parser *p, const struct option_spec *spec, enum op_kind kind, const char *dest)
{
  struct op *op = plan_add_op (p->plan, kind, spec->name, dest);
  if (spec->takes & TAKES_PERMS)
    {
      op->perms = p->pending_perms;
      p->pending_perms = PERMS_DEFAULT;
    }
  if (spec->takes & TAKES_SIZE)
    {
      op->size = p->pending_size;
      p->pending_size = 0;
    }
  return op;
}

static int
apply_bind (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "source", args[0]) < 0
      || require_path (p, spec->name, "destination", args[1]) < 0)
    return -1;
  struct op *op = add_op (p, spec, OP_BIND, args[1]);
  op->source = args[0];
  op->bind_flags = OP_FLAGS (spec->data);
  return 0;
}

static int
apply_dest_op (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "destination", args[0]) < 0)
    return -1;
  add_op (p, spec, OP_KIND (spec->data), args[0]);
  return 0;
}

static int
apply_fd_op (struct parser *p, const struct option_spec *spec, char **args)
{
  int fd = -1;
  if (parse_fd (p, spec->name, args[0], &fd) < 0
      || require_path (p, spec->name, "destination", args[1]) < 0)
    return -1;
  struct op *op = add_op (p, spec, OP_KIND (spec->data), args[1]);
  op->fd = fd;
  op->bind_flags = OP_FLAGS (spec->data);
  return 0;
}

static int
apply_symlink (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "target", args[0]) < 0
      || require_path (p, spec->name, "destination", args[1]) < 0)
    return -1;
  struct op *op = add_op (p, spec, OP_SYMLINK, args[1]);
  op->source = args[0];
  return 0;
}

static int
apply_chmod (struct parser *p, const struct option_spec *spec, char **args)
{
  int mode = 0;
  if (parse_octal_mode (p, spec->name, args[0], &mode) < 0
      || require_path (p, spec->name, "path", args[1]) < 0)
    return -1;
  struct op *op = add_op (p, spec, OP_CHMOD, args[1]);
  op->perms = mode;
  return 0;
}

static int
apply_perms (struct parser *p, const struct option_spec *spec, char **args)
{
  if (p->pending_perms != PERMS_DEFAULT)
    return fail (p, "--perms %s: given twice (after --perms %s) before the operation it applies to",
                 args[0], p->pending_perms_text);
  if (parse_octal_mode (p, spec->name, args[0], &p->pending_perms) < 0)
    return -1;
  p->pending_perms_text = args[0];
  return 0;
}

static int
apply_size (struct parser *p, const struct option_spec *spec, char **args)
{
  uint64_t v;
  if (p->pending_size != 0)
    return fail (p, "--size %s: given twice (after --size %s) before the --tmpfs it applies to",
                 args[0], p->pending_size_text);
  if (parse_uint_arg (args[0], 10, (uint64_t) SIZE_MAX >> 1, &v) < 0 || v == 0)
    return fail (p, "--size: '%s' is not a positive number of bytes", args[0]);
  p->pending_size = v;
  p->pending_size_text = args[0];
  return 0;
}

static int
apply_fd_field (struct parser *p, const struct option_spec *spec, char **args)
{
  int *field = (int *) ((char *) p->plan + spec->data);
  return parse_fd (p, spec->name, args[0], field);
}

static int
apply_seccomp (struct parser *p, const struct option_spec *spec, char **args)
{
  if (p->plan->n_add_seccomp_fds > 0)
    return fail (p, "--seccomp cannot be combined with --add-seccomp-fd");
  return parse_fd (p, spec->name, args[0], &p->plan->seccomp_fd);
}

static int
apply_add_seccomp (struct parser *p, const struct option_spec *spec, char **args)
{
  int fd = -1;
  if (p->plan->seccomp_fd >= 0)
    return fail (p, "--add-seccomp-fd cannot be combined with --seccomp");
  if (parse_fd (p, spec->name, args[0], &fd) < 0)
    return -1;
  struct plan *plan = p->plan;
  plan->add_seccomp_fds = plan_append (plan->add_seccomp_fds, &plan->n_add_seccomp_fds, sizeof (int));
  plan->add_seccomp_fds[plan->n_add_seccomp_fds - 1] = fd;
  return 0;
}

static int
apply_lock_file (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "path", args[0]) < 0)
    return -1;
  struct plan *plan = p->plan;
  plan->lock_files = plan_append (plan->lock_files, &plan->n_lock_files, sizeof (char *));
  plan->lock_files[plan->n_lock_files - 1] = args[0];
  return 0;
}

int
capability_from_name (const char *name)
{
  static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  if (strcasecmp (name, "ALL") == 0)
    return CAPABILITY_ALL;
  size_t len = strlen (name);
  if (len == 0 || len > 48 || strspn (name, name_chars) != len)
    return CAPABILITY_UNKNOWN;
  bool number = strspn (name, "0123456789") == len;
  if (number && name[0] == '0' && len > 1)
    return CAPABILITY_UNKNOWN;  /* libcap would read it as octal */
  char full[64];
  snprintf (full, sizeof full, "%s%s", number || strncasecmp (name, "cap_", 4) == 0 ? "" : "cap_", name);
  cap_value_t cap;
  if (cap_from_name (full, &cap) < 0 || cap < 0 || cap > 63)
    return CAPABILITY_UNKNOWN;
  if (number)
    return cap < cap_max_bits () ? cap : CAPABILITY_UNKNOWN;
  /* cap_from_name stops at the end of a name it knows ("cap_chown,x" and
   * "cap_chownx" are cap_chown): the whole word must be that name. */
  char *canonical = cap_to_name (cap);
  bool whole = canonical != NULL && strcasecmp (canonical, full) == 0;
  cap_free (canonical);
  return whole ? cap : CAPABILITY_UNKNOWN;
}

static int
apply_cap (struct parser *p, const struct option_spec *spec, char **args)
{
  int cap = capability_from_name (args[0]);
  if (cap == CAPABILITY_UNKNOWN)
    return fail (p, "%s: '%s' is not a capability (a name such as CAP_NET_ADMIN, ALL, or a number up to %d, this kernel's last)",
                 spec->name, args[0], (int) cap_max_bits () - 1);
  struct plan *plan = p->plan;
  plan->cap_edits = plan_append (plan->cap_edits, &plan->n_cap_edits, sizeof *plan->cap_edits);
  plan->cap_edits[plan->n_cap_edits - 1] = (struct cap_edit) {
    (enum cap_edit_kind) spec->data, cap, args[0],
  };
  return 0;
}

static int
apply_bind_fd (struct parser *p, const struct option_spec *spec, char **args)
{
  int fd = -1;
  if (parse_fd (p, spec->name, args[0], &fd) < 0
      || require_path (p, spec->name, "destination", args[1]) < 0)
    return -1;
  struct op *op = add_op (p, spec, OP_BIND_FD, args[1]);
  op->fd = fd;
  op->bind_flags = OP_FLAGS (spec->data);
  return 0;
}

static int
apply_overlay_src (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "source", args[0]) < 0)
    return -1;
  struct plan *plan = p->plan;
  plan->pending_layers = plan_append (plan->pending_layers, &plan->n_pending_layers, sizeof (char *));
  plan->pending_layers[plan->n_pending_layers - 1] = args[0];
  return 0;
}

static int
apply_overlay (struct parser *p, const struct option_spec *spec, char **args)
{
  static const size_t min_layers[] = { [OVERLAY_RW] = 1, [OVERLAY_TMP] = 1, [OVERLAY_RO] = 2 };
  static const char *const too_few[] = {
    [OVERLAY_RW] = "--overlay requires at least one --overlay-src",
    [OVERLAY_TMP] = "--tmp-overlay requires at least one --overlay-src",
    [OVERLAY_RO] = "--ro-overlay requires at least two --overlay-src",
  };
  struct plan *plan = p->plan;
  enum overlay_kind kind = (enum overlay_kind) spec->data;
  const char *dest = args[spec->n_args - 1];

  if (plan->n_pending_layers < min_layers[kind])
    return fail (p, "%s", too_few[kind]);
  for (unsigned i = 0; i < spec->n_args; i++)
    if (require_path (p, spec->name, "path", args[i]) < 0)
      return -1;
  struct op *op = add_op (p, spec, OP_OVERLAY, dest);
  op->overlay = kind;
  op->layers = steal_pointer (&plan->pending_layers);
  op->n_layers = plan->n_pending_layers;
  plan->n_pending_layers = 0;
  if (kind == OVERLAY_RW)
    {
      op->source = args[0];
      op->workdir = args[1];
    }
  return 0;
}

/* ---- option handlers: the user-mode network: --net-user, --forward-port, --netns (net-user.c) */

static int
apply_net_user (struct parser *p, const struct option_spec *spec, char **args)
{
  p->plan->net_user = true;
  p->plan->ns[NS_NET] = NS_WANT_YES;
  return 0;
}

/* A port number, 1 to 65535, or -1. */
static int
parse_port (const char *text, size_t len)
{
  char digits[8];
  uint64_t v;
  if (len == 0 || len >= sizeof digits)
    return -1;
  memcpy (digits, text, len);
  digits[len] = '\0';
  if (parse_uint_arg (digits, 10, 65535, &v) < 0 || v == 0)
    return -1;
  return (int) v;
}

/* ADDR of --forward-port: an IPv4 address, or an IPv6 one in brackets.
 * inet_pton reads text and makes no system call. */
static bool
parse_forward_addr (const char *text, size_t len, struct port_forward *fwd)
{
  unsigned char bytes[16];
  bool ipv6 = len >= 2 && text[0] == '[' && text[len - 1] == ']';
  if (ipv6)
    {
      text++;
      len -= 2;
    }
  if (len == 0 || len >= sizeof fwd->host_addr)
    return false;
  memcpy (fwd->host_addr, text, len);
  fwd->host_addr[len] = '\0';
  fwd->host_addr_is_ipv6 = ipv6;
  return inet_pton (ipv6 ? AF_INET6 : AF_INET, fwd->host_addr, bytes) == 1;
}

/* [ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp] */
static int
apply_forward_port (struct parser *p, const struct option_spec *spec, char **args)
{
  const char *text = args[0];
  struct port_forward fwd = { .spec = text };
  const char *slash = strchr (text, '/');
  size_t len = slash ? (size_t) (slash - text) : strlen (text);
  const char *usage = "expected [ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp], ports from 1 to 65535";

  if (slash && strcmp (slash, "/udp") != 0 && strcmp (slash, "/tcp") != 0)
    return fail (p, "%s %s: the protocol is tcp or udp, not '%s'", spec->name, text, slash + 1);
  fwd.udp = slash && strcmp (slash, "/udp") == 0;
  const char *last = memrchr (text, ':', len);
  if (last == NULL)
    return fail (p, "%s %s: %s", spec->name, text, usage);
  int sandbox_port = parse_port (last + 1, len - (size_t) (last + 1 - text));
  const char *host = memrchr (text, ':', (size_t) (last - text));
  const char *host_port_text = host ? host + 1 : text;
  int host_port = parse_port (host_port_text, (size_t) (last - host_port_text));
  if (host_port < 0 || sandbox_port < 0)
    return fail (p, "%s %s: %s", spec->name, text, usage);
  if (host && !parse_forward_addr (text, (size_t) (host - text), &fwd))
    return fail (p, "%s %s: '%.*s' is not an IPv4 address or an IPv6 one in brackets",
                 spec->name, text, (int) (host - text), text);
  fwd.host_port = (unsigned) host_port;
  fwd.sandbox_port = (unsigned) sandbox_port;
  struct plan *plan = p->plan;
  plan->forwards = plan_append (plan->forwards, &plan->n_forwards, sizeof fwd);
  plan->forwards[plan->n_forwards - 1] = fwd;
  return 0;
}

/* ---- option handlers: limits: --rlimit, --timeout, cgroup v2 limits (limits-plan.c, limits-run.c, cgroup.c) */

static int
apply_rlimit (struct parser *p, const struct option_spec *spec, char **args)
{
  struct plan_rlimit limit;
  char why[256];
  if (rlimit_parse (args[0], &limit, why, sizeof why) < 0)
    return fail (p, "--rlimit %s: %s", args[0], why);
  struct plan *plan = p->plan;
  plan->rlimits = plan_append (plan->rlimits, &plan->n_rlimits, sizeof limit);
  plan->rlimits[plan->n_rlimits - 1] = limit;
  return 0;
}

static int
apply_timeout (struct parser *p, const struct option_spec *spec, char **args)
{
  char why[256];
  if (timeout_parse (args[0], &p->plan->timeout_ms, &p->plan->timeout_grace_ms, why, sizeof why) < 0)
    return fail (p, "--timeout %s: %s", args[0], why);
  p->plan->timeout_text = args[0];
  return 0;
}

enum cgroup_limit { LIMIT_MEMORY, LIMIT_PIDS, LIMIT_CPU };

static int
apply_cgroup_limit (struct parser *p, const struct option_spec *spec, char **args)
{
  struct plan *plan = p->plan;
  char why[256];
  int r = spec->data == LIMIT_MEMORY ? bytes_parse (args[0], &plan->memory_max, why, sizeof why)
          : spec->data == LIMIT_PIDS ? count_parse (args[0], &plan->pids_max, why, sizeof why)
                                     : cpu_max_parse (args[0], &plan->cpu_quota_us, &plan->cpu_period_us, why, sizeof why);
  if (r < 0)
    return fail (p, "%s %s: %s", spec->name, args[0], why);
  const char **text = spec->data == LIMIT_MEMORY ? &plan->memory_max_text
                      : spec->data == LIMIT_PIDS ? &plan->pids_max_text : &plan->cpu_max_text;
  *text = args[0];
  return 0;
}

/* ---- option handlers: policy by name: seccomp rules, Landlock (seccomp-rules.c, landlock.c) */

/* Call back for each item of a comma-separated list; an empty list or
 * item is an error naming the option and the value. */
static int
for_each_item (struct parser *p, const struct option_spec *spec, const char *list,
               int (*take) (struct parser *p, const struct option_spec *spec, const char *item))
{
  if (*list == '\0')
    return fail (p, "%s: the list is empty", spec->name);
  for (const char *item = list;; )
    {
      size_t len = strcspn (item, ",");
      if (len == 0)
        return fail (p, "%s %s: an empty item in the list", spec->name, list);
      char *copy = xasprintf ("%.*s", (int) len, item);
      plan_adopt_blob (p->plan, copy);
      if (take (p, spec, copy) < 0)
        return -1;
      if (item[len] == '\0')
        return 0;
      item += len + 1;
    }
}

static void
append_name (const char ***names, size_t *n, const char *name)
{
  *names = plan_append (*names, n, sizeof (char *));
  (*names)[*n - 1] = name;
}

static int
take_call (struct parser *p, const struct option_spec *spec, const char *name)
{
  if (!seccomp_call_known (name))
    return fail (p, "%s: '%s' is not a system call name that libseccomp knows", spec->name, name);
  if (spec->data)
    append_name (&p->plan->seccomp_allow, &p->plan->n_seccomp_allow, name);
  else
    append_name (&p->plan->seccomp_deny, &p->plan->n_seccomp_deny, name);
  return 0;
}

static int
apply_seccomp_calls (struct parser *p, const struct option_spec *spec, char **args)
{
  return for_each_item (p, spec, args[0], take_call);
}

static int
apply_seccomp_errno (struct parser *p, const struct option_spec *spec, char **args)
{
  int value = errno_from_text (args[0]);
  if (value < 0)
    return fail (p, "%s: '%s' is not an errno name (such as EPERM) or a number from 1 to 4095",
                 spec->name, args[0]);
  p->plan->seccomp_errno = value;
  return 0;
}

static int
apply_seccomp_profile (struct parser *p, const struct option_spec *spec, char **args)
{
  size_t n = 0;
  const char *const *calls = seccomp_profile_calls (args[0], &n);
  if (calls == NULL)
    return fail (p, "%s: '%s' is not a profile (there is: %s)", spec->name, args[0],
                 seccomp_profile_names ());
  if (p->plan->seccomp_profile != NULL)
    return fail (p, "%s %s: a profile is already given (%s)", spec->name, args[0],
                 p->plan->seccomp_profile);
  p->plan->seccomp_profile = args[0];
  for (size_t i = 0; i < n; i++)
    append_name (&p->plan->seccomp_deny, &p->plan->n_seccomp_deny, calls[i]);
  return 0;
}

static int
take_family (struct parser *p, const struct option_spec *spec, const char *name)
{
  int family = socket_family_from_name (name);
  if (family < 0)
    return fail (p, "%s: '%s' is not an address family (such as netlink, packet or AF_BLUETOOTH)",
                 spec->name, name);
  struct plan *plan = p->plan;
  plan->deny_socket = plan_append (plan->deny_socket, &plan->n_deny_socket, sizeof (int));
  plan->deny_socket[plan->n_deny_socket - 1] = family;
  return 0;
}

static int
apply_deny_socket (struct parser *p, const struct option_spec *spec, char **args)
{
  return for_each_item (p, spec, args[0], take_family);
}

static int
take_scope (struct parser *p, const struct option_spec *spec, const char *name)
{
  if (strcmp (name, "abstract-unix-socket") == 0)
    p->plan->landlock_scope |= LANDLOCK_SCOPE_ABSTRACT_UNIX;
  else if (strcmp (name, "signal") == 0)
    p->plan->landlock_scope |= LANDLOCK_SCOPE_SIGNALS;
  else
    return fail (p, "%s: '%s' is not a scope (abstract-unix-socket, signal)", spec->name, name);
  return 0;
}

static int
apply_landlock_scope (struct parser *p, const struct option_spec *spec, char **args)
{
  return for_each_item (p, spec, args[0], take_scope);
}

static int
apply_landlock_path (struct parser *p, const struct option_spec *spec, char **args)
{
  if (require_path (p, spec->name, "path", args[0]) < 0)
    return -1;
  if (args[0][0] != '/')
    return fail (p, "%s: '%s' is not an absolute path (a path inside the sandbox)", spec->name, args[0]);
  struct plan *plan = p->plan;
  plan->landlock_paths = plan_append (plan->landlock_paths, &plan->n_landlock_paths, sizeof *plan->landlock_paths);
  plan->landlock_paths[plan->n_landlock_paths - 1] = (struct landlock_path) { args[0], spec->data != 0 };
  return 0;
}

static int
take_port (struct parser *p, const struct option_spec *spec, const char *text)
{
  uint64_t port;
  if (parse_uint_arg (text, 10, 65535, &port) < 0)
    return fail (p, "%s: '%s' is not a port number from 0 to 65535", spec->name, text);
  struct plan *plan = p->plan;
  if (spec->data)
    {
      plan->landlock_tcp_bind = plan_append (plan->landlock_tcp_bind, &plan->n_landlock_tcp_bind, sizeof (uint16_t));
      plan->landlock_tcp_bind[plan->n_landlock_tcp_bind - 1] = (uint16_t) port;
    }
  else
    {
      plan->landlock_tcp_connect = plan_append (plan->landlock_tcp_connect, &plan->n_landlock_tcp_connect, sizeof (uint16_t));
      plan->landlock_tcp_connect[plan->n_landlock_tcp_connect - 1] = (uint16_t) port;
    }
  return 0;
}

static int
apply_landlock_ports (struct parser *p, const struct option_spec *spec, char **args)
{
  return for_each_item (p, spec, args[0], take_port);
}

/* ---- option handlers: id ranges: --map-subids, --uid-map, --gid-map (id-ranges.c) */

/* The kernel takes at most this many lines in a map (since Linux 4.15). */
#define ID_MAP_MAX_LINES 340

static bool
ranges_overlap (uint32_t a, uint32_t b, uint32_t count_a, uint32_t count_b)
{
  return (uint64_t) a < (uint64_t) b + count_b && (uint64_t) b < (uint64_t) a + count_a;
}

/* INSIDE:OUTSIDE:COUNT, each end within the 32-bit ids (4294967295 is
 * never one), and no overlap with an earlier map of the same kind on
 * either side, which the kernel refuses. */
static int
apply_id_map (struct parser *p, const struct option_spec *spec, char **args)
{
  struct plan *plan = p->plan;
  bool uid = spec->data == 'u';
  struct id_map **maps = uid ? &plan->uid_maps : &plan->gid_maps;
  size_t *n = uid ? &plan->n_uid_maps : &plan->n_gid_maps;
  uint64_t v[3];
  char text[3][16];
  const char *word = args[0];

  for (int i = 0; i < 3; i++)
    {
      size_t len = strcspn (word, ":");
      if (len >= sizeof text[i] || (i < 2 && word[len] != ':') || (i == 2 && word[len] != '\0'))
        return fail (p, "%s: '%s' is not INSIDE:OUTSIDE:COUNT (three numbers, such as 1:100000:65535)",
                     spec->name, args[0]);
      memcpy (text[i], word, len);
      text[i][len] = '\0';
      if (parse_uint_arg (text[i], 10, UINT32_MAX - 1, &v[i]) < 0)
        return fail (p, "%s: '%s' is not INSIDE:OUTSIDE:COUNT (three numbers, such as 1:100000:65535)",
                     spec->name, args[0]);
      word += len + 1;
    }
  if (v[2] == 0)
    return fail (p, "%s %s: the COUNT is 0; a map covers at least one id", spec->name, args[0]);
  if (v[0] + v[2] > UINT32_MAX || v[1] + v[2] > UINT32_MAX)
    return fail (p, "%s %s: the range goes past id 4294967294, the last one", spec->name, args[0]);
  if (*n == ID_MAP_MAX_LINES)
    return fail (p, "%s %s: more than %d maps, the kernel's limit", spec->name, args[0], ID_MAP_MAX_LINES);
  for (size_t i = 0; i < *n; i++)
    {
      const struct id_map *o = &(*maps)[i];
      if (ranges_overlap (o->inside, (uint32_t) v[0], o->count, (uint32_t) v[2]))
        return fail (p, "%s %s: its ids inside overlap those of %s %s", spec->name, args[0], spec->name, o->text);
      if (ranges_overlap (o->outside, (uint32_t) v[1], o->count, (uint32_t) v[2]))
        return fail (p, "%s %s: its ids outside overlap those of %s %s", spec->name, args[0], spec->name, o->text);
    }
  *maps = plan_append (*maps, n, sizeof **maps);
  (*maps)[*n - 1] = (struct id_map) { (uint32_t) v[0], (uint32_t) v[1], (uint32_t) v[2], args[0] };
  return 0;
}

/* ---- the table ------------------------------------------------------------ */


/* A heading of --help (and of the man page's OPTIONS): a row without a name. */
#define GROUP(title) { NULL, 0, NULL, title, NULL, 0, 0 }

static const struct option_spec options[] = {
  GROUP ("General"),
  { "--help", 0, "", "Print this help", apply_help, 0, 0 },
  { "--version", 0, "", "Print the version, and the features of this build", apply_version, 0, 0 },
  { "--args", 1, "FD", "Parse NUL-separated args from FD", apply_args, 0, 0 },
  { "--argv0", 1, "VALUE", "Set argv[0] to the value VALUE before running the program", apply_string, 0, FIELD (argv0) },
  { "--level-prefix", 0, "", "Prepend e.g. <3> to diagnostic messages", apply_flag, 0, FIELD (level_prefix) },
  { "--check", 0, "", "Report what this host allows a sandbox, and the fix for what it refuses", apply_flag, 0, FIELD (check_host) },
  { "--json", 0, "", "With --check: print the report as JSON", apply_flag, 0, FIELD (check_json) },
  { "--print-plan", 0, "", "Print what would be done, as JSON lines, and exit without doing it", apply_flag, 0, FIELD (print_plan) },

  GROUP ("Namespaces"),
  { "--unshare-all", 0, "", "Unshare every namespace we support by default", apply_unshare_all, 0, 0 },
  { "--share-net", 0, "", "Retain the network namespace (can only combine with --unshare-all)", apply_share_net, 0, 0 },
  { "--unshare-user", 0, "", "Create new user namespace (may be automatically implied if not setuid)", apply_unshare, 0, NS (NS_USER, NS_WANT_YES) },
  { "--unshare-user-try", 0, "", "Create new user namespace if possible else continue by skipping it", apply_unshare, 0, NS (NS_USER, NS_WANT_TRY) },
  { "--unshare-ipc", 0, "", "Create new ipc namespace", apply_unshare, 0, NS (NS_IPC, NS_WANT_YES) },
  { "--unshare-pid", 0, "", "Create new pid namespace", apply_unshare, 0, NS (NS_PID, NS_WANT_YES) },
  { "--unshare-net", 0, "", "Create new network namespace", apply_unshare, 0, NS (NS_NET, NS_WANT_YES) },
  { "--unshare-uts", 0, "", "Create new uts namespace", apply_unshare, 0, NS (NS_UTS, NS_WANT_YES) },
  { "--unshare-cgroup", 0, "", "Create new cgroup namespace", apply_unshare, 0, NS (NS_CGROUP, NS_WANT_YES) },
  { "--unshare-cgroup-try", 0, "", "Create new cgroup namespace if possible else continue by skipping it", apply_unshare, 0, NS (NS_CGROUP, NS_WANT_TRY) },
  { "--userns", 1, "FD", "Use this user namespace (cannot combine with --unshare-user)", apply_fd_field, 0, FIELD (userns_fd) },
  { "--userns2", 1, "FD", "After setup switch to this user namespace, only useful with --userns", apply_fd_field, 0, FIELD (userns2_fd) },
  { "--disable-userns", 0, "", "Disable further use of user namespaces inside sandbox", apply_flag, 0, FIELD (disable_userns) },
  { "--assert-userns-disabled", 0, "", "Fail unless further use of user namespace inside sandbox is disabled", apply_flag, 0, FIELD (assert_userns_disabled) },
  { "--pidns", 1, "FD", "Use this pid namespace (as parent namespace if using --unshare-pid)", apply_fd_field, 0, FIELD (pidns_fd) },

  GROUP ("Identity and environment"),
  { "--uid", 1, "UID", "Custom uid in the sandbox (requires --unshare-user or --userns)", apply_id, 0, 'u' },
  { "--gid", 1, "GID", "Custom gid in the sandbox (requires --unshare-user or --userns)", apply_id, 0, 'g' },
  { "--hostname", 1, "NAME", "Custom hostname in the sandbox (requires --unshare-uts)", apply_string, 0, FIELD (hostname) },
  { "--chdir", 1, "DIR", "Change directory to DIR", apply_chdir, 0, 0 },
  { "--clearenv", 0, "", "Unset all environment variables", apply_env, 0, ENV_CLEAR },
  { "--setenv", 2, "VAR VALUE", "Set an environment variable", apply_env, 0, ENV_SET },
  { "--unsetenv", 1, "VAR", "Unset an environment variable", apply_env, 0, ENV_UNSET },

  GROUP ("Monitoring and coordination"),
  { "--lock-file", 1, "DEST", "Take a lock on DEST while sandbox is running", apply_lock_file, 0, 0 },
  { "--sync-fd", 1, "FD", "Keep this fd open while sandbox is running", apply_fd_field, 0, FIELD (sync_fd) },
  { "--block-fd", 1, "FD", "Block on FD until some data to read is available", apply_fd_field, 0, FIELD (block_fd) },
  { "--userns-block-fd", 1, "FD", "Block on FD until the user namespace is ready", apply_fd_field, 0, FIELD (userns_block_fd) },
  { "--info-fd", 1, "FD", "Write information about the running container to FD", apply_fd_field, 0, FIELD (info_fd) },
  { "--json-status-fd", 1, "FD", "Write container status to FD as multiple JSON documents", apply_fd_field, 0, FIELD (json_status_fd) },

  GROUP ("Filesystem"),
  { "--bind", 2, "SRC DEST", "Bind mount the host path SRC on DEST", apply_bind, 0, OP (OP_BIND, 0) },
  { "--bind-try", 2, "SRC DEST", "Equal to --bind but ignores non-existent SRC", apply_bind, 0, OP (OP_BIND, BIND_TRY) },
  { "--dev-bind", 2, "SRC DEST", "Bind mount the host path SRC on DEST, allowing device access", apply_bind, 0, OP (OP_BIND, BIND_DEVICES) },
  { "--dev-bind-try", 2, "SRC DEST", "Equal to --dev-bind but ignores non-existent SRC", apply_bind, 0, OP (OP_BIND, BIND_DEVICES | BIND_TRY) },
  { "--ro-bind", 2, "SRC DEST", "Bind mount the host path SRC readonly on DEST", apply_bind, 0, OP (OP_BIND, BIND_READONLY) },
  { "--ro-bind-try", 2, "SRC DEST", "Equal to --ro-bind but ignores non-existent SRC", apply_bind, 0, OP (OP_BIND, BIND_READONLY | BIND_TRY) },
  { "--bind-fd", 2, "FD DEST", "Bind open directory or path fd on DEST", apply_bind_fd, 0, OP (OP_BIND_FD, 0) },
  { "--ro-bind-fd", 2, "FD DEST", "Bind open directory or path fd read-only on DEST", apply_bind_fd, 0, OP (OP_BIND_FD, BIND_READONLY) },
  { "--remount-ro", 1, "DEST", "Remount DEST as readonly; does not recursively remount", apply_dest_op, 0, OP (OP_REMOUNT_RO, 0) },
  { "--overlay-src", 1, "SRC", "Read files from SRC in the following overlay", apply_overlay_src, IS_LAYER, 0 },
  { "--overlay", 3, "RWSRC WORKDIR DEST", "Mount overlayfs on DEST, with RWSRC as the host path for writes and WORKDIR an empty directory on the same filesystem as RWSRC", apply_overlay, TAKES_LAYERS, OVERLAY_RW },
  { "--tmp-overlay", 1, "DEST", "Mount overlayfs on DEST, with writes going to an invisible tmpfs", apply_overlay, TAKES_LAYERS, OVERLAY_TMP },
  { "--ro-overlay", 1, "DEST", "Mount overlayfs read-only on DEST", apply_overlay, TAKES_LAYERS, OVERLAY_RO },
  { "--exec-label", 1, "LABEL", "Exec label for the sandbox", apply_string, 0, FIELD (exec_label) },
  { "--file-label", 1, "LABEL", "File label for temporary sandbox content", apply_string, 0, FIELD (file_label) },
  { "--proc", 1, "DEST", "Mount new procfs on DEST", apply_dest_op, 0, OP (OP_PROC, 0) },
  { "--dev", 1, "DEST", "Mount new dev on DEST", apply_dest_op, 0, OP (OP_DEV, 0) },
  { "--tmpfs", 1, "DEST", "Mount new tmpfs on DEST", apply_dest_op, TAKES_PERMS | TAKES_SIZE, OP (OP_TMPFS, 0) },
  { "--sys", 1, "DEST", "Mount a read-only sysfs on DEST (the host's, bound, without --unshare-net)", apply_dest_op, 0, OP (OP_SYS, 0) },
  { "--mqueue", 1, "DEST", "Mount new mqueue on DEST", apply_dest_op, 0, OP (OP_MQUEUE, 0) },
  { "--dir", 1, "DEST", "Create dir at DEST", apply_dest_op, TAKES_PERMS, OP (OP_DIR, 0) },
  { "--file", 2, "FD DEST", "Copy from FD to destination DEST", apply_fd_op, TAKES_PERMS, OP (OP_FILE, 0) },
  { "--bind-data", 2, "FD DEST", "Copy from FD to file which is bind-mounted on DEST", apply_fd_op, TAKES_PERMS, OP (OP_BIND_DATA, 0) },
  { "--ro-bind-data", 2, "FD DEST", "Copy from FD to file which is readonly bind-mounted on DEST", apply_fd_op, TAKES_PERMS, OP (OP_BIND_DATA, BIND_READONLY) },
  { "--symlink", 2, "SRC DEST", "Create symlink at DEST with target SRC", apply_symlink, 0, 0 },
  { "--chmod", 2, "OCTAL PATH", "Change permissions of PATH (must already exist)", apply_chmod, 0, 0 },
  { "--perms", 1, "OCTAL", "Set permissions of next argument (--bind-data, --file, etc.)", apply_perms, IS_MODIFIER, 0 },
  { "--size", 1, "BYTES", "Set size of next argument (only for --tmpfs)", apply_size, IS_MODIFIER, 0 },
  { "--not-a-security-boundary", 0, "", "The sandbox is only a view of files: a submount of a bind that refuses nosuid, nodev or ro is a warning", apply_flag, 0, FIELD (not_a_security_boundary) },

  GROUP ("Security"),
  { "--seccomp", 1, "FD", "Load and use seccomp rules from FD (not repeatable)", apply_seccomp, 0, 0 },
  { "--add-seccomp-fd", 1, "FD", "Load and use seccomp rules from FD (repeatable)", apply_add_seccomp, 0, 0 },
  { "--cap-add", 1, "CAP", "Add cap CAP when running as privileged user", apply_cap, 0, CAP_EDIT_ADD },
  { "--cap-drop", 1, "CAP", "Drop cap CAP when running as privileged user", apply_cap, 0, CAP_EDIT_DROP },

  GROUP ("Process"),
  { "--new-session", 0, "", "Create a new terminal session", apply_flag, 0, FIELD (new_session) },
  { "--pty", 0, "", "Run COMMAND on a new terminal of the sandbox's own, relayed to this one (implies --new-session)", apply_flag, 0, FIELD (pty) },
  { "--die-with-parent", 0, "", "Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies.", apply_flag, 0, FIELD (die_with_parent) },
  { "--as-pid-1", 0, "", "Do not install a reaper process with PID=1", apply_flag, 0, FIELD (as_pid_1) },

  /* the user-mode network: --net-user, --forward-port, --netns (net-user.c) */
  GROUP ("Network"),
  { "--net-user", 0, "", "Create new network namespace with outbound connectivity through pasta (or slirp4netns)", apply_net_user, 0, 0 },
  { "--allow-host-loopback", 0, "", "With --net-user: let the gateway address reach services on the host's 127.0.0.1", apply_flag, 0, FIELD (allow_host_loopback) },
  { "--forward-port", 1, "[ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp]", "With --net-user: forward a host port (on 127.0.0.1 unless ADDR) to the sandbox (repeatable)", apply_forward_port, 0, 0 },
  { "--netns", 1, "FD", "Use this network namespace instead of creating one", apply_fd_field, 0, FIELD (netns_fd) },

  /* limits: --rlimit, --timeout, cgroup v2 limits (limits-plan.c, limits-run.c, cgroup.c) */
  GROUP ("Limits"),
  { "--rlimit", 1, "NAME=SOFT[:HARD]", "Set a resource limit (nofile, nproc, as, cpu, fsize, core, stack, ...; a number, unlimited or inf) for the payload and pid 1", apply_rlimit, 0, 0 },
  { "--timeout", 1, "SECONDS[:GRACE]", "After SECONDS, SIGTERM to every process of the sandbox, SIGKILL GRACE (5) seconds later; exit 124", apply_timeout, 0, 0 },
  { "--memory-max", 1, "BYTES", "Limit the sandbox's memory in a cgroup of its own (K, M, G suffixes; needs a delegated cgroup v2)", apply_cgroup_limit, 0, LIMIT_MEMORY },
  { "--pids-max", 1, "N", "Limit the sandbox to N processes and threads in a cgroup of its own (needs a delegated cgroup v2)", apply_cgroup_limit, 0, LIMIT_PIDS },
  { "--cpu-max", 1, "CPUS|QUOTA/PERIOD", "Limit the sandbox's CPU time: a number of CPUs (1.5), or cpu.max microseconds (needs a delegated cgroup v2)", apply_cgroup_limit, 0, LIMIT_CPU },

  /* policy by name: seccomp rules, Landlock (seccomp-rules.c, landlock.c) */
  GROUP ("Policy"),
  { "--seccomp-deny", 1, "CALL[,CALL...]", "Make these system calls fail with the --seccomp-errno (repeatable)", apply_seccomp_calls, 0, 0 },
  { "--seccomp-allow", 1, "CALL[,CALL...]", "Let only these system calls through; every other fails (repeatable)", apply_seccomp_calls, 0, 1 },
  { "--seccomp-errno", 1, "ERRNO", "The errno denied calls fail with: a name such as ENOSYS, or a number (default EPERM)", apply_seccomp_errno, 0, 0 },
  { "--seccomp-profile", 1, "default", "Deny the built-in list of calls a sandboxed program has no use for", apply_seccomp_profile, 0, 0 },
  { "--deny-socket", 1, "FAMILY[,FAMILY...]", "Make socket() of these address families fail with EAFNOSUPPORT (netlink, packet, ...)", apply_deny_socket, 0, 0 },
  { "--landlock-scope", 1, "SCOPE[,SCOPE...]", "Landlock: no abstract-unix-socket connection, no signal, out of the sandbox", apply_landlock_scope, 0, 0 },
  { "--landlock-ro", 1, "PATH", "Landlock: PATH (inside the sandbox) readable; once any is given, only these paths", apply_landlock_path, 0, 0 },
  { "--landlock-rw", 1, "PATH", "Landlock: PATH (inside the sandbox) readable and writable; once any is given, only these paths", apply_landlock_path, 0, 1 },
  { "--landlock-tcp-connect", 1, "PORT[,PORT...]", "Landlock: TCP connections to these ports only (repeatable)", apply_landlock_ports, 0, 0 },
  { "--landlock-tcp-bind", 1, "PORT[,PORT...]", "Landlock: TCP binds to these ports only (repeatable)", apply_landlock_ports, 0, 1 },
  { "--landlock-best-effort", 0, "", "Landlock: enforce what this kernel can, and say what it cannot, instead of failing", apply_flag, 0, FIELD (landlock_best_effort) },

  /* id ranges: --map-subids, --uid-map, --gid-map (id-ranges.c) */
  GROUP ("Id ranges"),
  { "--map-subids", 0, "", "Map the rest of ids 0-65535 to your ranges in /etc/subuid and /etc/subgid (needs newuidmap, newgidmap)", apply_flag, 0, FIELD (map_subids) },
  { "--uid-map", 1, "INSIDE:OUTSIDE:COUNT", "Map uids INSIDE.. to OUTSIDE.. (repeatable; yours, or from /etc/subuid)", apply_id_map, 0, 'u' },
  { "--gid-map", 1, "INSIDE:OUTSIDE:COUNT", "Map gids INSIDE.. to OUTSIDE.. (repeatable; yours, or from /etc/subgid)", apply_id_map, 0, 'g' },
};

static const struct option_spec *
find_option (const char *name)
{
  for (size_t i = 0; i < N_ELEMENTS (options); i++)
    if (options[i].name != NULL && strcmp (options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

/* ---- reading ----------------------------------------------------------- */

/* Replace args[at], args[at + 1] (--args FD) by the arguments in the blob. */
static int
splice_args (struct parser *p, size_t at)
{
  struct plan *plan = p->plan;
  const char *fd_text = plan->args[at + 1];
  int fd = -1;
  char *data;
  size_t len;

  if (at < p->spliced_end)
    return fail (p, "--args %s: --args inside arguments read from --args is not allowed", fd_text);
  if (parse_fd (p, "--args", fd_text, &fd) < 0)
    return -1;
  if (p->reader == NULL || p->reader->read_fd (p->reader->ctx, fd, &data, &len) < 0)
    return fail (p, "--args %s: cannot read arguments from file descriptor %d: %s",
                 fd_text, fd, strerror (p->reader ? errno : EBADF));
  plan_adopt_blob (plan, data);
  if (len > 0 && data[len - 1] != '\0')
    {
      const char *last_nul = memrchr (data, '\0', len);
      const char *unterminated = last_nul ? last_nul + 1 : data;
      int shown = (int) (data + len - unterminated);
      return fail (p, "--args %s: the data does not end with a NUL byte, so its last argument '%.*s%s' is incomplete",
                   fd_text, shown > 40 ? 40 : shown, unterminated, shown > 40 ? "..." : "");
    }

  size_t n_new = 0;
  for (size_t i = 0; i < len; i++)
    n_new += data[i] == '\0';
  plan_splice_args (plan, at, 2, data, n_new);
  p->spliced_end = at + n_new;
  return 0;
}

static bool
is_option_word (const char *arg)
{
  return arg[0] == '-';
}

static int
check_pending_modifiers (struct parser *p, const struct option_spec *next)
{
  unsigned takes = next ? next->takes : 0;
  if (p->plan->n_pending_layers > 0 && !(takes & (IS_LAYER | TAKES_LAYERS)))
    return fail (p, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
  if (takes & (IS_MODIFIER | IS_LAYER))
    return 0;
  if (p->pending_perms != PERMS_DEFAULT && !(takes & TAKES_PERMS))
    return fail (p, "--perms %s must be followed by --dir, --file, --bind-data, --ro-bind-data or --tmpfs%s%s",
                 p->pending_perms_text, next ? ", not " : "", next ? next->name : "");
  if (p->pending_size != 0 && !(takes & TAKES_SIZE))
    return fail (p, "--size %s must be followed by --tmpfs%s%s",
                 p->pending_size_text, next ? ", not " : "", next ? next->name : "");
  return 0;
}

static int
read_options (struct parser *p)
{
  struct plan *plan = p->plan;
  size_t i = 0;

  while (i < plan->n_args)
    {
      const char *arg = plan->args[i];
      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      if (!is_option_word (arg))
        break;

      const struct option_spec *spec = find_option (arg);
      if (spec == NULL)
        return fail (p, "Unknown option %s", arg);
      if (plan->n_args - i - 1 < spec->n_args)
        return fail (p, "%s: missing argument (usage: %s %s)", spec->name, spec->name, spec->metavar);
      /* --args only brings more words: a pending --perms waits for what
       * they say.  --help and --version answer whatever is pending. */
      if (spec->apply == apply_args)
        {
          if (splice_args (p, i) < 0)
            return -1;
          continue;   /* read the spliced arguments from position i */
        }
      if (spec->apply != apply_help && spec->apply != apply_version
          && check_pending_modifiers (p, spec) < 0)
        return -1;
      int r = spec->apply (p, spec, plan->args + i + 1);
      if (r < 0)
        return -1;
      if (r == APPLY_STOP)
        return 0;
      i += 1 + spec->n_args;
    }

  if (check_pending_modifiers (p, NULL) < 0)
    return -1;
  plan->command = i < plan->n_args ? plan->args + i : NULL;
  return 0;
}

int
plan_build (struct plan *plan, int argc, char *const *argv,
            const struct plan_reader *reader, struct plan_error *error)
{
  plan_init (plan, argc, argv);
  plan_error_clear (error);

  struct parser p = {
    .plan = plan,
    .error = error,
    .reader = reader,
    .pending_perms = PERMS_DEFAULT,
  };
  return read_options (&p);
}

/* ---- help ------------------------------------------------------------- */

void
plan_format_help (const char *invoked_as, void (*emit) (void *ctx, const char *line), void *ctx)
{
  char line[512];
  snprintf (line, sizeof line, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", invoked_as);
  emit (ctx, line);
  for (size_t i = 0; i < N_ELEMENTS (options); i++)
    {
      const struct option_spec *o = &options[i];
      if (o->name == NULL)
        {
          snprintf (line, sizeof line, "\n%s:\n", o->help);
          emit (ctx, line);
          continue;
        }
      char left[64];
      snprintf (left, sizeof left, "%s %s", o->name, o->metavar);
      snprintf (line, sizeof line, "    %-28s %s\n", left, o->help);
      emit (ctx, line);
    }
}
