/* swaddle: failure diagnosis (the classifier comes with issue 5). */
#include "diagnose.h"
#include "utils.h"

void
die_with_diagnosis (const struct failure_report *report)
{
  die ("%s", report->message);
}
