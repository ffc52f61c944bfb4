// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_txvector -- the vector of 8 KiB that libpmemobj allocates for each
 * transaction comes back to the thread that freed it (objalloc.c), not
 * from malloc each time: after a first transaction (a chmod), 200
 * created files (create, a 4 KiB write, close: publishes where nothing is
 * allocated, a transaction where an inode array or a table grows) ask
 * malloc for no block of 4 to 64 KiB on this thread (the blocks of 512
 * KiB that libpmemobj asks malloc for now and then, not through the
 * library, are not counted); a thread that starts later takes one for its
 * first; and every file reads back whole.
 */
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define MiB (1UL << 20)
#define FILES 200

void *__libc_malloc(size_t size);
void *__libc_realloc(void *p, size_t size);

/*
 * New blocks of 4 to 64 KiB from malloc (or realloc of NULL, as libpmemobj
 * asks for its vector) on a thread that counts them
 */
static __thread bool counting;
static atomic_long big_mallocs;

static bool counted(size_t size)
{
	return counting && size >= 4096 && size <= 65536;
}

void *malloc(size_t size)
{
	if (counted(size))
		atomic_fetch_add(&big_mallocs, 1);
	return __libc_malloc(size);
}

void *realloc(void *p, size_t size)
{
	if (p == NULL && counted(size))
		atomic_fetch_add(&big_mallocs, 1);
	return __libc_realloc(p, size);
}

static char buf[4096];

/* FILES files named prefix%d, created, written and closed; counted. */
static long files(PMEMfilepool *pfp, const char *prefix)
{
	char name[64];
	counting = true;
	long before = atomic_load(&big_mallocs);
	for (int i = 0; i < FILES; ++i) {
		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		PMEMfile *f =
		    pmemfile_open(pfp, name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		T_ASSERT(f != NULL);
		memset(buf, i & 0xff, sizeof(buf));
		T_EQ(pmemfile_write(pfp, f, buf, sizeof(buf)), sizeof(buf));
		pmemfile_close(pfp, f);
	}
	counting = false;
	return atomic_load(&big_mallocs) - before;
}

/* Each file of files() whole. */
static void check(PMEMfilepool *pfp, const char *prefix)
{
	char name[64], got[sizeof(buf) + 1];
	for (int i = 0; i < FILES; ++i) {
		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		PMEMfile *f = pmemfile_open(pfp, name, O_RDONLY);
		T_ASSERT(f != NULL);
		T_EQ(pmemfile_read(pfp, f, got, sizeof(got)), sizeof(buf));
		memset(buf, i & 0xff, sizeof(buf));
		if (memcmp(got, buf, sizeof(buf)) != 0)
			T_FAIL("%s: its bytes differ", name);
		pmemfile_close(pfp, f);
	}
}

static PMEMfilepool *pool;
static long thread_big;

static void *writer(void *arg)
{
	(void)arg;
	/* its first transaction's vector comes from malloc */
	thread_big = files(pool, "t");
	return NULL;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	char path[4096 + 8];
	t_pool_path(path, 4096);
	pool = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pool != NULL);

	PMEMfile *f =
	    pmemfile_open(pool, "/first", O_CREAT | O_EXCL | O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	pmemfile_close(pool, f);
	/* a create is a publish: the thread's first transaction */
	T_EQ(pmemfile_chmod(pool, "/first", 0600), 0);
	T_EQ(files(pool, "m"), 0);

	pthread_t t;
	T_EQ(pthread_create(&t, NULL, writer, NULL), 0);
	T_EQ(pthread_join(t, NULL), 0);
	if (thread_big > 1)
		T_FAIL("a new thread's %d files: %ld blocks of 4 to 64 KiB "
		       "from malloc, expected at most 1",
		       FILES, thread_big);

	check(pool, "m");
	check(pool, "t");
	pmemfile_pool_close(pool);
	unlink(path);
	printf("%d created files and their transactions took no block of "
	       "4 to 64 KiB from malloc; a new thread's took %ld\n",
	       FILES, thread_big);
	return 0;
}
