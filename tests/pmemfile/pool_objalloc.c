// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_objalloc -- the runtime libpmemobj builds while a pool is opened
 * lives in memory of the library's own (objalloc.c): where the kernel gives
 * transparent huge pages to a region that asks for them, an open pool has
 * 8 MiB or more of them, and its close gives them all back; ten opens and
 * closes in a row end where the first close did; the recyclers it makes
 * after the open, at the first use of each allocation class, are in huge
 * pages too and go back at the close; two threads opening,
 * using and closing two pools at the same time, five times, each find
 * their files whole, and leave no huge page behind either.
 */
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <pthread.h>

#define MiB (1UL << 20)

static char paths[2][4096 + 8];

/* A field of /proc/self/smaps_rollup, in KiB. */
static long rollup(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	T_ASSERT(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kib = strtol(line + n + 1, NULL, 10);
	fclose(f);
	T_ASSERT(kib >= 0);
	return kib;
}

/* Whether the kernel gives huge pages to a region that asks for them. */
static int huge_pages_on(void)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f == NULL)
		return 0;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	return strstr(mode, "[always]") || strstr(mode, "[madvise]");
}

/* Writes a file of size bytes (each allocation class its own). */
static void sized(PMEMfilepool *pfp, const char *name, size_t size)
{
	char buf[4096];
	PMEMfile *f = pmemfile_open(pfp, name,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(f != NULL);
	memset(buf, name[1], sizeof(buf));
	for (size_t done = 0; done < size;) {
		size_t n =
		    size - done < sizeof(buf) ? size - done : sizeof(buf);
		T_EQ(pmemfile_write(pfp, f, buf, n), (long long)n);
		done += n;
	}
	pmemfile_close(pfp, f);
}

/* Writes name with its own name as its content, or checks it is so. */
static void file(PMEMfilepool *pfp, const char *name, int write)
{
	char buf[64] = {0};
	size_t n = strlen(name);
	PMEMfile *f = pmemfile_open(pfp, name,
				    write ? PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY
					  : PMEMFILE_O_RDONLY,
				    0600);
	T_ASSERT(f != NULL);
	if (write)
		T_EQ(pmemfile_write(pfp, f, name, n), (long long)n);
	else
		T_EQ(pmemfile_read(pfp, f, buf, sizeof(buf)), (long long)n);
	pmemfile_close(pfp, f);
	T_ASSERT(write || memcmp(buf, name, n) == 0);
}

static void *opener(void *arg)
{
	const char *path = arg;
	for (int i = 0; i < 5; ++i) {
		PMEMfilepool *pfp = pmemfile_pool_open(path);
		T_ASSERT(pfp != NULL);
		file(pfp, "/one", 0);
		file(pfp, "/two", 1);
		file(pfp, "/two", 0);
		pmemfile_pool_close(pfp);
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(paths[0], 4096);
	strcpy(paths[1], paths[0]);
	strcat(paths[1], "2");
	unlink(paths[1]);
	for (int i = 0; i < 2; ++i) {
		PMEMfilepool *pfp =
		    pmemfile_pool_create(paths[i], 16 * MiB, 0600);
		T_ASSERT(pfp != NULL);
		file(pfp, "/one", 1);
		pmemfile_pool_close(pfp);
	}
	int huge = huge_pages_on();
	long before = rollup("AnonHugePages");

	PMEMfilepool *pfp = pmemfile_pool_open(paths[0]);
	T_ASSERT(pfp != NULL);
	long open_huge = rollup("AnonHugePages");
	file(pfp, "/one", 0);
	pmemfile_pool_close(pfp);
	long closed_huge = rollup("AnonHugePages");
	long closed_anon = rollup("Anonymous");
	if (huge)
		T_ASSERT(open_huge - before >= 8 * 1024);
	T_EQ(closed_huge, before);

	for (int i = 0; i < 10; ++i) {
		pfp = pmemfile_pool_open(paths[0]);
		T_ASSERT(pfp != NULL);
		file(pfp, "/one", 0);
		pmemfile_pool_close(pfp);
	}
	T_EQ(rollup("AnonHugePages"), before);
	/* a page or two of malloc's, not a pool's runtime of 11 MiB */
	T_ASSERT(rollup("Anonymous") - closed_anon < 1024);

	/*
	 * Files of every size class: libpmemobj makes a recycler of 512 KiB
	 * for each class at its first use, after the open; they are in huge
	 * pages too, and go back at the close.
	 */
	pfp = pmemfile_pool_open(paths[0]);
	T_ASSERT(pfp != NULL);
	long reopened = rollup("AnonHugePages");
	static const char *const names[] = {"/a", "/b", "/c", "/d", "/e", "/f"};
	for (int i = 0; i < 6; ++i)
		sized(pfp, names[i], (4096UL << (2 * i)) - 100);
	long late_huge = rollup("AnonHugePages") - reopened;
	pmemfile_pool_close(pfp);
	if (huge)
		T_ASSERT(late_huge >= 2048);
	T_EQ(rollup("AnonHugePages"), before);
	T_ASSERT(rollup("Anonymous") - closed_anon < 1024);

	pthread_t t[2];
	for (int i = 0; i < 2; ++i)
		T_EQ(pthread_create(&t[i], NULL, opener, paths[i]), 0);
	for (int i = 0; i < 2; ++i)
		T_EQ(pthread_join(t[i], NULL), 0);
	T_EQ(rollup("AnonHugePages"), before);

	unlink(paths[0]);
	unlink(paths[1]);
	printf("an open pool's runtime in %ld KiB of huge pages%s, its "
	       "recyclers in %ld KiB more, given back at its close, after ten "
	       "opens in a row and two threads' at once\n",
	       open_huge - before,
	       huge ? "" : " (none: the kernel has them off)", late_huge);
	return 0;
}
