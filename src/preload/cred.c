/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cred.c -- credentials. The kernel stays the authority: a call that
 * changes them runs in the kernel first, and when it succeeds the new
 * identity (read back from the kernel, which resolved -1 arguments and
 * saved ids) is given to every pool this process holds.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cred.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "preload.h"
#include "sys.h"

#define CRED_GROUPS_MAX 65536
/* Supplementary groups read in one call; more take a second. */
#define CRED_GROUPS_FEW 64

/*
 * The calls that may change an id that ran (cred_change): until the first
 * the file system ids are the effective ones, as execve made them, and
 * need not be asked for.
 */
static _Atomic unsigned long cred_changes;

unsigned long cred_generation(void)
{
	return atomic_load(&cred_changes);
}

/* The process's effective capabilities, as the kernel holds them now. */
static bool cred_effective(struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	return syscall_no_intercept(SYS_capget, &h, d) == 0;
}

bool cred_capable(int cap)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3 ||
	    !cred_effective(d))
		return false;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

static void cred_apply_caps(PMEMfilepool *pfp)
{
	static const int caps[] = {PMEMFILE_CAP_CHOWN,
				   PMEMFILE_CAP_DAC_OVERRIDE,
				   PMEMFILE_CAP_DAC_READ_SEARCH,
				   PMEMFILE_CAP_FOWNER, PMEMFILE_CAP_FSETID};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (!cred_effective(d))
		return;
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); ++i) {
		if ((d[0].effective >> caps[i]) & 1)
			pmemfile_setcap(pfp, caps[i]);
		else
			pmemfile_clrcap(pfp, caps[i]);
	}
}

static void cred_apply_ids(PMEMfilepool *pfp, void *arg)
{
	(void)arg;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	syscall_no_intercept(SYS_getresuid, &ruid, &euid, &suid);
	syscall_no_intercept(SYS_getresgid, &rgid, &egid, &sgid);
	pmemfile_setreuid(pfp, ruid, euid);
	pmemfile_setregid(pfp, rgid, egid);
	/* setfsuid returns the previous value; called with -1 it only reads */
	bool changed = atomic_load(&cred_changes) != 0;
	pmemfile_setfsuid(
	    pfp,
	    changed ? (uid_t)syscall_no_intercept(SYS_setfsuid, -1) : euid);
	pmemfile_setfsgid(
	    pfp,
	    changed ? (gid_t)syscall_no_intercept(SYS_setfsgid, -1) : egid);
	cred_apply_caps(pfp);

	gid_t few[CRED_GROUPS_FEW];
	long n = syscall_no_intercept(SYS_getgroups, CRED_GROUPS_FEW, few);
	if (n >= 0) {
		pmemfile_setgroups(pfp, (size_t)n, few);
		return;
	}
	n = syscall_no_intercept(SYS_getgroups, 0, 0L);
	if (n >= 0 && n <= CRED_GROUPS_MAX) {
		gid_t *groups = malloc(sizeof(gid_t) * (size_t)(n ? n : 1));
		if (groups != NULL) {
			n = syscall_no_intercept(SYS_getgroups, n, groups);
			if (n >= 0)
				pmemfile_setgroups(pfp, (size_t)n, groups);
			free(groups);
		}
	}
}

void cred_apply(PMEMfilepool *pfp)
{
	cred_apply_ids(pfp, NULL);
	/* umask can only be read by setting it: set it back at once */
	mode_t mask = (mode_t)syscall_no_intercept(SYS_umask, 0);
	syscall_no_intercept(SYS_umask, mask);
	pmemfile_umask(pfp, mask);
}

static long cred_change(long nr, const long a[6])
{
	atomic_fetch_add(&cred_changes, 1);
	long ret = syscall_no_intercept(nr, a[0], a[1], a[2]);

	/* setfsuid and setfsgid return the old id, never an error */
	if (ret >= 0 || nr == SYS_setfsuid || nr == SYS_setfsgid)
		mount_for_each_open(cred_apply_ids, NULL);
	return ret;
}

static void cred_apply_umask(PMEMfilepool *pfp, void *arg)
{
	pmemfile_umask(pfp, *(mode_t *)arg);
}

SYS_HANDLER(umask)
{
	long old = syscall_no_intercept(SYS_umask, a[0]);
	mode_t mask = (mode_t)a[0] & 0777;

	mount_for_each_open(cred_apply_umask, &mask);
	return old;
}

#define CRED_HANDLER(name)                         \
	SYS_HANDLER(name)                          \
	{                                          \
		return cred_change(SYS_##name, a); \
	}

CRED_HANDLER(setuid)
CRED_HANDLER(setgid)
CRED_HANDLER(setreuid)
CRED_HANDLER(setregid)
CRED_HANDLER(setresuid)
CRED_HANDLER(setresgid)
CRED_HANDLER(setfsuid)
CRED_HANDLER(setfsgid)
CRED_HANDLER(setgroups)
