/* swaddle: probing the kernel's system-call entries (see kernel-abis.h).
 *
 * A filter for an ABI the kernel cannot enter judges no call: a kernel
 * built without x32 answers every x32 number with ENOSYS, and one without
 * 32-bit emulation (not built, or ia32_emulation=0) has no int $0x80 gate
 * (a general protection fault) and no 32-bit sysenter/syscall entry either;
 * it also refuses to execute 32-bit programs.  Compiling the rules for such
 * an ABI is most of the cost of a long deny list.  The probe asks the
 * kernel itself, with getpid through each entry, and only where no seccomp
 * filter is on this process: a filter of the caller's could answer the
 * probe in the kernel's place, and then every ABI is kept. */
#include "kernel-abis.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>

#if defined(__x86_64__)

#define X32_SYSCALL_BIT 0x40000000L
#define X86_64_NR_GETPID 39L
#define I386_NR_GETPID 20L

static sigjmp_buf no_int80_gate;

static void
on_int80_fault (int sig)
{
  (void) sig;
  siglongjmp (no_int80_gate, 1);
}

static bool
x32_enterable (void)
{
  long r;
  __asm__ volatile ("syscall"
                    : "=a" (r)
                    : "a" (X32_SYSCALL_BIT | X86_64_NR_GETPID)
                    : "rcx", "r11", "memory");
  return r != -ENOSYS;
}

/* The fault is synchronous: SIGSEGV must be unblocked for the handler to
 * run (a blocked one would kill the process instead). */
static bool
i386_enterable (void)
{
  struct sigaction fault = { .sa_handler = on_int80_fault }, saved;
  sigset_t segv, mask;
  sigemptyset (&fault.sa_mask);
  sigemptyset (&segv);
  sigaddset (&segv, SIGSEGV);
  if (sigaction (SIGSEGV, &fault, &saved) < 0)
    return true;
  sigprocmask (SIG_UNBLOCK, &segv, &mask);
  volatile bool enterable = false;
  if (sigsetjmp (no_int80_gate, 1) == 0)
    {
      long r;
      /* Older kernels return from a 64-bit process's int $0x80 with
       * r8-r11 cleared. */
      __asm__ volatile ("int $0x80"
                        : "=a" (r)
                        : "a" (I386_NR_GETPID)
                        : "r8", "r9", "r10", "r11", "memory");
      enterable = r != -ENOSYS;
    }
  sigprocmask (SIG_SETMASK, &mask, NULL);
  sigaction (SIGSEGV, &saved, NULL);
  return enterable;
}

unsigned
kernel_foreign_abis (void)
{
  unsigned abis = SECCOMP_ABI_X32 | SECCOMP_ABI_I386;
  if (prctl (PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
    return abis;
  if (!x32_enterable ())
    abis &= ~SECCOMP_ABI_X32;
  if (!i386_enterable ())
    abis &= ~SECCOMP_ABI_I386;
  return abis;
}

#else

/* Elsewhere every foreign ABI the machine has (arm on aarch64) is kept. */
unsigned
kernel_foreign_abis (void)
{
  return SECCOMP_ABI_X32 | SECCOMP_ABI_I386 | SECCOMP_ABI_ARM;
}

#endif

const char *
kernel_abi_names (unsigned foreign_abis, char *buf, size_t size)
{
#if defined(__x86_64__)
  snprintf (buf, size, "x86-64%s%s", foreign_abis & SECCOMP_ABI_X32 ? ", x32" : "",
            foreign_abis & SECCOMP_ABI_I386 ? ", i386" : "");
#elif defined(__aarch64__)
  snprintf (buf, size, "aarch64%s", foreign_abis & SECCOMP_ABI_ARM ? ", arm" : "");
#else
  (void) foreign_abis;
  snprintf (buf, size, "the native one");
#endif
  return buf;
}
