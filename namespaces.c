/* swaddle: namespaces. */
#include "namespaces.h"
#include "utils.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct
{
  enum ns_type type;
  int flag;
  const char *proc_name;
  const char *flag_name;
} ns_kinds[] = {
  { NS_USER, CLONE_NEWUSER, "user", "CLONE_NEWUSER" },
  { NS_IPC, CLONE_NEWIPC, "ipc", "CLONE_NEWIPC" },
  { NS_PID, CLONE_NEWPID, "pid", "CLONE_NEWPID" },
  { NS_NET, CLONE_NEWNET, "net", "CLONE_NEWNET" },
  { NS_UTS, CLONE_NEWUTS, "uts", "CLONE_NEWUTS" },
  { NS_CGROUP, CLONE_NEWCGROUP, "cgroup", "CLONE_NEWCGROUP" },
};

static bool
kernel_has_ns (const char *proc_name)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/ns/%s", proc_name);
  return access (path, F_OK) == 0;
}

void
ns_decide (const struct plan *plan, const struct host_facts *facts, struct ns_setup *ns)
{
  memset (ns, 0, sizeof *ns);
  /* The mount namespace is what every sandbox is made of. */
  ns->clone_flags = CLONE_NEWNS;
  for (size_t i = 0; i < N_ELEMENTS (ns_kinds); i++)
    {
      enum ns_want want = plan->ns[ns_kinds[i].type];
      if (ns_kinds[i].type == NS_USER)
        want = !plan_wants_user_ns (plan, facts) ? NS_WANT_NO
               : facts->is_root ? want : NS_WANT_YES;
      if (want == NS_WANT_YES || (want == NS_WANT_TRY && kernel_has_ns (ns_kinds[i].proc_name)))
        ns->clone_flags |= ns_kinds[i].flag;
    }
  ns->user_ns = (ns->clone_flags & CLONE_NEWUSER) != 0;
  ns->uid_outside = geteuid ();
  ns->gid_outside = getegid ();
  ns->uid_inside = plan_sandbox_uid (plan, facts);
  ns->gid_inside = plan_sandbox_gid (plan, facts);
}

void
ns_flags_describe (int clone_flags, char *buf, size_t size)
{
  size_t used = 0;
  buf[0] = '\0';
  if (clone_flags & CLONE_NEWNS)
    used += (size_t) snprintf (buf, size, "CLONE_NEWNS");
  for (size_t i = 0; i < N_ELEMENTS (ns_kinds) && used < size; i++)
    if (clone_flags & ns_kinds[i].flag)
      used += (size_t) snprintf (buf + used, size - used, "%s%s", used ? "|" : "", ns_kinds[i].flag_name);
}

static int
write_maps (int proc_dir, uid_t uid_inside, uid_t uid_outside, gid_t gid_inside, gid_t gid_outside,
            const char **call)
{
  char line[64];
  /* An unprivileged process may map only its own ids, and only once it
   * gave up setgroups(), or it could drop groups that deny it access. */
  if (write_file_at (proc_dir, "self/setgroups", "deny") < 0 && errno != ENOENT)
    return fail_with (call, "write /proc/self/setgroups");
  snprintf (line, sizeof line, "%u %u 1\n", (unsigned) uid_inside, (unsigned) uid_outside);
  if (write_file_at (proc_dir, "self/uid_map", line) < 0)
    return fail_with (call, "write /proc/self/uid_map");
  snprintf (line, sizeof line, "%u %u 1\n", (unsigned) gid_inside, (unsigned) gid_outside);
  if (write_file_at (proc_dir, "self/gid_map", line) < 0)
    return fail_with (call, "write /proc/self/gid_map");
  return 0;
}

int
ns_write_id_maps (const struct ns_setup *ns, int proc_dir, const char **call)
{
  return write_maps (proc_dir, ns->uid_inside, ns->uid_outside, ns->gid_inside, ns->gid_outside, call);
}

bool
ns_id_maps_written (int proc_dir)
{
  autoclose int fd = openat (proc_dir, "self/uid_map", O_RDONLY | O_CLOEXEC);
  char c;
  return fd >= 0 && read (fd, &c, 1) == 1;
}

int
ns_join (const struct plan *plan, const char **call)
{
  /* The user namespace first: joining a pid namespace needs
   * CAP_SYS_ADMIN in the user namespace that owns it, which an
   * unprivileged caller has only once inside. */
  if (plan->userns_fd >= 0 && setns (plan->userns_fd, CLONE_NEWUSER) < 0)
    return fail_with (call, "--userns");
  if (plan->pidns_fd >= 0 && setns (plan->pidns_fd, CLONE_NEWPID) < 0)
    return fail_with (call, "--pidns");
  return 0;
}

int
ns_create (const struct ns_setup *ns, const char **call)
{
  if (unshare (ns->clone_flags) < 0)
    return fail_with (call, "unshare");
  return 0;
}

int
ns_disable_further_userns (int proc_dir, const char **call)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  /* The limit counts this namespace's descendants: one, the child we
   * enter now, leaves room for none inside it. */
  if (write_file_at (proc_dir, "sys/user/max_user_namespaces", "1") < 0)
    return fail_with (call, "write /proc/sys/user/max_user_namespaces");
  if (unshare (CLONE_NEWUSER) < 0)
    return fail_with (call, "unshare(CLONE_NEWUSER)");
  return write_maps (proc_dir, uid, uid, gid, gid, call);
}
