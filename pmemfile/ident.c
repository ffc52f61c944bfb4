// SPDX-License-Identifier: BSD-3-Clause
/*
 * ident.c -- the credential calls: the identity the pool checks
 * permissions against. As in the discontinued library, a handle starts as
 * user and group 0 with no capability (cred_init) and any id may be set
 * (whoever may write the pool file may act as anyone inside it: its
 * permissions are the boundary). Capabilities follow the kernel's rules
 * when the effective uid moves from or to 0 (cred_done). The preload shim
 * gives each handle its process's identity, as the kernel holds it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cred.h"

#define UNSET ((uid_t)-1)

static int cred_write(PMEMfilepool *pfp, struct cred **c)
{
	if (!pfp)
		return -EFAULT;
	pthread_rwlock_wrlock(&pfp->cred_lock);
	*c = &pfp->cred;
	return 0;
}

static void cred_done(PMEMfilepool *pfp, uid_t old_euid)
{
	struct cred *c = &pfp->cred;
	/* the kernel's capability emulation of setuid changes (the library
	 * knows no saved uid: the permitted set stays) */
	if (old_euid == 0 && c->euid != 0)
		c->caps = 0;
	else if (old_euid != 0 && c->euid == 0)
		c->caps = c->pcaps;
	pthread_rwlock_unlock(&pfp->cred_lock);
}

/* Any id may be set: -1 (unchanged) or one that fits an int. */
static bool uid_ok(const struct cred *c, uid_t id)
{
	(void)c;
	return id == (uid_t)-1 || id <= INT_MAX;
}

static bool gid_ok(const struct cred *c, gid_t id)
{
	(void)c;
	return id == (gid_t)-1 || id <= INT_MAX;
}

int pmemfile_setreuid(PMEMfilepool *pfp, pmemfile_uid_t ruid,
		      pmemfile_uid_t euid)
{
	struct cred *c;
	int r = cred_write(pfp, &c);
	if (r)
		return (int)pf_ret(r);
	uid_t old = c->euid;
	if ((ruid != UNSET && !uid_ok(c, ruid)) ||
	    (euid != UNSET && !uid_ok(c, euid))) {
		r = -EINVAL;
	} else {
		if (ruid != UNSET)
			c->ruid = ruid;
		if (euid != UNSET)
			c->euid = c->fsuid = euid;
	}
	cred_done(pfp, old);
	return (int)pf_ret(r);
}

int pmemfile_setregid(PMEMfilepool *pfp, pmemfile_gid_t rgid,
		      pmemfile_gid_t egid)
{
	struct cred *c;
	int r = cred_write(pfp, &c);
	if (r)
		return (int)pf_ret(r);
	if ((rgid != (gid_t)-1 && !gid_ok(c, rgid)) ||
	    (egid != (gid_t)-1 && !gid_ok(c, egid))) {
		r = -EINVAL;
	} else {
		if (rgid != (gid_t)-1)
			c->rgid = rgid;
		if (egid != (gid_t)-1)
			c->egid = c->fsgid = egid;
	}
	cred_done(pfp, c->euid);
	return (int)pf_ret(r);
}

/* As in the discontinued library: the effective (and fs) id only. */
int pmemfile_setuid(PMEMfilepool *pfp, pmemfile_uid_t uid)
{
	return pmemfile_setreuid(pfp, (uid_t)-1, uid);
}

int pmemfile_setgid(PMEMfilepool *pfp, pmemfile_gid_t gid)
{
	return pmemfile_setregid(pfp, (gid_t)-1, gid);
}

int pmemfile_seteuid(PMEMfilepool *pfp, pmemfile_uid_t uid)
{
	struct cred *c;
	int r = cred_write(pfp, &c);
	if (r)
		return (int)pf_ret(r);
	uid_t old = c->euid;
	if (uid_ok(c, uid))
		c->euid = c->fsuid = uid;
	else
		r = -EINVAL;
	cred_done(pfp, old);
	return (int)pf_ret(r);
}

int pmemfile_setegid(PMEMfilepool *pfp, pmemfile_gid_t gid)
{
	struct cred *c;
	int r = cred_write(pfp, &c);
	if (r)
		return (int)pf_ret(r);
	if (gid_ok(c, gid))
		c->egid = c->fsgid = gid;
	else
		r = -EINVAL;
	cred_done(pfp, c->euid);
	return (int)pf_ret(r);
}

/*
 * setfsuid and setfsgid return the previous value; -1 changes nothing (a
 * query, as in the kernel), an id beyond INT_MAX fails with EINVAL.
 */
int pmemfile_setfsuid(PMEMfilepool *pfp, pmemfile_uid_t fsuid)
{
	struct cred *c;
	if (cred_write(pfp, &c))
		return (int)pf_ret(-EFAULT);
	uid_t old = c->fsuid;
	if (!uid_ok(c, fsuid)) {
		cred_done(pfp, c->euid);
		return (int)pf_ret(-EINVAL);
	}
	if (fsuid != (uid_t)-1)
		c->fsuid = fsuid;
	cred_done(pfp, c->euid);
	return (int)old;
}

int pmemfile_setfsgid(PMEMfilepool *pfp, pmemfile_uid_t fsgid)
{
	struct cred *c;
	if (cred_write(pfp, &c))
		return (int)pf_ret(-EFAULT);
	gid_t old = c->fsgid;
	if (!gid_ok(c, fsgid)) {
		cred_done(pfp, c->euid);
		return (int)pf_ret(-EINVAL);
	}
	if (fsgid != (gid_t)-1)
		c->fsgid = fsgid;
	cred_done(pfp, c->euid);
	return (int)old;
}

#define CRED_GET(name, field, type)                     \
	type name(PMEMfilepool *pfp)                    \
	{                                               \
		if (!pfp)                               \
			return (type)-1;                \
		pthread_rwlock_rdlock(&pfp->cred_lock); \
		type v = pfp->cred.field;               \
		pthread_rwlock_unlock(&pfp->cred_lock); \
		return v;                               \
	}

CRED_GET(pmemfile_getuid, ruid, pmemfile_uid_t)
CRED_GET(pmemfile_geteuid, euid, pmemfile_uid_t)
CRED_GET(pmemfile_getgid, rgid, pmemfile_gid_t)
CRED_GET(pmemfile_getegid, egid, pmemfile_gid_t)

int pmemfile_getgroups(PMEMfilepool *pfp, int size, pmemfile_gid_t list[])
{
	if (!pfp)
		return (int)pf_ret(-EFAULT);
	if (size < 0)
		return (int)pf_ret(-EINVAL);
	pthread_rwlock_rdlock(&pfp->cred_lock);
	int n = (int)pfp->cred.ngroups;
	int r = n;
	if (size > 0 && size < n)
		r = -EINVAL;
	else if (size > 0 && n > 0)
		memcpy(list, pfp->cred.groups, (size_t)n * sizeof(gid_t));
	pthread_rwlock_unlock(&pfp->cred_lock);
	return (int)pf_ret(r);
}

int pmemfile_setgroups(PMEMfilepool *pfp, size_t size,
		       const pmemfile_gid_t *list)
{
	if (!pfp)
		return (int)pf_ret(-EFAULT);
	if (size > 65536)
		return (int)pf_ret(-EINVAL);
	gid_t *g = NULL;
	if (size) {
		if (!list)
			return (int)pf_ret(-EFAULT);
		g = malloc(size * sizeof(gid_t));
		if (!g)
			return (int)pf_ret(-ENOMEM);
		memcpy(g, list, size * sizeof(gid_t));
	}
	pthread_rwlock_wrlock(&pfp->cred_lock);
	free(pfp->cred.groups);
	pfp->cred.groups = g;
	pfp->cred.ngroups = size;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return 0;
}

static int cap_change(PMEMfilepool *pfp, int cap, bool set)
{
	if (!pfp)
		return (int)pf_ret(-EFAULT);
	if (cap < 0 || cap >= 64 || !((CRED_CAPS_ALL >> cap) & 1))
		return (int)pf_ret(-EINVAL);
	pthread_rwlock_wrlock(&pfp->cred_lock);
	if (set)
		pfp->cred.caps |= 1ULL << cap;
	else
		pfp->cred.caps &= ~(1ULL << cap);
	/* as root, the set is the permitted one too (cred_done) */
	if (pfp->cred.euid == 0)
		pfp->cred.pcaps = pfp->cred.caps;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return 0;
}

int pmemfile_setcap(PMEMfilepool *pfp, int cap)
{
	return cap_change(pfp, cap, true);
}

int pmemfile_clrcap(PMEMfilepool *pfp, int cap)
{
	return cap_change(pfp, cap, false);
}
