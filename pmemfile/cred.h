/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cred.h -- the identity of the pool's user and the kernel's permission
 * checks against it.
 */
#ifndef PMEMFILE_CRED_H
#define PMEMFILE_CRED_H

#include "internal.h"

#define PERM_R 4
#define PERM_W 2
#define PERM_X 1

/* The capabilities the library knows (their numbers are the kernel's),
 * and those an effective uid of 0 gains by setuid. */
#define CRED_CAPS_ALL                                                         \
	((1ULL << PMEMFILE_CAP_CHOWN) | (1ULL << PMEMFILE_CAP_DAC_OVERRIDE) | \
	 (1ULL << PMEMFILE_CAP_DAC_READ_SEARCH) |                             \
	 (1ULL << PMEMFILE_CAP_FOWNER) | (1ULL << PMEMFILE_CAP_FSETID))

/* The identity of the process: its ids, groups and effective
 * capabilities. */
int cred_init(PMEMfilepool *pfp);
void cred_fini(PMEMfilepool *pfp);

/*
 * 0 if the file system identity may access the inode with mask (PERM_*),
 * else -EACCES. With real, the real ids are used (access()).
 */
int perm_check(PMEMfilepool *pfp, const struct pmemfile_inode *in, int mask,
	       bool real);

/* Whether the fs identity owns the inode or has CAP_FOWNER. */
bool cred_is_owner(PMEMfilepool *pfp, const struct pmemfile_inode *in);
bool cred_has_cap(PMEMfilepool *pfp, int cap);
/* Whether gid is the fs gid or a supplementary group. */
bool cred_in_group(PMEMfilepool *pfp, gid_t gid);
uid_t cred_fsuid(PMEMfilepool *pfp);

/*
 * Under the inode's exclusive lock, before a write, truncate or fallocate
 * changes a regular file: as the kernel, a user without CAP_FSETID clears
 * S_ISUID, and S_ISGID when group execute is set or the file's group is
 * not one of the user's. 0, or -errno if the transaction that stores
 * the mode failed (the mode is covered by the inode's checksum).
 */
int cred_kill_setid(PMEMfilepool *pfp, struct pmemfile_inode *in);

#endif
