/* swaddle --check (the report comes with issue 5). */
#include "check.h"
#include "utils.h"

int
run_host_check (bool json)
{
  die ("--check is not implemented yet");
}
