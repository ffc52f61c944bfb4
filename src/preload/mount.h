/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mount.h -- the pools named by PMEMFILE_POOLS, their mount points, and the
 * gate every use of a pool goes through.
 */
#ifndef PRELOAD_MOUNT_H
#define PRELOAD_MOUNT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "libpmemfile-posix.h"

#define MOUNT_MAX 16

struct preload_mount {
	char *path; /* canonical absolute mount point, no trailing '/' */
	size_t path_len;
	const char *last; /* the last component of path */
	size_t last_len;
	char *pool_path;
	/*
	 * The pool, set by pool_acquire (under open_lock) and kept for the
	 * life of the process; NULL until then, or when it failed.
	 */
	PMEMfilepool *_Atomic pfp;
	/*
	 * The pool could not be opened: calls under the mount fail with EIO
	 * (never the kernel's directory behind it). The open is tried again
	 * only when the pool file is not what it was then (failed_file),
	 * looked at no more than once a second (failed_checked).
	 */
	_Atomic int failed;
	struct mount_file_id {
		int err; /* of stat: 0, or the errno */
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec ctime;
	} failed_file;
	time_t failed_checked;
	int failed_reported; /* its message was printed */
	int busy_reported;   /* the pool was locked by another process */
	pthread_mutex_t open_lock;
};

extern struct preload_mount mount_table[MOUNT_MAX];
extern int mount_count;

/* Parses PMEMFILE_POOLS; a malformed entry is reported and skipped. */
void mount_init(const char *pools);

/*
 * Makes an absolute path canonical in place, lexically: no "." or ".."
 * components, no repeated or trailing slashes. Returns its length, 0 for
 * "/" or a relative path.
 */
size_t mount_canonical(char *p);

/* The mount whose mount point is exactly path[0..len), or NULL. */
struct preload_mount *mount_find_exact(const char *path, size_t len);

/*
 * The mount whose point is path or a prefix of it at a component boundary,
 * or NULL.
 */
struct preload_mount *mount_find_prefix(const char *path);

/* Whether some mount point's last component is name[0..len). */
bool mount_is_last_component(const char *name, size_t len);

/*
 * The gate: every use of a pool is bracketed by pool_acquire and
 * pool_release. Acquire opens the pool when it is not open; in a process
 * that does not hold the pool the handle's calls go to the one that does.
 */
int pool_acquire(struct preload_mount *m, PMEMfilepool **pfp);
void pool_release(struct preload_mount *m);

/* The gate for a call on an open file description of m. */
int pool_file_acquire(struct preload_mount *m, PMEMfilepool **pfp);

/* The vfork child this thread ran is gone: its own handles are dropped. */
void mount_vfork_done(void);

/* Before execve: a pool this process holds is held on for the new image. */
void mount_exec_prepare(void);

/* Calls fn on every pool this process has a handle of (credentials). */
void mount_for_each_open(void (*fn)(PMEMfilepool *pfp, void *arg), void *arg);

/*
 * The descriptors libpmemfile-posix keeps for the pools this process has
 * open: a program's close or close_range leaves them (as not its own).
 */
#define MOUNT_OWN_FDS_MAX 64
struct mount_own_fds {
	int n;
	int fd[MOUNT_OWN_FDS_MAX];
};
void mount_own_fds(struct mount_own_fds *o);
bool mount_fd_is_own(long fd);

/* pthread_atfork handlers: the mounts' locks around fork */
void mount_fork_prepare(void);
void mount_fork_done(void);

#endif
