/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * remote.h -- the calls of a process that does not hold its pool: each is
 * sent to the holder's keeper (share.h) and answered there.
 *
 * A handle such a process gets from open is an id, not an address: the
 * description's id in the segment with REMOTE_TAG set, which no user
 * address has. A handle a fork child inherited is its parent's, and
 * carries the id in its description (exported before the fork).
 */
#ifndef PMEMFILE_REMOTE_H
#define PMEMFILE_REMOTE_H

#include <stdarg.h>

#include "file.h"
#include "internal.h"

#define REMOTE_TAG 0xC000000000000000ULL
/*
 * Bits 32-47 of such a handle: the epoch of the segment (share.h) its id
 * belongs to, so that an id given again after its holder died is not
 * taken for the old one.
 */
#define REMOTE_EPOCH_SHIFT 32
#define REMOTE_EPOCH_MASK 0xffffu

/* Whether f is a handle of a process that does not hold the pool. */
static inline bool remote_handle(const PMEMfile *f)
{
	return ((uintptr_t)f & REMOTE_TAG) == REMOTE_TAG &&
	       f != PMEMFILE_AT_CWD;
}

/*
 * At the top of an entry point: a call of a client is sent to the holder;
 * call returns 1 when this process became the holder meanwhile, and the
 * entry point then goes on here, unless cond still holds: a handle of
 * another process's description (a client's id) is served by this
 * process's keeper now, as the next call's would be (run here, it failed
 * with EIO).
 */
#define REMOTE_OR_LOCAL(pfp, call) ROUTE_OR_LOCAL(pf_remote(pfp), call)
#define ROUTE_OR_LOCAL(cond, call)                                   \
	do {                                                         \
		for (int remote_try_ = 0; remote_try_ < 2 && (cond); \
		     ++remote_try_) {                                \
			int remote_r_ = (call);                      \
			if (remote_r_ != 1)                          \
				return remote_r_;                    \
		}                                                    \
	} while (0)

/*
 * Makes sure some live process holds the pool: returns 1 when that is
 * now this one (the call runs here), 0 when another, or -errno.
 */
int remote_ready(PMEMfilepool *pfp);

/*
 * A pool handle of a process that does not hold the pool (yet); known:
 * what stat found at path, or NULL.
 */
PMEMfilepool *remote_pool_new(const char *path, const struct stat *known);

void remote_close(PMEMfilepool *pfp, PMEMfile *file);
/*
 * Waits until the keeper has served the releases this process's closes
 * posted without waiting, before it takes references anew (a received
 * description, a fork child's copy of them).
 */
void remote_posted_wait(PMEMfilepool *pfp);
void remote_leave(PMEMfilepool *pfp);
PMEMfile *remote_openat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			int flags, mode_t mode);
PMEMfile *remote_open_root(PMEMfilepool *pfp, unsigned index, int flags);
PMEMfile *remote_dup(PMEMfilepool *pfp, PMEMfile *file);
ssize_t remote_rw(PMEMfilepool *pfp, PMEMfile *file, const struct iovec *iov,
		  int iovcnt, bool write, bool positional, off_t offset);
off_t remote_lseek(PMEMfilepool *pfp, PMEMfile *file, off_t offset, int whence);
int remote_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		   struct stat *buf, int flags);
int remote_fstat(PMEMfilepool *pfp, PMEMfile *file, struct stat *buf);
int remote_fcntl(PMEMfilepool *pfp, PMEMfile *file, int cmd, va_list ap);
int remote_flock(PMEMfilepool *pfp, PMEMfile *file, int op);
int remote_getdents(PMEMfilepool *pfp, PMEMfile *file, void *dirp,
		    unsigned count, bool is64);
int remote_path_op(PMEMfilepool *pfp, int op, PMEMfile *dir, const char *path,
		   long a0, long a1, long a2);
int remote_two_paths(PMEMfilepool *pfp, int op, PMEMfile *dir0,
		     const char *path0, PMEMfile *dir1, const char *path1,
		     unsigned flags);
ssize_t remote_readlinkat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			  char *buf, size_t size);
int remote_file_op(PMEMfilepool *pfp, int op, PMEMfile *file, long a0, long a1,
		   long a2);
int remote_utimens(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		   const struct timespec times[2], int flags, bool by_file);
ssize_t remote_copy_range(PMEMfilepool *pfp, PMEMfile *in, off_t *off_in,
			  PMEMfile *out, off_t *off_out, size_t len,
			  unsigned flags);
int remote_statfs(PMEMfilepool *pfp, struct statfs *buf);
void remote_stats(PMEMfilepool *pfp, struct pmemfile_stats *stats);
unsigned remote_root_count(PMEMfilepool *pfp);
/* A sync point of the pool, made by its holder: 0 or -errno. */
int remote_sync(PMEMfilepool *pfp);
char *remote_dir_path(PMEMfilepool *pfp, PMEMfile *dir, char *buf, size_t size);
int remote_chdir(PMEMfilepool *pfp, PMEMfile *dir, const char *path);
char *remote_getcwd(PMEMfilepool *pfp, char *buf, size_t size);
PMEMfilepin *remote_pin(PMEMfilepool *pfp, PMEMfile *file, off_t offset,
			size_t length, uint64_t *pool_offsets);
void remote_unpin(PMEMfilepool *pfp, uint32_t id);

/* The keeper (keeper.c). */
void keeper_start(PMEMfilepool *pfp);
void keeper_stop(PMEMfilepool *pfp);
/*
 * Before the holder lets the pool go (close, exit, or execve with exec):
 * stops the keeper thread and leaves in the segment the descriptions that
 * other processes (with exec, also this one) refer to, for the next holder
 * to make again. Whether there were any.
 */
bool keeper_handover(PMEMfilepool *pfp, bool exec);
/*
 * The holder leaves (exit) while other processes use the pool: a copy of
 * it goes on holding the pool (keeper.c), and this process goes on as a
 * client. Whether it did.
 */
bool keeper_leave_to_copy(PMEMfilepool *pfp);
/*
 * At the take-over: the descriptions and the locks the holder that left
 * kept for the others, made again here.
 */
void keeper_take_over(PMEMfilepool *pfp);

/*
 * Whether a call on handle f goes through a channel: a client's calls, and
 * the holder's on a handle it got as a client (an id, remote.h), which its
 * own keeper thread runs.
 */
static inline bool pf_route(PMEMfilepool *pfp, const PMEMfile *f)
{
	return pf_remote(pfp) || remote_handle(f) ||
	       ((intptr_t)f > 0 && __builtin_expect(f->ofd->stale, 0));
}

/*
 * pf_route for a call given a directory and a path in it: an absolute path
 * leaves the directory unused, as the kernel ignores the descriptor then,
 * so that a handle that is no handle is not looked at.
 */
static inline bool pf_route_at(PMEMfilepool *pfp, const PMEMfile *dir,
			       const char *path)
{
	if (path && path[0] == '/')
		return pf_remote(pfp);
	return pf_route(pfp, dir);
}

/* Marks every description of pfp's list a stale copy (see struct ofd). */
void ofds_mark_stale(PMEMfilepool *pfp);

/* pool.c: opens the pool in this process, into pfp (which may be a
 * client's handle), after share_elect said so. */
int pool_take_over(PMEMfilepool *pfp);
/*
 * pool.c: the holder, alone in its process and exiting after it resigned,
 * unmaps the pool file, which lets libpmemobj's lock of it go (and says
 * so) before the kernel's end of the process would.
 */
void pool_exit_unlock(PMEMfilepool *pfp);

#endif
