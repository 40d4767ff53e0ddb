/* swaddle: fail closed when installed wrongly.
 *
 * swaddle needs no privilege: an unprivileged caller gets a user namespace.
 * A set-user-id root copy would run its whole setup with the owner's
 * powers on behalf of whoever starts it, which no part of swaddle is
 * written to withstand (bubblewrap 0.12 refuses the same way).  The
 * kernel says whether this exec gained privilege (AT_SECURE); the file's
 * mode and its capabilities (libcap's reading of security.capability) say
 * whether it is installed so, even when root starts it and gains nothing. */
#include "install-check.h"
#include "utils.h"

#include <string.h>
#include <sys/auxv.h>
#include <sys/capability.h>
#include <sys/stat.h>

static const char self_exe[] = "/proc/self/exe";

static const char *
installed_path (char *buf, size_t size)
{
  ssize_t n = readlink (self_exe, buf, size - 1);
  if (n < 0)
    return "the swaddle binary";
  buf[n] = '\0';
  return buf;
}

void
refuse_if_privileged_install (void)
{
  char path[4096];
  struct stat st;
  /* Without /proc (an initramfs init before mounting it), AT_SECURE alone. */
  bool have_mode = stat (self_exe, &st) == 0;
  cap_t file_caps = cap_get_file (self_exe);
  bool has_caps = file_caps != NULL;

  bool setid = have_mode && (st.st_mode & (S_ISUID | S_ISGID));
  if (!setid && !has_caps && !getauxval (AT_SECURE))
    return;
  char *caps_text = has_caps ? cap_to_text (file_caps, NULL) : NULL;

  const char *exe = installed_path (path, sizeof path);
  if (setid)
    die ("refusing to run: %s is set-%s-id (mode %04o), and swaddle must have no privilege of its own; "
         "fix the installation with: chmod u-s,g-s %s",
         exe, (st.st_mode & S_ISUID) ? "user" : "group", (unsigned) (st.st_mode & 07777), exe);
  if (has_caps)
    die ("refusing to run: %s carries file capabilities (%s), and swaddle must have no privilege of its own; "
         "fix the installation with: setcap -r %s", exe, caps_text ? caps_text : "security.capability", exe);
  die ("refusing to run: %s was started with privileges gained at exec (set-user-id, set-group-id or file capabilities), "
       "and swaddle must have none; install it with mode 0755 and no file capabilities", exe);
}
