/* swaddle: an unprivileged sandbox launcher, compatible with bwrap.
 *
 * The story of a run:
 *   1. the command line becomes a plan (plain data, no system call);
 *   2. the namespaces are joined (--userns, --pidns) or created;
 *   3. where something must watch from outside (a pid namespace, the
 *      --pty relay), swaddle forks: the parent stays outside as the
 *      watcher and reports the sandbox's start;
 *   4. the id maps are written, and the plan is executed into a fresh
 *      root, which becomes "/";
 *   5. where something must watch from inside (pid 1 of a pid namespace,
 *      lock files, the exit status for --json-status-fd, a new session
 *      for a process-group leader), the payload runs in a child;
 *      otherwise this process becomes the payload;
 *   6. capabilities go, no_new_privs is set, seccomp filters installed,
 *      and the payload is exec'd. */
#include "config.h"
#include "bind-mount.h"
#include "cgroup.h"
#include "check.h"
#include "diagnose.h"
#include "id-ranges.h"
#include "install-check.h"
#include "landlock.h"
#include "limits-run.h"
#include "namespaces.h"
#include "net-user.h"
#include "network.h"
#include "outside.h"
#include "plan.h"
#include "privileges.h"
#include "pty.h"
#include "reaper.h"
#include "run.h"
#include "setup-fs.h"
#include "status.h"
#include "utils.h"

#include <alloca.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

struct sandbox
{
  const struct plan *plan;
  struct host_facts facts;
  struct ns_setup ns;
  char *host_cwd;
  bool own_pid_ns;        /* the sandbox's processes live in a pid namespace of their own */
  bool watch_outside;     /* fork at once; the parent watches from outside */
  bool watch_inside;      /* the payload runs in a child of the sandbox's first process */
  pid_t parent;           /* whose death --die-with-parent watches */
  int host_proc_dir;      /* the caller's /proc, kept for --disable-userns */
  struct exec_report exec_report;
  struct landlock_policy landlock;
  struct seccomp_program *seccomp;
  size_t n_seccomp;
  int *lock_fds;
  uint64_t caller_caps;
  int ns_dir;             /* /proc/self/ns, for the status fds */
  bool reported;          /* --info-fd and --json-status-fd told of the start */
  bool cgroup_delegated;
  struct pty_pair pty;    /* --pty: the sandbox's terminal, while it is built */
  int pty_sock[2];        /* --pty: the master goes out through [1] to [0] */
  struct outside outside; /* work done from the caller's namespaces (id maps, network) */
  struct id_ranges id_ranges;   /* --map-subids, --uid-map, --gid-map: written from outside */
  struct timeout_report timeout_report;  /* --timeout: an inner watcher tells the outermost */
  struct sandbox_cgroup cgroup;          /* --memory-max, --pids-max, --cpu-max */
};

/* ---- the command line ---------------------------------------------------- */

static int
read_args_fd (void *ctx, int fd, char **data, size_t *len)
{
  int r = read_all (fd, data, len);
  close (fd);
  return r;
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

/* The version; then, unless invoked as bwrap (whose one line scripts
 * parse), what this build and this kernel give it. */
static void
print_version (void)
{
  printf ("%s %s\n", log_program_name (), PACKAGE_VERSION);
  if (strcmp (log_program_name (), "bwrap") == 0)
    return;
  mount_api_init ();
  printf ("selinux: %s\n", HAVE_SELINUX ? "yes (libselinux: --exec-label, --file-label)"
                                         : "no (built without libselinux: --exec-label and --file-label have no effect)");
  printf ("mounts: the new mount API (open_tree, move_mount, mount_setattr, fsopen/fsmount), "
          "and mount(2) where the kernel lacks it; this kernel: %s\n", mount_api_name ());
}

static char *
resolve_host_path (void *ctx, const char *path)
{
  return realpath (path, NULL);
}

static void
print_plan (const struct plan *plan, const struct host_facts *facts)
{
  struct plan_print_context pc = { facts, resolve_host_path, NULL };
  plan_print_json (plan, &pc, stdout);
  if (fflush (stdout) != 0 || ferror (stdout))
    die_errno ("--print-plan: writing the plan");
}

static _Noreturn void
die_plan_error (const struct plan *plan, const struct plan_error *error)
{
  if (error->kind == PLAN_ERROR_USAGE)
    {
      print_help (plan, stderr);
      exit (1);
    }
  if (error->detail[0])
    {
      log_message (LOG_LEVEL_ERROR, "%s", error->message);
      log_detail (LOG_LEVEL_INFO, "  %s", error->detail);
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
      print_version ();
      exit (0);
    }
  if (plan->check_host)
    exit (run_host_check (plan->check_json));
  facts->uid = getuid ();
  facts->gid = getgid ();
  facts->is_root = facts->uid == 0;
  if (plan->n_rlimits > 0)
    rlimits_read_host (facts);
  if (plan_validate (plan, facts, &error) < 0)
    die_plan_error (plan, &error);
  if (plan->print_plan)
    {
      print_plan (plan, facts);
      exit (0);
    }
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
  sb->own_pid_ns = (sb->ns.clone_flags & CLONE_NEWPID) || plan->pidns_fd >= 0;
  /* Only a child enters a pid namespace. */
  sb->watch_outside = sb->own_pid_ns
                     || plan->pty    /* the relay stays outside, with the caller's terminal */
                     || plan_wants_cgroup (plan);  /* the cgroup is removed from outside it */
  /* setsid() refuses a process group leader (an interactive shell's job):
   * the payload must be a child. */
  bool session_needs_child = plan->new_session && getpgrp () == getpid ();
  bool exit_status_wanted = plan->json_status_fd >= 0 || plan->sync_fd >= 0;
  /* --net-user's helper outside is a child of the process that forked it:
   * not of the payload, whose wait() for all its children would wait for
   * it too. */
  bool helper_needs_parent = plan->net_user;
  sb->watch_inside = !plan->as_pid_1
                     && (sb->own_pid_ns || plan->n_lock_files > 0 || plan->timeout_ms
                         || ((exit_status_wanted || session_needs_child || helper_needs_parent)
                             && !sb->watch_outside));
  sb->parent = getppid ();
  sb->caller_caps = sb->facts.is_root ? caller_permitted_caps () : 0;
  sb->cgroup_delegated = (sb->ns.clone_flags & CLONE_NEWCGROUP) && plan_has_op (plan, OP_SYS)
                         && caller_cgroup_is_delegated ();
  sb->host_proc_dir = -1;
  sb->ns_dir = -1;
  sb->exec_report = (struct exec_report) { -1, -1 };
  sb->pty = PTY_PAIR_NONE;
  sb->pty_sock[0] = sb->pty_sock[1] = -1;
  sb->outside = (struct outside) OUTSIDE_INIT;
  sb->cgroup = SANDBOX_CGROUP_NONE;
}

/* The caller's descriptors that steer swaddle are swaddle's to keep: the
 * payload must not inherit them. */
static void
keep_control_fds_from_payload (const struct plan *plan)
{
  const struct { const char *option; int fd; } fds[] = {
    { "--info-fd", plan->info_fd }, { "--json-status-fd", plan->json_status_fd },
    { "--sync-fd", plan->sync_fd }, { "--block-fd", plan->block_fd },
    { "--userns-block-fd", plan->userns_block_fd }, { "--userns", plan->userns_fd },
    { "--userns2", plan->userns2_fd }, { "--pidns", plan->pidns_fd },
  };
  for (size_t i = 0; i < N_ELEMENTS (fds); i++)
    if (fds[i].fd >= 0 && fcntl (fds[i].fd, F_SETFD, FD_CLOEXEC) < 0)
      die_errno ("%s %d: not an open file descriptor", fds[i].option, fds[i].fd);
  /* Status goes out after the payload may have started: find out now. */
  int outputs[] = { plan->info_fd, plan->json_status_fd };
  for (size_t i = 0; i < N_ELEMENTS (outputs); i++)
    if (outputs[i] >= 0 && (fcntl (outputs[i], F_GETFL) & O_ACCMODE) == O_RDONLY)
      die ("%s %d: not open for writing", i ? "--json-status-fd" : "--info-fd", outputs[i]);
}

static void
prepare (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  id_ranges_prepare (plan, &sb->facts, &sb->id_ranges, &sb->outside);
  selinux_prepare_labels (plan->exec_label, plan->file_label);
  keep_control_fds_from_payload (plan);
  seccomp_load_all (plan, &sb->seccomp, &sb->n_seccomp);
  landlock_decide (plan, &sb->landlock);
  if (plan->disable_userns)
    {
      sb->host_proc_dir = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (sb->host_proc_dir < 0)
        die_errno ("--disable-userns: open /proc");
    }
  if (plan->json_status_fd >= 0 && exec_report_open (&sb->exec_report) < 0)
    die_errno ("--json-status-fd: pipe2");
  if ((plan->info_fd >= 0 || plan->json_status_fd >= 0)
      && (sb->ns_dir = open ("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("--info-fd/--json-status-fd: open /proc/self/ns");
  if (plan->pty && socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->pty_sock) < 0)
    die_errno ("--pty: socketpair");
  net_prepare (plan, &sb->outside);
  mount_api_init ();
  if (sb->facts.may_raise_rlimits)
    rlimits_raise_hard (plan);
  timeout_report_open (&sb->timeout_report, plan);
  cgroup_check (plan);
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

static _Noreturn void
die_creating_namespaces (const struct sandbox *sb, const char *call)
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

static void hop_into_joined_pid_ns (struct sandbox *sb);

static void
enter_namespaces (struct sandbox *sb)
{
  const char *call = NULL;
  if (ns_join (sb->plan, &call) < 0)
    {
      bool user = strcmp (call, "--userns") == 0;
      die_errno ("%s %d: setns(%s) into the namespace it holds", call,
                 user ? sb->plan->userns_fd : sb->plan->pidns_fd,
                 user ? "CLONE_NEWUSER" : "CLONE_NEWPID");
    }
  net_join (sb->plan);
  /* The kernel nests a new pid namespace only in the one its creator
   * lives in; after setns() only children live in the --pidns one. */
  if (sb->plan->pidns_fd >= 0 && (sb->ns.clone_flags & CLONE_NEWPID))
    hop_into_joined_pid_ns (sb);
  /* What must act on the sandbox from outside stays behind. */
  if (outside_has_work (&sb->outside) && outside_start (&sb->outside) < 0)
    die_errno ("fork (the helper process outside the sandbox)");
  if (ns_create (&sb->ns, &call) < 0)
    die_creating_namespaces (sb, call);
  /* With a watcher outside, its child is the sandbox: the watcher says so. */
  if (outside_has_work (&sb->outside) && !sb->watch_outside && outside_go (&sb->outside, getpid ()) < 0)
    die_errno ("the helper process outside the sandbox: write");
}

/* ---- the watchers ---------------------------------------------------------- */

static pid_t
fork_or_die (const char *why)
{
  pid_t pid = fork ();
  if (pid < 0)
    die_errno ("fork (%s)", why);
  return pid;
}

/* --info-fd and the first --json-status-fd line, as soon as it runs. */
/* A started child must not outlive a report that failed. */
static _Noreturn void
die_reporting (pid_t child, const char *option, int fd)
{
  int err = errno;
  if (child != getpid ())
    kill (child, SIGKILL);
  errno = err;
  die_errno ("%s %d: write", option, fd);
}

static void
report_started (struct sandbox *sb, pid_t child)
{
  const struct plan *plan = sb->plan;
  struct ns_ids ids;
  sb->reported = true;
  if (plan->info_fd < 0 && plan->json_status_fd < 0)
    return;
  status_read_ns_ids (sb->ns_dir, sb->ns.clone_flags, &ids);
  ids.outside_helper = sb->outside.pid;
  close_fd_ptr (&sb->ns_dir);
  if (plan->info_fd >= 0)
    {
      if (status_write_started (plan->info_fd, true, child, &ids) < 0)
        die_reporting (child, "--info-fd", plan->info_fd);
      close (plan->info_fd);
    }
  if (plan->json_status_fd >= 0 && status_write_started (plan->json_status_fd, false, child, &ids) < 0)
    die_reporting (child, "--json-status-fd", plan->json_status_fd);
}

/* A process that stays behind to watch keeps no privilege, and is made
 * undumpable so the payload (same uid) cannot ptrace it or read its
 * memory -- except pid 1 of a pid namespace, as with bwrap: the caller
 * finds the sandbox's namespaces through its /proc/PID/ns, and it holds
 * nothing of the caller's. */
static void
become_watcher (struct sandbox *sb, bool is_pid_1)
{
  if (!is_pid_1)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* The watcher that removes the sandbox's cgroup may need to write in
   * root's cgroup, which is read-only but to CAP_DAC_OVERRIDE. */
  (void) caps_keep_only (cgroup_watcher_caps (&sb->cgroup));
  exec_report_close_writer (&sb->exec_report);
}

/* --timeout is kept by the watcher that waits for the payload (pid 1 of a
 * pid namespace, or the payload's parent); by the one outside only when
 * there is none inside (--as-pid-1). */
static struct monitor_timer *
arm_timeout (struct sandbox *sb, bool outside, bool outermost, struct sandbox_timeout *timeout)
{
  if (outside && sb->watch_inside)
    return NULL;
  enum timeout_targets targets = outside ? TIMEOUT_CHILD : sb->own_pid_ns ? TIMEOUT_PID_NS : TIMEOUT_GROUP;
  return timeout_arm (timeout, sb->plan, targets, outermost ? -1 : sb->timeout_report.write_fd);
}

/* Wait for child; the outermost watcher removes the cgroup and reports
 * the exit status. */
static int
watch (struct sandbox *sb, pid_t child, bool outermost)
{
  const struct plan *plan = sb->plan;
  struct sandbox_timeout timeout;
  struct monitor_timer *timer = arm_timeout (sb, outermost && sb->watch_outside, outermost, &timeout);
  become_watcher (sb, sb->own_pid_ns && !outermost);
  /* Pid 1 reaps the orphans of its namespace; the outermost watcher the
   * helper outside (outside.h), which it started and no one else waits for. */
  int code = plan->pty && outermost ? pty_relay (child, steal_fd (&sb->pty_sock[0]))
                                    : monitor_child_timed (child, sb->own_pid_ns || outermost, timer);
  bool timed_out = timer != NULL && timeout_finish (&timeout, child);
  if (timed_out)
    code = 124;
  if (!outermost)
    return code;
  timed_out = timed_out || timeout_report_read (&sb->timeout_report);
  struct cgroup_events events;
  cgroup_remove (&sb->cgroup, plan, &events);
  if (plan->json_status_fd >= 0 && exec_report_payload_ran (&sb->exec_report))
    {
      char members[256];
      limits_status_members (plan, timed_out, &events, members, sizeof members);
      (void) status_write_exit (plan->json_status_fd, code, members);
    }
  return code;
}

/* What the outermost watcher reports through, and the pty's receiving end. */
static void
close_watcher_fds (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  int fds[] = { plan->info_fd, plan->json_status_fd, plan->sync_fd, sb->exec_report.read_fd, sb->ns_dir,
                sb->pty_sock[0], sb->timeout_report.read_fd };
  for (size_t i = 0; i < N_ELEMENTS (fds); i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

/* --pidns with --unshare-pid: a child, living in the joined pid namespace,
 * goes on; this process waits for it and passes its exit status on. */
static void
hop_into_joined_pid_ns (struct sandbox *sb)
{
  pid_t child = fork_or_die ("entering the --pidns namespace");
  if (child == 0)
    {
      /* Seen from the joined pid namespace, a parent outside it is pid 0. */
      watch_parent (sb, 0);
      return;
    }
  close_watcher_fds (sb);
  close_fd_ptr (&sb->pty_sock[1]);
  become_watcher (sb, false);
  exit (monitor_child (child, false));
}

/* The child of the outside watcher: what belongs to the watcher stays there. */
static void
leave_to_outside_watcher (struct sandbox *sb)
{
  close_watcher_fds (sb);
  /* The start is the outside watcher's to report. */
  sb->reported = true;
}

/* ---- inside ------------------------------------------------------------- */

static void
write_id_maps (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  const char *call = NULL;
  autoclose int proc = -1;
  if (plan->userns_block_fd >= 0)
    {
      char c;
      /* The caller, told our pid by --info-fd, may set up the maps itself. */
      while (read (plan->userns_block_fd, &c, 1) < 0 && errno == EINTR)
        ;
      close (plan->userns_block_fd);
    }
  if (!sb->ns.user_ns)
    return;
  proc = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  bool written = plan->userns_block_fd >= 0 && ns_id_maps_written (proc);
  if (plan_maps_id_ranges (plan))
    id_ranges_await (&sb->outside, !written);
  else if (!written && ns_write_id_maps (&sb->ns, proc, &call) < 0)
    die_creating_namespaces (sb, call);
}

static void
take_locks (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  sb->lock_fds = plan->n_lock_files ? xcalloc (plan->n_lock_files, sizeof (int)) : NULL;
  /* With --as-pid-1 no watcher stays inside: pid 1 itself keeps the locks. */
  int cloexec = plan->as_pid_1 ? 0 : O_CLOEXEC;
  for (size_t i = 0; i < plan->n_lock_files; i++)
    {
      struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
      const char *path = plan->lock_files[i];
      sb->lock_fds[i] = open (path, O_RDONLY | cloexec);
      if (sb->lock_fds[i] < 0)
        die_errno ("--lock-file %s: open", path);
      if (fcntl (sb->lock_fds[i], F_OFD_SETLK, &lock) < 0)
        die_errno ("--lock-file %s: taking a read lock", path);
    }
}

static void
build_sandbox (struct sandbox *sb)
{
  const struct plan *plan = sb->plan;
  struct fs_setup setup = {
    .plan = plan,
    .host_cwd = sb->host_cwd,
    .own_pid_ns = sb->own_pid_ns,
    .own_net_ns = (sb->ns.clone_flags & CLONE_NEWNET) != 0,
    .own_cgroup_ns = (sb->ns.clone_flags & CLONE_NEWCGROUP) != 0,
    .cgroup_delegated = sb->cgroup_delegated,
    .pty = plan->pty ? &sb->pty : NULL,
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
  take_locks (sb);
  if (plan->pty && pty_hand_over (&sb->pty, sb->pty_sock[1], &step) < 0)
    die_errno ("--pty: passing the terminal out: %s", step);
  close_fd_ptr (&sb->pty_sock[1]);
  if (plan->hostname && sethostname (plan->hostname, strlen (plan->hostname)) < 0)
    die_errno ("--hostname %s: sethostname", plan->hostname);
  if ((sb->ns.clone_flags & CLONE_NEWNET) && loopback_up (&step) < 0)
    die_errno ("--unshare-net: bringing up the loopback interface: %s", step);
}

static _Noreturn void
exec_payload (const struct sandbox *sb, const sigset_t *saved_mask)
{
  struct run_setup run = {
    .plan = sb->plan,
    .host_cwd = sb->host_cwd,
    .landlock = &sb->landlock,
    .seccomp = sb->seccomp,
    .n_seccomp = sb->n_seccomp,
    .exec_report = &sb->exec_report,
    .host_proc_dir = sb->host_proc_dir,
  };
  cap_policy_decide (sb->plan, sb->facts.is_root, sb->caller_caps,
                     (sb->ns.clone_flags & CLONE_NEWUSER) != 0, &run.caps);
  timeout_before_exec (sb->plan, sb->own_pid_ns);
  signals_restore (saved_mask);
  run_payload (&run);
}

/* The payload's own process.  Until it execs, the child borrows our
 * memory while we wait (CLONE_VM | CLONE_VFORK, as posix_spawn does): no
 * page tables are copied and nothing is copied on write, which is most of
 * what a fork costs (on a virtual machine, most of a sandbox's start).
 * So the child must only read what the watcher uses afterwards; the
 * environment it edits stays edited in our memory, and the watcher does
 * not read it.  --block-fd waits before the exec, for a caller who may be
 * waiting for our report first: that case forks. */
struct payload_start
{
  const struct sandbox *sb;
  const sigset_t *saved_mask;
  pid_t watcher;
};

static int
payload_main (void *arg)
{
  const struct payload_start *start = arg;
  watch_parent (start->sb, start->watcher);
  exec_payload (start->sb, start->saved_mask);
}

/* Room for our own calls (an error message takes a few KiB) and for
 * execvp(), which copies the argument vector onto the stack to run a
 * script: no more than the payload would need in a process of its own. */
static size_t
payload_stack_size (const struct plan *plan)
{
  return 64 * 1024 + (plan_command_length (plan) + 2) * sizeof (char *);
}

static pid_t
start_payload (const struct sandbox *sb, const sigset_t *saved_mask)
{
  struct payload_start start = { sb, saved_mask, getpid () };
  if (sb->plan->block_fd >= 0)
    {
      pid_t payload = fork_or_die ("the payload");
      if (payload == 0)
        payload_main (&start);
      return payload;
    }
  /* On our own stack, which sanitizers know as this thread's. */
  size_t size = payload_stack_size (sb->plan);
  /* cppcheck-suppress allocaCalled ; its size depends on the payload's argument count, and -Wvla forbids a VLA */
  char *stack = alloca (size);
  pid_t payload = clone (payload_main, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
  if (payload < 0)
    die_errno ("clone (the payload)");
  return payload;
}

static int
run_sandbox (struct sandbox *sb)
{
  sigset_t saved_mask;

  watch_parent (sb, sb->parent);
  prepare (sb);
  signals_block_forwarded (&saved_mask);
  enter_namespaces (sb);

  if (sb->watch_outside)
    {
      pid_t self = getpid ();
      cgroup_create (&sb->cgroup, sb->plan);
      pid_t child = fork_or_die ("the sandbox");
      if (child > 0)
        {
          if (outside_has_work (&sb->outside) && outside_go (&sb->outside, child) < 0)
            {
              kill (child, SIGKILL);
              die_errno ("the helper process outside the sandbox: write");
            }
          report_started (sb, child);
          close_fd_ptr (&sb->pty_sock[1]);
          outside_close (&sb->outside);
          return watch (sb, child, true);
        }
      cgroup_enter (&sb->cgroup);
      leave_to_outside_watcher (sb);
      /* Seen from inside a pid namespace, a parent outside it is pid 0. */
      watch_parent (sb, sb->own_pid_ns ? 0 : self);
    }
  else if (!sb->watch_inside || sb->plan->userns_block_fd >= 0)
    /* The caller needs our pid now to set up the maps: tell it. */
    report_started (sb, getpid ());

  write_id_maps (sb);
  build_sandbox (sb);
  net_wait_ready (sb->plan, &sb->outside);
  rlimits_apply (sb->plan);

  if (sb->watch_inside)
    {
      pid_t payload = start_payload (sb, &saved_mask);
      if (!sb->reported)
        report_started (sb, payload);
      return watch (sb, payload, !sb->watch_outside);
    }
  exec_payload (sb, &saved_mask);
}

int
main (int argc, char **argv)
{
  struct plan plan;
  struct sandbox sb = { .plan = &plan };

  log_init (argc > 0 ? argv[0] : NULL);
  refuse_if_privileged_install ();
  read_plan (&plan, &sb.facts, argc, argv);
  decide (&sb);
  return run_sandbox (&sb);
}
