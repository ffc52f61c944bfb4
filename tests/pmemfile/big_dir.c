// SPDX-License-Identifier: BSD-3-Clause
/*
 * big_dir -- a directory of many entries (100,000 by default, 1,000,000
 * with STRESS=1) stays exact while its hash table grows and shrinks: every
 * name is found by lookup and listed exactly once by getdents64 with its
 * type, names removed are gone, the link count of the directory follows its
 * subdirectories, and all of it survives a close and reopen, with the
 * checker accepting the pool.
 */
#include "check.h"
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <stdint.h>
#include <unistd.h>

#define MiB (1UL << 20)

static char path[4096];
static PMEMfilepool *pfp;
static unsigned nnames;

static void name_of(char *buf, unsigned i)
{
	snprintf(buf, 32, "/big/entry-%07u", i);
}

static int is_dir(unsigned i)
{
	return i % 97 == 0;
}

static int is_removed(unsigned i)
{
	return i % 3 == 1;
}

/* Lists /big: each live name once with its type, no removed name. */
static void check_listing(int after_removal)
{
	static char buf[65536];
	unsigned char *seen = calloc(nnames, 1);
	PMEMfile *d = pmemfile_open(pfp, "/big", PMEMFILE_O_DIRECTORY);
	unsigned total = 0;
	int n;
	T_ASSERT(d != NULL && seen != NULL);
	while ((n = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			unsigned char type = (unsigned char)buf[pos + 18];
			unsigned i;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			const char *name = buf + pos + 19;
			T_ASSERT(reclen > 0);
			pos += reclen;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (sscanf(name, "entry-%u", &i) != 1 || i >= nnames)
				T_FAIL("stray name %s", name);
			if (seen[i]++)
				T_FAIL("%s listed twice", name);
			if (after_removal && is_removed(i))
				T_FAIL("removed %s still listed", name);
			if (type !=
			    (is_dir(i) ? PMEMFILE_DT_DIR : PMEMFILE_DT_REG))
				T_FAIL("%s has type %u", name, type);
			total++;
		}
	}
	T_EQ(n, 0);
	for (unsigned i = 0; i < nnames; i++)
		if (!seen[i] && !(after_removal && is_removed(i)))
			T_FAIL("entry-%07u missing from the listing", i);
	pmemfile_close(pfp, d);
	free(seen);
	printf("listing of %u names exact\n", total);
}

static void check_lookups(int after_removal)
{
	char name[32];
	pmemfile_stat_t st;
	for (unsigned i = 0; i < nnames; i++) {
		name_of(name, i);
		if (after_removal && is_removed(i)) {
			T_ERRNO(pmemfile_lstat(pfp, name, &st), ENOENT);
			continue;
		}
		if (pmemfile_lstat(pfp, name, &st))
			T_FAIL("lookup of %s: %s", name,
			       strerrorname_np(errno));
		T_EQ(PMEMFILE_S_ISDIR(st.st_mode), is_dir(i));
	}
}

static unsigned dirs_left(int after_removal)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nnames; i++)
		n += is_dir(i) && !(after_removal && is_removed(i));
	return n;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_pool_path(path, sizeof(path));
	nnames = getenv("STRESS") ? 1000000 : 100000;

	pfp = pmemfile_pool_create(path, (nnames / 1000 + 64) * 4 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/big", 0755), 0);
	char name[32];
	for (unsigned i = 0; i < nnames; i++) {
		name_of(name, i);
		if (is_dir(i)) {
			if (pmemfile_mkdir(pfp, name, 0755))
				T_FAIL("mkdir %s: %s", name,
				       strerrorname_np(errno));
			continue;
		}
		PMEMfile *f = pmemfile_open(pfp, name,
					    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
						PMEMFILE_O_WRONLY,
					    0644);
		if (!f)
			T_FAIL("create %s: %s", name, strerrorname_np(errno));
		pmemfile_close(pfp, f);
	}
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/big", &st), 0);
	T_EQ(st.st_nlink, 2 + dirs_left(0));
	check_lookups(0);
	check_listing(0);

	for (unsigned i = 0; i < nnames; i++) {
		if (!is_removed(i))
			continue;
		name_of(name, i);
		if (is_dir(i) ? pmemfile_rmdir(pfp, name)
			      : pmemfile_unlink(pfp, name))
			T_FAIL("remove %s: %s", name, strerrorname_np(errno));
	}
	check_lookups(1);
	check_listing(1);

	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_stat(pfp, "/big", &st), 0);
	T_EQ(st.st_nlink, 2 + dirs_left(1));
	check_lookups(1);
	check_listing(1);
	pmemfile_pool_close(pfp);
	printf("a directory of %u entries stays exact\n", nnames);
	return 0;
}
