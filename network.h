/* swaddle: network namespace setup. */
#pragma once

/* Bring up the loopback interface of the current network namespace with
 * 127.0.0.1/8 and ::1 available, as a freshly unshared network namespace
 * needs. Returns 0, or -1 with errno set and *failed_step naming the step
 * that failed (a static string such as "socket(AF_NETLINK)", "RTM_NEWLINK lo up"). */
int loopback_up (const char **failed_step);
