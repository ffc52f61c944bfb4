/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fcntl_lock.h -- advisory locks: POSIX record locks (per owner, i.e. per
 * pool user), OFD record locks and flock locks (per open file description),
 * all volatile.
 */
#ifndef PMEMFILE_FCNTL_LOCK_H
#define PMEMFILE_FCNTL_LOCK_H

#include <sys/types.h>

#include "vinode.h"

struct ofd;

void rlock_free_all(struct vinode *v);
/* Releases every record lock owner holds on v (any close does that for the
 * pool handle, the last close of a description for the description). */
void rlock_release_owner(struct vinode *v, const void *owner);
/* F_GETLK, F_SETLK, F_SETLKW for owner; a lock taken records pid. */
int rlock_fcntl(struct vinode *v, const void *owner, pid_t pid, int cmd,
		struct flock *fl, uint64_t cur_offset);
/* Releases the flock held through o (its last close). */
void flock_release(struct ofd *o);

/*
 * A hand-over between holders: each record lock of v passed to f, and
 * a lock made again as it was; o holds flock kind again.
 */
void rlock_each(struct vinode *v,
		void (*f)(void *arg, const void *owner, pid_t pid, short type,
			  uint64_t start, uint64_t end),
		void *arg);
int rlock_add(struct vinode *v, const void *owner, pid_t pid, short type,
	      uint64_t start, uint64_t end);
void flock_remake(struct ofd *o, int kind);

#endif
