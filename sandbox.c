/* swaddle: an unprivileged sandbox launcher, compatible with bwrap.
 *
 * The story of a run:
 *   1. the command line becomes a plan (plain data, no system call);
 *   2. the namespaces are created, with single-id maps for the caller;
 *   3. where something must watch the payload (a pid namespace, a new
 *      session for a process-group leader) swaddle forks and the parent
 *      stays outside as the monitor;
 *   4. the plan is executed into a fresh root, which becomes "/";
 *   5. in a pid namespace, pid 1 forks the payload and reaps (unless
 *      --as-pid-1); then capabilities go, no_new_privs is set, and the
 *      payload is exec'd. */
#include "config.h"
#include "bind-mount.h"
#include "check.h"
#include "diagnose.h"
#include "namespaces.h"
#include "network.h"
#include "plan.h"
#include "reaper.h"
#include "run.h"
#include "setup-fs.h"
#include "utils.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>

struct sandbox
{
  const struct plan *plan;
  struct host_facts facts;
  struct ns_setup ns;
  char *host_cwd;
  bool needs_monitor;
  pid_t parent;           /* whose death --die-with-parent watches */
};

/* ---- the command line ---------------------------------------------------- */

static int
read_args_fd (void *ctx, int fd, char **data, size_t *len)
{
  return read_all (fd, data, len);
}

static void
emit_to_stream (void *ctx, const char *line)
{
  fputs (line, ctx);
}

static void
print_help (const struct plan *plan, FILE *out)
{
  plan_format_help (plan->invoked_as, emit_to_stream, out);
  fflush (out);
}

static _Noreturn void
die_plan_error (const struct plan *plan, const struct plan_error *error)
{
  if (error->kind == PLAN_ERROR_USAGE)
    {
      print_help (plan, stderr);
      exit (1);
    }
  die ("%s", error->message);
}

static void
read_plan (struct plan *plan, struct host_facts *facts, int argc, char **argv)
{
  struct plan_reader reader = { read_args_fd, NULL };
  struct plan_error error;

  if (plan_build (plan, argc, argv, &reader, &error) < 0)
    die_plan_error (plan, &error);
  log_set_level_prefix (plan->level_prefix);
  if (plan->show_help)
    {
      print_help (plan, stdout);
      exit (0);
    }
  if (plan->show_version)
    {
      printf ("%s %s\n", log_program_name (), PACKAGE_VERSION);
      exit (0);
    }
  if (plan->check_host)
    exit (run_host_check (plan->check_json));
  facts->is_root = getuid () == 0;
  if (plan_validate (plan, facts, &error) < 0)
    die_plan_error (plan, &error);
  if (plan->n_chdir > 1)
    warn ("Only the last --chdir option will take effect");
}

/* ---- before the namespaces --------------------------------------------- */

static void
decide (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  ns_decide (plan, &sb->facts, &sb->ns);
  sb->host_cwd = getcwd (NULL, 0);
  /* Only a child enters a new pid namespace; setsid() refuses a process
   * group leader (an interactive shell's job), so a child does that too. */
  sb->needs_monitor = (sb->ns.clone_flags & CLONE_NEWPID)
                      || (plan->new_session && getpgrp () == getpid ());
  sb->parent = getppid ();
}

/* --die-with-parent: SIGKILL when the process that started us ends. */
static void
watch_parent (const struct sandbox *sb, pid_t parent)
{
  if (!sb->plan->die_with_parent)
    return;
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno ("--die-with-parent: prctl(PR_SET_PDEATHSIG)");
  /* It may have ended before we asked. */
  if (getppid () != parent)
    _exit (1);
}

static void
create_namespaces (const struct sandbox *sb)
{
  const char *call = NULL;
  if (ns_create (&sb->ns, &call) < 0)
    {
      int err = errno;
      char flags[256], message[512];
      ns_flags_describe (sb->ns.clone_flags, flags, sizeof flags);
      snprintf (message, sizeof message, "creating the sandbox's namespaces: %s(%s): %s",
                call, flags, strerror (err));
      struct failure_report report = {
        .call = call,
        .error = err,
        .clone_flags = sb->ns.clone_flags,
        .message = message,
      };
      die_with_diagnosis (&report);
    }
}

/* ---- inside ------------------------------------------------------------- */

static void
build_sandbox (const struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  struct fs_setup setup = {
    .plan = plan,
    .host_cwd = sb->host_cwd,
    .own_pid_ns = (sb->ns.clone_flags & CLONE_NEWPID) != 0,
  };
  struct setup_failure failure = { 0 };
  const char *step = NULL;

  if (setup_filesystem (&setup, &failure) < 0)
    {
      struct failure_report report = {
        .call = failure.call,
        .error = failure.error,
        .clone_flags = sb->ns.clone_flags,
        .fstype = failure.fstype,
        .message = failure.message,
      };
      die_with_diagnosis (&report);
    }
  if (plan->hostname && sethostname (plan->hostname, strlen (plan->hostname)) < 0)
    die_errno ("--hostname %s: sethostname", plan->hostname);
  if ((sb->ns.clone_flags & CLONE_NEWNET) && loopback_up (&step) < 0)
    die_errno ("--unshare-net: bringing up the loopback interface: %s", step);
}

/* A process that stays behind to watch keeps no privilege, and the
 * payload (same uid) cannot ptrace it or read its memory. */
static void
become_watcher (void)
{
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  cap_t none = cap_init ();
  if (none)
    {
      cap_set_proc (none);
      cap_free (none);
    }
}

static pid_t
fork_or_die (const char *why)
{
  pid_t pid = fork ();
  if (pid < 0)
    die_errno ("fork (%s)", why);
  return pid;
}

static _Noreturn void
exec_payload (const struct sandbox *sb, const sigset_t *saved_mask)
{
  struct run_setup run = {
    .plan = sb->plan,
    .host_cwd = sb->host_cwd,
    /* As in bwrap: a root caller keeps its capabilities. */
    .keep_capabilities = sb->facts.is_root,
  };
  signals_restore (saved_mask);
  run_payload (&run);
}

static int
run_sandbox (struct sandbox *sb)
{
  sigset_t saved_mask;
  bool shares_pgrp = !sb->plan->new_session;

  watch_parent (sb, sb->parent);
  mount_api_init ();
  create_namespaces (sb);
  signals_block_forwarded (&saved_mask);

  if (sb->needs_monitor)
    {
      pid_t self = getpid ();
      pid_t child = fork_or_die ("the sandbox");
      if (child > 0)
        {
          become_watcher ();
          return monitor_child (child, false, shares_pgrp);
        }
      watch_parent (sb, self);
    }

  build_sandbox (sb);

  if ((sb->ns.clone_flags & CLONE_NEWPID) && !sb->plan->as_pid_1)
    {
      pid_t payload = fork_or_die ("the payload");
      if (payload > 0)
        {
          become_watcher ();
          return monitor_child (payload, true, shares_pgrp);
        }
      watch_parent (sb, 1);
    }

  exec_payload (sb, &saved_mask);
}

int
main (int argc, char **argv)
{
  struct plan plan;
  struct sandbox sb = { .plan = &plan };

  log_init (argc > 0 ? argv[0] : NULL);
  read_plan (&plan, &sb.facts, argc, argv);
  decide (&sb);
  return run_sandbox (&sb);
}
