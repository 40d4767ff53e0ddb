/* swaddle: the plan's storage and its validation. */
#include "plan-internal.h"

#include <stdio.h>
#include <string.h>

/* ---- storage -------------------------------------------------------------- */

static void *
grow (void *array, size_t *cap, size_t needed, size_t item_size)
{
  if (needed <= *cap)
    return array;
  size_t new_cap = *cap ? *cap : 16;
  while (new_cap < needed)
    new_cap *= 2;
  *cap = new_cap;
  return xrealloc (array, new_cap * item_size);
}

/* For the arrays that stay small: grow one at a time, in powers of two. */
void *
plan_append (void *array, size_t *n, size_t item_size)
{
  size_t count = *n;
  if ((count & (count - 1)) == 0)
    array = xrealloc (array, (count ? count * 2 : 1) * item_size);
  *n = count + 1;
  return array;
}

void
plan_init (struct plan *plan, int argc, char *const *argv)
{
  memset (plan, 0, sizeof *plan);
  plan->info_fd = plan->json_status_fd = plan->sync_fd = -1;
  plan->block_fd = plan->userns_block_fd = -1;
  plan->userns_fd = plan->userns2_fd = plan->pidns_fd = plan->seccomp_fd = -1;
  plan->netns_fd = -1;
  plan->invoked_as = argc > 0 ? argv[0] : "swaddle";
  plan->n_args = argc > 0 ? (size_t) argc - 1 : 0;
  plan->args = xcalloc (plan->n_args + 1, sizeof (char *));
  for (size_t i = 0; i < plan->n_args; i++)
    plan->args[i] = argv[i + 1];
}

struct op *
plan_add_op (struct plan *plan, enum op_kind kind, const char *option, const char *dest)
{
  plan->ops = grow (plan->ops, &plan->cap_ops, plan->n_ops + 1, sizeof *plan->ops);
  struct op *op = &plan->ops[plan->n_ops++];
  *op = (struct op) {
    .kind = kind,
    .option = option,
    .dest = dest,
    .fd = -1,
    .perms = PERMS_DEFAULT,
  };
  return op;
}

void
plan_add_env (struct plan *plan, enum env_kind kind, const char *name, const char *value)
{
  plan->env = grow (plan->env, &plan->cap_env, plan->n_env + 1, sizeof *plan->env);
  plan->env[plan->n_env++] = (struct env_op) { kind, name, value };
}

void
plan_adopt_blob (struct plan *plan, char *blob)
{
  plan->blobs = grow (plan->blobs, &plan->cap_blobs, plan->n_blobs + 1, sizeof *plan->blobs);
  plan->blobs[plan->n_blobs++] = blob;
}

void
plan_splice_args (struct plan *plan, size_t at, size_t n_remove, char *data, size_t n_new)
{
  size_t n_after = plan->n_args - at - n_remove;
  size_t n_total = plan->n_args - n_remove + n_new;
  char **args = plan->args;

  /* Move what follows before shrinking, after growing. */
  if (n_new < n_remove)
    memmove (args + at + n_new, args + at + n_remove, n_after * sizeof (char *));
  args = xrealloc (args, (n_total + 1) * sizeof (char *));
  if (n_new > n_remove)
    memmove (args + at + n_new, args + at + n_remove, n_after * sizeof (char *));
  for (size_t i = 0; i < n_new; i++)
    {
      args[at + i] = data;
      data += strlen (data) + 1;
    }
  args[n_total] = NULL;
  plan->args = args;
  plan->n_args = n_total;
}

void
plan_free (struct plan *plan)
{
  for (size_t i = 0; i < plan->n_blobs; i++)
    free (plan->blobs[i]);
  free (plan->blobs);
  free (plan->args);
  for (size_t i = 0; i < plan->n_ops; i++)
    free (plan->ops[i].layers);
  free (plan->ops);
  free (plan->env);
  free (plan->pending_layers);
  free (plan->add_seccomp_fds);
  free (plan->lock_files);
  free (plan->cap_edits);

  /* network */
  free (plan->forwards);

  /* limits */
  free (plan->rlimits);

  /* policy */
  free (plan->seccomp_deny);
  free (plan->seccomp_allow);
  free (plan->deny_socket);
  free (plan->landlock_paths);
  free (plan->landlock_tcp_connect);
  free (plan->landlock_tcp_bind);

  /* idmap */
  free (plan->uid_maps);
  free (plan->gid_maps);

  memset (plan, 0, sizeof *plan);
}

/* ---- errors ------------------------------------------------------------- */

void
plan_error_clear (struct plan_error *error)
{
  error->kind = PLAN_ERROR_NONE;
  error->message[0] = '\0';
  error->detail[0] = '\0';
}

void
plan_error_setv (struct plan_error *error, enum plan_error_kind kind, const char *fmt, va_list ap)
{
  error->kind = kind;
  vsnprintf (error->message, sizeof error->message, fmt, ap);
}

void
plan_error_set (struct plan_error *error, enum plan_error_kind kind, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  plan_error_setv (error, kind, fmt, ap);
  va_end (ap);
}

/* ---- numbers ---------------------------------------------------------- */

/* Strict: digits only in the base, no sign, no space, no empty string,
 * nothing after the number, and at most max. */
int
parse_uint_arg (const char *text, unsigned base, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;
  if (*text == '\0')
    return -1;
  for (const char *c = text; *c; c++)
    {
      unsigned digit;
      if (*c >= '0' && *c <= '9')
        digit = (unsigned) (*c - '0');
      else
        return -1;
      if (digit >= base)
        return -1;
      if (v > (max - digit) / base)
        return -1;
      v = v * base + digit;
    }
  *out = v;
  return 0;
}

/* ---- validation --------------------------------------------------------- */

bool
plan_has_op (const struct plan *plan, enum op_kind kind)
{
  for (size_t i = 0; i < plan->n_ops; i++)
    if (plan->ops[i].kind == kind)
      return true;
  return false;
}

size_t
plan_command_length (const struct plan *plan)
{
  size_t n = 0;
  while (plan->command != NULL && plan->command[n] != NULL)
    n++;
  return n;
}

bool
plan_wants_user_ns (const struct plan *plan, const struct host_facts *facts)
{
  /* Without privilege a user namespace is what makes everything else
   * possible; --userns brings one of the caller's instead. */
  if (plan->userns_fd >= 0)
    return false;
  return !facts->is_root || plan->ns[NS_USER] != NS_WANT_NO;
}

bool
plan_maps_id_ranges (const struct plan *plan)
{
  return plan->map_subids || plan->n_uid_maps > 0 || plan->n_gid_maps > 0;
}

bool
id_maps_find_inside (const struct id_map *maps, size_t n, uint32_t outside, uint32_t *inside)
{
  for (size_t i = 0; i < n; i++)
    if (outside >= maps[i].outside && outside - maps[i].outside < maps[i].count)
      {
        *inside = maps[i].inside + (outside - maps[i].outside);
        return true;
      }
  return false;
}

/* Where the maps put the caller's id; else the one asked for, or the caller's. */
static uint32_t
sandbox_id (const struct id_map *maps, size_t n, uint32_t caller, bool has_id, uint32_t id)
{
  uint32_t inside;
  if (id_maps_find_inside (maps, n, caller, &inside))
    return inside;
  return has_id ? id : caller;
}

uint32_t
plan_sandbox_uid (const struct plan *plan, const struct host_facts *facts)
{
  return sandbox_id (plan->uid_maps, plan->n_uid_maps, facts->uid, plan->has_uid, plan->uid);
}

uint32_t
plan_sandbox_gid (const struct plan *plan, const struct host_facts *facts)
{
  return sandbox_id (plan->gid_maps, plan->n_gid_maps, facts->gid, plan->has_gid, plan->gid);
}

static int
invalid (struct plan_error *error, const char *fmt, ...) __attribute__((format (printf, 2, 3)));

static int
invalid (struct plan_error *error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  plan_error_setv (error, PLAN_ERROR_INVALID, fmt, ap);
  va_end (ap);
  return -1;
}

/* With --uid-map, the sandbox runs as what the maps make of the caller:
 * its ids must be in them, and --uid, if given, must agree. */
static int
validate_explicit_map (const struct id_map *maps, size_t n, const char *option, const char *id_option,
                       bool has_id, uint32_t id, uint32_t caller, struct plan_error *error)
{
  uint32_t inside;
  if (n == 0)
    return 0;
  if (!id_maps_find_inside (maps, n, caller, &inside))
    return invalid (error, "%s %s: no map includes your own id %u, which the sandbox runs as; add %s INSIDE:%u:1",
                    option, maps[0].text, (unsigned) caller, option, (unsigned) caller);
  if (has_id && id != inside)
    return invalid (error, "%s %u: %s %s puts your id %u at %u inside, which is the id the sandbox runs as",
                    id_option, (unsigned) id, option, maps[0].text, (unsigned) caller, (unsigned) inside);
  return 0;
}

static int
validate_id_ranges (const struct plan *plan, const struct host_facts *facts, struct plan_error *error)
{
  char option[64];
  if (plan->map_subids)
    snprintf (option, sizeof option, "--map-subids");
  else
    snprintf (option, sizeof option, "%s %s", plan->n_uid_maps ? "--uid-map" : "--gid-map",
              plan->n_uid_maps ? plan->uid_maps[0].text : plan->gid_maps[0].text);
  if (plan->map_subids && (plan->n_uid_maps > 0 || plan->n_gid_maps > 0))
    return invalid (error, "--map-subids cannot be combined with --uid-map or --gid-map: it lays out the whole map itself");
  if (plan->userns_fd >= 0)
    return invalid (error, "%s cannot be combined with --userns: the maps of a joined user namespace are already written",
                    option);
  if (!plan_wants_user_ns (plan, facts))
    return invalid (error, "%s requires --unshare-user: as root, swaddle creates a user namespace only when asked", option);
  if (plan->disable_userns)
    return invalid (error, "%s cannot be combined with --disable-userns: its nested namespace could map only one id", option);
  /* The helper outside names the sandbox by its pid in the caller's pid
   * namespace, which a process that joined another one does not know. */
  if (plan->pidns_fd >= 0)
    return invalid (error, "%s cannot be combined with --pidns: the maps are written from outside, by the sandbox's pid in your pid namespace",
                    option);
  if (validate_explicit_map (plan->uid_maps, plan->n_uid_maps, "--uid-map", "--uid", plan->has_uid, plan->uid,
                             facts->uid, error) < 0)
    return -1;
  return validate_explicit_map (plan->gid_maps, plan->n_gid_maps, "--gid-map", "--gid", plan->has_gid, plan->gid,
                                facts->gid, error);
}

/* --rlimit above the caller's hard limit: only CAP_SYS_RESOURCE may raise
 * it (root does, in swaddle's first process, before any namespace). */
static int
validate_limits (const struct plan *plan, const struct host_facts *facts, struct plan_error *error)
{
  for (size_t i = 0; i < plan->n_rlimits && facts->rlimits_known && !facts->may_raise_rlimits; i++)
    {
      const struct plan_rlimit *r = &plan->rlimits[i];
      uint64_t hard = facts->rlimit_hard[r->resource];
      uint64_t wanted = r->has_hard ? r->hard : r->soft;
      if (wanted > hard)
        return invalid (error, "--rlimit %s: above this process's hard limit for %s (%llu): only a process with CAP_SYS_RESOURCE may raise it; "
                        "lower the value, or raise the hard limit before swaddle (prlimit, ulimit -H, limits.conf)",
                        r->text, rlimit_name (r->resource), (unsigned long long) hard);
    }
  if (plan->timeout_ms && plan->as_pid_1 && plan->pty)
    return invalid (error, "--timeout %s cannot be combined with --as-pid-1 and --pty: nothing would watch the time "
                    "(drop --as-pid-1, and swaddle's pid 1 ends the sandbox in time)", plan->timeout_text);
  return 0;
}

int
plan_validate (struct plan *plan, const struct host_facts *facts, struct plan_error *error)
{
  plan_error_clear (error);
  if (plan->show_help || plan->show_version || plan->check_host)
    return 0;
  if (plan->check_json)
    return invalid (error, "--json goes with --check");
  if (!plan->print_plan && (plan->command == NULL || plan->command[0] == NULL))
    {
      plan_error_set (error, PLAN_ERROR_USAGE, "No command specified");
      return -1;
    }
  bool user_ns = plan_wants_user_ns (plan, facts) || plan->userns_fd >= 0;
  /* As root without a user namespace, the ids are already the caller's
   * own: only a different one needs a namespace to map it. */
  if (plan->has_uid && !user_ns && plan->uid != facts->uid)
    return invalid (error, "--uid %u requires --unshare-user or --userns: as root, swaddle creates a user namespace only when asked",
                    (unsigned) plan->uid);
  if (plan->has_gid && !user_ns && plan->gid != facts->gid)
    return invalid (error, "--gid %u requires --unshare-user or --userns: as root, swaddle creates a user namespace only when asked",
                    (unsigned) plan->gid);
  if (plan->hostname != NULL && plan->ns[NS_UTS] == NS_WANT_NO)
    return invalid (error, "--hostname %s requires --unshare-uts (the hostname belongs to the uts namespace)",
                    plan->hostname);
  if (plan->as_pid_1 && plan->ns[NS_PID] == NS_WANT_NO)
    return invalid (error, "--as-pid-1 requires --unshare-pid (pid 1 exists only in a new pid namespace)");
  if (plan->n_pending_layers > 0)
    return invalid (error, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
  if (plan->userns_fd >= 0 && plan->ns[NS_USER] == NS_WANT_YES)
    return invalid (error, "--userns %d cannot be combined with --unshare-user: it joins an existing user namespace instead",
                    plan->userns_fd);
  if (plan->userns2_fd >= 0 && plan->userns_fd < 0)
    return invalid (error, "--userns2 %d requires --userns", plan->userns2_fd);
  if (plan->userns_block_fd >= 0 && plan->info_fd < 0)
    return invalid (error, "--userns-block-fd %d requires --info-fd, which tells the caller the pid to set up",
                    plan->userns_block_fd);
  if (plan->userns_block_fd >= 0 && !plan_wants_user_ns (plan, facts))
    return invalid (error, "--userns-block-fd %d requires --unshare-user", plan->userns_block_fd);
  if (plan->disable_userns && !user_ns && plan->userns_fd < 0)
    return invalid (error, "--disable-userns requires --unshare-user or --userns");

  /* network */
  if (plan->net_user && plan->ns[NS_NET] == NS_WANT_NO)
    return invalid (error, "--net-user cannot be combined with --share-net: it needs a network namespace of its own");
  if (plan->net_user && plan->netns_fd >= 0)
    return invalid (error, "--netns %d cannot be combined with --net-user: it joins an existing network namespace instead",
                    plan->netns_fd);
  if (!plan->net_user && plan->n_forwards > 0)
    return invalid (error, "--forward-port %s requires --net-user", plan->forwards[0].spec);
  if (!plan->net_user && plan->allow_host_loopback)
    return invalid (error, "--allow-host-loopback requires --net-user");
  /* The joined namespace takes the place of the one --unshare-net or
   * --unshare-all would create. */
  if (plan->netns_fd >= 0)
    plan->ns[NS_NET] = NS_WANT_NO;

  /* limits */
  if (validate_limits (plan, facts, error) < 0)
    return -1;

  /* policy */
  if (plan->seccomp_errno != 0 && plan->n_seccomp_deny == 0 && plan->n_seccomp_allow == 0)
    return invalid (error, "--seccomp-errno %d: there is no --seccomp-deny, --seccomp-allow or --seccomp-profile for it to apply to",
                    plan->seccomp_errno);

  /* idmap */
  if (plan_maps_id_ranges (plan) && validate_id_ranges (plan, facts, error) < 0)
    return -1;

  /* The helper outside (outside.h) is forked before the sandbox's cgroup
   * exists and would stay in the caller's cgroup, which must be empty of
   * other processes to give the sandbox's cgroup its controllers. */
  bool cgroup_limits = plan->memory_max || plan->pids_max || plan->cpu_quota_us;
  if (cgroup_limits && (plan->net_user || plan_maps_id_ranges (plan)))
    return invalid (error, "--memory-max, --pids-max and --cpu-max cannot be combined with %s yet: "
                    "the helper it runs outside the sandbox would keep the caller's cgroup busy",
                    plan->net_user ? "--net-user" : plan->map_subids ? "--map-subids" : "--uid-map/--gid-map");

  return 0;
}

bool
plan_wants_landlock (const struct plan *plan)
{
  return plan->landlock_scope != 0 || plan->n_landlock_paths > 0
         || plan->n_landlock_tcp_connect > 0 || plan->n_landlock_tcp_bind > 0;
}
