/* swaddle: the plan — everything a run will do, as plain data.
 *
 * plan_build() turns the command line (with --args splices) into a plan
 * without a single system call: the one input it cannot see, the bytes
 * behind an --args FD, comes through a reader the caller supplies.
 * plan_validate() then checks the plan against a few host facts.  Neither
 * exits or prints; both report through struct plan_error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "limits-plan.h"

enum op_kind
{
  OP_BIND,        /* --bind, --dev-bind, --ro-bind and the -try forms */
  OP_REMOUNT_RO,  /* --remount-ro */
  OP_PROC,        /* --proc */
  OP_DEV,         /* --dev */
  OP_TMPFS,       /* --tmpfs */
  OP_MQUEUE,      /* --mqueue */
  OP_DIR,         /* --dir */
  OP_FILE,        /* --file */
  OP_BIND_DATA,   /* --bind-data, --ro-bind-data */
  OP_SYMLINK,     /* --symlink */
  OP_CHMOD,       /* --chmod */
  OP_BIND_FD,     /* --bind-fd, --ro-bind-fd */
  OP_OVERLAY,     /* --overlay, --tmp-overlay, --ro-overlay */
  OP_SYS,         /* --sys */
};

enum overlay_kind
{
  OVERLAY_RW,     /* --overlay RWSRC WORKDIR DEST */
  OVERLAY_TMP,    /* --tmp-overlay DEST */
  OVERLAY_RO,     /* --ro-overlay DEST */
};

enum bind_flags
{
  BIND_READONLY = 1 << 0,
  BIND_DEVICES = 1 << 1,    /* leave nodev off */
  BIND_TRY = 1 << 2,        /* a missing source is skipped */
};

#define PERMS_DEFAULT (-1)

struct op
{
  enum op_kind kind;
  const char *option;   /* as given, for messages: "--ro-bind" */
  const char *source;   /* bind source; symlink target */
  const char *dest;     /* inside the sandbox */
  int fd;               /* --file, --bind-data: the data */
  unsigned bind_flags;  /* enum bind_flags */
  int perms;            /* PERMS_DEFAULT or 0..07777 */
  uint64_t size;        /* --size for --tmpfs; 0: the kernel's default */
  /* --overlay family: the --overlay-src layers, bottom first */
  enum overlay_kind overlay;
  const char **layers;
  size_t n_layers;
  const char *workdir;  /* --overlay: WORKDIR; source is RWSRC */
};

enum cap_edit_kind
{
  CAP_EDIT_ADD,
  CAP_EDIT_DROP,
};

/* --cap-add/--cap-drop in order; cap is -1 for ALL. */
struct cap_edit
{
  enum cap_edit_kind kind;
  int cap;
  const char *name;
};

enum env_kind
{
  ENV_SET,
  ENV_UNSET,
  ENV_CLEAR,
};

struct env_op
{
  enum env_kind kind;
  const char *name;
  const char *value;
};

enum ns_type
{
  NS_USER,
  NS_IPC,
  NS_PID,
  NS_NET,
  NS_UTS,
  NS_CGROUP,
  NS_TYPE_COUNT,
};

/* --forward-port [ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp] */
struct port_forward
{
  const char *spec;           /* as given, for messages */
  char host_addr[48];         /* "" for 127.0.0.1 (the default) */
  bool host_addr_is_ipv6;
  unsigned host_port, sandbox_port;
  bool udp;
};

enum ns_want
{
  NS_WANT_NO,
  NS_WANT_TRY,   /* when the kernel has it */
  NS_WANT_YES,
};

enum landlock_scope_bits
{
  LANDLOCK_SCOPE_ABSTRACT_UNIX = 1 << 0,  /* the kernel's LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET */
  LANDLOCK_SCOPE_SIGNALS = 1 << 1,        /* the kernel's LANDLOCK_SCOPE_SIGNAL */
};

/* --landlock-ro, --landlock-rw: a path inside the sandbox. */
struct landlock_path
{
  const char *path;
  bool writable;
};

/* --uid-map, --gid-map INSIDE:OUTSIDE:COUNT: ids inside..inside+count-1
 * are outside..outside+count-1 in the caller's user namespace. */
struct id_map
{
  uint32_t inside, outside, count;
  const char *text;     /* as given, for messages */
};

struct plan
{
  const char *invoked_as;     /* argv[0] */

  struct op *ops;
  size_t n_ops;
  struct env_op *env;
  size_t n_env;

  enum ns_want ns[NS_TYPE_COUNT];
  bool has_uid, has_gid;
  uid_t uid;
  gid_t gid;
  const char *hostname;
  const char *chdir_path;
  unsigned n_chdir;           /* > 1: warn that only the last counts */
  const char *argv0;          /* --argv0 */

  /* Descriptors: -1 when not given. */
  int info_fd;
  int json_status_fd;
  int sync_fd;
  int block_fd;
  int userns_block_fd;
  int userns_fd;              /* --userns: join instead of creating */
  int userns2_fd;             /* --userns2: switch to after setup */
  int pidns_fd;               /* --pidns */
  int seccomp_fd;             /* --seccomp */
  int *add_seccomp_fds;       /* --add-seccomp-fd, in order */
  size_t n_add_seccomp_fds;
  const char **lock_files;
  size_t n_lock_files;
  struct cap_edit *cap_edits;
  size_t n_cap_edits;
  const char *exec_label;
  const char *file_label;
  bool disable_userns;
  bool assert_userns_disabled;
  bool not_a_security_boundary; /* a submount refusing a bind's flags only warns */

  bool new_session;
  bool pty;                   /* --pty: a terminal of the sandbox's own */
  bool die_with_parent;
  bool as_pid_1;
  bool level_prefix;
  bool show_help;
  bool show_version;
  bool check_host;            /* --check: report what this host allows */
  bool check_json;            /* --json: that report as JSON */
  bool print_plan;            /* --print-plan: print the plan, do nothing */


  /* ---- the user-mode network: --net-user, --forward-port, --netns (net-user.c) */
  bool net_user;              /* --net-user: a network namespace with pasta or slirp4netns */
  bool allow_host_loopback;   /* --allow-host-loopback: the gateway address reaches the host's lo */
  struct port_forward *forwards;  /* --forward-port, in order */
  size_t n_forwards;
  int netns_fd;               /* --netns: join this network namespace; -1 when not given */

  /* ---- limits: --rlimit, --timeout, cgroup v2 limits (limits-plan.c, limits-run.c, cgroup.c) */
  struct plan_rlimit *rlimits;  /* --rlimit, in order: a later one of a name wins */
  size_t n_rlimits;
  uint64_t timeout_ms;        /* --timeout: 0 for none */
  uint64_t timeout_grace_ms;  /* SIGTERM, then SIGKILL this much later */
  const char *timeout_text;
  uint64_t memory_max;        /* --memory-max in bytes: 0 for none */
  uint64_t pids_max;          /* --pids-max: 0 for none */
  uint64_t cpu_quota_us;      /* --cpu-max: 0 for none */
  uint64_t cpu_period_us;
  const char *memory_max_text, *pids_max_text, *cpu_max_text;  /* as given, for messages */

  /* ---- policy by name: seccomp rules, Landlock (seccomp-rules.c, landlock.c) */
  const char **seccomp_deny;   /* --seccomp-deny, --seccomp-profile: call names */
  size_t n_seccomp_deny;
  const char **seccomp_allow;  /* --seccomp-allow: every other call fails */
  size_t n_seccomp_allow;
  int seccomp_errno;           /* --seccomp-errno; 0: EPERM */
  const char *seccomp_profile; /* --seccomp-profile */
  int *deny_socket;            /* --deny-socket: address families */
  size_t n_deny_socket;
  unsigned landlock_scope;     /* --landlock-scope: enum landlock_scope_bits */
  struct landlock_path *landlock_paths;   /* --landlock-ro, --landlock-rw */
  size_t n_landlock_paths;
  uint16_t *landlock_tcp_connect;         /* --landlock-tcp-connect */
  size_t n_landlock_tcp_connect;
  uint16_t *landlock_tcp_bind;            /* --landlock-tcp-bind */
  size_t n_landlock_tcp_bind;
  bool landlock_best_effort;   /* --landlock-best-effort */

  /* ---- id ranges: --map-subids, --uid-map, --gid-map (id-ranges.c) */
  bool map_subids;            /* --map-subids: the rest of 0..65535 from /etc/subuid, /etc/subgid */
  struct id_map *uid_maps;    /* --uid-map, in order */
  size_t n_uid_maps;
  struct id_map *gid_maps;    /* --gid-map, in order */
  size_t n_gid_maps;

  char **command;             /* NULL-terminated; NULL when none */

  /* Owned storage: the spliced argument vector and --args buffers. */
  char **args;
  size_t n_args;
  char **blobs;
  size_t n_blobs;
  size_t cap_ops, cap_env, cap_blobs;
  const char **pending_layers;  /* --overlay-src not yet used by an overlay */
  size_t n_pending_layers;
};

/* How the builder gets the contents of an --args FD. */
struct plan_reader
{
  /* Read all of fd; a malloc'd buffer the plan takes over.  0, or -1 with errno. */
  int (*read_fd) (void *ctx, int fd, char **data, size_t *len);
  void *ctx;
};

enum plan_error_kind
{
  PLAN_ERROR_NONE,
  PLAN_ERROR_USAGE,     /* no command: print the usage */
  PLAN_ERROR_INVALID,   /* bad option or value */
};

struct plan_error
{
  enum plan_error_kind kind;
  char message[1024];
  char detail[256];       /* a second line, where bwrap's exact words come first */
};

/* What validation needs to know about the host. */
struct host_facts
{
  bool is_root;               /* real uid 0 */
  uid_t uid;                  /* the caller's real ids */
  gid_t gid;
  /* --rlimit: the caller's hard limits, by RLIMIT_* (read before validation). */
  bool rlimits_known;
  bool may_raise_rlimits;     /* CAP_SYS_RESOURCE */
  uint64_t rlimit_hard[16];
};

int plan_build (struct plan *plan, int argc, char *const *argv,
                const struct plan_reader *reader, struct plan_error *error);
int plan_validate (struct plan *plan, const struct host_facts *facts,
                   struct plan_error *error);
void plan_free (struct plan *plan);

/* Whether any operation of the plan is of this kind. */
bool plan_has_op (const struct plan *plan, enum op_kind kind);

/* The number of words of the command (0 when there is none). */
size_t plan_command_length (const struct plan *plan);

/* The plan's decisions, derived once. */
/* Any --landlock-* rule. */
bool plan_wants_landlock (const struct plan *plan);
bool plan_wants_user_ns (const struct plan *plan, const struct host_facts *facts);
/* Whether the sandbox maps ranges of ids (--map-subids, --uid-map, --gid-map). */
bool plan_maps_id_ranges (const struct plan *plan);
/* The sandbox's own uid and gid: where --uid-map/--gid-map put the
 * caller's, else --uid/--gid, else the caller's. */
uint32_t plan_sandbox_uid (const struct plan *plan, const struct host_facts *facts);
uint32_t plan_sandbox_gid (const struct plan *plan, const struct host_facts *facts);
/* The id inside that maps maps outside id to; false when none does. */
bool id_maps_find_inside (const struct id_map *maps, size_t n, uint32_t outside, uint32_t *inside);

/* Help text for --help. */
void plan_format_help (const char *invoked_as, void (*emit) (void *ctx, const char *line), void *ctx);

/* Shared by the builder and its callers. */
int parse_uint_arg (const char *text, unsigned base, uint64_t max, uint64_t *out);

/* A capability by name ("CAP_NET_ADMIN" or "net_admin", any case) or by
 * number (one newer than libcap's table, up to what the running kernel
 * has): its number, or CAPABILITY_ALL for "ALL"; CAPABILITY_UNKNOWN
 * otherwise.  libcap's tables, and the kernel's last capability that its
 * constructor read at start: no system call. */
enum { CAPABILITY_ALL = -1, CAPABILITY_UNKNOWN = -2 };
int capability_from_name (const char *name);

/* --print-plan: the plan as JSON lines, the sandbox first, then one
 * object per filesystem operation in order.  resolve, when set, gives a
 * bind source's resolved absolute path (malloc'd), or NULL when there is
 * none. */
struct plan_print_context
{
  const struct host_facts *facts;
  char *(*resolve) (void *ctx, const char *path);
  void *ctx;
};

void plan_print_json (const struct plan *plan, const struct plan_print_context *pc, FILE *out);
