// SPDX-License-Identifier: BSD-3-Clause
/*
 * cred.c -- credentials of the pool's user and permission checks.
 *
 * The identity starts as the process's own. Like the kernel, a user
 * failing the mode bits passes with CAP_DAC_OVERRIDE (read, write, search,
 * and execute with some execute bit) or CAP_DAC_READ_SEARCH (read,
 * search): capabilities, not uid 0, which may have dropped them.
 */
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cred.h"

/* The process's effective and permitted capabilities that the library
 * knows. */
static void process_caps(struct cred *c)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &h, d) != 0) {
		c->caps = c->euid == 0 ? CRED_CAPS_ALL : 0;
		c->pcaps = c->caps;
		return;
	}
	c->caps = d[0].effective & CRED_CAPS_ALL;
	c->pcaps = d[0].permitted & CRED_CAPS_ALL;
}

int cred_init(PMEMfilepool *pfp)
{
	struct cred *c = &pfp->cred;
	c->ruid = getuid();
	c->euid = c->fsuid = geteuid();
	c->rgid = getgid();
	c->egid = c->fsgid = getegid();
	int n = getgroups(0, NULL);
	c->ngroups = 0;
	c->groups = NULL;
	if (n > 0) {
		c->groups = calloc((size_t)n, sizeof(gid_t));
		if (!c->groups)
			return -ENOMEM;
		n = getgroups(n, c->groups);
		c->ngroups = n > 0 ? (size_t)n : 0;
	}
	process_caps(c);
	return 0;
}

void cred_fini(PMEMfilepool *pfp)
{
	free(pfp->cred.groups);
	pfp->cred.groups = NULL;
}

static bool in_groups(const struct cred *c, gid_t gid)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int perm_check(PMEMfilepool *pfp, const struct pmemfile_inode *in, int mask,
	       bool real)
{
	unsigned m = (unsigned)mask & 7;
	/* granted to everyone: no need to look at who asks */
	if ((in->mode & 0777 & (m | m << 3 | m << 6)) == (m | m << 3 | m << 6))
		return 0;
	pthread_rwlock_rdlock(&pfp->cred_lock);
	const struct cred *c = pf_cred(pfp);
	uid_t uid = real ? c->ruid : c->fsuid;
	gid_t gid = real ? c->rgid : c->fsgid;
	/* access() has the permitted capabilities for a real uid of 0, none
	 * for another */
	uint64_t caps = !real ? c->caps : c->ruid == 0 ? c->pcaps : 0;
	unsigned mode = in->mode;
	unsigned bits;
	if (in->uid == uid)
		bits = mode >> 6;
	else if (in->gid == gid || in_groups(c, in->gid))
		bits = mode >> 3;
	else
		bits = mode;
	int r;
	if ((bits & m) == m)
		r = 0;
	else if ((caps >> PMEMFILE_CAP_DAC_OVERRIDE) & 1)
		r = (m & PERM_X) && !S_ISDIR(mode) && !(mode & 0111) ? -EACCES
								     : 0;
	else if ((caps >> PMEMFILE_CAP_DAC_READ_SEARCH) & 1)
		r = (m & PERM_W) || ((m & PERM_X) && !S_ISDIR(mode)) ? -EACCES
								     : 0;
	else
		r = -EACCES;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return r;
}

bool cred_has_cap(PMEMfilepool *pfp, int cap)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	bool r = (pf_cred(pfp)->caps >> cap) & 1;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return r;
}

bool cred_is_owner(PMEMfilepool *pfp, const struct pmemfile_inode *in)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	bool r = pf_cred(pfp)->fsuid == in->uid ||
		 ((pf_cred(pfp)->caps >> PMEMFILE_CAP_FOWNER) & 1);
	pthread_rwlock_unlock(&pfp->cred_lock);
	return r;
}

bool cred_in_group(PMEMfilepool *pfp, gid_t gid)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	bool r = pf_cred(pfp)->fsgid == gid || in_groups(pf_cred(pfp), gid);
	pthread_rwlock_unlock(&pfp->cred_lock);
	return r;
}

uid_t cred_fsuid(PMEMfilepool *pfp)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	uid_t r = pf_cred(pfp)->fsuid;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return r;
}

void cred_kill_setid(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	uint32_t mode = in->mode;
	if (!S_ISREG(mode) || !(mode & (S_ISUID | S_ISGID)))
		return;
	uint32_t kill = mode & S_ISUID;
	/* without group execute, S_ISGID marks mandatory locking: kept for
	 * a member of the group */
	if ((mode & S_ISGID) &&
	    ((mode & S_IXGRP) || !cred_in_group(pfp, in->gid)))
		kill |= S_ISGID;
	if (!kill || cred_has_cap(pfp, PMEMFILE_CAP_FSETID))
		return;
	/* a 4-byte store is atomic: no transaction needed */
	in->mode = mode & ~kill;
	pmemobj_persist(pfp->pop, &in->mode, sizeof(in->mode));
}
