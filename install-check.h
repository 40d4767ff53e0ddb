/* swaddle: refusing to run when installed with privileges it must not have. */
#pragma once

/* Exit 1 with one line saying what is wrong and how to fix it when this
 * binary runs set-user-id or set-group-id, or carries file capabilities.
 * Called first in main: nothing is parsed or created before. */
void refuse_if_privileged_install (void);
