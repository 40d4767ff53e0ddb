/* sys-deny: make chosen system calls fail, to exercise error paths in tests.
 *
 *   sys-deny [-e ERRNO] [-a ARGMASK] SYSCALL[,SYSCALL...] -- COMMAND [ARGS...]
 *
 * Installs a seccomp filter that makes each named system call fail with
 * ERRNO (a name such as EPERM, or a number; default ENOSYS), then execs
 * COMMAND.  PR_SET_NO_NEW_PRIVS comes first, so no privilege is needed; it
 * also means setuid bits and file capabilities of COMMAND are ignored.
 * SYSCALL is a name, or a number for calls newer than the table below.  A
 * name this architecture lacks (open on aarch64) is skipped, so a portable
 * test can say mkdir,mkdirat: glibc's mkdir() is mkdir(2) on x86_64.
 *
 * -a ARGMASK (hex or decimal, up to 64 bits): deny only the calls whose first
 * argument has any of these bits set; meant for the flags of unshare and
 * clone.  -i ARGINDEX (0 to 5) tests that argument instead of the first:
 * `-e EPERM -i 2 -a 0x8000 mount_setattr` denies mount_setattr with
 * AT_RECURSIVE only.  clone3 takes its flags in memory, where seccomp cannot look, so a
 * named clone3 is denied unconditionally.  Docker's default profile, which
 * answers clone3 with ENOSYS (libc then falls back to clone) and
 * CLONE_NEWUSER with EPERM, is two stacked filters:
 *
 *   sys-deny -e ENOSYS clone3 -- sys-deny -e EPERM -a 0x10000000 unshare,clone -- CMD
 *
 * Denying clone3 with anything but ENOSYS also breaks pthread_create() and
 * posix_spawn(), as glibc falls back to clone only on ENOSYS.
 *
 * Built for x86_64 and aarch64.  A call made under another audit arch (i386
 * through int 0x80, arm32 compat) kills the process rather than slipping past
 * a filter written in native numbers; x32 calls on x86_64 fail with ENOSYS,
 * as on a kernel built without x32.
 *
 * Exit status: 2 for usage errors, 77 (meson's "skip") on an unsupported
 * architecture or when no named call exists on this one, 126 or 127 if
 * COMMAND can't be run, else COMMAND's own.
 *
 * Self-test by hand:
 *   sys-deny -e EPERM mkdir,mkdirat -- mkdir /tmp/x   # Operation not permitted
 *   sys-deny open_tree -- python3 -c 'import ctypes, os; \
 *     l = ctypes.CDLL(None, use_errno=True); \
 *     print(l.syscall(428, -100, b"/", 0), os.strerror(ctypes.get_errno()))'
 *   sys-deny -e EPERM -a 0x10000000 unshare -- unshare -U true   # fails
 *   sys-deny -e EPERM -a 0x10000000 unshare -- unshare -n true   # works as root
 */
#include <asm/unistd.h>
#include <errno.h>
#include <getopt.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PROGRAM "sys-deny"
#define EXIT_USAGE 2
#define EXIT_UNSUPPORTED 77
#define MAX_ERRNO 4095
#define MAX_SYSCALLS 128

#if defined(__x86_64__) && !defined(__ILP32__)
# define ARCH_SUPPORTED 1
# define ARCH_NAME "x86_64"
# define ARCH_AUDIT AUDIT_ARCH_X86_64
# define ARCH_X32_BIT __X32_SYSCALL_BIT
# define ARCH_MAX_NR (__X32_SYSCALL_BIT - 1u)
#elif defined(__aarch64__) && !defined(__AARCH64EB__) && !defined(__ILP32__)
# define ARCH_SUPPORTED 1
# define ARCH_NAME "aarch64"
# define ARCH_AUDIT AUDIT_ARCH_AARCH64
# define ARCH_X32_BIT 0
# define ARCH_MAX_NR UINT32_MAX
#else
# define ARCH_SUPPORTED 0
# define ARCH_NAME "this architecture"
# define ARCH_AUDIT 0
# define ARCH_X32_BIT 0
# define ARCH_MAX_NR UINT32_MAX
#endif

/* seccomp reads the 64-bit argument as two 32-bit words. */
#define ARG_OFFSET(i) (offsetof (struct seccomp_data, args[0]) + (size_t) (i) * sizeof (uint64_t))
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
# define ARG_LO_OFFSET(i) ARG_OFFSET (i)
# define ARG_HI_OFFSET(i) (ARG_OFFSET (i) + 4)
#else
# define ARG_LO_OFFSET(i) (ARG_OFFSET (i) + 4)
# define ARG_HI_OFFSET(i) ARG_OFFSET (i)
#endif

/* ---- names --------------------------------------------------------------- */

/* The table holds every name, and the preprocessor fills in the numbers:
 * stringifying __NR_foo gives "123" where <asm/unistd.h> defines it and
 * "__NR_foo" where it does not (a call this arch lacks), which needs no
 * #ifdef per name.  Calls from 424 on have the same number on every arch
 * but alpha, so they carry it for kernel headers older than the call. */
#define STRINGIFY(x) #x
#define EXPAND_STRINGIFY(x) STRINGIFY (x)

#define OLD_SYSCALLS(X) \
  X (read) X (write) X (open) X (close) X (stat) X (fstat) X (lstat) X (poll) \
  X (lseek) X (mmap) X (mprotect) X (munmap) X (brk) X (rt_sigaction) \
  X (rt_sigprocmask) X (rt_sigreturn) X (ioctl) X (pread64) X (pwrite64) \
  X (readv) X (writev) X (access) X (pipe) X (select) X (sched_yield) \
  X (mremap) X (msync) X (mincore) X (madvise) X (shmget) X (shmat) \
  X (shmctl) X (dup) X (dup2) X (pause) X (nanosleep) X (getitimer) X (alarm) \
  X (setitimer) X (getpid) X (sendfile) X (socket) X (connect) X (accept) \
  X (sendto) X (recvfrom) X (sendmsg) X (recvmsg) X (shutdown) X (bind) \
  X (listen) X (getsockname) X (getpeername) X (socketpair) X (setsockopt) \
  X (getsockopt) X (clone) X (fork) X (vfork) X (execve) X (exit) X (wait4) \
  X (kill) X (uname) X (semget) X (semop) X (semctl) X (shmdt) X (msgget) \
  X (msgsnd) X (msgrcv) X (msgctl) X (fcntl) X (flock) X (fsync) \
  X (fdatasync) X (truncate) X (ftruncate) X (getdents) X (getcwd) X (chdir) \
  X (fchdir) X (rename) X (mkdir) X (rmdir) X (creat) X (link) X (unlink) \
  X (symlink) X (readlink) X (chmod) X (fchmod) X (chown) X (fchown) \
  X (lchown) X (umask) X (gettimeofday) X (getrlimit) X (getrusage) \
  X (sysinfo) X (times) X (ptrace) X (getuid) X (syslog) X (getgid) \
  X (setuid) X (setgid) X (geteuid) X (getegid) X (setpgid) X (getppid) \
  X (getpgrp) X (setsid) X (setreuid) X (setregid) X (getgroups) \
  X (setgroups) X (setresuid) X (getresuid) X (setresgid) X (getresgid) \
  X (getpgid) X (setfsuid) X (setfsgid) X (getsid) X (capget) X (capset) \
  X (rt_sigpending) X (rt_sigtimedwait) X (rt_sigqueueinfo) X (rt_sigsuspend) \
  X (sigaltstack) X (utime) X (mknod) X (uselib) X (personality) X (ustat) \
  X (statfs) X (fstatfs) X (sysfs) X (getpriority) X (setpriority) \
  X (sched_setparam) X (sched_getparam) X (sched_setscheduler) \
  X (sched_getscheduler) X (sched_get_priority_max) \
  X (sched_get_priority_min) X (sched_rr_get_interval) X (mlock) X (munlock) \
  X (mlockall) X (munlockall) X (vhangup) X (modify_ldt) X (pivot_root) \
  X (_sysctl) X (prctl) X (arch_prctl) X (adjtimex) X (setrlimit) X (chroot) \
  X (sync) X (acct) X (settimeofday) X (mount) X (umount2) X (swapon) \
  X (swapoff) X (reboot) X (sethostname) X (setdomainname) X (iopl) \
  X (ioperm) X (create_module) X (init_module) X (delete_module) \
  X (get_kernel_syms) X (query_module) X (quotactl) X (nfsservctl) \
  X (getpmsg) X (putpmsg) X (afs_syscall) X (tuxcall) X (security) X (gettid) \
  X (readahead) X (setxattr) X (lsetxattr) X (fsetxattr) X (getxattr) \
  X (lgetxattr) X (fgetxattr) X (listxattr) X (llistxattr) X (flistxattr) \
  X (removexattr) X (lremovexattr) X (fremovexattr) X (tkill) X (time) \
  X (futex) X (sched_setaffinity) X (sched_getaffinity) X (set_thread_area) \
  X (io_setup) X (io_destroy) X (io_getevents) X (io_submit) X (io_cancel) \
  X (get_thread_area) X (lookup_dcookie) X (epoll_create) X (epoll_ctl_old) \
  X (epoll_wait_old) X (remap_file_pages) X (getdents64) X (set_tid_address) \
  X (restart_syscall) X (semtimedop) X (fadvise64) X (timer_create) \
  X (timer_settime) X (timer_gettime) X (timer_getoverrun) X (timer_delete) \
  X (clock_settime) X (clock_gettime) X (clock_getres) X (clock_nanosleep) \
  X (exit_group) X (epoll_wait) X (epoll_ctl) X (tgkill) X (utimes) \
  X (vserver) X (mbind) X (set_mempolicy) X (get_mempolicy) X (mq_open) \
  X (mq_unlink) X (mq_timedsend) X (mq_timedreceive) X (mq_notify) \
  X (mq_getsetattr) X (kexec_load) X (waitid) X (add_key) X (request_key) \
  X (keyctl) X (ioprio_set) X (ioprio_get) X (inotify_init) \
  X (inotify_add_watch) X (inotify_rm_watch) X (migrate_pages) X (openat) \
  X (mkdirat) X (mknodat) X (fchownat) X (futimesat) X (newfstatat) \
  X (unlinkat) X (renameat) X (linkat) X (symlinkat) X (readlinkat) \
  X (fchmodat) X (faccessat) X (pselect6) X (ppoll) X (unshare) \
  X (set_robust_list) X (get_robust_list) X (splice) X (tee) \
  X (sync_file_range) X (vmsplice) X (move_pages) X (utimensat) \
  X (epoll_pwait) X (signalfd) X (timerfd_create) X (eventfd) X (fallocate) \
  X (timerfd_settime) X (timerfd_gettime) X (accept4) X (signalfd4) \
  X (eventfd2) X (epoll_create1) X (dup3) X (pipe2) X (inotify_init1) \
  X (preadv) X (pwritev) X (rt_tgsigqueueinfo) X (perf_event_open) \
  X (recvmmsg) X (fanotify_init) X (fanotify_mark) X (prlimit64) \
  X (name_to_handle_at) X (open_by_handle_at) X (clock_adjtime) X (syncfs) \
  X (sendmmsg) X (setns) X (getcpu) X (process_vm_readv) \
  X (process_vm_writev) X (kcmp) X (finit_module) X (sched_setattr) \
  X (sched_getattr) X (renameat2) X (seccomp) X (getrandom) X (memfd_create) \
  X (kexec_file_load) X (bpf) X (execveat) X (userfaultfd) X (membarrier) \
  X (mlock2) X (copy_file_range) X (preadv2) X (pwritev2) X (pkey_mprotect) \
  X (pkey_alloc) X (pkey_free) X (statx) X (io_pgetevents) X (rseq)

#define NEW_SYSCALLS(X) \
  X (pidfd_send_signal, 424) X (io_uring_setup, 425) \
  X (io_uring_enter, 426) X (io_uring_register, 427) X (open_tree, 428) \
  X (move_mount, 429) X (fsopen, 430) X (fsconfig, 431) X (fsmount, 432) \
  X (fspick, 433) X (pidfd_open, 434) X (clone3, 435) X (close_range, 436) \
  X (openat2, 437) X (pidfd_getfd, 438) X (faccessat2, 439) \
  X (process_madvise, 440) X (epoll_pwait2, 441) X (mount_setattr, 442) \
  X (quotactl_fd, 443) X (landlock_create_ruleset, 444) \
  X (landlock_add_rule, 445) X (landlock_restrict_self, 446) \
  X (memfd_secret, 447) X (process_mrelease, 448) X (futex_waitv, 449) \
  X (set_mempolicy_home_node, 450) X (cachestat, 451) X (fchmodat2, 452) \
  X (map_shadow_stack, 453) X (futex_wake, 454) X (futex_wait, 455) \
  X (futex_requeue, 456) X (statmount, 457) X (listmount, 458) \
  X (lsm_get_self_attr, 459) X (lsm_set_self_attr, 460) \
  X (lsm_list_modules, 461) X (mseal, 462) X (setxattrat, 463) \
  X (getxattrat, 464) X (listxattrat, 465) X (removexattrat, 466) \
  X (open_tree_attr, 467) X (file_getattr, 468) X (file_setattr, 469)

struct syscall_name
{
  const char *name;
  const char *header_nr;
  long fallback_nr;
};

#define OLD_ENTRY(name) { #name, EXPAND_STRINGIFY (__NR_##name), -1 },
#define NEW_ENTRY(name, nr) { #name, EXPAND_STRINGIFY (__NR_##name), nr },

static const struct syscall_name syscall_names[] = {
  OLD_SYSCALLS (OLD_ENTRY)
  NEW_SYSCALLS (NEW_ENTRY)
};

struct errno_name
{
  const char *name;
  int value;
};

#define ERRNO_ENTRY(e) { #e, e },

static const struct errno_name errno_names[] = {
  ERRNO_ENTRY (EPERM) ERRNO_ENTRY (ENOENT) ERRNO_ENTRY (ESRCH)
  ERRNO_ENTRY (EINTR) ERRNO_ENTRY (EIO) ERRNO_ENTRY (ENXIO)
  ERRNO_ENTRY (E2BIG) ERRNO_ENTRY (ENOEXEC) ERRNO_ENTRY (EBADF)
  ERRNO_ENTRY (ECHILD) ERRNO_ENTRY (EAGAIN) ERRNO_ENTRY (ENOMEM)
  ERRNO_ENTRY (EACCES) ERRNO_ENTRY (EFAULT) ERRNO_ENTRY (ENOTBLK)
  ERRNO_ENTRY (EBUSY) ERRNO_ENTRY (EEXIST) ERRNO_ENTRY (EXDEV)
  ERRNO_ENTRY (ENODEV) ERRNO_ENTRY (ENOTDIR) ERRNO_ENTRY (EISDIR)
  ERRNO_ENTRY (EINVAL) ERRNO_ENTRY (ENFILE) ERRNO_ENTRY (EMFILE)
  ERRNO_ENTRY (ENOTTY) ERRNO_ENTRY (ETXTBSY) ERRNO_ENTRY (EFBIG)
  ERRNO_ENTRY (ENOSPC) ERRNO_ENTRY (ESPIPE) ERRNO_ENTRY (EROFS)
  ERRNO_ENTRY (EMLINK) ERRNO_ENTRY (EPIPE) ERRNO_ENTRY (ERANGE)
  ERRNO_ENTRY (EDEADLK) ERRNO_ENTRY (ENAMETOOLONG) ERRNO_ENTRY (ENOLCK)
  ERRNO_ENTRY (ENOSYS) ERRNO_ENTRY (ENOTEMPTY) ERRNO_ENTRY (ELOOP)
  ERRNO_ENTRY (ENOMSG) ERRNO_ENTRY (ENODATA) ERRNO_ENTRY (ENOLINK)
  ERRNO_ENTRY (EPROTO) ERRNO_ENTRY (EBADMSG) ERRNO_ENTRY (EOVERFLOW)
  ERRNO_ENTRY (EILSEQ) ERRNO_ENTRY (EUSERS) ERRNO_ENTRY (ENOTSOCK)
  ERRNO_ENTRY (EMSGSIZE) ERRNO_ENTRY (EPROTONOSUPPORT)
  ERRNO_ENTRY (EOPNOTSUPP) ERRNO_ENTRY (ENOTSUP) ERRNO_ENTRY (EAFNOSUPPORT)
  ERRNO_ENTRY (EADDRINUSE) ERRNO_ENTRY (EADDRNOTAVAIL) ERRNO_ENTRY (ENETDOWN)
  ERRNO_ENTRY (ENETUNREACH) ERRNO_ENTRY (ECONNRESET) ERRNO_ENTRY (ENOBUFS)
  ERRNO_ENTRY (ETIMEDOUT) ERRNO_ENTRY (ECONNREFUSED)
  ERRNO_ENTRY (EHOSTUNREACH) ERRNO_ENTRY (EALREADY) ERRNO_ENTRY (EINPROGRESS)
  ERRNO_ENTRY (ESTALE) ERRNO_ENTRY (EDQUOT) ERRNO_ENTRY (ENOMEDIUM)
  ERRNO_ENTRY (ECANCELED) ERRNO_ENTRY (ENOKEY) ERRNO_ENTRY (EKEYEXPIRED)
  ERRNO_ENTRY (EKEYREVOKED) ERRNO_ENTRY (EKEYREJECTED)
  ERRNO_ENTRY (EOWNERDEAD) ERRNO_ENTRY (ENOTRECOVERABLE)
};

/* ---- reporting ----------------------------------------------------------- */

static _Noreturn void die (int status, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

static _Noreturn void
die (int status, const char *fmt, ...)
{
  va_list ap;

  fputs (PROGRAM ": ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (status);
}

static void
print_usage (FILE *out)
{
  fputs ("usage: " PROGRAM " [-e ERRNO] [-a ARGMASK [-i ARGINDEX]] SYSCALL[,SYSCALL...]"
         " -- COMMAND [ARGS...]\n"
         "  -e ERRNO    errno for the denied calls: a name or a number"
         " (default ENOSYS)\n"
         "  -a ARGMASK  deny only when the first argument has one of these"
         " bits set\n"
         "  -i ARGINDEX test argument ARGINDEX (0 to 5) instead of the first\n"
         "              (clone3 is denied whatever the mask)\n", out);
}

static _Noreturn void
usage_error (const char *what)
{
  fprintf (stderr, PROGRAM ": %s\n", what);
  print_usage (stderr);
  exit (EXIT_USAGE);
}

static _Noreturn void
bad_option (const char *what, int option)
{
  fprintf (stderr, PROGRAM ": %s -- '%c'\n", what, option);
  print_usage (stderr);
  exit (EXIT_USAGE);
}

/* ---- parsing ------------------------------------------------------------- */

static bool
parse_number (const char *s, int base, unsigned long long max,
              unsigned long long *value)
{
  char *end;

  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  *value = strtoull (s, &end, base);
  return errno == 0 && *end == '\0' && *value <= max;
}

static int
parse_errno (const char *s)
{
  unsigned long long value;

  for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
    if (strcasecmp (s, errno_names[i].name) == 0)
      return errno_names[i].value;
  if (parse_number (s, 10, MAX_ERRNO, &value) && value > 0)
    return (int) value;
  die (EXIT_USAGE, "unknown errno '%s' (a name such as EPERM, or 1..%d)",
       s, MAX_ERRNO);
}

static uint64_t
parse_argmask (const char *s)
{
  unsigned long long value;

  if (!parse_number (s, 0, UINT64_MAX, &value) || value == 0)
    die (EXIT_USAGE, "bad argument mask '%s' (a nonzero hex or decimal number)",
         s);
  return value;
}

/* The number <asm/unistd.h> gave for the entry, or its fallback. */
static long
table_nr (const struct syscall_name *entry)
{
  unsigned long long value;

  if (parse_number (entry->header_nr, 10, ARCH_MAX_NR, &value))
    return (long) value;
  return entry->fallback_nr;
}

static const struct syscall_name *
find_syscall (const char *name)
{
  for (size_t i = 0; i < sizeof syscall_names / sizeof syscall_names[0]; i++)
    if (strcmp (name, syscall_names[i].name) == 0)
      return &syscall_names[i];
  return NULL;
}

/* Dies on a name the table lacks; false for a call this arch lacks. */
static bool
resolve_syscall (const char *name, uint32_t *nr)
{
  const struct syscall_name *entry;
  unsigned long long value;
  long table_value;

  if (*name >= '0' && *name <= '9')
    {
      if (!parse_number (name, 10, ARCH_MAX_NR, &value))
        die (EXIT_USAGE, "bad system call number '%s'", name);
      *nr = (uint32_t) value;
      return true;
    }
  entry = find_syscall (name);
  if (entry == NULL)
    die (EXIT_USAGE, "unknown system call '%s'", name);
  table_value = table_nr (entry);
  if (table_value < 0)
    return false;
  *nr = (uint32_t) table_value;
  return true;
}

/* ---- the filter ---------------------------------------------------------- */

struct rule
{
  uint32_t nr;
  bool check_arg;
};

struct request
{
  int errnum;
  uint64_t argmask;
  unsigned argindex;      /* the argument argmask is tested against */
  struct rule rules[MAX_SYSCALLS];
  size_t n_rules;
  char **command;
};

/* Prologue, one jump per rule, the argument check and the verdicts. */
#define MAX_INSNS (MAX_SYSCALLS + 16)

struct filter
{
  struct sock_filter insns[MAX_INSNS];
  unsigned short len;
};

static unsigned short
emit (struct filter *f, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  f->insns[f->len] = (struct sock_filter) BPF_JUMP (code, k, jt, jf);
  return f->len++;
}

static void
emit_load (struct filter *f, size_t offset)
{
  emit (f, BPF_LD | BPF_W | BPF_ABS, (uint32_t) offset, 0, 0);
}

static void
emit_return (struct filter *f, uint32_t action)
{
  emit (f, BPF_RET | BPF_K, action, 0, 0);
}

/* Point the true branch of the jump at 'from' to 'to'. */
static void
patch_jump (struct filter *f, unsigned short from, unsigned short to)
{
  if (to - from - 1 > UINT8_MAX)
    die (EXIT_USAGE, "filter too large: name fewer system calls");
  f->insns[from].jt = (uint8_t) (to - from - 1);
}

/* Kill foreign-arch calls, and fail x32 ones on x86_64 like a kernel
 * without x32 would: either way they would dodge the numbers below. */
static void
emit_prologue (struct filter *f)
{
  emit_load (f, offsetof (struct seccomp_data, arch));
  emit (f, BPF_JMP | BPF_JEQ | BPF_K, ARCH_AUDIT, 1, 0);
  emit_return (f, SECCOMP_RET_KILL_PROCESS);
  emit_load (f, offsetof (struct seccomp_data, nr));
  if (ARCH_X32_BIT != 0)
    {
      emit (f, BPF_JMP | BPF_JGE | BPF_K, ARCH_X32_BIT, 0, 1);
      emit_return (f, SECCOMP_RET_ERRNO | ENOSYS);
    }
}

/* Branches taken when argument index has a bit of the mask set; their
 * offsets, stored in jumps[], get patched to the deny verdict later. */
static void
emit_argument_check (struct filter *f, unsigned index, uint64_t mask,
                     unsigned short *jumps, size_t *n_jumps)
{
  const uint32_t lo = (uint32_t) mask, hi = (uint32_t) (mask >> 32);

  if (lo != 0)
    {
      emit_load (f, ARG_LO_OFFSET (index));
      jumps[(*n_jumps)++] = emit (f, BPF_JMP | BPF_JSET | BPF_K, lo, 0, 0);
    }
  if (hi != 0)
    {
      emit_load (f, ARG_HI_OFFSET (index));
      jumps[(*n_jumps)++] = emit (f, BPF_JMP | BPF_JSET | BPF_K, hi, 0, 0);
    }
  emit_return (f, SECCOMP_RET_ALLOW);
}

static void
build_filter (struct filter *f, const struct request *req)
{
  unsigned short matches[MAX_SYSCALLS], to_deny[2];
  unsigned short check, deny;
  size_t n_to_deny = 0;

  f->len = 0;
  emit_prologue (f);
  for (size_t i = 0; i < req->n_rules; i++)
    matches[i] = emit (f, BPF_JMP | BPF_JEQ | BPF_K, req->rules[i].nr, 0, 0);
  emit_return (f, SECCOMP_RET_ALLOW);

  check = f->len;
  if (req->argmask != 0)
    emit_argument_check (f, req->argindex, req->argmask, to_deny, &n_to_deny);
  deny = f->len;
  emit_return (f, SECCOMP_RET_ERRNO | (uint32_t) req->errnum);

  for (size_t i = 0; i < req->n_rules; i++)
    patch_jump (f, matches[i], req->rules[i].check_arg ? check : deny);
  for (size_t i = 0; i < n_to_deny; i++)
    patch_jump (f, to_deny[i], deny);
}

static void
install_filter (struct filter *f)
{
  struct sock_fprog prog = { .len = f->len, .filter = f->insns };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die (1, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror (errno));
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
    die (1, "prctl(PR_SET_SECCOMP): %s", strerror (errno));
}

/* ---- command line -------------------------------------------------------- */

static void
add_rule (struct request *req, uint32_t nr, uint32_t clone3_nr)
{
  if (req->n_rules == MAX_SYSCALLS)
    die (EXIT_USAGE, "too many system calls (at most %d)", MAX_SYSCALLS);
  req->rules[req->n_rules].nr = nr;
  req->rules[req->n_rules].check_arg = req->argmask != 0 && nr != clone3_nr;
  req->n_rules++;
}

static void
add_rules (struct request *req, char *list)
{
  uint32_t clone3_nr = UINT32_MAX, nr;
  char *name;

  resolve_syscall ("clone3", &clone3_nr);
  while ((name = strsep (&list, ",")) != NULL)
    {
      if (*name == '\0')
        usage_error ("empty name in the system call list");
      if (resolve_syscall (name, &nr))
        add_rule (req, nr, clone3_nr);
    }
  if (req->n_rules == 0)
    die (EXIT_UNSUPPORTED, "none of the named system calls exists on " ARCH_NAME);
}

static void
parse_args (struct request *req, int argc, char **argv)
{
  int opt;

  req->errnum = ENOSYS;
  req->argmask = 0;
  req->argindex = 0;
  opterr = 0;
  while ((opt = getopt (argc, argv, "+:he:a:i:")) != -1)
    switch (opt)
      {
      case 'h':
        print_usage (stdout);
        exit (EXIT_SUCCESS);
      case 'e':
        req->errnum = parse_errno (optarg);
        break;
      case 'a':
        req->argmask = parse_argmask (optarg);
        break;
      case 'i':
        {
          unsigned long long index;
          if (!parse_number (optarg, 10, 5, &index))
            die (EXIT_USAGE, "bad argument index '%s' (0 to 5)", optarg);
          req->argindex = (unsigned) index;
          break;
        }
      case ':':
        bad_option ("option requires an argument", optopt);
      default:
        bad_option ("unknown option", optopt);
      }

  if (optind >= argc)
    usage_error ("no system call named");
  if (optind + 1 >= argc || strcmp (argv[optind + 1], "--") != 0)
    usage_error ("expected '--' after the system call list");
  if (optind + 2 >= argc)
    usage_error ("no command given");
  add_rules (req, argv[optind]);
  req->command = &argv[optind + 2];
}

int
main (int argc, char **argv)
{
  static struct request req;
  static struct filter filter;

  if (!ARCH_SUPPORTED)
    die (EXIT_UNSUPPORTED, "unsupported architecture (x86_64 and aarch64 only)");

  parse_args (&req, argc, argv);
  build_filter (&filter, &req);
  install_filter (&filter);

  execvp (req.command[0], req.command);
  die (errno == ENOENT ? 127 : 126, "%s: %s", req.command[0], strerror (errno));
}
