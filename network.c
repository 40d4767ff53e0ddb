/* swaddle: bring up loopback in a fresh network namespace over rtnetlink.
 *
 * One request, one reply: setting IFF_UP on lo is enough, because the kernel
 * itself gives an up loopback 127.0.0.1/8 (inetdev) and ::1 (addrconf, unless
 * IPv6 is disabled), with their local routes. */
#include "network.h"

#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "utils.h"

/* lo is ifindex 1 in every network namespace (the kernel's LOOPBACK_IFINDEX),
 * and can be neither deleted nor moved to another namespace, but it can be
 * renamed: addressing it by index needs no lookup and survives a rename.
 * (IFLA_IFNAME sent alongside an index would even ask for a rename.) */
#define LOOPBACK_IFINDEX 1
#define LOOPBACK_SEQ 1

struct link_request
{
  struct nlmsghdr hdr;
  struct ifinfomsg ifi;
};

/* The ack is a header, an error code and an echo of our request header (and
 * of its payload on failure): 52 bytes at most for this request. */
union ack_buffer
{
  struct nlmsghdr hdr;
  char bytes[256];
};

static int
fail (const char **failed_step, const char *step)
{
  if (failed_step != NULL)
    *failed_step = step;
  return -1;
}

static int
open_rtnetlink (void)
{
  return socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static void
build_lo_up (struct link_request *req)
{
  *req = (struct link_request) {
    .hdr = {
      .nlmsg_len = NLMSG_LENGTH (sizeof req->ifi),
      .nlmsg_type = RTM_NEWLINK,
      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
      .nlmsg_seq = LOOPBACK_SEQ,
    },
    .ifi = {
      .ifi_family = AF_UNSPEC,
      .ifi_index = LOOPBACK_IFINDEX,
      .ifi_flags = IFF_UP,
      /* With a zero change mask the kernel would take ifi_flags as the
       * complete new flag set instead of touching IFF_UP alone. */
      .ifi_change = IFF_UP,
    },
  };
}

static int
send_request (int fd, const struct link_request *req)
{
  const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  ssize_t n;

  do
    n = sendto (fd, req, req->hdr.nlmsg_len, 0,
                (const struct sockaddr *) &kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if ((size_t) n != req->hdr.nlmsg_len)
    {
      errno = EPROTO;
      return -1;
    }
  return 0;
}

static ssize_t
recv_ack (int fd, union ack_buffer *ack)
{
  ssize_t n;

  do
    n = recv (fd, ack->bytes, sizeof ack->bytes, 0);
  while (n < 0 && errno == EINTR);
  return n;
}

/* The positive errno the kernel answered (0 for success), or -1 if the
 * reply is not the ack to our request. */
static int
ack_error (const union ack_buffer *ack, size_t len)
{
  const size_t need = NLMSG_LENGTH (sizeof (struct nlmsgerr));
  const struct nlmsgerr *err = NLMSG_DATA (&ack->hdr);

  if (len < need || ack->hdr.nlmsg_len < need)
    return -1;
  if (ack->hdr.nlmsg_type != NLMSG_ERROR || ack->hdr.nlmsg_seq != LOOPBACK_SEQ)
    return -1;
  if (err->error > 0 || err->error < -4095)
    return -1;
  return -err->error;
}

int
loopback_up (const char **failed_step)
{
  autoclose int fd = -1;
  struct link_request req;
  union ack_buffer ack;
  ssize_t len;
  int error;

  fd = open_rtnetlink ();
  if (fd < 0)
    return fail (failed_step, "socket(AF_NETLINK)");

  build_lo_up (&req);
  if (send_request (fd, &req) < 0)
    return fail (failed_step, "send RTM_NEWLINK lo up");

  len = recv_ack (fd, &ack);
  if (len < 0)
    return fail (failed_step, "recv RTM_NEWLINK ack");

  error = ack_error (&ack, (size_t) len);
  if (error < 0)
    {
      errno = EPROTO;
      return fail (failed_step, "parse RTM_NEWLINK ack");
    }
  if (error > 0)
    {
      errno = error;
      return fail (failed_step, "RTM_NEWLINK lo up");
    }
  return 0;
}
