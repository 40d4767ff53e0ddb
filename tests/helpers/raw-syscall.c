/* raw-syscall: make one system call by name through one ABI, bypassing libc.
 *
 *   raw-syscall ABI NAME [ARG...]
 *
 * ABI is x86_64 (the syscall instruction), x32 (the same instruction, the
 * x32 number: nr | __X32_SYSCALL_BIT) or i386 (int $0x80 from this 64-bit
 * process, with the i386 number).  ARGs are integers.  The number comes
 * from libseccomp's tables for that ABI.  Prints "ok N" with the result,
 * "errno NAME", or "unreachable" where the kernel has no i386 entry; exit 0 either way, 2 on a usage error, 77 when the ABI
 * has no such call or this is not x86-64. */
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long
call_syscall (long nr, const long *a)
{
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__ ("r10") = a[3];
  register long r8 __asm__ ("r8") = a[4];
  register long r9 __asm__ ("r9") = a[5];
  __asm__ volatile ("syscall"
                    : "=a" (ret)
                    : "a" (nr), "D" (a[0]), "S" (a[1]), "d" (a[2]), "r" (r10), "r" (r8), "r" (r9)
                    : "rcx", "r11", "memory");
  return ret;
#else
  (void) nr, (void) a;
  return -ENOSYS;
#endif
}

static long
call_int80 (long nr, const long *a)
{
#if defined(__x86_64__)
  /* The 32-bit entry: eax, ebx, ecx, edx, esi, edi, ebp; r8-r11 are
   * zeroed on the way back. ebp is saved by hand. */
  long ret;
  __asm__ volatile ("push %%rbp\n\t"
                    "mov %[a5], %%rbp\n\t"
                    "int $0x80\n\t"
                    "pop %%rbp"
                    : "=a" (ret)
                    : "a" (nr), "b" (a[0]), "c" (a[1]), "d" (a[2]), "S" (a[3]), "D" (a[4]),
                      [a5] "m" (a[5])
                    : "r8", "r9", "r10", "r11", "memory");
  return (long) (int) ret;
#else
  (void) nr, (void) a;
  return -ENOSYS;
#endif
}

/* A kernel without the i386 entry (ia32_emulation=0) answers int $0x80
 * with a general protection fault: no call can be made that way. */
static void
on_fault (int sig)
{
  static const char line[] = "unreachable\n";
  (void) sig;
  (void) !write (STDOUT_FILENO, line, sizeof line - 1);
  _exit (0);
}

int
main (int argc, char **argv)
{
  if (argc < 3 || argc > 9)
    {
      fprintf (stderr, "usage: raw-syscall x86_64|x32|i386 NAME [ARG...]\n");
      return 2;
    }
#if !defined(__x86_64__)
  fprintf (stderr, "raw-syscall: x86-64 only\n");
  return 77;
#endif
  const char *abi = argv[1];
  uint32_t arch = strcmp (abi, "x86_64") == 0 ? SCMP_ARCH_X86_64
                  : strcmp (abi, "x32") == 0 ? SCMP_ARCH_X32
                  : strcmp (abi, "i386") == 0 ? SCMP_ARCH_X86 : 0;
  if (arch == 0)
    {
      fprintf (stderr, "raw-syscall: unknown ABI %s\n", abi);
      return 2;
    }
  int nr = seccomp_syscall_resolve_name_arch (arch, argv[2]);
  /* libseccomp names i386's socket calls by socketcall(2); the kernel has
   * had direct entries since 4.3, which libc uses. */
  if (arch == SCMP_ARCH_X86 && strcmp (argv[2], "socket") == 0)
    nr = 359;
  if (nr < 0)
    {
      fprintf (stderr, "raw-syscall: %s has no %s\n", abi, argv[2]);
      return 77;
    }
  long a[6] = { 0 };
  for (int i = 3; i < argc; i++)
    a[i - 3] = strtol (argv[i], NULL, 0);
  /* libseccomp's x32 numbers carry __X32_SYSCALL_BIT already. */
  signal (SIGSEGV, on_fault);
  long ret = arch == SCMP_ARCH_X86 ? call_int80 (nr, a) : call_syscall (nr, a);
  if (ret < 0 && ret > -4096)
    printf ("errno %s\n", strerrorname_np ((int) -ret));
  else
    printf ("ok %ld\n", ret);
  return 0;
}
