/* swaddle: --print-plan, the plan as JSON lines.
 *
 * The first line describes the sandbox (namespaces, ids, process and
 * security settings, the command); each further line is one filesystem
 * operation, in the order it would run, with the mount flags it would get.
 * Nothing is created: the only look at the host is the caller's resolver
 * for bind sources. */
#include "plan.h"
#include "plan-internal.h"
#include "seccomp-rules.h"

#include <string.h>

struct printer
{
  FILE *out;
  const char *separator;    /* "" before an object's first member, ", " after */
};

static void
member (struct printer *p, const char *key)
{
  fprintf (p->out, "%s\"%s\": ", p->separator, key);
  p->separator = ", ";
}

static void
string_member (struct printer *p, const char *key, const char *value)
{
  member (p, key);
  json_write_string (p->out, value);
}

static void
optional_string (struct printer *p, const char *key, const char *value)
{
  if (value != NULL)
    string_member (p, key, value);
}

static void
bool_member (struct printer *p, const char *key, bool value)
{
  member (p, key);
  fputs (value ? "true" : "false", p->out);
}

static void
int_member (struct printer *p, const char *key, long long value)
{
  member (p, key);
  fprintf (p->out, "%lld", value);
}

static void
optional_fd (struct printer *p, const char *key, int fd)
{
  if (fd >= 0)
    int_member (p, key, fd);
}

static void
mode_member (struct printer *p, const char *key, int mode)
{
  char text[16];
  snprintf (text, sizeof text, "0%o", (unsigned) mode);
  string_member (p, key, text);
}

static void
begin_object (struct printer *p)
{
  fputc ('{', p->out);
  p->separator = "";
}

static void
end_line (struct printer *p)
{
  fputs ("}\n", p->out);
}

static void
string_array (struct printer *p, const char *key, const char *const *items, size_t n)
{
  member (p, key);
  fputc ('[', p->out);
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        fputs (", ", p->out);
      json_write_string (p->out, items[i]);
    }
  fputc (']', p->out);
}

/* The network plan: "network" says which (the host's, a new one with lo
 * only, a user-mode one, a joined one); a user-mode network lists its
 * forwards.  Which helper runs it (pasta, else slirp4netns) is the host's
 * to say when it starts: --check tells. */
static void
print_network (struct printer *p, const struct plan *plan)
{
  const char *network = plan->netns_fd >= 0 ? "joined"
                        : plan->net_user ? "user"
                        : plan->ns[NS_NET] == NS_WANT_NO ? "host" : "loopback-only";
  string_member (p, "network", network);
  optional_fd (p, "netns_fd", plan->netns_fd);
  if (!plan->net_user)
    return;
  bool_member (p, "allow_host_loopback", plan->allow_host_loopback);
  member (p, "forward_ports");
  fputc ('[', p->out);
  for (size_t i = 0; i < plan->n_forwards; i++)
    {
      const struct port_forward *fwd = &plan->forwards[i];
      fprintf (p->out, "%s{\"host_addr\": ", i ? ", " : "");
      json_write_string (p->out, fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1");
      fprintf (p->out, ", \"host_port\": %u, \"sandbox_port\": %u, \"protocol\": \"%s\"}",
               fwd->host_port, fwd->sandbox_port, fwd->udp ? "udp" : "tcp");
    }
  fputc (']', p->out);
}

/* ---- the sandbox ---------------------------------------------------------- */

/* An object as the value of key; end_member_object() closes it. */
static void
begin_member_object (struct printer *p, const char *key)
{
  member (p, key);
  fputc ('{', p->out);
  p->separator = "";
}

static void
end_member_object (struct printer *p)
{
  fputc ('}', p->out);
  p->separator = ", ";
}

static void
errno_member (struct printer *p, const char *key, int value)
{
  const char *name = errno_to_name (value);
  if (name)
    string_member (p, key, name);
  else
    int_member (p, key, value);
}

/* policy: the rules by name, resolved: the calls, their errno, the
 * families socket() refuses. */
static void
print_seccomp_rules (struct printer *p, const struct plan *plan)
{
  if (!seccomp_rules_wanted (plan))
    return;
  begin_member_object (p, "seccomp_rules");
  if (plan->n_seccomp_allow > 0)
    {
      string_member (p, "mode", "allow-list");
      string_array (p, "allow", plan->seccomp_allow, plan->n_seccomp_allow);
      string_member (p, "also_allowed", "execve");
    }
  else
    string_member (p, "mode", "deny-list");
  errno_member (p, "errno", seccomp_rules_errno (plan));
  optional_string (p, "profile", plan->seccomp_profile);
  if (plan->n_seccomp_deny > 0)
    string_array (p, "deny", plan->seccomp_deny, plan->n_seccomp_deny);
  if (plan->n_deny_socket > 0)
    {
      member (p, "deny_socket");
      fputc ('[', p->out);
      for (size_t i = 0; i < plan->n_deny_socket; i++)
        {
          fputs (i ? ", " : "", p->out);
          json_write_string (p->out, socket_family_name (plan->deny_socket[i]));
        }
      fputc (']', p->out);
      errno_member (p, "deny_socket_errno", DENY_SOCKET_ERRNO);
    }
  end_member_object (p);
}

static void
port_array (struct printer *p, const char *key, const uint16_t *ports, size_t n)
{
  if (n == 0)
    return;
  member (p, key);
  fputc ('[', p->out);
  for (size_t i = 0; i < n; i++)
    fprintf (p->out, "%s%u", i ? ", " : "", (unsigned) ports[i]);
  fputc (']', p->out);
}

static void
print_landlock (struct printer *p, const struct plan *plan)
{
  if (!plan_wants_landlock (plan))
    return;
  begin_member_object (p, "landlock");
  const char *scopes[2];
  size_t n = 0;
  if (plan->landlock_scope & LANDLOCK_SCOPE_ABSTRACT_UNIX)
    scopes[n++] = "abstract-unix-socket";
  if (plan->landlock_scope & LANDLOCK_SCOPE_SIGNALS)
    scopes[n++] = "signal";
  if (n > 0)
    string_array (p, "scope", scopes, n);
  if (plan->n_landlock_paths > 0)
    {
      member (p, "paths");
      fputc ('[', p->out);
      for (size_t i = 0; i < plan->n_landlock_paths; i++)
        {
          fputs (i ? ", {" : "{", p->out);
          p->separator = "";
          string_member (p, "path", plan->landlock_paths[i].path);
          string_member (p, "access", plan->landlock_paths[i].writable ? "read-write" : "read-only");
          fputc ('}', p->out);
        }
      fputc (']', p->out);
      p->separator = ", ";
    }
  port_array (p, "tcp_connect", plan->landlock_tcp_connect, plan->n_landlock_tcp_connect);
  port_array (p, "tcp_bind", plan->landlock_tcp_bind, plan->n_landlock_tcp_bind);
  bool_member (p, "best_effort", plan->landlock_best_effort);
  end_member_object (p);
}

static const char *const ns_names[NS_TYPE_COUNT] = {
  [NS_USER] = "user", [NS_IPC] = "ipc", [NS_PID] = "pid",
  [NS_NET] = "net", [NS_UTS] = "uts", [NS_CGROUP] = "cgroup",
};

static const char *
ns_state (const struct plan *plan, const struct host_facts *facts, enum ns_type type)
{
  if (type == NS_USER && plan->userns_fd >= 0)
    return "join";
  if (type == NS_PID && plan->pidns_fd >= 0)
    return plan->ns[NS_PID] == NS_WANT_NO ? "join" : "new, in the joined one";
  if (type == NS_USER && plan_wants_user_ns (plan, facts))
    return plan->ns[NS_USER] == NS_WANT_TRY && facts->is_root ? "new if possible" : "new";
  switch (plan->ns[type])
    {
    case NS_WANT_YES:
      return "new";
    case NS_WANT_TRY:
      return "new if possible";
    case NS_WANT_NO:
      return "shared";
    }
  return "shared";
}

static void
print_namespaces (struct printer *p, const struct plan *plan, const struct host_facts *facts)
{
  member (p, "namespaces");
  struct printer inner = { p->out, "" };
  fputc ('{', p->out);
  string_member (&inner, "mount", "new");
  for (int type = 0; type < NS_TYPE_COUNT; type++)
    string_member (&inner, ns_names[type], ns_state (plan, facts, (enum ns_type) type));
  fputc ('}', p->out);
}

static void
print_environment (struct printer *p, const struct plan *plan)
{
  member (p, "environment");
  fputc ('[', p->out);
  for (size_t i = 0; i < plan->n_env; i++)
    {
      const struct env_op *e = &plan->env[i];
      struct printer inner = { p->out, "" };
      fputs (i > 0 ? ", {" : "{", p->out);
      switch (e->kind)
        {
        case ENV_SET:
          string_member (&inner, "set", e->name);
          string_member (&inner, "value", e->value);
          break;
        case ENV_UNSET:
          string_member (&inner, "unset", e->name);
          break;
        case ENV_CLEAR:
          bool_member (&inner, "clear", true);
          break;
        }
      fputc ('}', p->out);
    }
  fputc (']', p->out);
}

static void
print_capabilities (struct printer *p, const struct plan *plan)
{
  member (p, "capabilities");
  fputc ('[', p->out);
  for (size_t i = 0; i < plan->n_cap_edits; i++)
    {
      const struct cap_edit *c = &plan->cap_edits[i];
      fprintf (p->out, "%s\"%s %s\"", i ? ", " : "", c->kind == CAP_EDIT_ADD ? "add" : "drop", c->name);
    }
  fputc (']', p->out);
}

/* ---- limits ---------------------------------------------------------------- */

static void
limit_value (struct printer *p, const char *key, uint64_t v)
{
  if (v == LIMIT_UNLIMITED)
    string_member (p, key, "unlimited");
  else
    {
      member (p, key);
      fprintf (p->out, "%llu", (unsigned long long) v);
    }
}

/* Milliseconds as seconds, without trailing zeros: 2500 -> 2.5. */
static void
seconds_member (struct printer *p, const char *key, uint64_t ms)
{
  member (p, key);
  fprintf (p->out, "%llu", (unsigned long long) (ms / 1000));
  if (ms % 1000)
    {
      char frac[8];
      snprintf (frac, sizeof frac, "%03u", (unsigned) (ms % 1000));
      for (size_t n = strlen (frac); n > 0 && frac[n - 1] == '0'; n--)
        frac[n - 1] = '\0';
      fprintf (p->out, ".%s", frac);
    }
}

static void
print_limits (struct printer *p, const struct plan *plan)
{
  member (p, "rlimits");
  fputc ('[', p->out);
  for (size_t i = 0; i < plan->n_rlimits; i++)
    {
      const struct plan_rlimit *r = &plan->rlimits[i];
      if (i > 0)
        fputs (", ", p->out);
      begin_object (p);
      string_member (p, "name", rlimit_name (r->resource));
      limit_value (p, "soft", r->soft);
      if (r->has_hard)
        limit_value (p, "hard", r->hard);
      fputc ('}', p->out);
    }
  fputc (']', p->out);
  p->separator = ", ";
  if (plan->timeout_ms)
    {
      member (p, "timeout");
      begin_object (p);
      seconds_member (p, "seconds", plan->timeout_ms);
      seconds_member (p, "grace", plan->timeout_grace_ms);
      fputc ('}', p->out);
      p->separator = ", ";
    }
  if (plan->memory_max)
    limit_value (p, "memory_max", plan->memory_max);
  if (plan->pids_max)
    limit_value (p, "pids_max", plan->pids_max);
  if (plan->cpu_quota_us)
    {
      char text[64];
      snprintf (text, sizeof text, "%llu %llu", (unsigned long long) plan->cpu_quota_us,
                (unsigned long long) plan->cpu_period_us);
      string_member (p, "cpu_max", text);
    }
}

static void
print_id_maps (struct printer *p, const char *key, const struct id_map *maps, size_t n)
{
  member (p, key);
  fputc ('[', p->out);
  for (size_t i = 0; i < n; i++)
    fprintf (p->out, "%s{\"inside\": %u, \"outside\": %u, \"count\": %u}", i ? ", " : "",
             (unsigned) maps[i].inside, (unsigned) maps[i].outside, (unsigned) maps[i].count);
  fputc (']', p->out);
}

static void
print_sandbox (struct printer *p, const struct plan *plan, const struct host_facts *facts)
{
  begin_object (p);
  member (p, "sandbox");
  begin_object (p);
  print_namespaces (p, plan, facts);
  if (plan->has_uid)
    int_member (p, "uid", plan->uid);
  if (plan->has_gid)
    int_member (p, "gid", plan->gid);
  optional_string (p, "hostname", plan->hostname);
  optional_string (p, "chdir", plan->chdir_path);
  optional_string (p, "argv0", plan->argv0);
  print_environment (p, plan);
  print_capabilities (p, plan);
  bool_member (p, "new_session", plan->new_session || plan->pty);
  bool_member (p, "pty", plan->pty);
  bool_member (p, "die_with_parent", plan->die_with_parent);
  bool_member (p, "as_pid_1", plan->as_pid_1);
  bool_member (p, "disable_userns", plan->disable_userns);
  bool_member (p, "assert_userns_disabled", plan->assert_userns_disabled);
  bool_member (p, "not_a_security_boundary", plan->not_a_security_boundary);
  bool_member (p, "no_new_privs", true);
  optional_fd (p, "userns_fd", plan->userns_fd);
  optional_fd (p, "userns2_fd", plan->userns2_fd);
  optional_fd (p, "pidns_fd", plan->pidns_fd);
  optional_fd (p, "info_fd", plan->info_fd);
  optional_fd (p, "json_status_fd", plan->json_status_fd);
  optional_fd (p, "sync_fd", plan->sync_fd);
  optional_fd (p, "block_fd", plan->block_fd);
  optional_fd (p, "userns_block_fd", plan->userns_block_fd);
  optional_fd (p, "seccomp_fd", plan->seccomp_fd);
  if (plan->n_add_seccomp_fds > 0)
    {
      member (p, "add_seccomp_fds");
      fputc ('[', p->out);
      for (size_t i = 0; i < plan->n_add_seccomp_fds; i++)
        fprintf (p->out, "%s%d", i ? ", " : "", plan->add_seccomp_fds[i]);
      fputc (']', p->out);
    }
  string_array (p, "lock_files", plan->lock_files, plan->n_lock_files);
  optional_string (p, "exec_label", plan->exec_label);
  optional_string (p, "file_label", plan->file_label);

  /* network */
  print_network (p, plan);

  /* limits */
  print_limits (p, plan);

  /* policy */
  print_seccomp_rules (p, plan);
  print_landlock (p, plan);

  /* idmap */
  bool_member (p, "map_subids", plan->map_subids);
  print_id_maps (p, "uid_maps", plan->uid_maps, plan->n_uid_maps);
  print_id_maps (p, "gid_maps", plan->gid_maps, plan->n_gid_maps);

  string_array (p, "command", (const char *const *) plan->command, plan_command_length (plan));
  fputc ('}', p->out);
  end_line (p);
}

/* ---- the operations --------------------------------------------------------- */

static const char *const op_names[] = {
  [OP_BIND] = "bind", [OP_REMOUNT_RO] = "remount-ro", [OP_PROC] = "proc",
  [OP_DEV] = "dev", [OP_TMPFS] = "tmpfs", [OP_MQUEUE] = "mqueue",
  [OP_DIR] = "dir", [OP_FILE] = "file", [OP_BIND_DATA] = "bind-data",
  [OP_SYMLINK] = "symlink", [OP_CHMOD] = "chmod", [OP_BIND_FD] = "bind-fd",
  [OP_OVERLAY] = "overlay", [OP_SYS] = "sys",
};

enum print_flag
{
  F_RO = 1 << 0,
  F_NOSUID = 1 << 1,
  F_NODEV = 1 << 2,
  F_NOEXEC = 1 << 3,
  F_RECURSIVE = 1 << 4,
};

static void
flags_member (struct printer *p, unsigned flags)
{
  static const char *const names[] = { "ro", "nosuid", "nodev", "noexec", "recursive" };
  const char *set[N_ELEMENTS (names)];
  size_t n = 0;
  for (size_t i = 0; i < N_ELEMENTS (names); i++)
    if (flags & (1u << i))
      set[n++] = names[i];
  string_array (p, "flags", set, n);
}

static unsigned
bind_flags_of (const struct op *op)
{
  return F_NOSUID | F_RECURSIVE
         | ((op->bind_flags & BIND_DEVICES) ? 0 : F_NODEV)
         | ((op->bind_flags & BIND_READONLY) ? F_RO : 0);
}

static void
print_source (struct printer *p, const struct op *op, const struct plan_print_context *pc)
{
  string_member (p, "source", op->source);
  char *resolved = pc->resolve ? pc->resolve (pc->ctx, op->source) : NULL;
  member (p, "resolved_source");
  json_write_string (p->out, resolved);
  free (resolved);
}

static void
print_overlay (struct printer *p, const struct op *op, const struct plan_print_context *pc)
{
  static const char *const kinds[] = { [OVERLAY_RW] = "rw", [OVERLAY_TMP] = "tmp", [OVERLAY_RO] = "ro" };
  string_member (p, "overlay", kinds[op->overlay]);
  string_array (p, "layers", op->layers, op->n_layers);
  if (op->overlay == OVERLAY_RW)
    {
      print_source (p, op, pc);
      string_member (p, "workdir", op->workdir);
    }
  flags_member (p, F_NOSUID | F_NODEV | (op->overlay == OVERLAY_RO ? F_RO : 0));
}

/* The members that depend on the kind of operation. */
static void
print_op_details (struct printer *p, const struct plan *plan, const struct op *op,
                  const struct plan_print_context *pc)
{
  switch (op->kind)
    {
    case OP_BIND:
      print_source (p, op, pc);
      if (op->bind_flags & BIND_TRY)
        string_member (p, "missing_source", "skip");
      flags_member (p, bind_flags_of (op));
      break;
    case OP_BIND_FD:
      int_member (p, "fd", op->fd);
      flags_member (p, bind_flags_of (op));
      break;
    case OP_REMOUNT_RO:
      flags_member (p, F_RO);
      break;
    case OP_PROC:
      {
        bool fresh = plan->ns[NS_PID] != NS_WANT_NO || plan->pidns_fd >= 0;
        string_member (p, "fstype", fresh ? "proc" : "bind of the caller's /proc");
        flags_member (p, F_NOSUID | F_NODEV | F_NOEXEC | (fresh ? 0 : F_RECURSIVE));
        string_array (p, "read_only", (const char *const[]) { "sys", "sysrq-trigger", "irq", "bus" }, 4);
        break;
      }
    case OP_SYS:
      {
        bool fresh = plan->ns[NS_NET] != NS_WANT_NO;
        string_member (p, "fstype", fresh ? "sysfs" : "bind of the caller's /sys");
        flags_member (p, F_RO | F_NOSUID | F_NODEV | F_NOEXEC | (fresh ? 0 : F_RECURSIVE));
        break;
      }
    case OP_DEV:
      string_member (p, "fstype", "tmpfs");
      flags_member (p, F_NOSUID | F_NODEV);
      string_array (p, "devices", (const char *const[]) { "null", "zero", "full", "random", "urandom", "tty" }, 6);
      string_member (p, "pts", "devpts, a new instance");
      break;
    case OP_TMPFS:
      string_member (p, "fstype", "tmpfs");
      mode_member (p, "mode", op->perms == PERMS_DEFAULT ? 0755 : op->perms);
      if (op->size)
        int_member (p, "size", (long long) op->size);
      flags_member (p, F_NOSUID | F_NODEV);
      break;
    case OP_MQUEUE:
      string_member (p, "fstype", "mqueue");
      flags_member (p, F_NOSUID | F_NODEV | F_NOEXEC);
      break;
    case OP_DIR:
      mode_member (p, "mode", op->perms == PERMS_DEFAULT ? 0755 : op->perms);
      break;
    case OP_FILE:
      int_member (p, "fd", op->fd);
      mode_member (p, "mode", op->perms == PERMS_DEFAULT ? 0666 : op->perms);
      break;
    case OP_BIND_DATA:
      int_member (p, "fd", op->fd);
      mode_member (p, "mode", op->perms == PERMS_DEFAULT ? 0600 : op->perms);
      flags_member (p, F_NOSUID | F_NODEV | ((op->bind_flags & BIND_READONLY) ? F_RO : 0));
      break;
    case OP_SYMLINK:
      string_member (p, "target", op->source);
      break;
    case OP_CHMOD:
      mode_member (p, "mode", op->perms);
      break;
    case OP_OVERLAY:
      print_overlay (p, op, pc);
      break;
    }
}

static void
print_op (struct printer *p, const struct plan *plan, size_t index, const struct plan_print_context *pc)
{
  const struct op *op = &plan->ops[index];
  autofree char *dest = path_normalize (op->dest);
  begin_object (p);
  int_member (p, "step", (long long) index + 1);
  string_member (p, "op", op_names[op->kind]);
  string_member (p, "option", op->option);
  string_member (p, "dest", dest);
  print_op_details (p, plan, op, pc);
  end_line (p);
}

void
plan_print_json (const struct plan *plan, const struct plan_print_context *pc, FILE *out)
{
  struct printer p = { out, "" };
  print_sandbox (&p, plan, pc->facts);
  for (size_t i = 0; i < plan->n_ops; i++)
    print_op (&p, plan, i, pc);
}
