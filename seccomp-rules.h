/* swaddle: seccomp rules by name (--seccomp-deny, --seccomp-allow,
 * --seccomp-errno, --seccomp-profile, --deny-socket), compiled with
 * libseccomp for every ABI a payload can use on this machine.
 *
 * The name lookups are pure (tables, no system call): the plan builder
 * uses them.  The compiler runs before any namespace is made. */
#pragma once

#include "plan.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether libseccomp knows the call on any of the machine's ABIs. */
bool seccomp_call_known (const char *name);

/* An errno by name ("EPERM", any case) or number (1 to 4095): its value,
 * or -1. */
int errno_from_text (const char *text);
/* "EPERM" for 1; NULL when it has no name. */
const char *errno_to_name (int value);

/* An address family by name ("netlink", "AF_NETLINK", any case): its
 * number, or -1. */
int socket_family_from_name (const char *name);
/* "netlink" for AF_NETLINK; NULL when unknown. */
const char *socket_family_name (int family);

/* A built-in profile's calls (--seccomp-profile NAME); NULL when there is
 * no such profile. */
const char *const *seccomp_profile_calls (const char *profile, size_t *n);
/* Its names, for messages: "default". */
const char *seccomp_profile_names (void);

/* The errno the plan's rules return (EPERM unless --seccomp-errno). */
int seccomp_rules_errno (const struct plan *plan);
/* The errno --deny-socket answers socket() with. */
#define DENY_SOCKET_ERRNO EAFNOSUPPORT

/* Whether the plan has any rule by name. */
bool seccomp_rules_wanted (const struct plan *plan);

/* The compiled rules: one classic BPF program per ABI of the machine
 * (each lets the other ABIs' calls through to the others). */
#define SECCOMP_RULES_MAX_ABIS 3
struct seccomp_rules_bpf
{
  void *filter[SECCOMP_RULES_MAX_ABIS];   /* malloc'd struct sock_filter[] */
  unsigned short length[SECCOMP_RULES_MAX_ABIS];
  size_t n;
};

/* The machine's ABIs besides the native one that the rules are compiled
 * for (kernel_foreign_abis() says which the kernel can enter). */
#define SECCOMP_ABI_X32 1u    /* x86-64 */
#define SECCOMP_ABI_I386 2u   /* x86-64 */
#define SECCOMP_ABI_ARM 4u    /* aarch64 */

/* Compile the plan's rules for the native ABI and the foreign ones in
 * foreign_abis.  0, or -1 with errno and *step naming what failed (out
 * then holds nothing to free). */
int seccomp_rules_compile (const struct plan *plan, unsigned foreign_abis, struct seccomp_rules_bpf *out,
                           const char **step);
