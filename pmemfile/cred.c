// SPDX-License-Identifier: BSD-3-Clause
/*
 * cred.c -- credentials of the pool's user and permission checks.
 *
 * The identity starts as user 0 without capabilities (ident.c). Like the
 * kernel, a user failing the mode bits passes with CAP_DAC_OVERRIDE (read,
 * write, search, and execute with some execute bit) or CAP_DAC_READ_SEARCH
 * (read, search): capabilities, not uid 0.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cred.h"
#include "procid.h"

/*
 * As in the discontinued library: user and group 0, no supplementary
 * group, no capability (ident.c).
 */
int cred_init(PMEMfilepool *pfp)
{
	memset(&pfp->cred, 0, sizeof(pfp->cred));
	return 0;
}

int pmemfile_cred_of_process(PMEMfilepool *pfp)
{
	static const int known[] = {PMEMFILE_CAP_CHOWN,
				    PMEMFILE_CAP_DAC_OVERRIDE,
				    PMEMFILE_CAP_DAC_READ_SEARCH,
				    PMEMFILE_CAP_FOWNER, PMEMFILE_CAP_FSETID};
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (!pfp) {
		errno = EFAULT;
		return -1;
	}
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg))
		return -1;
	int n = getgroups(0, NULL);
	gid_t *groups = calloc(n > 0 ? (size_t)n : 1, sizeof(gid_t));
	if (!groups)
		return -1;
	n = n > 0 ? getgroups(n, groups) : 0;
	int r = n < 0 || pmemfile_setgroups(pfp, (size_t)n, groups) ||
			pmemfile_setregid(pfp, rg, eg)
		    ? -1
		    : 0;
	free(groups);
	if (r == 0)
		r = pmemfile_setreuid(pfp, ru, eu);
	if (r)
		return r;
	/* then the sets the kernel holds, as they are */
	bool known_caps = syscall(SYS_capget, &h, d) == 0;
	pthread_rwlock_wrlock(&pfp->cred_lock);
	pfp->cred.caps = pfp->cred.pcaps = 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint64_t bit = 1ULL << known[i];
		if (known_caps ? (d[0].effective >> known[i]) & 1 : eu == 0)
			pfp->cred.caps |= bit;
		if (known_caps ? (d[0].permitted >> known[i]) & 1 : ru == 0)
			pfp->cred.pcaps |= bit;
	}
	pthread_rwlock_unlock(&pfp->cred_lock);
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

/* In a transaction of its own: the inode's mode. */
static int mode_store(PMEMfilepool *pfp, struct pmemfile_inode *in,
		      uint32_t mode)
{
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		tx_add(pfp, &in->mode, sizeof(in->mode));
		in->mode = mode;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

int cred_kill_setid(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	uint32_t mode = in->mode;
	if (!S_ISREG(mode) || !(mode & (S_ISUID | S_ISGID)))
		return 0;
	uint32_t kill = mode & S_ISUID;
	/* without group execute, S_ISGID marks mandatory locking: kept for
	 * a member of the group */
	if ((mode & S_ISGID) &&
	    ((mode & S_IXGRP) || !cred_in_group(pfp, in->gid)))
		kill |= S_ISGID;
	if (!kill || cred_has_cap(pfp, PMEMFILE_CAP_FSETID))
		return 0;
	/* a transaction, for the inode's checksum stored with the mode */
	return mode_store(pfp, in, mode & ~kill);
}
