// SPDX-License-Identifier: BSD-3-Clause
/*
 * jmode_threads -- threads that create small files at once in a pool in
 * journal mode, while the mode's own thread backs the image's pages ahead
 * of them (direct.c): each 64 KiB chunk of the image is backed by one
 * thread at a time, and a write that reaches a chunk another thread is
 * backing waits for it. Every file holds its bytes: in the process, after
 * a close and a check of the pool, and after a kill and a simulated power
 * cut (the image in memory lost) that follow a sync point: the files made
 * before it are there, those made after it are not. A write that waited
 * for a chunk nobody backs would hang: the alarm fails the test then.
 *
 * The pool is on a disk file system: PMEMFILE_TEST_DISK, or /var/tmp.
 */
#include "check.h"
#include "tcheck.h"
#include "tjmode.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/magic.h>

#define THREADS 4
#define FILES 300 /* each thread's */
#define POOL_SIZE (96UL << 20)

static char dir[4096], pool[4200];

/* File i of thread t: 4 KiB, or 12 KiB for each seventh (extents of two
 * classes, some of them across a chunk's end). */
static size_t file_size(unsigned t, unsigned i)
{
	(void)t;
	return i % 7 == 6 ? 12288 : 4096;
}

static unsigned char file_byte(unsigned t, unsigned i, size_t at, unsigned v)
{
	return (unsigned char)(t * 131 + i * 17 + at / 4096 * 7 + v * 29 + 1);
}

struct job {
	PMEMfilepool *pfp;
	unsigned t;
	unsigned from, to; /* files [from, to) */
	unsigned v;	   /* the bytes' version */
};

static void *creator(void *arg)
{
	const struct job *j = arg;
	static __thread unsigned char b[12288];
	for (unsigned i = j->from; i < j->to; i++) {
		char name[64];
		snprintf(name, sizeof(name), "/t%u_%u", j->t, i);
		size_t n = file_size(j->t, i);
		for (size_t at = 0; at < n; at++)
			b[at] = file_byte(j->t, i, at, j->v);
		PMEMfile *f = pmemfile_open(
		    j->pfp, name,
		    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_TRUNC,
		    0644);
		if (!f)
			T_FAIL("open %s: %s", name, strerrorname_np(errno));
		ssize_t w = pmemfile_write(j->pfp, f, b, n);
		if (w != (ssize_t)n)
			T_FAIL("write %s: %zd of %zu", name, w, n);
		pmemfile_close(j->pfp, f);
	}
	return NULL;
}

/* Files [from, to) of every thread, version v, at once. */
static void create_all(PMEMfilepool *pfp, unsigned from, unsigned to,
		       unsigned v)
{
	pthread_t th[THREADS];
	struct job jobs[THREADS];
	for (unsigned t = 0; t < THREADS; t++) {
		jobs[t] = (struct job){pfp, t, from, to, v};
		T_EQ(pthread_create(&th[t], NULL, creator, &jobs[t]), 0);
	}
	for (unsigned t = 0; t < THREADS; t++)
		T_EQ(pthread_join(th[t], NULL), 0);
}

/* Files [from, to) of every thread hold version v; [to, gone) none. */
static void expect_all(PMEMfilepool *pfp, unsigned from, unsigned to,
		       unsigned gone, unsigned v)
{
	static unsigned char b[12289];
	for (unsigned t = 0; t < THREADS; t++) {
		for (unsigned i = from; i < gone; i++) {
			char name[64];
			snprintf(name, sizeof(name), "/t%u_%u", t, i);
			PMEMfile *f =
			    pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
			if (i >= to) {
				if (f)
					T_FAIL("%s exists after the kill",
					       name);
				T_EQ(errno, ENOENT);
				continue;
			}
			if (!f)
				T_FAIL("%s is missing: %s", name,
				       strerrorname_np(errno));
			size_t n = file_size(t, i);
			ssize_t r = pmemfile_read(pfp, f, b, sizeof(b));
			pmemfile_close(pfp, f);
			if (r != (ssize_t)n)
				T_FAIL("%s: %zd bytes, expected %zu", name, r,
				       n);
			for (size_t at = 0; at < n; at++)
				if (b[at] != file_byte(t, i, at, v))
					T_FAIL("%s: byte %zu is %u, expected "
					       "%u",
					       name, at, b[at],
					       file_byte(t, i, at, v));
		}
	}
}

/* The power cut: the image and the segment in memory gone. */
static void cut(void)
{
	struct stat st;
	char name[256];
	T_EQ(stat(pool, &st), 0);
	snprintf(name, sizeof(name), "/dev/shm/pmemfile.%llx.%llx.image",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	if (unlink(name) != 0)
		T_FAIL("cannot remove %s: %s", name, strerror(errno));
	name[strlen(name) - strlen(".image")] = 0;
	(void)unlink(name);
}

static PMEMfilepool *checked_open(void)
{
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	if (!pfp)
		T_FAIL("the pool does not open: %s", pmemfile_errormsg());
	return pfp;
}

/* The files of the second half, a sync point after the first quarter. */
static void rest_synced(PMEMfilepool *pfp)
{
	create_all(pfp, FILES / 2, FILES * 3 / 4, 2);
	if (pmemfile_syncfs(pfp) != 0)
		_exit(1);
	create_all(pfp, FILES * 3 / 4, FILES, 2);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	const char *base = t_disk_dir();
	if (!base)
		return 77;
	alarm(300);
	/* the sync points are the test's own */
	setenv("PMEMFILE_COMMIT_INTERVAL", "0", 1);
	snprintf(dir, sizeof(dir), "%s/pmemfile-jthreads.XXXXXX", base);
	T_ASSERT(mkdtemp(dir) != NULL);
	snprintf(pool, sizeof(pool), "%s/pool", dir);
	PMEMfilepool *pfp = t_jmode_pool(pool, POOL_SIZE);
	if (!pfp)
		return 77;

	create_all(pfp, 0, FILES / 2, 1);
	expect_all(pfp, 0, FILES / 2, FILES / 2, 1);
	pmemfile_pool_close(pfp);
	pfp = checked_open();
	expect_all(pfp, 0, FILES / 2, FILES / 2, 1);
	pmemfile_pool_close(pfp);
	printf("ok: files made by %d threads at once, closed and opened\n",
	       THREADS);

	/* a child makes the rest, a sync point between; it is killed and
	 * the power cut */
	t_kill(t_child_done(pool, rest_synced));
	cut();
	pfp = checked_open();
	expect_all(pfp, 0, FILES / 2, FILES / 2, 1);
	expect_all(pfp, FILES / 2, FILES * 3 / 4, FILES, 2);
	pmemfile_pool_close(pfp);
	printf("ok: a power cut after a sync point of such files: the files "
	       "made before it, none made after\n");

	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	T_EQ(system(cmd), 0);
	printf("PASS\n");
	return 0;
}
