// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_roots -- a new pool has four root directories, as the discontinued
 * library's had: pmemfile_pool_root_count gives 4 (0 for a NULL pool);
 * pmemfile_open_root opens each, root 0 being "/", and refuses an index
 * past the count, any flag and a NULL pool with EINVAL. Each tree is its
 * own: the same name in each is another file, ".." of a root is the root
 * itself, a rename into its own subdirectory fails with EINVAL, and
 * pmemfile_get_dir_path gives a path from the tree's root; what was made
 * is there after the pool is opened again, and the checker finds the pool
 * consistent. A pool of layout version 2 (its superblock has no other
 * root) opens with one root and stays consistent.
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include "csum_model.h"
#include "layout.h"
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <sys/stat.h>

#define POOL_SIZE (16UL << 20)

static char pool[4096];

static void check_consistent(void)
{
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
}

static void trees(PMEMfilepool *pfp)
{
	PMEMfile *roots[4];
	pmemfile_stat_t st[4], s;

	T_EQ(pmemfile_pool_root_count(pfp), 4);
	T_EQ(pmemfile_pool_root_count(NULL), 0);
	T_ERRNO(pmemfile_open_root(NULL, 0, 0), EINVAL);
	T_ERRNO(pmemfile_open_root(pfp, 4, 0), EINVAL);
	T_ERRNO(pmemfile_open_root(pfp, 4 + 0xffff, 0), EINVAL);
	T_ERRNO(pmemfile_open_root(pfp, 0, PMEMFILE_O_RDONLY | 2), EINVAL);
	T_ERRNO(pmemfile_open_root(pfp, 1, -1), EINVAL);

	for (int i = 0; i < 4; i++) {
		roots[i] = pmemfile_open_root(pfp, (unsigned)i, 0);
		T_ASSERT(roots[i] != NULL);
		T_EQ(pmemfile_fstat(pfp, roots[i], &st[i]), 0);
		T_ASSERT(S_ISDIR(st[i].st_mode));
		T_EQ(st[i].st_nlink, 2);
		for (int j = 0; j < i; j++)
			T_ASSERT(st[j].st_ino != st[i].st_ino);
		/* ".." of a root is itself */
		T_EQ(pmemfile_fstatat(pfp, roots[i], "..", &s, 0), 0);
		T_EQ(s.st_ino, st[i].st_ino);
		PMEMfile *f = pmemfile_openat(
		    pfp, roots[i], "same_name",
		    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
		    0600);
		T_ASSERT(f != NULL);
		T_EQ(pmemfile_write(pfp, f, &i, sizeof(i)), sizeof(i));
		pmemfile_close(pfp, f);
	}
	T_EQ(pmemfile_stat(pfp, "/", &s), 0);
	T_EQ(s.st_ino, st[0].st_ino);
	T_EQ(pmemfile_stat(pfp, "/same_name", &s), 0);
	T_EQ(s.st_size, sizeof(int));

	/* a tree of root 2: paths, renames and its checks as in root 0 */
	T_EQ(pmemfile_mkdirat(pfp, roots[2], "a", 0755), 0);
	T_EQ(pmemfile_mkdirat(pfp, roots[2], "a/b", 0755), 0);
	T_ERRNO(pmemfile_mkdirat(pfp, roots[2], "./", 0755), EEXIST);
	T_ERRNO(pmemfile_renameat(pfp, roots[2], "a", roots[2], "a/b/c"),
		EINVAL);
	T_EQ(pmemfile_renameat(pfp, roots[2], "a/b", roots[2], "b"), 0);
	T_EQ(pmemfile_fstatat(pfp, roots[2], "b/../same_name", &s, 0), 0);
	PMEMfile *b = pmemfile_openat(pfp, roots[2], "b",
				      PMEMFILE_O_DIRECTORY | PMEMFILE_O_RDONLY);
	T_ASSERT(b != NULL);
	char path[64];
	T_ASSERT(pmemfile_get_dir_path(pfp, b, path, sizeof(path)) == path);
	if (strcmp(path, "/b") != 0)
		T_FAIL("path of b in root 2: \"%s\"", path);
	pmemfile_close(pfp, b);
	T_ERRNO(pmemfile_fstatat(pfp, roots[0], "b", &s, 0), ENOENT);
	for (int i = 0; i < 4; i++)
		pmemfile_close(pfp, roots[i]);
}

/* After a new open, the file of each root holds its index. */
static void reopened(PMEMfilepool *pfp)
{
	T_EQ(pmemfile_pool_root_count(pfp), 4);
	for (int i = 0; i < 4; i++) {
		PMEMfile *r = pmemfile_open_root(pfp, (unsigned)i, 0);
		T_ASSERT(r != NULL);
		PMEMfile *f =
		    pmemfile_openat(pfp, r, "same_name", PMEMFILE_O_RDONLY);
		T_ASSERT(f != NULL);
		int got = -1;
		T_EQ(pmemfile_read(pfp, f, &got, sizeof(got)), sizeof(got));
		T_EQ(got, i);
		pmemfile_close(pfp, f);
		pmemfile_close(pfp, r);
	}
}

/* Makes the pool one of layout version 2: no root but root 0, whose size
 * and times have no checks. */
static void make_version_2(void)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	T_ASSERT(pop != NULL);
	PMEMoid root = pmemobj_root(pop, sizeof(struct pmemfile_super));
	struct pmemfile_super *s = pmemobj_direct(root);
	for (int i = 0; i < PMEMFILE_EXTRA_ROOTS; i++) {
		/* an empty root's slot given back, as a version 2 pool has it
		 */
		struct pmemfile_inode *in = (void *)((char *)pop + s->roots[i]);
		memset(in, 0, sizeof(*in));
		pmemobj_persist(pop, in, sizeof(*in));
		s->roots[i] = 0;
	}
	struct pmemfile_inode *in = (void *)((char *)pop + s->root);
	model_words_strip(s->root, in);
	pmemobj_persist(pop, in, sizeof(*in));
	s->version = 2;
	pmemobj_persist(pop, s, sizeof(*s));
	pmemobj_close(pop);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	trees(pfp);
	pmemfile_pool_close(pfp);
	check_consistent();
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	reopened(pfp);
	pmemfile_pool_close(pfp);
	check_consistent();

	/* a new pool made what version 2 wrote, and opened */
	T_EQ(unlink(pool), 0);
	pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	make_version_2();
	check_consistent();
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_pool_root_count(pfp), 1);
	T_ERRNO(pmemfile_open_root(pfp, 1, 0), EINVAL);
	PMEMfile *r = pmemfile_open_root(pfp, 0, 0);
	T_ASSERT(r != NULL);
	PMEMfile *f = pmemfile_openat(pfp, r, "f", PMEMFILE_O_CREAT, 0600);
	T_ASSERT(f != NULL);
	pmemfile_close(pfp, f);
	pmemfile_close(pfp, r);
	pmemfile_pool_close(pfp);
	check_consistent();
	printf("PASS\n");
	return 0;
}
