/* swaddle: --pty, a terminal of the sandbox's own. */
#include "pty.h"
#include "reaper.h"
#include "utils.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
pty_open_at (int dirfd, const char *ptmx_path, struct pty_pair *pty, const char **call)
{
  int unlock = 0;
  *pty = PTY_PAIR_NONE;
  pty->master = openat (dirfd, ptmx_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty->master < 0)
    return fail_with (call, "open");
  if (ioctl (pty->master, TIOCSPTLCK, &unlock) < 0)
    return fail_with (call, "ioctl(TIOCSPTLCK)");
  /* The slave through the master: no path into a devpts that may not be
   * mounted anywhere the process can name. */
  pty->slave = ioctl (pty->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty->slave < 0)
    return fail_with (call, "ioctl(TIOCGPTPEER)");
  return 0;
}

void
pty_pair_close (struct pty_pair *pty)
{
  close_fd_ptr (&pty->master);
  close_fd_ptr (&pty->slave);
  *pty = PTY_PAIR_NONE;
}

/* ---- passing a descriptor ------------------------------------------------ */

static int
send_fd (int sock, int fd)
{
  char byte = 'M';
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr header; char space[CMSG_SPACE (sizeof (int))]; } control;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control.space, .msg_controllen = sizeof control.space,
  };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  ssize_t n;
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

/* The descriptor sent on sock; -1 at end of file (the sender ended
 * without sending) or on error. */
static int
receive_fd (int sock)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr header; char space[CMSG_SPACE (sizeof (int))]; } control;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control.space, .msg_controllen = sizeof control.space,
  };
  ssize_t n;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  struct cmsghdr *cmsg = n == 1 ? CMSG_FIRSTHDR (&msg) : NULL;
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS
      || cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
    return -1;
  int fd;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}

/* ---- inside ------------------------------------------------------------------ */

int
pty_hand_over (struct pty_pair *pty, int sock, const char **call)
{
  int r = 0;
  char ack;
  if (send_fd (sock, pty->master) < 0)
    r = fail_with (call, "sendmsg");
  /* The watcher sets the terminal up before anything inside may change
   * its modes. */
  else if (recv (sock, &ack, 1, 0) != 1)
    r = fail_with (call, "recv");
  for (int stream = 0; r == 0 && stream < 3; stream++)
    if (dup2 (pty->slave, stream) < 0)
      r = fail_with (call, "dup2");
  pty_pair_close (pty);
  return r;
}

int
pty_become_controlling (const char **call)
{
  if (setsid () < 0)
    return fail_with (call, "setsid");
  if (ioctl (STDIN_FILENO, TIOCSCTTY, 0) < 0)
    return fail_with (call, "ioctl(TIOCSCTTY)");
  return 0;
}

/* ---- outside: the relay ------------------------------------------------------ */

struct relay
{
  pid_t child;
  int sock;               /* until the master arrives */
  int master;
  int signals;            /* signalfd */
  int terminal;           /* the caller's terminal (0 or 1), or -1 */
  bool input_open;
  bool output_open;
  /* The caller's input on its way to the sandbox's terminal, which takes
   * it only as fast as the sandbox reads: the master is non-blocking, so
   * that the sandbox's output goes on meanwhile.  One byte more than a
   * read, for the end-of-file character. */
  char pending[8193];
  size_t pending_start, pending_end;
  bool raw;
  struct termios saved;
  bool child_ended;
  int child_status;
};

static int
callers_terminal (void)
{
  if (isatty (STDIN_FILENO))
    return STDIN_FILENO;
  return isatty (STDOUT_FILENO) ? STDOUT_FILENO : -1;
}

static void
copy_window_size (const struct relay *r)
{
  struct winsize size;
  if (r->terminal >= 0 && r->master >= 0 && ioctl (r->terminal, TIOCGWINSZ, &size) == 0)
    ioctl (r->master, TIOCSWINSZ, &size);
}

/* The sandbox's terminal starts with the caller's settings; the caller's
 * goes raw, so that every key, Ctrl-C and Ctrl-Z included, reaches the
 * sandbox's line discipline.  Without a terminal on standard input, the
 * sandbox's terminal does not echo. */
static void
enter_raw_mode (struct relay *r)
{
  if (r->terminal != STDIN_FILENO || tcgetattr (STDIN_FILENO, &r->saved) < 0)
    {
      /* Input from a pipe or file is not typed: echoing it would print it
       * twice. */
      struct termios mode;
      if (tcgetattr (r->master, &mode) == 0)
        {
          mode.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (r->master, TCSANOW, &mode);
        }
      return;
    }
  tcsetattr (r->master, TCSANOW, &r->saved);
  struct termios raw = r->saved;
  cfmakeraw (&raw);
  r->raw = tcsetattr (STDIN_FILENO, TCSADRAIN, &raw) == 0;
}

static void
leave_raw_mode (struct relay *r)
{
  if (r->raw)
    tcsetattr (STDIN_FILENO, TCSADRAIN, &r->saved);
  r->raw = false;
}

static void
receive_master (struct relay *r)
{
  r->master = receive_fd (r->sock);
  if (r->master < 0)
    {
      close_fd_ptr (&r->sock);
      return;
    }
  r->output_open = true;
  int flags = fcntl (r->master, F_GETFL);
  if (flags < 0 || fcntl (r->master, F_SETFL, flags | O_NONBLOCK) < 0)
    die_errno ("--pty: making the terminal's master non-blocking");
  enter_raw_mode (r);
  copy_window_size (r);
  (void) send (r->sock, "A", 1, MSG_NOSIGNAL);
  close_fd_ptr (&r->sock);
}

/* Copy what one read of the sandbox's terminal gives to our output: the
 * bytes copied; -1 when there is nothing yet; 0 once it has ended (EIO
 * once no process holds the slave open). */
static ssize_t
copy_output (int master)
{
  char buf[8192];
  ssize_t n;
  do
    n = read (master, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    (void) write_all (STDOUT_FILENO, buf, (size_t) n);
  if (n < 0 && errno == EAGAIN)
    return -1;
  return n > 0 ? n : 0;
}

static bool
input_pending (const struct relay *r)
{
  return r->pending_start < r->pending_end;
}

/* Give the sandbox's terminal what it takes of the pending input. */
static void
flush_input (struct relay *r)
{
  while (input_pending (r))
    {
      ssize_t n = write (r->master, r->pending + r->pending_start, r->pending_end - r->pending_start);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          /* The sandbox's terminal is gone: what is left has no reader. */
          r->pending_start = r->pending_end = 0;
          return;
        }
      r->pending_start += (size_t) n;
    }
  r->pending_start = r->pending_end = 0;
}

/* The caller's input ended (a pipe, a file): the sandbox's terminal reads
 * that as its end-of-file character, so `... | swaddle --pty cat` ends. */
static void
end_of_input (struct relay *r)
{
  struct termios mode;
  r->input_open = false;
  if (tcgetattr (r->master, &mode) == 0 && (mode.c_lflag & ICANON))
    r->pending[r->pending_end++] = (char) mode.c_cc[VEOF];
}

/* Read the caller's input, when what came before has gone in. */
static void
take_input (struct relay *r)
{
  ssize_t n;
  do
    n = read (STDIN_FILENO, r->pending, sizeof r->pending - 1);
  while (n < 0 && errno == EINTR);
  r->pending_start = 0;
  r->pending_end = n > 0 ? (size_t) n : 0;
  if (n <= 0)
    end_of_input (r);
  flush_input (r);
}

static void
handle_signals (struct relay *r)
{
  struct signalfd_siginfo info;
  while (read (r->signals, &info, sizeof info) == sizeof info)
    {
      if (info.ssi_signo == SIGCHLD)
        {
          /* Any child: the other one is the helper outside (outside.h). */
          if (!r->child_ended && reap (r->child, true, &r->child_status))
            r->child_ended = true;
          continue;
        }
      /* The sandbox's terminal tells its foreground process group itself. */
      if (info.ssi_signo == SIGWINCH)
        {
          copy_window_size (r);
          continue;
        }
      siginfo_t si = { .si_signo = (int) info.ssi_signo, .si_code = info.ssi_code };
      forward_signal (r->child, &si);
    }
}

/* What the sandbox wrote before it ended. */
static void
drain_master (struct relay *r)
{
  if (r->output_open)
    while (copy_output (r->master) > 0)
      ;
}

static void
relay_once (struct relay *r)
{
  enum { SIGNALS, SOCK, INPUT, MASTER };
  struct pollfd fds[] = {
    [SIGNALS] = { r->signals, POLLIN, 0 },
    [SOCK] = { r->sock, POLLIN, 0 },
    [INPUT] = { r->master >= 0 && r->input_open && !input_pending (r) ? STDIN_FILENO : -1, POLLIN, 0 },
    [MASTER] = { r->output_open ? r->master : -1, (short) (POLLIN | (input_pending (r) ? POLLOUT : 0)), 0 },
  };
  if (poll (fds, N_ELEMENTS (fds), -1) < 0)
    return;
  if (fds[SIGNALS].revents)
    handle_signals (r);
  if (fds[SOCK].revents)
    receive_master (r);
  if (fds[INPUT].revents)
    take_input (r);
  if (fds[MASTER].revents & POLLOUT)
    flush_input (r);
  if ((fds[MASTER].revents & ~POLLOUT) && copy_output (r->master) == 0)
    r->output_open = false;
}

int
pty_relay (pid_t child, int sock)
{
  sigset_t watched;
  signals_watched (&watched);
  struct relay r = {
    .child = child,
    .sock = sock,
    .master = -1,
    .signals = signalfd (-1, &watched, SFD_NONBLOCK | SFD_CLOEXEC),
    .terminal = callers_terminal (),
    .input_open = true,
  };
  if (r.signals < 0)
    die_errno ("--pty: signalfd");
  /* A caller that stops reading must not kill the relay before the
   * terminal is restored. */
  signal (SIGPIPE, SIG_IGN);
  /* The child may have ended before the signalfd existed. */
  r.child_ended = reap (child, false, &r.child_status);
  while (!r.child_ended)
    relay_once (&r);
  drain_master (&r);
  leave_raw_mode (&r);
  close_fd_ptr (&r.master);
  close_fd_ptr (&r.sock);
  close (r.signals);
  return exit_code_from_wait_status (r.child_status);
}
