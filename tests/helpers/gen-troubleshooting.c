/* gen-troubleshooting: print docs/troubleshooting.md, rendered from the
 * cause table in diagnose.c.
 *
 *   build/tests/gen-troubleshooting > docs/troubleshooting.md
 *
 * The unit test unit-diagnose fails while the committed file differs. */
#include "diagnose.h"

#include <stdio.h>

int
main (void)
{
  diag_write_markdown (stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
