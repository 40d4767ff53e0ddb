/* swaddle: what the caller learns through --info-fd and --json-status-fd,
 * and how the watcher learns that the payload really started. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The inode numbers of the namespaces created.  ns_dir is /proc/self/ns,
 * opened before the first fork: the sandbox's pivot moves this process's
 * root too, and pid_for_children only exists once a child does. */
struct ns_ids
{
  int clone_flags;
  unsigned long long inode[8];
  /* The helper swaddle left outside (outside.h), while it runs: it takes
   * --net-user's pasta or slirp4netns along when it ends.  0: none. */
  pid_t outside_helper;
};

void status_read_ns_ids (int ns_dir, int clone_flags, struct ns_ids *ids);

/* The JSON object describing the running sandbox: child-pid, the inode
 * of each namespace created, and outside-helper-pid when there is one.  pretty: the multi-line form of --info-fd. */
int status_write_started (int fd, bool pretty, pid_t child_pid, const struct ns_ids *ids);
int status_write_exit_code (int fd, int exit_code);
/* With more members after the exit code: ", \"key\": value" each. */
int status_write_exit (int fd, int exit_code, const char *members);

/* A pipe whose write end travels down to the payload: it writes "E" just
 * before execve() and "F" when execve() failed; a watcher that reads
 * exactly "E" knows the payload ran. */
struct exec_report
{
  int read_fd;
  int write_fd;
};

int exec_report_open (struct exec_report *report);
void exec_report_close_writer (struct exec_report *report);
bool exec_report_payload_ran (struct exec_report *report);
void exec_report_before_exec (const struct exec_report *report);
void exec_report_exec_failed (const struct exec_report *report);
