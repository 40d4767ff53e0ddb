/* swaddle: status output. */
#include "status.h"
#include "utils.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* In the order bwrap prints them; the user namespace is not listed. */
static const struct
{
  int flag;
  const char *name;
  const char *proc_name;
} listed_ns[] = {
  { CLONE_NEWCGROUP, "cgroup", "cgroup" },
  { CLONE_NEWIPC, "ipc", "ipc" },
  { CLONE_NEWNS, "mnt", "mnt" },
  { CLONE_NEWNET, "net", "net" },
  /* The watcher is outside the pid namespace its children live in. */
  { CLONE_NEWPID, "pid", "pid_for_children" },
  { CLONE_NEWUTS, "uts", "uts" },
};

void
status_read_ns_ids (int ns_dir, int clone_flags, struct ns_ids *ids)
{
  _Static_assert (N_ELEMENTS (listed_ns) <= N_ELEMENTS (ids->inode), "room for every namespace");
  ids->clone_flags = clone_flags;
  ids->outside_helper = 0;
  for (size_t i = 0; i < N_ELEMENTS (listed_ns); i++)
    {
      struct stat st;
      ids->inode[i] = (clone_flags & listed_ns[i].flag) && fstatat (ns_dir, listed_ns[i].proc_name, &st, 0) == 0
                      ? st.st_ino : 0;
    }
}

int
status_write_started (int fd, bool pretty, pid_t child_pid, const struct ns_ids *ids)
{
  const char *open_brace = pretty ? "{\n    " : "{ ";
  const char *separator = pretty ? ",\n    " : ", ";
  const char *close_brace = pretty ? "\n}\n" : " }\n";
  char out[1024];
  size_t used = (size_t) snprintf (out, sizeof out, "%s\"child-pid\": %d", open_brace, (int) child_pid);

  for (size_t i = 0; i < N_ELEMENTS (listed_ns); i++)
    if (ids->inode[i] != 0)
      used += (size_t) snprintf (out + used, sizeof out - used, "%s\"%s-namespace\": %llu",
                                 separator, listed_ns[i].name, ids->inode[i]);
  if (ids->outside_helper > 0)
    used += (size_t) snprintf (out + used, sizeof out - used, "%s\"outside-helper-pid\": %d",
                               separator, (int) ids->outside_helper);
  used += (size_t) snprintf (out + used, sizeof out - used, "%s", close_brace);
  return write_all (fd, out, used);
}

int
status_write_exit_code (int fd, int exit_code)
{
  return status_write_exit (fd, exit_code, "");
}

int
status_write_exit (int fd, int exit_code, const char *members)
{
  char out[512];
  int n = snprintf (out, sizeof out, "{ \"exit-code\": %d%s }\n", exit_code, members);
  return write_all (fd, out, (size_t) n < sizeof out ? (size_t) n : sizeof out - 1);
}

int
exec_report_open (struct exec_report *report)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return -1;
  report->read_fd = fds[0];
  report->write_fd = fds[1];
  return 0;
}

void
exec_report_close_writer (struct exec_report *report)
{
  close_fd_ptr (&report->write_fd);
}

bool
exec_report_payload_ran (struct exec_report *report)
{
  char buf[4];
  ssize_t n;
  do
    n = read (report->read_fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  return n == 1 && buf[0] == 'E';
}

void
exec_report_before_exec (const struct exec_report *report)
{
  if (report->write_fd >= 0)
    (void) write_all (report->write_fd, "E", 1);
}

void
exec_report_exec_failed (const struct exec_report *report)
{
  if (report->write_fd >= 0)
    (void) write_all (report->write_fd, "F", 1);
}
