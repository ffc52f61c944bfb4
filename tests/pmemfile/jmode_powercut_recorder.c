// SPDX-License-Identifier: BSD-3-Clause
/*
 * jmode_powercut_recorder.c -- jmode_powercut_recorder.so, preloaded into
 * the workload of the journal mode's power-cut test. A hook of
 * libsyscall_intercept sees each system call that writes to the pool file
 * or to its journal (pool.journal) and appends it to the record
 * (jmode_powercut.h) with its bytes, and each fdatasync, fsync, syncfs or
 * sync that made them durable. The calls still go to the kernel: the
 * workload reads back what it wrote (a checkpoint reads the journal).
 *
 * A call and its record are made under one lock, and the workload's marks
 * (its writes to the record) under it too, so that the record's order is
 * the order in which the calls happened, across threads (the keeper
 * writes the checkpoints). A durability call is recorded once it returned:
 * every write recorded before it is then durable.
 *
 * The journal is found by its name, at the first call on a descriptor of
 * it (it appears empty then: the library creates it at the pool's first
 * open in journal mode).
 *
 * Environment: JP_POOL (the pool file), JP_RECORD (appended to).
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <libsyscall_intercept_hook_point.h>

#include "jmode_powercut.h"

struct ident {
	int known;
	dev_t dev;
	ino_t ino;
};

static struct ident pool, journal, record;
static char journal_path[PATH_MAX];
static long record_fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The record is the test's evidence: a record it cannot write ends it. */
static void record_write(const struct iovec *iov, int cnt)
{
	long want = 0;
	for (int i = 0; i < cnt; i++)
		want += (long)iov[i].iov_len;
	if (syscall_no_intercept(SYS_writev, record_fd, iov, cnt) != want) {
		static const char msg[] = "jmode_powercut_recorder: record "
					  "write failed\n";
		syscall_no_intercept(SYS_write, 2, msg, sizeof(msg) - 1);
		syscall_no_intercept(SYS_exit_group, 99);
	}
}

static void record_plain(uint32_t type, uint32_t file, uint64_t off,
			 uint64_t aux)
{
	struct jp_rec r = {JP_MAGIC, type, file, 0, off, aux, 0};
	struct iovec iov = {&r, sizeof(r)};
	record_write(&iov, 1);
}

/*
 * The record of a write of n bytes at off from the buffers of iov: the
 * head, then the buffers' first n bytes, IOV_MAX buffers at a time.
 */
static void record_data(uint32_t file, uint64_t off, const struct iovec *iov,
			long cnt, uint64_t n)
{
	struct jp_rec r = {JP_MAGIC, JP_WRITE, file, 0, off, 0, n};
	struct iovec head = {&r, sizeof(r)};
	record_write(&head, 1);
	struct iovec part[64];
	int k = 0;
	for (long i = 0; i < cnt && n > 0; i++) {
		size_t len = iov[i].iov_len < n ? iov[i].iov_len : n;
		if (len == 0)
			continue;
		part[k++] = (struct iovec){iov[i].iov_base, len};
		n -= len;
		if (k == 64) {
			record_write(part, k);
			k = 0;
		}
	}
	if (k)
		record_write(part, k);
}

static int same(const struct ident *id, const struct stat *st)
{
	return id->known && id->dev == st->st_dev && id->ino == st->st_ino;
}

/*
 * Which file fd is: JP_POOL, JP_JOURNAL, 2 for the record, -1 for another.
 * A journal seen for the first time (or made anew) is recorded as created.
 */
static int which(long fd)
{
	struct stat st, js;
	if (fd < 0 || syscall_no_intercept(SYS_fstat, fd, &st) != 0)
		return -1;
	if (same(&pool, &st))
		return JP_POOL;
	if (same(&record, &st))
		return 2;
	if (same(&journal, &st))
		return JP_JOURNAL;
	if (!S_ISREG(st.st_mode) ||
	    syscall_no_intercept(SYS_stat, journal_path, &js) != 0 ||
	    js.st_dev != st.st_dev || js.st_ino != st.st_ino)
		return -1;
	journal = (struct ident){1, st.st_dev, st.st_ino};
	record_plain(JP_CREATE, JP_JOURNAL, 0, 0);
	return JP_JOURNAL;
}

/* A call on the fd: done (its result in *result) and recorded, under lock. */
static int on_fd(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		 long *result)
{
	pthread_mutex_lock(&lock);
	int f = which(a0);
	if (f < 0) {
		pthread_mutex_unlock(&lock);
		return 1;
	}
	long r;
	if (f == 2) {
		/* a mark of the workload: whole, between two records */
		r = syscall_no_intercept(nr, a0, a1, a2, a3, a4, a5);
		*result = r;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	long pos = -1;
	if (nr == SYS_write || nr == SYS_writev ||
	    (nr == SYS_pwritev2 && a3 == -1))
		pos = syscall_no_intercept(SYS_lseek, a0, 0, SEEK_CUR);
	r = syscall_no_intercept(nr, a0, a1, a2, a3, a4, a5);
	*result = r;
	if (r < 0) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	struct iovec one = {(void *)a1, (size_t)r};
	switch (nr) {
	case SYS_write:
		record_data((uint32_t)f, (uint64_t)pos, &one, 1, (uint64_t)r);
		break;
	case SYS_pwrite64:
		record_data((uint32_t)f, (uint64_t)a3, &one, 1, (uint64_t)r);
		break;
	case SYS_writev:
		record_data((uint32_t)f, (uint64_t)pos, (void *)a1, a2,
			    (uint64_t)r);
		break;
	case SYS_pwritev:
	case SYS_pwritev2:
		record_data((uint32_t)f, (uint64_t)(a3 == -1 ? pos : a3),
			    (void *)a1, a2, (uint64_t)r);
		break;
	case SYS_ftruncate:
		record_plain(JP_SIZE, (uint32_t)f, (uint64_t)a1, 0);
		break;
	case SYS_fallocate: {
		struct jp_rec rec = {JP_MAGIC,
				     JP_ALLOC,
				     (uint32_t)f,
				     (uint32_t)a1,
				     (uint64_t)a2,
				     (uint64_t)a3,
				     0};
		struct iovec iov = {&rec, sizeof(rec)};
		record_write(&iov, 1);
		break;
	}
	case SYS_fsync:
	case SYS_fdatasync:
		record_plain(JP_SYNC, 1u << f, 0, 0);
		break;
	case SYS_syncfs:
		record_plain(JP_SYNC, 1u << JP_POOL | 1u << JP_JOURNAL, 0, 0);
		break;
	default:
		record_plain(JP_UNSEEN, (uint32_t)f, 0, (uint64_t)nr);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

/* A call that may write to fd without a record of its bytes. */
static void unseen(long nr, long fd)
{
	pthread_mutex_lock(&lock);
	int f = which(fd);
	if (f == JP_POOL || f == JP_JOURNAL)
		record_plain(JP_UNSEEN, (uint32_t)f, 0, (uint64_t)nr);
	pthread_mutex_unlock(&lock);
}

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	switch (nr) {
	case SYS_write:
	case SYS_writev:
	case SYS_pwrite64:
	case SYS_pwritev:
	case SYS_pwritev2:
	case SYS_ftruncate:
	case SYS_fallocate:
	case SYS_fsync:
	case SYS_fdatasync:
	case SYS_syncfs:
		return on_fd(nr, a0, a1, a2, a3, a4, a5, result);
	case SYS_sendfile:
	case SYS_splice:
	case SYS_copy_file_range:
		/* the descriptor written: the first (sendfile), the third */
		unseen(nr, nr == SYS_sendfile ? a0 : a2);
		return 1;
	case SYS_sync: {
		pthread_mutex_lock(&lock);
		*result = syscall_no_intercept(SYS_sync);
		record_plain(JP_SYNC, 1u << JP_POOL | 1u << JP_JOURNAL, 0, 0);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	case SYS_mmap:
		/* a shared writable map: stores the record does not see */
		if ((a2 & PROT_WRITE) && (a3 & MAP_TYPE) != MAP_PRIVATE &&
		    !(a3 & MAP_ANONYMOUS))
			unseen(nr, a4);
		return 1;
	default:
		return 1;
	}
}

static __attribute__((constructor)) void recorder_init(void)
{
	const char *p = getenv("JP_POOL");
	const char *path = getenv("JP_RECORD");
	struct stat st;
	if (!p || !path || stat(p, &st) != 0 ||
	    snprintf(journal_path, sizeof(journal_path), "%s.journal", p) >=
		(int)sizeof(journal_path))
		abort();
	pool = (struct ident){1, st.st_dev, st.st_ino};
	record_fd = syscall_no_intercept(
	    SYS_open, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (record_fd < 0 || fstat((int)record_fd, &st) != 0)
		abort();
	record = (struct ident){1, st.st_dev, st.st_ino};
	intercept_hook_point = hook;
}
