/* swaddle: entering the payload. */
#include "run.h"
#include "utils.h"

#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int
drop_all_capabilities (void)
{
  /* The bounding set first: dropping from it needs CAP_SETPCAP, which the
   * last step takes away. */
  for (cap_value_t cap = 0; cap <= CAP_LAST_CAP || CAP_IS_SUPPORTED (cap); cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return -1;
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return -1;
  cap_t none = cap_init ();
  if (none == NULL)
    return -1;
  int r = cap_set_proc (none);
  cap_free (none);
  return r;
}

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
apply_environment (const struct plan *plan, const char *cwd)
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
  /* The shell trusts PWD; it must name where the payload really starts. */
  setenv ("PWD", cwd, 1);
}

static char **
payload_argv (const struct plan *plan)
{
  size_t n = 0;
  while (plan->command[n])
    n++;
  char **argv = xcalloc (n + 1, sizeof (char *));
  memcpy (argv, plan->command, n * sizeof (char *));
  if (plan->argv0)
    argv[0] = (char *) plan->argv0;
  return argv;
}

void
run_payload (const struct run_setup *setup)
{
  const struct plan *plan = setup->plan;
  /* The working directory is looked up before the environment changes, so
   * that $HOME is the caller's, as it is for bwrap. */
  const char *cwd = enter_working_directory (setup);
  char *cwd_copy = xstrdup (cwd);

  apply_environment (plan, cwd_copy);
  if (!setup->keep_capabilities && drop_all_capabilities () < 0)
    die_errno ("dropping capabilities");
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_NO_NEW_PRIVS)");
  if (plan->new_session && setsid () < 0)
    die_errno ("--new-session: setsid");

  char **argv = payload_argv (plan);
  execvp (plan->command[0], argv);
  die_errno ("execvp %s", plan->command[0]);
}
