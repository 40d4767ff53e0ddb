/* seccomp-export: the filter of `swaddle --seccomp-deny NAMES
 * --seccomp-errno ERRNO`, compiled the same way (libseccomp, the x86-64,
 * x32 and i386 ABIs), written to stdout as classic BPF for bwrap's
 * --seccomp FD.  bench.py gives bwrap the program precompiled, so that
 * swaddle's start-up, which compiles it, is compared with bwrap's, which
 * only reads it.
 *
 *   seccomp-export ERRNO NAME[,NAME...] > filter.bpf
 *   seccomp-export --names        every call name of the native ABI, one a line */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
list_names (void)
{
  for (int nr = 0; nr < 1024; nr++)
    {
      char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      if (name != NULL)
        puts (name);
      free (name);
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], "--names") == 0)
    return list_names ();
  if (argc != 3)
    {
      fprintf (stderr, "usage: seccomp-export ERRNO NAME[,NAME...] | --names\n");
      return 2;
    }
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return 1;
  if (seccomp_arch_native () == SCMP_ARCH_X86_64
      && (seccomp_arch_add (ctx, SCMP_ARCH_X32) < 0 || seccomp_arch_add (ctx, SCMP_ARCH_X86) < 0))
    return 1;
  uint32_t action = SCMP_ACT_ERRNO ((uint32_t) atoi (argv[1]));
  char *save = NULL;
  for (char *name = strtok_r (argv[2], ",", &save); name; name = strtok_r (NULL, ",", &save))
    {
      int nr = seccomp_syscall_resolve_name (name);
      if (nr == __NR_SCMP_ERROR || seccomp_rule_add (ctx, action, nr, 0) < 0)
        {
          fprintf (stderr, "seccomp-export: cannot deny %s\n", name);
          return 1;
        }
    }
  int r = seccomp_export_bpf (ctx, 1);
  seccomp_release (ctx);
  return r < 0 ? 1 : 0;
}
