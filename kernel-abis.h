/* swaddle: which of the machine's other system-call ABIs the running
 * kernel lets a process enter (x32 and i386 on x86-64), so that seccomp
 * rules are compiled only for ABIs a payload can use. */
#pragma once

#include <stddef.h>

#include "seccomp-rules.h"

/* The SECCOMP_ABI_* bits of the foreign ABIs the kernel has an entry for,
 * or cannot be known not to have (elsewhere than x86-64, or under a seccomp
 * filter already). */
unsigned kernel_foreign_abis (void);

/* "x86-64, x32, i386": the machine's native ABI and those of foreign_abis
 * it has, for messages; in buf. */
const char *kernel_abi_names (unsigned foreign_abis, char *buf, size_t size);
