/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fd_table.h -- pool descriptors. An open file description of a pool
 * (struct preload_file) lives apart from descriptor numbers and is
 * refcounted: dup shares it, each number holds one reference. Each number
 * is also a real kernel descriptor (a placeholder: an eventfd that is always
 * readable and writable), so the kernel keeps numbering, O_CLOEXEC,
 * close_range and poll/select/epoll readiness coherent.
 */
#ifndef PRELOAD_FD_TABLE_H
#define PRELOAD_FD_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "libpmemfile-posix.h"

struct preload_mount;

struct preload_file {
	_Atomic long refs;
	struct preload_mount *mnt;
	PMEMfile *file;
	int flags; /* the flags it was opened with */
	bool is_dir;
	/*
	 * Opened by this process with the credentials of cred_generation
	 * then (set by the open, sys_open.c), for linkat's AT_EMPTY_PATH; 0:
	 * elsewhere (before an execve, in a parent, by a process that sent
	 * it).
	 */
	pid_t opener;
	unsigned long opener_cred;
	/*
	 * In the pool, absolute, as opened; a directory's is checked again
	 * after a rename (path_of_dir). path_lock guards path and path_gen.
	 */
	char path[PMEMFILE_PATH_MAX];
	unsigned long path_gen;
	pthread_mutex_t path_lock;
	struct preload_file *next_free;
};

/* Whether any pool descriptor was ever installed (the fast way out). */
extern _Atomic bool fd_table_used;

/*
 * The description behind fd with a reference taken, or NULL when fd is
 * not a pool descriptor. Lock-free; release with fd_put.
 */
struct preload_file *fd_get(int fd);
void fd_put(struct preload_file *f);

/* Whether fd is a pool descriptor, taking no reference (signal-safe). */
bool fd_is_pool(int fd);

/*
 * Makes fd (a kernel placeholder the caller owns) a new description of
 * file, opened with flags at path in m. Returns 0, or -ENOMEM.
 */
int fd_attach(int fd, struct preload_mount *m, PMEMfile *file, int flags,
	      bool is_dir, const char *path);

/*
 * As fd_attach, for a directory that was removed: path is the one it had,
 * which is looked at (path_of_dir) before it is used.
 */
int fd_attach_removed(int fd, struct preload_mount *m, PMEMfile *file,
		      int flags, const char *path);

/*
 * Makes fd (a kernel placeholder already owned by the caller) refer to f,
 * taking a new reference to f. Returns the description fd held before
 * (whose reference passes to the caller), or NULL.
 */
struct preload_file *fd_install(int fd, struct preload_file *f);

/* Detaches fd from its description; returns it (with its reference). */
struct preload_file *fd_remove(int fd);

/* A kernel placeholder number for a new pool descriptor, or -errno. */
int fd_placeholder(bool cloexec);

/* Whether fd is the eventfd every placeholder duplicates. */
bool fd_is_template(long fd);
/* The program closed or replaced the numbers first..last (not in a vfork
 * child, whose descriptors are its own). */
void fd_template_gone(long first, long last);

/* One more than the highest number that ever held a pool descriptor. */
int fd_table_limit(void);

/* The parent of a vfork resumed: the child's own numbers are dropped. */
void fd_vfork_done(void);

/* pthread_atfork handlers: the free list's lock around fork */
void fd_table_fork_prepare(void);
void fd_table_fork_done(void);

#endif
