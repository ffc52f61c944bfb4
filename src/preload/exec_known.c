/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_known.c -- facts about programs of the kernel, kept across execve
 * calls (see exec_known.h).
 *
 * The table is this process's memory: a vfork child (dash, posix_spawn)
 * writes into its parent's, so the next command the parent starts finds
 * what the last one learned; a fork child's notes die with its image. It
 * is taken with a flag, never waited for: a vfork child may run it while a
 * thread of its parent does, and a child killed with the flag taken
 * leaves the table unused, never a caller waiting.
 *
 * A file is the same while its device, inode, size and modification and
 * change times are: any write or metadata change moves the change time,
 * a replacement (rename, a new copy) is another inode.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "exec_known.h"

#define EXEC_KNOWN_FILES 16

struct known_file {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	unsigned facts; /* enum exec_known_fact, or'ed; 0: a free entry */
};

static struct known_file known[EXEC_KNOWN_FILES];
static unsigned known_next; /* the entry the next new file takes */
static atomic_flag known_busy = ATOMIC_FLAG_INIT;

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static struct known_file *known_find(const struct stat *st)
{
	for (int i = 0; i < EXEC_KNOWN_FILES; ++i) {
		struct known_file *k = &known[i];
		if (k->facts != 0 && k->dev == st->st_dev &&
		    k->ino == st->st_ino && k->size == st->st_size &&
		    same_time(&k->mtime, &st->st_mtim) &&
		    same_time(&k->ctime, &st->st_ctim))
			return k;
	}
	return NULL;
}

bool exec_known(const struct stat *st, enum exec_known_fact fact)
{
	if (atomic_flag_test_and_set_explicit(&known_busy,
					      memory_order_acquire))
		return false;
	const struct known_file *k = known_find(st);
	bool found = k != NULL && (k->facts & fact) != 0;
	atomic_flag_clear_explicit(&known_busy, memory_order_release);
	return found;
}

void exec_known_note(const struct stat *st, enum exec_known_fact fact)
{
	if (atomic_flag_test_and_set_explicit(&known_busy,
					      memory_order_acquire))
		return;
	struct known_file *k = known_find(st);
	if (k == NULL) {
		k = &known[known_next];
		known_next = (known_next + 1) % EXEC_KNOWN_FILES;
		*k = (struct known_file){.dev = st->st_dev,
					 .ino = st->st_ino,
					 .size = st->st_size,
					 .mtime = st->st_mtim,
					 .ctime = st->st_ctim};
	}
	k->facts |= (unsigned)fact;
	atomic_flag_clear_explicit(&known_busy, memory_order_release);
}
