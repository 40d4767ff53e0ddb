/* swaddle: seccomp rules by name, compiled with libseccomp. */
#include "seccomp-rules.h"
#include "utils.h"

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- names (pure: tables, no system call) ------------------------------ */

bool
seccomp_call_known (const char *name)
{
  /* libseccomp resolves a name through its own tables; a call this
   * machine's native ABI lacks (socketcall, stime on x86-64) comes back as
   * a negative pseudo number, which still names a call of another ABI. */
  return seccomp_syscall_resolve_name (name) != __NR_SCMP_ERROR;
}

int
errno_from_text (const char *text)
{
  uint64_t v;
  if (parse_uint_arg (text, 10, 4095, &v) == 0)
    return v >= 1 ? (int) v : -1;
  for (int e = 1; e <= 4095; e++)
    {
      const char *name = strerrorname_np (e);
      if (name != NULL && strcasecmp (name, text) == 0)
        return e;
    }
  return -1;
}

const char *
errno_to_name (int value)
{
  return strerrorname_np (value);
}

static const struct
{
  const char *name;
  int family;
} socket_families[] = {
  { "unix", AF_UNIX }, { "local", AF_LOCAL }, { "inet", AF_INET }, { "inet6", AF_INET6 },
  { "ax25", AF_AX25 }, { "ipx", AF_IPX }, { "appletalk", AF_APPLETALK },
  { "netrom", AF_NETROM }, { "bridge", AF_BRIDGE }, { "atmpvc", AF_ATMPVC },
  { "x25", AF_X25 }, { "rose", AF_ROSE }, { "decnet", AF_DECnet },
  { "netbeui", AF_NETBEUI }, { "security", AF_SECURITY }, { "key", AF_KEY },
  { "netlink", AF_NETLINK }, { "route", AF_ROUTE }, { "packet", AF_PACKET },
  { "ash", AF_ASH }, { "econet", AF_ECONET }, { "atmsvc", AF_ATMSVC }, { "rds", AF_RDS },
  { "sna", AF_SNA }, { "irda", AF_IRDA }, { "pppox", AF_PPPOX }, { "wanpipe", AF_WANPIPE },
  { "llc", AF_LLC }, { "ib", AF_IB }, { "mpls", AF_MPLS }, { "can", AF_CAN },
  { "tipc", AF_TIPC }, { "bluetooth", AF_BLUETOOTH }, { "iucv", AF_IUCV },
  { "rxrpc", AF_RXRPC }, { "isdn", AF_ISDN }, { "phonet", AF_PHONET },
  { "ieee802154", AF_IEEE802154 }, { "caif", AF_CAIF }, { "alg", AF_ALG },
  { "nfc", AF_NFC }, { "vsock", AF_VSOCK }, { "kcm", AF_KCM }, { "qipcrtr", AF_QIPCRTR },
  { "smc", AF_SMC }, { "xdp", 44 }, { "mctp", 45 },
};

int
socket_family_from_name (const char *name)
{
  if (strncasecmp (name, "AF_", 3) == 0)
    name += 3;
  for (size_t i = 0; i < N_ELEMENTS (socket_families); i++)
    if (strcasecmp (socket_families[i].name, name) == 0)
      return socket_families[i].family;
  return -1;
}

const char *
socket_family_name (int family)
{
  for (size_t i = 0; i < N_ELEMENTS (socket_families); i++)
    if (socket_families[i].family == family)
      return socket_families[i].name;
  return NULL;
}

/* --seccomp-profile default: what a payload has no business calling, in
 * the spirit of container runtimes' default profiles.  The man page gives
 * the reason for each; keep the two in step (86-man.sh checks). */
static const char *const default_profile[] = {
  /* loading kernel code */
  "init_module", "finit_module", "delete_module", "create_module", "query_module",
  "get_kernel_syms", "kexec_load", "kexec_file_load", "bpf",
  /* kernel interfaces with a history of exploits */
  "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
  "lookup_dcookie", "nfsservctl", "uselib", "_sysctl", "vm86", "vm86old",
  /* the kernel keyring: not namespaced */
  "add_key", "request_key", "keyctl",
  /* the clock: not namespaced */
  "settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime",
  "clock_adjtime64", "adjtimex",
  /* the machine */
  "reboot", "swapon", "swapoff", "acct", "iopl", "ioperm", "syslog", "open_by_handle_at",
};

const char *const *
seccomp_profile_calls (const char *profile, size_t *n)
{
  if (strcmp (profile, "default") != 0)
    return NULL;
  *n = N_ELEMENTS (default_profile);
  return default_profile;
}

const char *
seccomp_profile_names (void)
{
  return "default";
}

int
seccomp_rules_errno (const struct plan *plan)
{
  return plan->seccomp_errno ? plan->seccomp_errno : EPERM;
}

bool
seccomp_rules_wanted (const struct plan *plan)
{
  return plan->n_seccomp_deny > 0 || plan->n_seccomp_allow > 0 || plan->n_deny_socket > 0;
}

/* ---- the compiler ---------------------------------------------------------- */

static void
release_filter (scmp_filter_ctx *ctx)
{
  if (*ctx != NULL)
    seccomp_release (*ctx);
}

/* A payload can enter the kernel through every ABI the machine runs: the
 * rules go into each that the kernel enters (foreign_abis), so that a call
 * denied by its x86-64 number is not reached through its x32 or i386 one.
 * One program per ABI: libseccomp builds a program for three ABIs several
 * times slower than three programs of one (its cost grows with rules times
 * ABIs squared), and a payload runs each call through the one of its ABI
 * (a few instructions in the others). */
static size_t
machine_abis (unsigned foreign_abis, uint32_t abis[SECCOMP_RULES_MAX_ABIS])
{
  size_t n = 0;
  switch (seccomp_arch_native ())
    {
    case SCMP_ARCH_X86_64:
      if (foreign_abis & SECCOMP_ABI_X32)
        abis[n++] = SCMP_ARCH_X32;
      if (foreign_abis & SECCOMP_ABI_I386)
        abis[n++] = SCMP_ARCH_X86;
      break;
    case SCMP_ARCH_AARCH64:
      if (foreign_abis & SECCOMP_ABI_ARM)
        abis[n++] = SCMP_ARCH_ARM;
      break;
    default:
      break;
    }
  /* The native program last: it may deny the prctl() that installs the
   * next one. */
  abis[n++] = SCMP_ARCH_NATIVE;
  return n;
}

/* A context for one ABI, which lets the calls of any other ABI through
 * (their own programs judge them). */
static int
init_for_abi (scmp_filter_ctx ctx, uint32_t abi)
{
  int r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  if (r == 0 && abi != SCMP_ARCH_NATIVE)
    {
      r = seccomp_arch_add (ctx, abi);
      if (r == 0)
        r = seccomp_arch_remove (ctx, SCMP_ARCH_NATIVE);
    }
  return r;
}

static bool
listed (const char *const *names, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (names[i], name) == 0)
      return true;
  return false;
}

static int
descending (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x < y) - (x > y);
}

/* One rule per call, highest number first: libseccomp keeps its calls in
 * a list sorted by number, and inserting at its head is the cheap end (a
 * 300-name list compiles in half the time). */
/* Rules for names[], but none for the calls in except[] or named skip. */
static int
add_rules_for (scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
               const char *const *except, size_t n_except, const char *skip)
{
  autofree int *nrs = xcalloc (n ? n : 1, sizeof (int));
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if ((skip == NULL || strcmp (names[i], skip) != 0) && !listed (except, n_except, names[i]))
      nrs[count++] = seccomp_syscall_resolve_name (names[i]);
  qsort (nrs, count, sizeof (int), descending);
  int r = 0;
  for (size_t i = 0; i < count && r >= 0; i++)
    if (i == 0 || nrs[i] != nrs[i - 1])
      r = seccomp_rule_add (ctx, action, nrs[i], 0);
  return r;
}

static int
add_call_rules (scmp_filter_ctx ctx, const struct plan *plan)
{
  uint32_t deny = SCMP_ACT_ERRNO ((uint32_t) seccomp_rules_errno (plan));
  /* In an allow-list, a denied call is one not allowed: libseccomp
   * refuses a rule that does what the fallback does. */
  if (plan->n_seccomp_allow == 0)
    return add_rules_for (ctx, deny, plan->seccomp_deny, plan->n_seccomp_deny, NULL, 0, NULL);
  /* socket: the allowed families only, below. */
  int r = add_rules_for (ctx, SCMP_ACT_ALLOW, plan->seccomp_allow, plan->n_seccomp_allow,
                         plan->seccomp_deny, plan->n_seccomp_deny,
                         plan->n_deny_socket > 0 ? "socket" : NULL);
  /* swaddle itself starts the payload with execve(). */
  if (r >= 0 && !listed (plan->seccomp_allow, plan->n_seccomp_allow, "execve")
      && !listed (plan->seccomp_deny, plan->n_seccomp_deny, "execve"))
    r = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (execve), 0);
  return r;
}

static bool
family_denied (const struct plan *plan, int family)
{
  for (size_t i = 0; i < plan->n_deny_socket; i++)
    if (plan->deny_socket[i] == family)
      return true;
  return false;
}

/* socket(FAMILY, ...) answers EAFNOSUPPORT, as for a family the kernel
 * lacks: programs take that for "not here" and go on.  On i386,
 * libseccomp also denies socketcall(SYS_SOCKET), whose arguments seccomp
 * cannot read.  A socket() denied outright needs no family rule (and
 * libseccomp would let the family rule undo it). */
static int
add_socket_rules (scmp_filter_ctx ctx, const struct plan *plan, uint32_t abi)
{
  int r = 0;
  if (plan->n_deny_socket == 0 || listed (plan->seccomp_deny, plan->n_seccomp_deny, "socket"))
    return 0;
  if (plan->n_seccomp_allow == 0)
    {
      for (size_t i = 0; i < plan->n_deny_socket && r >= 0; i++)
        r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (DENY_SOCKET_ERRNO), SCMP_SYS (socket), 1,
                              SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) plan->deny_socket[i]));
      return r;
    }
  /* An allow-list that lists socket: each family but the denied ones.
   * Not on i386, where libseccomp would allow socketcall(SYS_SOCKET),
   * whose family it cannot read, for every family: socket() stays
   * denied there. */
  if (!listed (plan->seccomp_allow, plan->n_seccomp_allow, "socket") || abi == SCMP_ARCH_X86)
    return 0;
  for (int family = 0; family < AF_MAX && r >= 0; family++)
    if (!family_denied (plan, family))
      r = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 1,
                            SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) family));
  return r;
}

/* libseccomp writes the program to a descriptor: a memory file, read back. */
static int
export_program (scmp_filter_ctx ctx, void **filter, unsigned short *length, const char **step)
{
  autoclose int fd = memfd_create ("swaddle-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return fail_with (step, "memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    {
      errno = -r;
      return fail_with (step, "seccomp_export_bpf");
    }
  struct stat st;
  if (fstat (fd, &st) < 0)
    return fail_with (step, "fstat");
  void *data = xmalloc ((size_t) st.st_size + 1);
  if (pread (fd, data, (size_t) st.st_size, 0) != st.st_size)
    {
      free (data);
      return fail_with (step, "pread");
    }
  *filter = data;
  *length = (unsigned short) (st.st_size / 8);
  return 0;
}

static int
compile_for_abi (const struct plan *plan, uint32_t abi, void **filter, unsigned short *length,
                 const char **step)
{
  uint32_t fallback = plan->n_seccomp_allow > 0
                      ? SCMP_ACT_ERRNO ((uint32_t) seccomp_rules_errno (plan)) : SCMP_ACT_ALLOW;
  __attribute__((cleanup (release_filter))) scmp_filter_ctx ctx = seccomp_init (fallback);
  if (ctx == NULL)
    {
      errno = ENOMEM;
      return fail_with (step, "seccomp_init");
    }
  int r = init_for_abi (ctx, abi);
  if (r < 0)
    {
      errno = -r;
      return fail_with (step, "seccomp_arch_add");
    }
  r = add_call_rules (ctx, plan);
  if (r >= 0)
    r = add_socket_rules (ctx, plan, abi);
  if (r < 0)
    {
      errno = -r;
      return fail_with (step, "seccomp_rule_add");
    }
  return export_program (ctx, filter, length, step);
}

int
seccomp_rules_compile (const struct plan *plan, unsigned foreign_abis, struct seccomp_rules_bpf *out,
                       const char **step)
{
  uint32_t abis[SECCOMP_RULES_MAX_ABIS];
  size_t n = machine_abis (foreign_abis, abis);
  *out = (struct seccomp_rules_bpf) { 0 };
  for (size_t i = 0; i < n; i++)
    {
      if (compile_for_abi (plan, abis[i], &out->filter[i], &out->length[i], step) < 0)
        {
          int err = errno;
          for (size_t j = 0; j < i; j++)
            free (out->filter[j]);
          *out = (struct seccomp_rules_bpf) { 0 };
          errno = err;
          return -1;
        }
      out->n = i + 1;
    }
  return 0;
}
