/* swaddle: entering the payload. */
#include "run.h"
#include "utils.h"

#include <stdio.h>
#include <string.h>
#include "namespaces.h"
#include "pty.h"

#include <sched.h>
#include <sys/prctl.h>

static bool
try_chdir (const char *dir)
{
  return dir != NULL && *dir != '\0' && chdir (dir) == 0;
}

/* --chdir, else the caller's directory if it exists here, else $HOME,
 * else "/".  Returns the directory entered. */
static const char *
enter_working_directory (const struct run_setup *setup)
{
  const char *wanted = setup->plan->chdir_path;
  if (wanted != NULL)
    {
      if (!try_chdir (wanted))
        die_errno ("--chdir %s: chdir", wanted);
      return wanted;
    }
  if (try_chdir (setup->host_cwd))
    return setup->host_cwd;
  const char *home = getenv ("HOME");
  if (try_chdir (home))
    return home;
  if (chdir ("/") < 0)
    die_errno ("chdir /");
  return "/";
}

static void
apply_environment (const struct plan *plan)
{
  for (size_t i = 0; i < plan->n_env; i++)
    {
      const struct env_op *e = &plan->env[i];
      switch (e->kind)
        {
        case ENV_SET:
          if (setenv (e->name, e->value, 1) < 0)
            die_errno ("--setenv %s", e->name);
          break;
        case ENV_UNSET:
          unsetenv (e->name);
          break;
        case ENV_CLEAR:
          clearenv ();
          break;
        }
    }
}

static char **
payload_argv (const struct plan *plan)
{
  size_t n = plan_command_length (plan);
  char **argv = xcalloc (n + 1, sizeof (char *));
  memcpy (argv, plan->command, n * sizeof (char *));
  if (plan->argv0)
    argv[0] = (char *) plan->argv0;
  return argv;
}

/* --block-fd: wait until the caller writes (or closes its end). */
static void
wait_for_block_fd (int fd)
{
  char c;
  ssize_t n;
  do
    n = read (fd, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    die_errno ("--block-fd %d: read", fd);
  close (fd);
}

static void
switch_user_namespaces (const struct run_setup *setup)
{
  const struct plan *plan = setup->plan;
  const char *call = NULL;

  if (plan->userns2_fd >= 0)
    {
      if (setns (plan->userns2_fd, CLONE_NEWUSER) < 0)
        die_errno ("--userns2 %d: setns(CLONE_NEWUSER)", plan->userns2_fd);
      close (plan->userns2_fd);
    }
  if (plan->disable_userns && ns_disable_further_userns (setup->host_proc_dir, &call) < 0)
    die_errno ("--disable-userns: %s", call);
  if (plan->assert_userns_disabled && unshare (CLONE_NEWUSER) == 0)
    die ("--assert-userns-disabled: creating a user namespace still works in this sandbox");
  close_fd_ptr ((int *) &setup->host_proc_dir);
}

static void
restrict_privileges (const struct run_setup *setup)
{
  const char *step = NULL;
  size_t failed = 0;

  if (cap_policy_apply (&setup->caps, &step) < 0)
    die_errno ("setting the payload's capabilities: %s", step);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_NO_NEW_PRIVS)");
  if (selinux_set_exec_label () < 0)
    {
      /* libselinux writes /proc/thread-self/attr/exec: the sandbox's own
       * /proc, as with bwrap. */
      if (errno == EROFS || errno == ENOENT)
        die ("--exec-label %s: setexeccon: %s: the sandbox needs a /proc of its own, writable (--proc /proc)",
             setup->plan->exec_label, strerror (errno));
      die_errno ("--exec-label %s: setexeccon", setup->plan->exec_label);
    }
  /* Landlock after no_new_privs, which it requires; seccomp last: a
   * filter may forbid any of the calls above. */
  landlock_apply (setup->plan, setup->landlock);
  if (seccomp_install_all (setup->seccomp, setup->n_seccomp, &failed) < 0)
    {
      const struct seccomp_program *program = &setup->seccomp[failed];
      if (program->fd < 0)
        die_errno ("%s: installing the seccomp program", program->option);
      die_errno ("%s %d: installing the seccomp program", program->option, program->fd);
    }
}

void
run_payload (const struct run_setup *setup)
{
  const struct plan *plan = setup->plan;
  const char *step = NULL;

  if (plan->block_fd >= 0)
    wait_for_block_fd (plan->block_fd);
  switch_user_namespaces (setup);
  /* The environment first: without --chdir, the payload may start in the
   * $HOME the sandbox is given, as with bwrap. */
  apply_environment (plan);
  const char *cwd = enter_working_directory (setup);
  /* The shell trusts PWD; it must name where the payload really starts. */
  setenv ("PWD", cwd, 1);
  if (plan->pty && pty_become_controlling (&step) < 0)
    die_errno ("--pty: making the sandbox's terminal the controlling one: %s", step);
  else if (!plan->pty && plan->new_session && setsid () < 0)
    die_errno ("--new-session: setsid");
  restrict_privileges (setup);

  char **argv = payload_argv (plan);
  exec_report_before_exec (setup->exec_report);
  execvp (plan->command[0], argv);
  int err = errno;
  exec_report_exec_failed (setup->exec_report);
  errno = err;
  die_errno ("execvp %s", plan->command[0]);
}
