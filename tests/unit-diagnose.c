/* swaddle: unit tests of the failure classifier (diagnose.c).
 *
 * diag_gather() reads the host through a root directory; each test builds
 * a fixture tree in a temporary directory (proc/self/status, /proc/sys
 * values, a mount table, LSM files, container markers...) that describes
 * one environment, gathers the facts from it, and checks the cause the
 * classifier names for a failure.  Environments this machine cannot be
 * put in (AppArmor's userns restriction, unprivileged_userns_clone=0,
 * SELinux, an initramfs root, an old kernel) are covered this way. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagnose.h"

#ifndef CLONE_NEWTIME
# define CLONE_NEWTIME 0x00000080
#endif

/* ---- fixture trees ---------------------------------------------------------------- */

static char root[256];

static void
make_parents (const char *path)
{
  char buf[PATH_MAX];
  snprintf (buf, sizeof buf, "%s", path);
  for (char *p = buf + strlen (root) + 1; (p = strchr (p, '/')) != NULL; p++)
    {
      *p = '\0';
      mkdir (buf, 0755);
      *p = '/';
    }
}

/* fx_write("proc/self/status", text): a file in the fixture. */
static void
fx_write (const char *rel, const char *content)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/%s", root, rel);
  make_parents (path);
  FILE *f = fopen (path, "w");
  cr_assert_not_null (f, "cannot create %s", path);
  fputs (content, f);
  fclose (f);
}

static void
fx_link (const char *rel, const char *target)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/%s", root, rel);
  make_parents (path);
  unlink (path);
  cr_assert_eq (symlink (target, path), 0, "cannot create the link %s", path);
}

static void
fx_remove (const char *rel)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/%s", root, rel);
  unlink (path);
}

static const char *const ns_names[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time" };

static void
fx_status (long ppid, unsigned uid, const char *cap_eff, int seccomp)
{
  char text[512];
  snprintf (text, sizeof text,
            "Name:\tswaddle\nUmask:\t0022\nState:\tR (running)\nPPid:\t%ld\n"
            "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
            "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n"
            "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n",
            ppid, uid, uid, uid, uid, uid, uid, uid, uid, cap_eff, cap_eff,
            seccomp ? 1 : 0, seccomp, seccomp ? 1 : 0);
  fx_write ("proc/self/status", text);
}

static const char host_mountinfo[] =
  "21 26 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
  "22 26 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
  "23 26 0:6 / /dev rw,nosuid shared:8 - devtmpfs devtmpfs rw,mode=755\n"
  "26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
  "30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n"
  "31 21 0:28 / /proc/sys/fs/binfmt_misc rw,relatime shared:13 - autofs systemd-1 rw\n"
  "40 26 0:30 / /home/user/with\\040space rw,relatime - tmpfs tmpfs rw\n";

/* An ordinary host, and an unprivileged caller in its initial user namespace. */
static void
fx_host (void)
{
  char path[64];
  char tmpl[] = "/tmp/unit-diagnose.XXXXXX";
  cr_assert_not_null (mkdtemp (tmpl));
  snprintf (root, sizeof root, "%s", tmpl);
  chmod (root, 0755);

  fx_status (1, 1000, "0000000000000000", 0);
  fx_write ("proc/self/uid_map", "         0          0 4294967295\n");
  fx_write ("proc/self/mountinfo", host_mountinfo);
  fx_write ("proc/self/cgroup", "0::/user.slice/user-1000.slice/session-2.scope\n");
  for (size_t i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
    {
      char target[64];
      snprintf (path, sizeof path, "proc/self/ns/%s", ns_names[i]);
      snprintf (target, sizeof target, "%s:[40265318%02zu]", ns_names[i], 30 + i);
      fx_link (path, target);
      snprintf (path, sizeof path, "proc/1/ns/%s", ns_names[i]);
      fx_link (path, target);
    }
  fx_write ("proc/1/status", "Name:\tinit\nPPid:\t0\n");
  fx_link ("proc/1/root", "../..");   /* pid 1's root is this root */
  static const char *const limits[] = {
    "max_user_namespaces", "max_mnt_namespaces", "max_pid_namespaces", "max_net_namespaces",
    "max_ipc_namespaces", "max_uts_namespaces", "max_cgroup_namespaces", "max_time_namespaces",
  };
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
    {
      snprintf (path, sizeof path, "proc/sys/user/%s", limits[i]);
      fx_write (path, "63432\n");
    }
  fx_write ("proc/sys/kernel/osrelease", "6.8.0-45-generic\n");
  fx_write ("sys/kernel/security/lsm", "lockdown,capability,landlock,yama\n");
}

static void
fx_cleanup (void)
{
  char cmd[PATH_MAX + 32];
  if (root[0] == '\0')
    return;
  snprintf (cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", root, root);
  /* NOLINTNEXTLINE(cert-env33-c): the fixture removes its own temporary tree */
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", root);
  root[0] = '\0';
}

TestSuite (diagnose, .init = fx_host, .fini = fx_cleanup);

/* ---- running the classifier ------------------------------------------------------------ */

static struct diag_facts facts;
static struct diagnosis result;

#define USERNS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS)

static const char *
classify (const char *call, int error, int clone_flags, const char *fstype, int probe_errno)
{
  struct failure_report r = {
    .call = call,
    .error = error,
    .clone_flags = clone_flags,
    .fstype = fstype,
    .message = "test",
  };
  diag_gather (root, &facts);
  int rc = diagnose_failure (&r, &facts, probe_errno, &result);
  cr_assert_eq (rc == 0, result.cause != NULL);
  return result.cause ? result.cause->id : "none";
}

#define assert_cause(expected, ...)                                                     \
  do                                                                                    \
    {                                                                                   \
      const char *got_ = classify (__VA_ARGS__);                                        \
      cr_assert_str_eq (got_, expected, "cause %s, expected %s\nevidence: %s\nchecked: %s", \
                        got_, expected, result.evidence, result.checked);               \
    }                                                                                   \
  while (0)

#define assert_evidence(needle)                                                          \
  cr_assert_not_null (strstr (result.evidence, needle), "evidence lacks \"%s\":\n%s", needle, result.evidence)

/* ---- the facts themselves ----------------------------------------------------------------- */

Test (diagnose, gathers_an_ordinary_host)
{
  diag_gather (root, &facts);
  cr_assert (facts.have_proc);
  cr_assert_eq (facts.euid, 1000);
  cr_assert_eq (facts.cap_sys_admin, 0);
  cr_assert_eq (facts.seccomp_mode, 0);
  cr_assert_eq (facts.in_userns, 0);
  cr_assert_eq (facts.chroot, 0, "%s", facts.chroot_evidence);
  cr_assert_eq (facts.unprivileged_userns_clone, -1);
  cr_assert_eq (facts.apparmor_restrict_userns, -1);
  cr_assert_eq (facts.max_ns[DIAG_NS_USER], 63432);
  cr_assert_eq (facts.ns_present[DIAG_NS_TIME], 1);
  cr_assert_str_eq (facts.kernel_release, "6.8.0-45-generic");
  cr_assert_str_eq (facts.root_fstype, "ext4");
  cr_assert_eq (facts.proc.n_mounts, 1);
  cr_assert_eq (facts.proc.n_clean, 1, "binfmt_misc is an empty mount point: %s", facts.proc.masked);
  cr_assert_eq (facts.sys.n_clean, 1, "/sys/fs/cgroup is an empty mount point: %s", facts.sys.masked);
  cr_assert_str_eq (facts.container, "");
  cr_assert_eq (facts.apparmor_enabled, false);
  cr_assert_eq (facts.selinux_enforcing, -1);
}

Test (diagnose, nothing_matches_on_an_ordinary_host)
{
  assert_cause ("none", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  cr_assert_not_null (strstr (result.checked, "chroot: no"), "%s", result.checked);
  cr_assert_not_null (strstr (result.checked, "user.max_user_namespaces = 63432"), "%s", result.checked);
  cr_assert_str_eq (result.evidence, "");
}

Test (diagnose, errors_that_are_not_the_hosts_fault_get_no_cause)
{
  assert_cause ("none", "open_tree", ENOENT, USERNS_FLAGS, NULL, 0);
  assert_cause ("none", NULL, ENOENT, USERNS_FLAGS, NULL, 0);
}

/* ---- chroot ---------------------------------------------------------------------------------- */

Test (diagnose, chroot_seen_from_pid_1s_root)
{
  fx_link ("proc/1/root", "/");   /* pid 1's root is the real root, not this tree */
  assert_cause ("chroot", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("/proc/1/root");
}

Test (diagnose, chroot_seen_from_the_mount_table)
{
  /* pid 1 unreadable (another user's): the mount table has nothing at "/". */
  fx_remove ("proc/1/root");
  fx_write ("proc/self/mountinfo",
            "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
            "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n");
  assert_cause ("chroot", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("no mount at \"/\"");
}

Test (diagnose, chroot_refuses_pivot_root_to_root_too)
{
  fx_link ("proc/1/root", "/");
  fx_status (1, 0, "000001ffffffffff", 0);
  assert_cause ("chroot", "pivot_root", EINVAL, CLONE_NEWNS, NULL, EFAULT);
  assert_cause ("chroot", "mount_setattr(MS_SLAVE)", EINVAL, CLONE_NEWNS, NULL, EINVAL);
}

Test (diagnose, a_chroot_does_not_explain_a_failure_without_user_namespace)
{
  fx_link ("proc/1/root", "/");
  fx_status (1, 0, "000001ffffffffff", 0);
  assert_cause ("none", "unshare", EPERM, CLONE_NEWNS | CLONE_NEWPID, NULL, EINVAL);
}

Test (diagnose, no_proc_at_all)
{
  fx_cleanup ();
  char tmpl[] = "/tmp/unit-diagnose.XXXXXX";
  cr_assert_not_null (mkdtemp (tmpl));
  snprintf (root, sizeof root, "%s", tmpl);
  assert_cause ("no-proc", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  assert_cause ("no-proc", "write /proc/self/uid_map", EPERM, USERNS_FLAGS, NULL, 0);
}

/* ---- sysctls ----------------------------------------------------------------------------------- */

Test (diagnose, unprivileged_userns_clone_0)
{
  fx_write ("proc/sys/kernel/unprivileged_userns_clone", "0\n");
  assert_cause ("userns-clone-disabled", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("unprivileged_userns_clone is 0");
}

Test (diagnose, unprivileged_userns_clone_0_does_not_bind_root)
{
  fx_write ("proc/sys/kernel/unprivileged_userns_clone", "0\n");
  fx_status (1, 0, "000001ffffffffff", 0);
  assert_cause ("none", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, unprivileged_userns_clone_1_is_no_cause)
{
  fx_write ("proc/sys/kernel/unprivileged_userns_clone", "1\n");
  assert_cause ("none", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, userns_restrict_1)
{
  fx_write ("proc/sys/kernel/userns_restrict", "1\n");
  assert_cause ("userns-clone-disabled", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("userns_restrict is 1");
}

Test (diagnose, max_user_namespaces_0)
{
  fx_write ("proc/sys/user/max_user_namespaces", "0\n");
  assert_cause ("namespace-limit-zero", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("max_user_namespaces is 0");
}

Test (diagnose, max_mnt_namespaces_0)
{
  fx_write ("proc/sys/user/max_mnt_namespaces", "0\n");
  assert_cause ("namespace-limit-zero", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("user.max_mnt_namespaces");
}

Test (diagnose, a_zero_limit_of_a_namespace_not_asked_for_is_no_cause)
{
  fx_write ("proc/sys/user/max_net_namespaces", "0\n");
  assert_cause ("namespace-limit", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, user_namespaces_used_up)
{
  char path[64], target[64];
  fx_write ("proc/sys/user/max_user_namespaces", "3\n");
  for (int pid = 100; pid < 103; pid++)
    {
      /* Plain files: no nsfs, so diag_gather takes them as below ours. */
      snprintf (path, sizeof path, "proc/%d/ns/user", pid);
      snprintf (target, sizeof target, "user:[40265330%02d]", pid - 100);
      fx_link (path, target);
    }
  assert_cause ("userns-exhausted", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("max_user_namespaces is 3");
  assert_evidence ("3 user namespaces below");
}

Test (diagnose, fewer_user_namespaces_than_the_limit_is_not_exhaustion)
{
  fx_write ("proc/sys/user/max_user_namespaces", "3\n");
  fx_link ("proc/100/ns/user", "user:[4026533000]");
  assert_cause ("namespace-limit", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("1 below this one");
}

/* A chain of n parent processes, each in a user namespace of its own. */
static void
fx_parent_chain (int n, bool readable)
{
  char path[64], target[64], status[64];
  fx_write ("proc/self/uid_map", "      1000       1000          1\n");
  fx_status (200, 1000, "0000000000000000", 0);
  for (int i = 0; i < n; i++)
    {
      snprintf (path, sizeof path, "proc/%d/ns/user", 200 + i);
      snprintf (target, sizeof target, "user:[40265340%02d]", i);
      fx_link (path, target);
      snprintf (path, sizeof path, "proc/%d/status", 200 + i);
      snprintf (status, sizeof status, "Name:\tsh\nPPid:\t%d\n", i + 1 < n ? 201 + i : 1);
      fx_write (path, status);
      if (!readable)
        {
          /* Reading the link needs search permission on ns/. */
          char dir[PATH_MAX];
          snprintf (dir, sizeof dir, "%s/proc/%d/ns", root, 200 + i);
          chmod (dir, 0600);
        }
    }
}

Test (diagnose, nesting_seen_along_the_parent_processes)
{
  fx_parent_chain (34, true);
  assert_cause ("userns-nesting", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  cr_assert_geq (facts.userns_depth, 34);
}

Test (diagnose, nesting_seen_as_hidden_parent_namespaces)
{
  fx_parent_chain (36, false);
  bool was_root = geteuid () == 0;
  if (was_root)
    /* root would read through the modes: look as nobody */
    cr_assert_eq (seteuid (65534), 0);
  const char *got = classify ("unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
  if (was_root)
    cr_assert_eq (seteuid (0), 0);
  cr_assert_str_eq (got, "userns-nesting", "evidence: %s\nchecked: %s", result.evidence, result.checked);
  cr_assert_geq (facts.userns_hidden_parents, 33);
  assert_evidence ("hidden");
}

Test (diagnose, a_short_chain_is_not_nesting)
{
  fx_parent_chain (5, true);
  assert_cause ("namespace-limit", "unshare", ENOSPC, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, nesting_does_not_explain_other_namespace_types)
{
  fx_parent_chain (34, true);
  assert_cause ("namespace-limit", "unshare", ENOSPC, CLONE_NEWNS | CLONE_NEWNET, NULL, EINVAL);
}

/* ---- AppArmor, SELinux ---------------------------------------------------------------------- */

static void
fx_apparmor (const char *label)
{
  fx_write ("sys/kernel/security/lsm", "lockdown,capability,landlock,yama,apparmor\n");
  fx_write ("sys/module/apparmor/parameters/enabled", "Y\n");
  fx_write ("proc/self/attr/apparmor/current", label);
  fx_write ("proc/self/attr/current", label);
}

Test (diagnose, apparmor_restricts_the_uid_map)
{
  fx_apparmor ("unprivileged_userns (enforce)\n");
  fx_write ("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
  /* After unshare: in the new user namespace, maps not written yet. */
  fx_write ("proc/self/uid_map", "");
  fx_status (1, 65534, "000001ffffffffff", 0);
  assert_cause ("apparmor-userns", "write /proc/self/uid_map", EACCES, USERNS_FLAGS, NULL, 0);
  assert_evidence ("apparmor_restrict_unprivileged_userns is 1");
  assert_evidence ("unprivileged_userns (enforce)");
  cr_assert_not_null (strstr (result.cause->fix, "apparmor_restrict_unprivileged_userns=0"));
  cr_assert_not_null (strstr (result.cause->fix, "/etc/apparmor.d/swaddle"));
}

Test (diagnose, apparmor_restricts_setgroups_and_unshare_too)
{
  fx_apparmor ("unconfined\n");
  fx_write ("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
  assert_cause ("apparmor-userns", "unshare", EACCES, USERNS_FLAGS, NULL, EINVAL);
  assert_cause ("apparmor-userns", "write /proc/self/setgroups", EPERM, USERNS_FLAGS, NULL, 0);
}

Test (diagnose, apparmor_restriction_off_is_no_cause)
{
  fx_apparmor ("unconfined\n");
  fx_write ("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0\n");
  assert_cause ("none", "write /proc/self/uid_map", EPERM, USERNS_FLAGS, NULL, 0);
}

Test (diagnose, apparmor_profile_denies_mount)
{
  fx_apparmor ("docker-default (enforce)\n");
  fx_write (".dockerenv", "");
  fx_status (1, 0, "00000000a80425fb", 0);
  assert_cause ("apparmor-profile", "fsopen", EACCES, CLONE_NEWNS, "tmpfs", EINVAL);
  assert_evidence ("docker-default (enforce)");
  assert_evidence ("/.dockerenv");
}

Test (diagnose, apparmor_profile_in_complain_mode_is_no_cause)
{
  fx_apparmor ("some-profile (complain)\n");
  assert_cause ("none", "fsopen", EACCES, USERNS_FLAGS, "tmpfs", EINVAL);
}

Test (diagnose, selinux_denies)
{
  fx_write ("sys/kernel/security/lsm", "lockdown,capability,yama,selinux\n");
  fx_write ("sys/fs/selinux/enforce", "1");
  fx_write ("proc/self/attr/current", "unconfined_u:unconfined_r:thumb_t:s0-s0:c0.c1023");
  assert_cause ("selinux", "unshare", EACCES, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("thumb_t");
}

Test (diagnose, selinux_permissive_is_no_cause)
{
  fx_write ("sys/fs/selinux/enforce", "0");
  assert_cause ("none", "unshare", EACCES, USERNS_FLAGS, NULL, EINVAL);
}

/* ---- seccomp, containers --------------------------------------------------------------------- */

Test (diagnose, seccomp_filter_refuses_unshare)
{
  fx_status (1, 1000, "0000000000000000", 2);
  fx_write ("run/.containerenv", "engine=\"podman-4.3.1\"\n");
  assert_cause ("seccomp", "unshare", EPERM, USERNS_FLAGS, NULL, EPERM);
  assert_evidence ("Seccomp: 2");
  assert_evidence ("/run/.containerenv");
}

Test (diagnose, seccomp_filter_refuses_mounts)
{
  fx_status (1, 0, "00000000a80425fb", 2);
  assert_cause ("seccomp", "mount", EPERM, CLONE_NEWNS, "tmpfs", EPERM);
  assert_cause ("seccomp", "fsconfig(FSCONFIG_CMD_CREATE)", ENOSYS, CLONE_NEWNS, "tmpfs", ENOSYS);
}

Test (diagnose, seccomp_mode_without_interception_is_no_cause)
{
  /* A filter is there, but the kernel answered the probe itself. */
  fx_status (1, 1000, "0000000000000000", 2);
  assert_cause ("none", "unshare", EPERM, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, seccomp_is_named_before_the_chroot)
{
  fx_status (1, 1000, "0000000000000000", 2);
  fx_link ("proc/1/root", "/");
  assert_cause ("seccomp", "unshare", EPERM, USERNS_FLAGS, NULL, EPERM);
}

Test (diagnose, container_markers_from_cgroups)
{
  fx_write ("proc/self/cgroup", "0::/kubepods/besteffort/pod1234/abcd\n");
  diag_gather (root, &facts);
  cr_assert_not_null (strstr (facts.container, "kubepods"));
}

/* ---- kernel support, capabilities --------------------------------------------------------------- */

Test (diagnose, kernel_without_user_namespaces)
{
  fx_remove ("proc/self/ns/user");
  assert_cause ("kernel-no-namespace", "unshare", EINVAL, USERNS_FLAGS, NULL, EINVAL);
  assert_evidence ("/proc/self/ns/user");
}

Test (diagnose, kernel_without_time_namespaces)
{
  fx_remove ("proc/self/ns/time");
  assert_cause ("kernel-no-namespace", "unshare", EINVAL, USERNS_FLAGS | CLONE_NEWTIME, NULL, EINVAL);
  assert_evidence ("/proc/self/ns/time");
}

Test (diagnose, einval_with_every_namespace_present_is_no_cause)
{
  assert_cause ("none", "unshare", EINVAL, USERNS_FLAGS, NULL, EINVAL);
}

Test (diagnose, root_without_cap_sys_admin)
{
  fx_status (1, 0, "00000000a80425fb", 0);
  assert_cause ("root-without-capabilities", "unshare", EPERM, CLONE_NEWNS | CLONE_NEWPID, NULL, EINVAL);
  cr_assert_not_null (strstr (result.cause->fix, "--unshare-user"));
}

/* ---- mounts ------------------------------------------------------------------------------------------ */

static const char masked_mountinfo[] =
  "600 500 0:20 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
  "601 600 0:6 /null /proc/kcore rw,nosuid - devtmpfs udev rw\n"
  "602 600 0:6 /null /proc/keys rw,nosuid - devtmpfs udev rw\n"
  "603 600 0:6 /null /proc/timer_list rw,nosuid - devtmpfs udev rw\n"
  "604 600 0:20 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
  "605 600 0:20 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
  "606 600 0:20 /irq /proc/irq ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
  "607 600 0:40 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
  "500 499 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n"
  "610 500 0:21 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
  "611 610 0:41 / /sys/firmware ro,relatime - tmpfs tmpfs ro\n"
  "612 610 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw\n";

Test (diagnose, masked_proc_refuses_a_new_procfs)
{
  fx_write ("proc/self/mountinfo", masked_mountinfo);
  fx_write (".dockerenv", "");
  assert_cause ("masked-proc", "fsconfig(FSCONFIG_CMD_CREATE)", EPERM, USERNS_FLAGS | CLONE_NEWPID, "proc", EINVAL);
  assert_evidence ("/proc/kcore");
  assert_evidence ("/proc/keys");
  assert_evidence ("/proc/timer_list");
  assert_evidence ("/proc/sys (read-only)");
  cr_assert_not_null (strstr (result.cause->fix, "--unshare-pid"));
}

Test (diagnose, masked_proc_through_mount2_after_the_root_moved)
{
  /* After the first root switch the host's /proc is at /oldroot/proc. */
  fx_write ("proc/self/mountinfo",
            "700 699 0:60 / / rw - tmpfs tmpfs rw\n"
            "701 700 0:20 / /oldroot/proc rw,nosuid - proc proc rw\n"
            "702 701 0:6 /null /oldroot/proc/keys rw,nosuid - devtmpfs udev rw\n");
  fx_write ("proc/self/uid_map", "      1000       1000          1\n");
  assert_cause ("masked-proc", "mount", EPERM, USERNS_FLAGS | CLONE_NEWPID, "proc", EFAULT);
  assert_evidence ("/proc/keys");
}

Test (diagnose, a_read_only_proc_is_not_fully_visible)
{
  fx_write ("proc/self/mountinfo",
            "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
            "21 26 0:20 / /proc ro,relatime - proc proc rw\n");
  assert_cause ("masked-proc", "fsmount", EPERM, USERNS_FLAGS | CLONE_NEWPID, "proc", EINVAL);
  assert_evidence ("read-only");
}

Test (diagnose, no_procfs_mounted_at_all)
{
  fx_write ("proc/self/mountinfo", "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  assert_cause ("masked-proc", "fsmount", EPERM, USERNS_FLAGS | CLONE_NEWPID, "proc", EINVAL);
  assert_evidence ("no mount of a whole procfs");
}

Test (diagnose, one_clean_procfs_is_enough)
{
  char text[sizeof masked_mountinfo + 128];
  snprintf (text, sizeof text, "%s%s", masked_mountinfo, "620 500 0:20 / /mnt/proc rw,relatime - proc proc rw\n");
  fx_write ("proc/self/mountinfo", text);
  assert_cause ("none", "fsmount", EPERM, USERNS_FLAGS | CLONE_NEWPID, "proc", EINVAL);
}

Test (diagnose, masked_proc_needs_a_user_namespace)
{
  /* Real root in the initial user namespace is never compared. */
  fx_write ("proc/self/mountinfo", masked_mountinfo);
  fx_status (1, 0, "000001ffffffffff", 0);
  assert_cause ("none", "fsmount", EPERM, CLONE_NEWNS | CLONE_NEWPID, "proc", EINVAL);
}

Test (diagnose, sysfs_needs_a_network_namespace)
{
  assert_cause ("sysfs-needs-netns", "fsconfig(FSCONFIG_CMD_CREATE)", EPERM, USERNS_FLAGS, "sysfs", EINVAL);
  cr_assert_not_null (strstr (result.cause->fix, "--unshare-net"));
}

Test (diagnose, masked_sys_refuses_a_new_sysfs)
{
  fx_write ("proc/self/mountinfo", masked_mountinfo);
  assert_cause ("masked-sys", "fsconfig(FSCONFIG_CMD_CREATE)", EPERM, USERNS_FLAGS | CLONE_NEWNET, "sysfs", EINVAL);
  assert_evidence ("/sys/firmware");
  cr_assert_null (strstr (result.evidence, "/sys/fs/cgroup"), "an empty mount point counted: %s", result.evidence);
}

Test (diagnose, overlay_on_an_old_kernel)
{
  fx_write ("proc/sys/kernel/osrelease", "5.10.0-28-amd64\n");
  assert_cause ("overlay-userns", "fsopen", EPERM, USERNS_FLAGS, "overlay", EINVAL);
  assert_evidence ("5.10.0-28-amd64");
}

Test (diagnose, overlay_on_a_recent_kernel_is_no_cause)
{
  assert_cause ("none", "fsconfig(FSCONFIG_CMD_CREATE)", EINVAL, USERNS_FLAGS, "overlay", EINVAL);
}

Test (diagnose, pivot_root_from_the_initramfs)
{
  fx_status (1, 0, "000001ffffffffff", 0);
  fx_write ("proc/self/mountinfo",
            "1 1 0:2 / / rw - rootfs rootfs rw\n"
            "21 1 0:20 / /proc rw,relatime - proc proc rw\n");
  assert_cause ("initramfs-root", "pivot_root", EINVAL, CLONE_NEWNS, NULL, EFAULT);
  assert_evidence ("rootfs");
}

Test (diagnose, pivot_root_einval_on_a_real_root_is_no_cause)
{
  fx_status (1, 0, "000001ffffffffff", 0);
  assert_cause ("none", "pivot_root", EINVAL, CLONE_NEWNS, NULL, EFAULT);
}

/* ---- the live probe ------------------------------------------------------------------------------------ */

Test (diagnose, the_probe_reaches_the_kernel_here)
{
  /* No filter in this test process: the kernel answers by itself. */
  int e = diag_probe_call ("unshare", CLONE_NEWUSER | CLONE_NEWNS);
  cr_assert_eq (e, EINVAL, "unshare probe: %s", strerror (e));
  cr_assert_not (diag_probe_intercepted (e));
  e = diag_probe_call ("mount", 0);
  cr_assert_not (diag_probe_intercepted (e), "mount probe: %s", strerror (e));
  e = diag_probe_call ("open_tree", 0);
  cr_assert_not (diag_probe_intercepted (e), "open_tree probe: %s", strerror (e));
  cr_assert_eq (diag_probe_call ("write /proc/self/uid_map", 0), 0);
  cr_assert (diag_probe_intercepted (EPERM));
  cr_assert (diag_probe_intercepted (ENOSYS));
}

/* ---- the cause table and its documentation ----------------------------------------------------------------- */

Test (diagnose, every_cause_is_complete_and_unique)
{
  for (size_t i = 0; i < diag_n_causes; i++)
    {
      const struct diag_cause *c = &diag_causes[i];
      cr_assert (c->id && c->title && c->summary && c->evidence && c->fix);
      cr_assert_eq (diag_cause_by_id (c->id), c, "duplicate id %s", c->id);
      cr_assert_neq (c->summary[strlen (c->summary) - 1], '.', "%s: the summary gets its period in the doc", c->id);
    }
  cr_assert_null (diag_cause_by_id ("no-such-cause"));
}

static char *
render_markdown (void)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  diag_write_markdown (f);
  fclose (f);
  return text;
}

Test (diagnose, the_documentation_lists_every_cause)
{
  char *text = render_markdown ();
  for (size_t i = 0; i < diag_n_causes; i++)
    {
      char anchor[96];
      snprintf (anchor, sizeof anchor, "<a id=\"%s\"></a>", diag_causes[i].id);
      cr_assert_not_null (strstr (text, anchor), "no section for %s", diag_causes[i].id);
    }
  free (text);
}

Test (diagnose, docs_troubleshooting_md_is_current)
{
#ifndef SOURCE_DIR
  cr_skip_test ("SOURCE_DIR is not defined by the build");
#else
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/docs/troubleshooting.md", SOURCE_DIR);
  FILE *f = fopen (path, "r");
  cr_assert_not_null (f, "cannot open %s", path);
  char *committed = NULL;
  size_t cap = 0;
  ssize_t n = getdelim (&committed, &cap, '\0', f);
  fclose (f);
  cr_assert_gt (n, 0);
  char *text = render_markdown ();
  cr_assert_str_eq (committed, text,
                    "docs/troubleshooting.md is not what the cause table renders: "
                    "regenerate it with build/tests/gen-troubleshooting > docs/troubleshooting.md");
  free (text);
  free (committed);
#endif
}
