/* swaddle: the user-mode network and joined network namespaces (see
 * net-user.h). */
#include "net-user.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum helper_kind
{
  HELPER_PASTA,
  HELPER_SLIRP4NETNS,
};

static const struct
{
  const char *name;
  const char *package;
} helpers[] = {
  [HELPER_PASTA] = { "pasta", "passt" },
  [HELPER_SLIRP4NETNS] = { "slirp4netns", "slirp4netns" },
};

/* The work item's context: it runs in the outside helper, a fork of ours,
 * so it reads its own copy of this. */
struct net_start
{
  const struct plan *plan;
  enum helper_kind kind;
  char path[PATH_MAX];
};

static struct net_start net_start;

/* The descriptor the helper reports its readiness on (pasta: its pid
 * file; slirp4netns: --ready-fd), and, for root, the sandbox's namespaces
 * opened for it: pasta gives up its capabilities before it opens them, and
 * may then no longer look into a process that has them.  (Unprivileged,
 * the helpers open /proc/PID/ns/ themselves: pasta isolates itself first
 * and may then not reopen descriptors it inherited.) */
#define READY_FD 3
#define NETNS_FD 4
#define USERNS_FD 5

/* ---- finding the helper ------------------------------------------------- */

/* name on the caller's PATH, as execvp would find it. */
static bool
find_on_path (const char *name, char *path, size_t size)
{
  const char *dirs = getenv ("PATH");
  if (dirs == NULL || *dirs == '\0')
    dirs = "/usr/local/bin:/usr/bin:/bin";
  for (const char *dir = dirs; dir != NULL;)
    {
      const char *colon = strchr (dir, ':');
      size_t len = colon ? (size_t) (colon - dir) : strlen (dir);
      int n = snprintf (path, size, "%.*s%s%s", (int) len, dir, len ? "/" : "./", name);
      struct stat st;
      if (n > 0 && (size_t) n < size && stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0)
        return true;
      dir = colon ? colon + 1 : NULL;
    }
  path[0] = '\0';
  return false;
}

/* ---- what pasta is given ------------------------------------------------ */

/* pasta's package installs a second build for CPUs with AVX2 next to the
 * first, and the first re-executes itself as that one when the CPU has
 * it: an exec and a dynamic link more on every start.  Made here instead,
 * for the same CPUs, into buf; else the path found on PATH. */
static const char *
pasta_build_for_cpu (const char *path, char *buf, size_t size)
{
#if defined(__x86_64__)
  __builtin_cpu_init ();
  if (!__builtin_cpu_supports ("avx2"))
    return path;
  char resolved[PATH_MAX];
  if (realpath (path, resolved) == NULL)
    return path;
  int n = snprintf (buf, size, "%s.avx2", resolved);
  if (n > 0 && (size_t) n < size && access (buf, X_OK) == 0)
    return buf;
#else
  (void) buf;
  (void) size;
#endif
  return path;
}

/* pasta answers the sandbox's pings with ping sockets of its own, which
 * the kernel lets only the groups in net.ipv4.ping_group_range open.  Where
 * that range is empty (the kernel's default, "1 0") its ICMP handler can
 * never work, and setting it up costs pasta several milliseconds.  An
 * unreadable file, or ids shown as the overflow id from a nested user
 * namespace, leave the handler on. */
static bool
ping_sockets_disabled (void)
{
  autoclose int fd = open ("/proc/sys/net/ipv4/ping_group_range", O_RDONLY | O_CLOEXEC);
  char text[64];
  ssize_t len = fd >= 0 ? read (fd, text, sizeof text - 1) : -1;
  if (len <= 0)
    return false;
  text[len] = '\0';
  char *end;
  errno = 0;
  unsigned long low = strtoul (text, &end, 10);
  if (errno != 0 || end == text)
    return false;
  char *second = end;
  unsigned long high = strtoul (second, &end, 10);
  return errno == 0 && end != second && low > high;
}

/* ---- the work item: start the helper, wait for it to be ready ----------- */

static void
add_arg (const char **argv, size_t *n, size_t max, const char *arg)
{
  if (*n + 1 >= max)
    _exit (127);
  argv[(*n)++] = arg;
  argv[*n] = NULL;
}

/* The sandbox has a user namespace of its own: the helper joins it too. */
static bool
sandbox_has_own_userns (pid_t sandbox)
{
  char path[64];
  struct stat ours, theirs;
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) sandbox);
  return stat ("/proc/self/ns/user", &ours) == 0 && stat (path, &theirs) == 0
         && ours.st_ino != theirs.st_ino;
}

static void
pasta_forward_args (const struct plan *plan, bool udp, const char **argv, size_t *n, size_t max,
                    char (*specs)[96])
{
  bool any = false;
  for (size_t i = 0; i < plan->n_forwards; i++)
    {
      const struct port_forward *fwd = &plan->forwards[i];
      if (fwd->udp != udp)
        continue;
      snprintf (specs[i], sizeof specs[i], "%s/%u:%u", fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1",
                fwd->host_port, fwd->sandbox_port);
      add_arg (argv, n, max, udp ? "-u" : "-t");
      add_arg (argv, n, max, specs[i]);
      any = true;
    }
  /* pasta's default, "auto", would forward every port the sandbox binds. */
  if (!any)
    {
      add_arg (argv, n, max, udp ? "-u" : "-t");
      add_arg (argv, n, max, "none");
    }
}

/* fd, open, as target (inherited across exec), or -1 with a message. */
static int
move_fd_to (int fd, int target, const char *what)
{
  if (fd < 0 || dup2 (fd, target) != target)
    {
      fprintf (stderr, "%s: --net-user: open %s: %s\n", log_program_name (), what, strerror (errno));
      return -1;
    }
  if (fd != target)
    close (fd);
  else if (fcntl (fd, F_SETFD, 0) < 0)   /* dup2 to itself leaves O_CLOEXEC */
    return -1;
  return 0;
}

/* In the helper's child: become pasta or slirp4netns. */
static _Noreturn void
exec_helper (const struct net_start *ns, pid_t sandbox, int ready, int errors)
{
  const struct plan *plan = ns->plan;
  const char *argv[32 + 4 * 64];
  size_t n = 0, max = N_ELEMENTS (argv);
  char netns[64], userns[64], ready_arg[32];
  /* A child of the helper, about to exec: nothing to free. */
  char (*specs)[96] = xcalloc (plan->n_forwards + 1, sizeof *specs);

  /* What it says on stderr becomes part of our message if it fails.  Then
   * the fixed descriptors, from above any they could overwrite. */
  dup2 (errors, STDERR_FILENO);
  ready = fcntl (ready, F_DUPFD_CLOEXEC, 10);
  if (ready < 0 || dup2 (ready, READY_FD) != READY_FD)
    _exit (127);
  snprintf (netns, sizeof netns, "/proc/%d/ns/net", (int) sandbox);
  snprintf (userns, sizeof userns, "/proc/%d/ns/user", (int) sandbox);
  bool own_userns = sandbox_has_own_userns (sandbox);
  if (getuid () == 0)
    {
      if (move_fd_to (open (netns, O_RDONLY | O_CLOEXEC), NETNS_FD, netns) < 0
          || (own_userns && move_fd_to (open (userns, O_RDONLY | O_CLOEXEC), USERNS_FD, userns) < 0))
        _exit (127);
      snprintf (netns, sizeof netns, "/proc/self/fd/%d", NETNS_FD);
      snprintf (userns, sizeof userns, "/proc/self/fd/%d", USERNS_FD);
    }
  /* stdin and stdout are the caller's, not the helper's. */
  int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0)
    {
      dup2 (devnull, STDIN_FILENO);
      dup2 (devnull, STDOUT_FILENO);
    }
  /* argv[0] keeps pasta's name: it is how the program knows to be pasta. */
  add_arg (argv, &n, max, ns->path);
  const char *executable = ns->path;
  char avx2_build[PATH_MAX];
  if (ns->kind == HELPER_PASTA)
    {
      executable = pasta_build_for_cpu (ns->path, avx2_build, sizeof avx2_build);
      add_arg (argv, &n, max, "--foreground");
      add_arg (argv, &n, max, "--quiet");
      add_arg (argv, &n, max, "--config-net");
      if (ping_sockets_disabled ())
        add_arg (argv, &n, max, "--no-icmp");
      if (!plan->allow_host_loopback)
        add_arg (argv, &n, max, "--no-map-gw");
      pasta_forward_args (plan, false, argv, &n, max, specs);
      pasta_forward_args (plan, true, argv, &n, max, specs);
      /* Nor may the sandbox's own loopback lead to the host's ports. */
      add_arg (argv, &n, max, "-T");
      add_arg (argv, &n, max, "none");
      add_arg (argv, &n, max, "-U");
      add_arg (argv, &n, max, "none");
      /* Its pid file is written once the interface is configured. */
      add_arg (argv, &n, max, "--pid");
      add_arg (argv, &n, max, "/proc/self/fd/3");
      /* As root it would change to "nobody", who may not enter the
       * sandbox's namespaces. */
      if (getuid () == 0)
        {
          add_arg (argv, &n, max, "--runas");
          add_arg (argv, &n, max, "0:0");
        }
      if (own_userns)
        {
          add_arg (argv, &n, max, "--userns");
          add_arg (argv, &n, max, userns);
        }
      add_arg (argv, &n, max, "--netns");
      add_arg (argv, &n, max, netns);
    }
  else
    {
      add_arg (argv, &n, max, "--configure");
      add_arg (argv, &n, max, "--mtu=65520");
      if (!plan->allow_host_loopback)
        add_arg (argv, &n, max, "--disable-host-loopback");
      snprintf (ready_arg, sizeof ready_arg, "--ready-fd=%d", READY_FD);
      add_arg (argv, &n, max, ready_arg);
      if (own_userns)
        {
          add_arg (argv, &n, max, "--userns-path");
          add_arg (argv, &n, max, userns);
        }
      add_arg (argv, &n, max, "--netns-type=path");
      add_arg (argv, &n, max, netns);
      add_arg (argv, &n, max, "tap0");
    }
  execv (executable, (char *const *) argv);
  fprintf (stderr, "%s: --net-user: execv %s: %s\n", log_program_name (), executable, strerror (errno));
  _exit (127);
}

/* Until the helper says it is ready: true, or false when it ended first. */
static bool
read_ready (int fd)
{
  char buf[32];
  ssize_t n;
  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  return n > 0;
}

/* The last line the helper wrote on its stderr (a file of ours): its
 * reason, for our one line. */
static void
last_line (int errors, char *line, size_t size)
{
  char buf[1024];
  ssize_t n = pread (errors, buf, sizeof buf - 1, 0);
  line[0] = '\0';
  if (n <= 0)
    return;
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  char *start = strrchr (buf, '\n');
  start = start ? start + 1 : buf;
  size_t len = strlen (start);
  if (len >= size)
    len = size - 1;
  memcpy (line, start, len);
  line[len] = '\0';
}

static void
describe_end (pid_t pid, const char *name, int errors, char *message, size_t size)
{
  int status = 0;
  char why[256];
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  last_line (errors, why, sizeof why);
  if (WIFSIGNALED (status))
    snprintf (message, size, "--net-user: %s was killed by signal %d before the sandbox's network was up%s%s",
              name, WTERMSIG (status), why[0] ? ": " : "", why);
  else
    snprintf (message, size, "--net-user: %s ended with status %d before the sandbox's network was up%s%s",
              name, WEXITSTATUS (status), why[0] ? ": " : "", why);
}

/* The outside helper's work item: lasting, as the helper stays and takes
 * pasta (or slirp4netns) along when it dies. */
static int
start_network_helper (void *ctx, pid_t sandbox, char *message, size_t size)
{
  const struct net_start *ns = ctx;
  pid_t outside_helper = getpid ();
  int ready[2];
  /* Its messages, kept for ours: slirp4netns talks even when all is well. */
  int errors = memfd_create ("swaddle-net-helper-stderr", MFD_CLOEXEC);

  if (errors < 0 || pipe2 (ready, O_CLOEXEC) < 0)
    {
      snprintf (message, size, "--net-user: %s: %s", errors < 0 ? "memfd_create" : "pipe2", strerror (errno));
      return -1;
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      snprintf (message, size, "--net-user: fork (%s): %s", helpers[ns->kind].name, strerror (errno));
      close (ready[0]);
      close (ready[1]);
      close (errors);
      return -1;
    }
  if (pid == 0)
    {
      if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid () != outside_helper)
        _exit (127);
      close (ready[0]);
      exec_helper (ns, sandbox, ready[1], errors);
    }
  close (ready[1]);
  bool up = read_ready (ready[0]);
  close (ready[0]);
  if (!up)
    describe_end (pid, helpers[ns->kind].name, errors, message, size);
  close (errors);
  return up ? 0 : -1;
}

/* ---- the sandbox's side ------------------------------------------------------- */

static void
check_netns_fd (int fd)
{
  int type;
  if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0)
    die_errno ("--netns %d: not an open file descriptor", fd);
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0 && errno == ENOTTY)
    die ("--netns %d: not a network namespace (not a namespace file at all)", fd);
  if (type >= 0 && type != CLONE_NEWNET)
    die ("--netns %d: not a network namespace (a namespace of another type)", fd);
  /* Kernels before 4.11 lack NS_GET_NSTYPE: setns() will say. */
}

void
net_prepare (const struct plan *plan, struct outside *o)
{
  if (plan->netns_fd >= 0)
    check_netns_fd (plan->netns_fd);
  if (!plan->net_user)
    return;
  net_start.plan = plan;
  if (find_on_path ("pasta", net_start.path, sizeof net_start.path))
    net_start.kind = HELPER_PASTA;
  else if (find_on_path ("slirp4netns", net_start.path, sizeof net_start.path))
    net_start.kind = HELPER_SLIRP4NETNS;
  else
    die ("--net-user: neither pasta (Debian package passt) nor slirp4netns (Debian package slirp4netns) is installed on PATH");
  if (net_start.kind == HELPER_SLIRP4NETNS && plan->n_forwards > 0)
    die ("--forward-port %s: slirp4netns, the helper found here, cannot forward ports for swaddle; install pasta (Debian package passt)",
         plan->forwards[0].spec);
  outside_add (o, start_network_helper, &net_start, true);
}

void
net_join (const struct plan *plan)
{
  if (plan->netns_fd < 0)
    return;
  if (setns (plan->netns_fd, CLONE_NEWNET) == 0)
    return;
  if (errno == EPERM)
    die ("--netns %d: setns(CLONE_NEWNET): %s: joining needs CAP_SYS_ADMIN over the user namespace that owns it; "
         "without privilege, pass that user namespace with --userns",
         plan->netns_fd, strerror (errno));
  die_errno ("--netns %d: setns(CLONE_NEWNET)", plan->netns_fd);
}

void
net_wait_ready (const struct plan *plan, struct outside *o)
{
  char message[512];
  if (!plan->net_user)
    return;
  if (outside_wait (o, message, sizeof message) < 0)
    die ("%s", message);
}

/* ---- --check ------------------------------------------------------------- */

static bool
runs (const char *path)
{
  pid_t pid = fork ();
  if (pid < 0)
    return false;
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);
      if (devnull >= 0)
        {
          dup2 (devnull, STDIN_FILENO);
          dup2 (devnull, STDOUT_FILENO);
          dup2 (devnull, STDERR_FILENO);
        }
      execl (path, path, "--version", (char *) NULL);
      _exit (127);
    }
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

void
net_probe_helpers (struct net_helper_probe probes[2])
{
  for (size_t i = 0; i < 2; i++)
    {
      probes[i].name = helpers[i].name;
      probes[i].package = helpers[i].package;
      probes[i].usable = find_on_path (helpers[i].name, probes[i].path, sizeof probes[i].path)
                         && runs (probes[i].path);
    }
}
