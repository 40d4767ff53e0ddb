/* swaddle: ranges of ids in the sandbox's user namespace (see id-ranges.h). */
#include "id-ranges.h"
#include "utils.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

/* --map-subids maps inside ids 0..65535. */
#define SUBIDS_SPAN 65536u
/* Where a suggested new range starts at the least, as useradd does. */
#define SUGGESTED_BASE 100000u

/* What differs between the two kinds of ids. */
struct id_kind
{
  const char *name;           /* "uid" */
  const char *file;           /* "/etc/subuid" */
  const char *helper;         /* "newuidmap" */
  const char *usermod;        /* "--add-subuids" */
  const char *map_file;       /* "uid_map" */
};

static const struct id_kind uid_kind = { "uid", "/etc/subuid", "newuidmap", "--add-subuids", "uid_map" };
static const struct id_kind gid_kind = { "gid", "/etc/subgid", "newgidmap", "--add-subgids", "gid_map" };

/* ---- the caller's ranges ---------------------------------------------------- */

struct subid_range
{
  uint32_t start, count;
};

/* The caller's entries of /etc/subuid or /etc/subgid, in file order. */
struct subids
{
  struct subid_range ranges[ID_RANGES_MAX_LINES];
  size_t n;
  uint64_t total;             /* ids in them */
  uint64_t end_of_all;        /* past the last id of anyone's range: where a new one could go */
};

/* The caller's user name from /etc/passwd (read directly: a static
 * binary has no NSS); "" when it has none there. */
static void
user_name (uid_t uid, char *name, size_t size)
{
  autofree char *line = NULL;
  size_t cap = 0;
  FILE *f = fopen ("/etc/passwd", "re");
  name[0] = '\0';
  if (f == NULL)
    return;
  while (getline (&line, &cap, f) > 0)
    {
      /* NAME:PASSWORD:UID:... (fields may be empty) */
      char *rest = line;
      char *user = strsep (&rest, ":");
      char *uid_field = rest ? (strsep (&rest, ":"), strsep (&rest, ":")) : NULL;
      uint64_t v;
      if (uid_field && parse_uint_arg (uid_field, 10, UINT32_MAX, &v) == 0 && v == uid)
        {
          snprintf (name, size, "%s", user);
          break;
        }
    }
  fclose (f);
}

/* One line "OWNER:START:COUNT"; false for anything else (skipped, as
 * newuidmap skips it). */
static bool
parse_subid_line (char *line, char **owner, struct subid_range *range)
{
  uint64_t start, count;
  line[strcspn (line, "\n")] = '\0';
  char *first = strchr (line, ':');
  char *second = first ? strchr (first + 1, ':') : NULL;
  if (line[0] == '#' || second == NULL)
    return false;
  *first = *second = '\0';
  if (parse_uint_arg (first + 1, 10, UINT32_MAX, &start) < 0 || parse_uint_arg (second + 1, 10, UINT32_MAX, &count) < 0
      || count == 0 || start + count > (uint64_t) UINT32_MAX + 1)
    return false;
  *owner = line;
  *range = (struct subid_range) { (uint32_t) start, (uint32_t) count };
  return true;
}

/* The entries of path for the user, by name or by number.  0, or -1 with
 * errno when the file cannot be read (a missing file has no entries). */
static int
read_subids (const char *path, const char *name, uid_t uid, struct subids *s)
{
  autofree char *line = NULL;
  size_t cap = 0;
  char number[16];
  memset (s, 0, sizeof *s);
  snprintf (number, sizeof number, "%u", (unsigned) uid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return errno == ENOENT ? 0 : -1;
  while (getline (&line, &cap, f) > 0)
    {
      char *owner;
      struct subid_range range;
      if (!parse_subid_line (line, &owner, &range))
        continue;
      if ((uint64_t) range.start + range.count > s->end_of_all)
        s->end_of_all = (uint64_t) range.start + range.count;
      if ((strcmp (owner, number) != 0 && (name[0] == '\0' || strcmp (owner, name) != 0))
          || s->n == N_ELEMENTS (s->ranges))
        continue;
      s->ranges[s->n++] = range;
      s->total += range.count;
    }
  fclose (f);
  return 0;
}

/* "1800000000-1800065535, 300000-300009" */
static void
describe_subids (const struct subids *s, char *buf, size_t size)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < s->n && used < size; i++)
    used += (size_t) snprintf (buf + used, size - used, "%s%" PRIu32 "-%" PRIu64, i ? ", " : "", s->ranges[i].start,
                               (uint64_t) s->ranges[i].start + s->ranges[i].count - 1);
}

/* Whether outside ids start..start+count-1 all lie in the ranges
 * (adjacent ranges joined, as newuidmap joins them). */
static bool
subids_cover (const struct subids *s, uint32_t start, uint32_t count)
{
  uint64_t at = start, end = (uint64_t) start + count;
  bool moved = true;
  while (at < end && moved)
    {
      moved = false;
      for (size_t i = 0; i < s->n; i++)
        if (at >= s->ranges[i].start && at < (uint64_t) s->ranges[i].start + s->ranges[i].count)
          {
            at = (uint64_t) s->ranges[i].start + s->ranges[i].count;
            moved = true;
          }
    }
  return at >= end;
}

/* ---- laying out and checking ---------------------------------------------- */

struct caller
{
  uid_t uid;
  char name[256];
  bool root;
};

static void
add_line (struct id_ranges_side *side, uint32_t inside, uint32_t outside, uint32_t count)
{
  /* The builder caps explicit maps, and --map-subids takes at most two
   * lines per range, within ids 0..65535. */
  if (side->n < N_ELEMENTS (side->lines))
    side->lines[side->n++] = (struct id_map) { inside, outside, count, NULL };
}

/* The fix for too few ids: a line for the file, after everyone's ranges. */
static _Noreturn void
die_without_range (const char *option, const struct id_kind *kind, const struct caller *c, const struct subids *s,
                   uint64_t needed)
{
  uint64_t base = s->end_of_all > SUGGESTED_BASE ? s->end_of_all : SUGGESTED_BASE;
  const char *who = c->name[0] ? c->name : "";
  char owner[32];
  snprintf (owner, sizeof owner, "%u", (unsigned) c->uid);
  if (s->n == 0)
    die ("%s: no range for user %s (%s %u) in %s: as root, add the line '%s:%" PRIu64 ":%" PRIu64
         "' to %s (or run usermod %s %" PRIu64 "-%" PRIu64 " %s)",
         option, who[0] ? who : owner, "uid", (unsigned) c->uid, kind->file, who[0] ? who : owner, base, needed,
         kind->file, kind->usermod, base, base + needed - 1, who[0] ? who : owner);
  char have[256];
  describe_subids (s, have, sizeof have);
  die ("%s: user %s has %" PRIu64 " subordinate %ss in %s (%s), and %" PRIu64 " are needed: as root, add the line '%s:%"
       PRIu64 ":%" PRIu64 "' to %s (or run usermod %s %" PRIu64 "-%" PRIu64 " %s)",
       option, who[0] ? who : owner, s->total, kind->name, kind->file, have, needed, who[0] ? who : owner, base,
       needed, kind->file, kind->usermod, base, base + needed - 1, who[0] ? who : owner);
}

static void
read_subids_or_die (const char *option, const struct id_kind *kind, const struct caller *c, struct subids *s)
{
  if (read_subids (kind->file, c->name, c->uid, s) < 0)
    die_errno ("%s: reading %s", option, kind->file);
}

/* --map-subids: the sandbox's own id is the caller's; every other inside
 * id K of 0..65535 is the K-th id of the caller's ranges, so that on the
 * host a file of uid 1000 inside belongs to the first range's start + 1000
 * (the K-th id for K the sandbox's own stays unused). */
static void
lay_out_subids (const char *option, const struct id_kind *kind, const struct caller *c, uint32_t own_inside,
                uint32_t own_outside, struct id_ranges_side *side)
{
  struct subids s;
  read_subids_or_die (option, kind, c, &s);
  if (s.total < SUBIDS_SPAN)
    die_without_range (option, kind, c, &s, SUBIDS_SPAN);
  add_line (side, own_inside, own_outside, 1);
  uint64_t k = 0;
  for (size_t i = 0; i < s.n && k < SUBIDS_SPAN; i++)
    {
      uint32_t start = s.ranges[i].start;
      uint32_t count = (uint32_t) (s.ranges[i].count < SUBIDS_SPAN - k ? s.ranges[i].count : SUBIDS_SPAN - k);
      if (own_inside >= k && own_inside < k + count)
        {
          uint32_t before = (uint32_t) (own_inside - k);
          if (before > 0)
            add_line (side, (uint32_t) k, start, before);
          if (count - before - 1 > 0)
            add_line (side, own_inside + 1, start + before + 1, count - before - 1);
        }
      else
        add_line (side, (uint32_t) k, start, count);
      k += count;
    }
}

/* --uid-map: as given, each the caller's own id alone or within its
 * ranges (what newuidmap allows); root may map any. */
static void
check_explicit (const char *option, const struct id_kind *kind, const struct caller *c, uint32_t own_outside,
                const struct id_map *maps, size_t n, struct id_ranges_side *side)
{
  struct subids s;
  bool read = false;
  for (size_t i = 0; i < n; i++)
    {
      add_line (side, maps[i].inside, maps[i].outside, maps[i].count);
      if (c->root || (maps[i].count == 1 && maps[i].outside == own_outside))
        continue;
      if (!read)
        read_subids_or_die (option, kind, c, &s);
      read = true;
      if (s.n == 0)
        die_without_range (option, kind, c, &s, maps[i].count);
      if (!subids_cover (&s, maps[i].outside, maps[i].count))
        {
          char have[256];
          describe_subids (&s, have, sizeof have);
          die ("%s-map %s: %ss %" PRIu32 "-%" PRIu64 " outside are neither your own %s %u alone nor within your ranges in %s (%s): map ids from there",
               kind == &uid_kind ? "--uid" : "--gid", maps[i].text, kind->name, maps[i].outside,
               (uint64_t) maps[i].outside + maps[i].count - 1, kind->name, (unsigned) own_outside, kind->file, have);
        }
    }
}

/* ---- newuidmap and newgidmap -------------------------------------------- */

/* The helper in PATH, as a shell would find it. */
static bool
find_in_path (const char *program, char *path, size_t size)
{
  const char *dirs = getenv ("PATH");
  if (dirs == NULL)
    dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  while (*dirs)
    {
      size_t len = strcspn (dirs, ":");
      struct stat st;
      snprintf (path, size, "%.*s/%s", (int) len, len ? dirs : ".", program);
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0)
        return true;
      dirs += len + (dirs[len] == ':');
    }
  return false;
}

/* Why the helper at path cannot raise its privileges; NULL when it can. */
static const char *
helper_cannot_work (const char *path)
{
  struct stat st;
  struct statvfs vfs;
  if (stat (path, &st) < 0)
    return "cannot be examined";
  bool setuid_root = (st.st_mode & S_ISUID) && st.st_uid == 0;
  bool file_caps = getxattr (path, "security.capability", NULL, 0) > 0;
  if (!setuid_root && !file_caps)
    return "is neither setuid root nor has file capabilities";
  if (statvfs (path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
    return "is on a nosuid mount, where its privileges do not apply";
  return NULL;
}

/* Under no_new_privs (set by a seccomp sandbox around swaddle, systemd's
 * NoNewPrivileges=, setpriv --no-new-privs ...) executing a setuid
 * program gives no privilege. */
static bool
no_new_privs (void)
{
  int r = prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  return r == 1;
}

static void
find_helper_or_die (const char *option, const struct id_kind *kind, struct id_ranges_side *side)
{
  if (!find_in_path (kind->helper, side->helper, sizeof side->helper))
    die ("%s: %s is not installed (not found in PATH): install the Debian package uidmap, which writes the id maps of an unprivileged user",
         option, kind->helper);
  const char *why = helper_cannot_work (side->helper);
  if (why)
    die ("%s: %s %s, so it cannot write the %ss of the maps: as root, run chmod u+s %s (or reinstall the package uidmap)",
         option, side->helper, why, kind->name, side->helper);
  if (no_new_privs ())
    die ("%s: swaddle runs with no_new_privs (set by whatever started it: a seccomp sandbox, systemd's NoNewPrivileges=, setpriv --no-new-privs), under which the setuid %s gains no privilege: start swaddle without it",
         option, kind->helper);
}

/* ---- writing the maps, from outside --------------------------------------- */

static int
write_directly (const struct id_ranges *r, const struct id_ranges_side *side, pid_t sandbox, char *message,
                size_t size)
{
  char path[64], text[ID_RANGES_MAX_LINES * 34];
  size_t used = 0;
  for (size_t i = 0; i < side->n; i++)
    used += (size_t) snprintf (text + used, sizeof text - used, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                               side->lines[i].inside, side->lines[i].outside, side->lines[i].count);
  snprintf (path, sizeof path, "/proc/%d/%s", (int) sandbox, side->map_file);
  autoclose int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, used) != (ssize_t) used)
    {
      snprintf (message, size, "%s: write %s: %s", r->option, path, strerror (errno));
      return -1;
    }
  return 0;
}

/* Its first line of output, or how it ended. */
static void
describe_helper_failure (const char *output, int status, char *text, size_t size)
{
  while (*output == '\n' || *output == ' ')
    output++;
  if (*output)
    snprintf (text, size, "%.*s", (int) strcspn (output, "\n"), output);
  else if (WIFSIGNALED (status))
    snprintf (text, size, "killed by signal %d", WTERMSIG (status));
  else
    snprintf (text, size, "exit status %d", WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

static int
run_helper (const struct id_ranges *r, const struct id_ranges_side *side, pid_t sandbox, char *message, size_t size)
{
  char numbers[ID_RANGES_MAX_LINES * 3 + 1][12];
  char *argv[ID_RANGES_MAX_LINES * 3 + 3];
  size_t n = 0;
  argv[n++] = (char *) side->helper;
  snprintf (numbers[0], sizeof numbers[0], "%d", (int) sandbox);
  argv[n++] = numbers[0];
  for (size_t i = 0; i < side->n; i++)
    {
      const uint32_t v[3] = { side->lines[i].inside, side->lines[i].outside, side->lines[i].count };
      for (int j = 0; j < 3; j++)
        {
          snprintf (numbers[n - 1], sizeof numbers[n - 1], "%" PRIu32, v[j]);
          argv[n] = numbers[n - 1];
          n++;
        }
    }
  argv[n] = NULL;

  int pipe_fds[2];
  if (pipe2 (pipe_fds, O_CLOEXEC) < 0)
    {
      snprintf (message, size, "%s: pipe2 (for %s): %s", r->option, side->helper, strerror (errno));
      return -1;
    }
  pid_t child = fork ();
  if (child == 0)
    {
      /* Its messages come back to us, for the one line swaddle prints. */
      dup2 (pipe_fds[1], STDOUT_FILENO);
      dup2 (pipe_fds[1], STDERR_FILENO);
      execv (side->helper, argv);
      _exit (127);
    }
  int err = errno;
  close (pipe_fds[1]);
  autofree char *output = NULL;
  size_t len;
  if (child < 0 || read_all (pipe_fds[0], &output, &len) < 0)
    output = NULL;
  close (pipe_fds[0]);
  int status = 0;
  if (child < 0)
    {
      snprintf (message, size, "%s: fork (for %s): %s", r->option, side->helper, strerror (err));
      return -1;
    }
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  char text[320];
  describe_helper_failure (output ? output : "", status, text, sizeof text);
  snprintf (message, size, "%s%s%s could not write the %ss of the maps: %s", r->option, r->option[0] ? ": " : "",
            side->helper, side == &r->uid ? "uid" : "gid", text);
  return -1;
}

static int
write_maps (void *ctx, pid_t sandbox, char *message, size_t size)
{
  const struct id_ranges *r = ctx;
  const struct id_ranges_side *sides[] = { &r->uid, &r->gid };
  for (size_t i = 0; i < N_ELEMENTS (sides); i++)
    {
      int (*write_map) (const struct id_ranges *, const struct id_ranges_side *, pid_t, char *, size_t)
        = sides[i]->helper[0] ? run_helper : write_directly;
      if (write_map (r, sides[i], sandbox, message, size) < 0)
        return -1;
    }
  return 0;
}

/* ---- the sandbox's side ---------------------------------------------------- */

static void
prepare_side (const struct plan *plan, const struct id_kind *kind, const struct caller *c, uint32_t own_inside,
              uint32_t own_outside, const struct id_map *maps, size_t n, struct id_ranges *r,
              struct id_ranges_side *side)
{
  side->map_file = kind->map_file;
  if (plan->map_subids)
    lay_out_subids (r->option, kind, c, own_inside, own_outside, side);
  else if (n > 0)
    check_explicit (r->option, kind, c, own_outside, maps, n, side);
  else
    add_line (side, own_inside, own_outside, 1);
  if (!c->root)
    find_helper_or_die (r->option, kind, side);
}

void
id_ranges_prepare (const struct plan *plan, const struct host_facts *facts, struct id_ranges *r,
                   struct outside *outside)
{
  struct caller c = { .uid = facts->uid, .root = facts->is_root };
  if (!plan_maps_id_ranges (plan))
    return;
  user_name (facts->uid, c.name, sizeof c.name);
  if (plan->map_subids)
    snprintf (r->option, sizeof r->option, "--map-subids");
  else
    snprintf (r->option, sizeof r->option, "%s %s", plan->n_uid_maps ? "--uid-map" : "--gid-map",
              plan->n_uid_maps ? plan->uid_maps[0].text : plan->gid_maps[0].text);
  r->uid.n = r->gid.n = 0;
  prepare_side (plan, &uid_kind, &c, plan_sandbox_uid (plan, facts), facts->uid, plan->uid_maps, plan->n_uid_maps,
                r, &r->uid);
  prepare_side (plan, &gid_kind, &c, plan_sandbox_gid (plan, facts), facts->gid, plan->gid_maps, plan->n_gid_maps,
                r, &r->gid);
  outside_add_gated (outside, write_maps, r);
}

void
id_ranges_await (struct outside *outside, bool write)
{
  char message[512];
  if (outside_release (outside, write) < 0)
    die_errno ("the helper process outside the sandbox: write");
  if (outside_wait (outside, message, sizeof message) < 0)
    die ("%s", message);
}

/* ---- --check ------------------------------------------------------------------ */

struct check_side
{
  char ranges[256];           /* "1800000000-1800065535" or "" */
  uint64_t total;
  char helper[4096];          /* its path, or "" when not found */
  const char *problem;        /* why it cannot work; NULL when it can */
  char trial[512];            /* what trying it said */
};

/* Try the helper for real: map the caller's own id in a user namespace
 * made for the purpose.  NULL when that worked, else why not (in buf). */
static const char *
try_helper (const struct id_kind *kind, const char *path, uint32_t own, char *buf, size_t size)
{
  static struct id_ranges trial;
  int ready[2], done[2];
  char c = 0;
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return "could not be tried: pipe2 failed";
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      close (ready[0]);
      close (ready[1]);
      return "could not be tried: pipe2 failed";
    }
  pid_t child = fork ();
  if (child == 0)
    {
      c = unshare (CLONE_NEWUSER) == 0 ? 'y' : 'n';
      (void) write_all (ready[1], &c, 1);
      close (done[1]);
      /* Until the trial is over. */
      while (read (done[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  const char *result = "could not be tried: fork failed";
  if (child > 0 && read (ready[0], &c, 1) == 1 && c == 'y')
    {
      struct id_ranges_side *side = kind == &uid_kind ? &trial.uid : &trial.gid;
      trial.option[0] = '\0';
      snprintf (side->helper, sizeof side->helper, "%s", path);
      side->map_file = kind->map_file;
      side->n = 0;
      add_line (side, own, own, 1);
      result = run_helper (&trial, side, child, buf, size) < 0 ? buf : NULL;
    }
  else if (child > 0)
    result = "could not be tried: no user namespace could be created (see above)";
  close (ready[0]);
  close (done[1]);
  if (child > 0)
    while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
      ;
  return result;
}

static void
check_side (const struct id_kind *kind, const struct caller *c, struct check_side *out)
{
  struct subids s;
  if (read_subids (kind->file, c->name, c->uid, &s) < 0)
    s.n = 0, s.total = 0;
  describe_subids (&s, out->ranges, sizeof out->ranges);
  out->total = s.total;
  out->problem = NULL;
  if (!find_in_path (kind->helper, out->helper, sizeof out->helper))
    {
      out->helper[0] = '\0';
      out->problem = "not installed (Debian package uidmap)";
    }
  else if ((out->problem = helper_cannot_work (out->helper)) == NULL && no_new_privs ())
    out->problem = "cannot raise its privileges: this process runs with no_new_privs";
  else if (out->problem == NULL && !c->root)
    out->problem = try_helper (kind, out->helper, kind == &uid_kind ? c->uid : getgid (), out->trial,
                               sizeof out->trial);
}

static void
check_caller (uid_t uid, struct caller *c, struct check_side *u, struct check_side *g)
{
  *c = (struct caller) { .uid = uid, .root = uid == 0 };
  user_name (uid, c->name, sizeof c->name);
  check_side (&uid_kind, c, u);
  check_side (&gid_kind, c, g);
}

void
id_ranges_check_table (FILE *out, uid_t uid)
{
  struct caller c;
  struct check_side sides[2];
  const struct id_kind *kinds[] = { &uid_kind, &gid_kind };
  char label[300];
  check_caller (uid, &c, &sides[0], &sides[1]);
  for (size_t i = 0; i < 2; i++)
    {
      snprintf (label, sizeof label, "%s (%s)", kinds[i]->file, c.name[0] ? c.name : "no user name");
      if (sides[i].ranges[0])
        fprintf (out, "  %-46s %s (%" PRIu64 " ids%s)\n", label, sides[i].ranges, sides[i].total,
                 sides[i].total < SUBIDS_SPAN ? ", fewer than the 65536 of --map-subids" : "");
      else
        fprintf (out, "  %-46s no range: --map-subids cannot work\n", label);
    }
  for (size_t i = 0; i < 2; i++)
    {
      if (c.root)
        fprintf (out, "  %-46s not needed: root writes the maps itself\n", kinds[i]->helper);
      else if (sides[i].problem == sides[i].trial)
        fprintf (out, "  %-46s tried, and %s\n", kinds[i]->helper, sides[i].problem);
      else if (sides[i].problem)
        fprintf (out, "  %-46s %s%s%s\n", kinds[i]->helper, sides[i].helper, sides[i].helper[0] ? " " : "",
                 sides[i].problem);
      else
        fprintf (out, "  %-46s %s, works (it mapped your own %s in a new user namespace)\n", kinds[i]->helper,
                 sides[i].helper, kinds[i]->name);
    }
}

void
id_ranges_check_json (FILE *out, uid_t uid)
{
  struct caller c;
  struct check_side sides[2];
  const struct id_kind *kinds[] = { &uid_kind, &gid_kind };
  check_caller (uid, &c, &sides[0], &sides[1]);
  fprintf (out, "{ \"user\": ");
  json_write_string (out, c.name[0] ? c.name : NULL);
  for (size_t i = 0; i < 2; i++)
    {
      fprintf (out, ", \"%s\": { \"ranges\": ", kinds[i]->file + 5);
      json_write_string (out, sides[i].ranges);
      fprintf (out, ", \"ids\": %" PRIu64 ", \"helper\": ", sides[i].total);
      json_write_string (out, sides[i].helper[0] ? sides[i].helper : NULL);
      fprintf (out, ", \"helper-works\": %s, \"problem\": ", c.root || !sides[i].problem ? "true" : "false");
      json_write_string (out, c.root ? NULL : sides[i].problem);
      fputs (" }", out);
    }
  fputs (" }", out);
}
