/* bench/harness.c: the timing and memory runner of swaddle's benchmark.
 *
 * It is driven by bench/bench.py and is deliberately dumb: it reads a plan
 * (commands, file descriptors to pass, an order in which to run the
 * commands) and prints one line per run.  All policy (how many runs, which
 * order, what to skip) lives in the Python driver.
 *
 *   harness time PLAN    wall time of each run: fork + exec + wait4, measured
 *                        with CLOCK_MONOTONIC around fork() .. wait4().
 *   harness mem PLAN     peak RSS (VmHWM) of every process of each run, read
 *                        from /proc/PID/status under ptrace: at each process's
 *                        exit and at each execve() entry (a seccomp filter
 *                        returning SECCOMP_RET_TRACE for execve/execveat only,
 *                        so no other system call stops).  Not timed.
 *                        A vfork() child's peak at its execve() is its
 *                        parent's memory, which the parent reports: it is
 *                        not reported twice.
 *
 * PLAN is a text file, one directive per line, fields separated by TABs:
 *   timeout SECONDS      kill a run (its whole process group) after this long
 *   fd NUM PATH          open PATH read-only and place it at descriptor NUM
 *                        (inherited by every run; rewound to offset 0 before
 *                        each run, outside the timed interval)
 *   cmd ARGV0 ARG...     a command; commands are numbered from 0 in order
 *   log PATH             append the runs' stderr to PATH (stdout: /dev/null)
 *   sched I I I ...      the runs, as command numbers, in order
 *
 * Output lines (TAB-separated):
 *   R SEQ CMD WALL_NS STATUS MAXRSS_KB UTIME_US STIME_US
 *                                          (time mode; STATUS exit:N, sig:N,
 *                                           timeout; the rest is wait4's
 *                                           rusage of the tree: ru_maxrss is
 *                                           the largest single process, like
 *                                           /usr/bin/time %M, user and system
 *                                           CPU time are summed over every
 *                                           process that was waited for)
 *   M SEQ CMD PID ROLE COMM HWM_KB         (mem mode; ROLE is tool for the
 *                                           command's own image, payload for
 *                                           anything it executed)
 *   S SEQ CMD STATUS                       (mem mode, per run)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cmd { char **argv; int argc; char comm[16]; };

static struct cmd *cmds;
static int ncmds;
static int *fds;
static int nfds;
static int *sched;
static int nsched;
static double timeout_s = 60;
static int log_fd = -1;
static int null_fd = -1;
static volatile sig_atomic_t timed_out;

static void die (const char *what)
{
  fprintf (stderr, "harness: %s: %s\n", what, strerror (errno));
  exit (2);
}

static void *xrealloc (void *p, size_t n)
{
  p = realloc (p, n);
  if (!p)
    die ("realloc");
  return p;
}

static void on_alarm (int sig) { (void) sig; timed_out = 1; }

static void raise_nofile (void)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

struct fdspec { int num; char *path; };
static struct fdspec *fdspecs;
static char *log_path;

static void add_fd (int num, const char *path)
{
  fdspecs = xrealloc (fdspecs, (nfds + 1) * sizeof *fdspecs);
  fdspecs[nfds].num = num;
  fdspecs[nfds++].path = strdup (path);
}

/* After the plan is read and its file closed: put every file at its number,
 * then the harness's own descriptors above all of them (close-on-exec). */
static void place_fds (void)
{
  int top = 2;
  fds = xrealloc (fds, (nfds + 1) * sizeof *fds);
  for (int i = 0; i < nfds; i++)
    if (fdspecs[i].num > top)
      top = fdspecs[i].num;
  for (int i = 0; i < nfds; i++)
    {
      int fd = open (fdspecs[i].path, O_RDONLY);
      if (fd < 0)
        die (fdspecs[i].path);
      if (fd != fdspecs[i].num)
        {
          if (dup2 (fd, fdspecs[i].num) < 0)
            die ("dup2");
          close (fd);
        }
      fds[i] = fdspecs[i].num;
    }
  null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0)
    die ("/dev/null");
  if (null_fd <= top)
    {
      int hi = fcntl (null_fd, F_DUPFD_CLOEXEC, top + 1);
      if (hi < 0)
        die ("F_DUPFD_CLOEXEC");
      close (null_fd);
      null_fd = hi;
    }
  if (log_path)
    {
      int fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0)
        die (log_path);
      log_fd = fcntl (fd, F_DUPFD_CLOEXEC, null_fd + 1);
      if (log_fd < 0)
        die ("F_DUPFD_CLOEXEC");
      close (fd);
    }
}

static void read_plan (const char *path)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;

  if (!f)
    die (path);
  while ((len = getline (&line, &cap, f)) > 0)
    {
      char *save = NULL, *word;
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      word = strtok_r (line, "\t", &save);
      if (!word)
        continue;
      if (strcmp (word, "timeout") == 0)
        timeout_s = atof (strtok_r (NULL, "\t", &save));
      else if (strcmp (word, "fd") == 0)
        {
          int num = atoi (strtok_r (NULL, "\t", &save));
          add_fd (num, strtok_r (NULL, "\t", &save));
        }
      else if (strcmp (word, "log") == 0)
        log_path = strdup (strtok_r (NULL, "\t", &save));
      else if (strcmp (word, "cmd") == 0)
        {
          struct cmd c = { 0 };
          const char *base;
          while ((word = strtok_r (NULL, "\t", &save)))
            {
              c.argv = xrealloc (c.argv, (c.argc + 2) * sizeof *c.argv);
              c.argv[c.argc++] = strdup (word);
            }
          if (c.argc == 0)
            {
              errno = EINVAL;
              die ("empty cmd");
            }
          c.argv[c.argc] = NULL;
          base = strrchr (c.argv[0], '/');
          snprintf (c.comm, sizeof c.comm, "%s", base ? base + 1 : c.argv[0]);
          cmds = xrealloc (cmds, (ncmds + 1) * sizeof *cmds);
          cmds[ncmds++] = c;
        }
      else if (strcmp (word, "sched") == 0)
        while ((word = strtok_r (NULL, " \t", &save)))
          {
            int i = atoi (word);
            if (i < 0 || i >= ncmds)
              {
                errno = EINVAL;
                die ("sched: no such cmd");
              }
            sched = xrealloc (sched, (nsched + 1) * sizeof *sched);
            sched[nsched++] = i;
          }
    }
  free (line);
  fclose (f);
}

static void rewind_fds (void)
{
  for (int i = 0; i < nfds; i++)
    lseek (fds[i], 0, SEEK_SET);
}

static void child_stdio (void)
{
  dup2 (null_fd, 0);
  dup2 (null_fd, 1);
  if (log_fd >= 0)
    dup2 (log_fd, 2);
}

static void arm_timer (void)
{
  struct itimerval it = { 0 };
  timed_out = 0;
  it.it_value.tv_sec = (time_t) timeout_s;
  it.it_value.tv_usec = (suseconds_t) ((timeout_s - (double) (time_t) timeout_s) * 1e6);
  setitimer (ITIMER_REAL, &it, NULL);
}

static void disarm_timer (void)
{
  struct itimerval it = { 0 };
  setitimer (ITIMER_REAL, &it, NULL);
}

static void format_status (char *buf, size_t n, int st, int to)
{
  if (to)
    snprintf (buf, n, "timeout");
  else if (WIFEXITED (st))
    snprintf (buf, n, "exit:%d", WEXITSTATUS (st));
  else if (WIFSIGNALED (st))
    snprintf (buf, n, "sig:%d", WTERMSIG (st));
  else
    snprintf (buf, n, "unknown:%d", st);
}

static int64_t ns_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void time_mode (void)
{
  for (int s = 0; s < nsched; s++)
    {
      struct cmd *c = &cmds[sched[s]];
      struct rusage ru;
      int st = 0, to = 0;
      int64_t t0, t1;
      pid_t pid, w;
      char status[32];

      rewind_fds ();
      arm_timer ();
      t0 = ns_now ();
      pid = fork ();
      if (pid < 0)
        die ("fork");
      if (pid == 0)
        {
          setpgid (0, 0);
          child_stdio ();
          execve (c->argv[0], c->argv, environ);
          _exit (127);
        }
      for (;;)
        {
          w = wait4 (pid, &st, 0, &ru);
          if (w == pid)
            break;
          if (w < 0 && errno == EINTR && timed_out && !to)
            {
              to = 1;
              kill (-pid, SIGKILL);
              kill (pid, SIGKILL);
              continue;
            }
          if (w < 0 && errno != EINTR)
            die ("wait4");
        }
      t1 = ns_now ();
      disarm_timer ();
      if (to)
        kill (-pid, SIGKILL);   /* leftovers of the group, if any */
      format_status (status, sizeof status, st, to);
      printf ("R\t%d\t%d\t%lld\t%s\t%ld\t%lld\t%lld\n", s, sched[s], (long long) (t1 - t0),
              status, ru.ru_maxrss,
              (long long) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
              (long long) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
      fflush (stdout);
    }
}

/* ---- memory mode ---------------------------------------------------- */

enum role { HARNESS, TOOL, PAYLOAD };
static const char *role_names[] = { "harness", "tool", "payload" };

/* borrowed_mm: a vfork() child, living in its parent's memory until it
 * execs; that memory is its parent's to report, not counted twice. */
struct proc { pid_t pid; enum role role; long pre_exec_hwm; int live; int seen_stop; int borrowed_mm; char comm[16]; };
static struct proc *procs;
static int nprocs;

static struct proc *proc_get (pid_t pid)
{
  for (int i = 0; i < nprocs; i++)
    if (procs[i].pid == pid && procs[i].live)
      return &procs[i];
  procs = xrealloc (procs, (nprocs + 1) * sizeof *procs);
  memset (&procs[nprocs], 0, sizeof *procs);
  procs[nprocs].pid = pid;
  procs[nprocs].live = 1;
  procs[nprocs].role = TOOL;
  return &procs[nprocs++];
}

/* Whether PID runs in its parent's memory (a vfork() child before its
 * execve()). */
static int
shares_parent_mm (pid_t pid)
{
  char path[64], buf[512];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return 0;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  char *after_comm = strrchr (buf, ')');
  int ppid = 0;
  if (after_comm == NULL || sscanf (after_comm + 1, " %*c %d", &ppid) != 1 || ppid <= 0)
    return 0;
  return syscall (SYS_kcmp, pid, (pid_t) ppid, KCMP_VM, 0, 0) == 0;
}

/* Reads VmHWM (kB) and Name of PID from /proc; -1 if gone. */
static long read_status (pid_t pid, char *comm, size_t commlen)
{
  char path[64], buf[4096];
  long hwm = -1;
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  if (comm && strncmp (buf, "Name:\t", 6) == 0)
    {
      char *e = strchr (buf + 6, '\n');
      size_t l = e ? (size_t) (e - (buf + 6)) : 0;
      if (l >= commlen)
        l = commlen - 1;
      memcpy (comm, buf + 6, l);
      comm[l] = '\0';
    }
  {
    char *p = strstr (buf, "\nVmHWM:");
    if (p)
      hwm = strtol (p + 7, NULL, 10);
  }
  return hwm;
}

static void emit (int seq, int ci, struct proc *p, long hwm)
{
  if (hwm < 0)
    return;
  printf ("M\t%d\t%d\t%d\t%s\t%s\t%ld\n", seq, ci, (int) p->pid,
          role_names[p->role], p->comm[0] ? p->comm : "?", hwm);
}

static void install_exec_trap (void)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 2, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE),
  };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    _exit (126);
}

static void mem_mode (void)
{
  for (int s = 0; s < nsched; s++)
    {
      struct cmd *c = &cmds[sched[s]];
      int st = 0, root_st = 0, to = 0;
      pid_t pid, w;
      char status[32];

      nprocs = 0;
      rewind_fds ();
      pid = fork ();
      if (pid < 0)
        die ("fork");
      if (pid == 0)
        {
          setpgid (0, 0);
          child_stdio ();
          if (ptrace (PTRACE_TRACEME, 0, 0, 0) < 0)
            _exit (125);
          raise (SIGSTOP);
          install_exec_trap ();
          execve (c->argv[0], c->argv, environ);
          _exit (127);
        }
      if (waitpid (pid, &st, 0) != pid || !WIFSTOPPED (st))
        die ("child did not stop");
      if (ptrace (PTRACE_SETOPTIONS, pid, 0,
                  PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE
                  | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT
                  | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0)
        die ("PTRACE_SETOPTIONS");
      {
        struct proc *r = proc_get (pid);
        r->role = HARNESS;
        r->seen_stop = 1;
      }
      ptrace (PTRACE_CONT, pid, 0, 0);
      arm_timer ();
      for (;;)
        {
          struct proc *p;
          int sig, ev;

          w = waitpid (-1, &st, __WALL);
          if (w < 0)
            {
              if (errno == EINTR)
                {
                  if (timed_out && !to)
                    {
                      to = 1;
                      kill (-pid, SIGKILL);
                      kill (pid, SIGKILL);
                    }
                  continue;
                }
              if (errno == ECHILD)
                break;
              die ("waitpid");
            }
          p = proc_get (w);
          if (WIFEXITED (st) || WIFSIGNALED (st))
            {
              p->live = 0;
              if (w == pid)
                root_st = st;
              continue;
            }
          if (!WIFSTOPPED (st))
            continue;
          sig = WSTOPSIG (st);
          ev = st >> 16;
          if (ev == PTRACE_EVENT_SECCOMP)
            {
              p->borrowed_mm = shares_parent_mm (w);
              long h = read_status (w, p->comm, sizeof p->comm);
              if (h > p->pre_exec_hwm)
                p->pre_exec_hwm = h;
              sig = 0;
            }
          else if (ev == PTRACE_EVENT_EXEC)
            {
              /* The old image's peak was taken at execve() entry. */
              if (p->role != HARNESS && !p->borrowed_mm)
                emit (s, sched[s], p, p->pre_exec_hwm);
              p->pre_exec_hwm = 0;
              p->borrowed_mm = 0;
              read_status (w, p->comm, sizeof p->comm);
              p->role = strncmp (p->comm, c->comm, 15) == 0 ? TOOL : PAYLOAD;
              sig = 0;
            }
          else if (ev == PTRACE_EVENT_EXIT)
            {
              long h = read_status (w, p->comm, sizeof p->comm);
              if (p->role != HARNESS)
                emit (s, sched[s], p, h);
              sig = 0;
            }
          else if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK
                   || ev == PTRACE_EVENT_CLONE)
            {
              unsigned long msg = 0;
              struct proc *q;
              ptrace (PTRACE_GETEVENTMSG, w, 0, &msg);
              p = proc_get (w);  /* proc_get may have moved the array */
              {
                enum role r = p->role;
                char comm[16];
                memcpy (comm, p->comm, sizeof comm);
                q = proc_get ((pid_t) msg);
                q->role = r;
                if (!q->comm[0])
                  memcpy (q->comm, comm, sizeof comm);
              }
              sig = 0;
            }
          else if (sig == SIGSTOP && !p->seen_stop)
            {
              p->seen_stop = 1;   /* the initial stop of a new tracee */
              sig = 0;
            }
          else if (ev != 0)
            sig = 0;
          ptrace (PTRACE_CONT, w, 0, sig);
        }
      disarm_timer ();
      format_status (status, sizeof status, root_st, to);
      printf ("S\t%d\t%d\t%s\n", s, sched[s], status);
      fflush (stdout);
    }
}

int main (int argc, char **argv)
{
  struct sigaction sa = { 0 };

  if (argc != 3 || (strcmp (argv[1], "time") && strcmp (argv[1], "mem")))
    {
      fprintf (stderr, "usage: %s time|mem PLAN\n", argv[0]);
      return 2;
    }
  raise_nofile ();
  read_plan (argv[2]);
  place_fds ();
  sa.sa_handler = on_alarm;   /* no SA_RESTART: wait4 must see EINTR */
  sigaction (SIGALRM, &sa, NULL);
  if (strcmp (argv[1], "time") == 0)
    time_mode ();
  else
    mem_mode ();
  return 0;
}
