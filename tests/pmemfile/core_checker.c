// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_checker -- the consistency checker finds each kind of damage: a
 * wrong link count, a leaked object, a leaked inode, a record naming a free
 * inode, a lost hash table entry; and finds nothing in a healthy pool
 * (with an orphan left by a process that ended without closing).
 */
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/check.h"
#include "pmemfile/layout.h"

static const char *pool;

static void make_pool(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	CORE_EQ(pmemfile_mkdir(p, "/d/e", 0755), 0);
	static char buf[20000];
	memset(buf, 'x', sizeof(buf));
	PMEMfile *f = pmemfile_open(p, "/d/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, buf, sizeof(buf)), sizeof(buf));
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_link(p, "/d/f", "/d/e/g"), 0);
	CORE_EQ(pmemfile_symlink(p, "/d/f", "/s"), 0);
	pmemfile_pool_close(p);
}

/* Counts the problems the checker reports, its report going to a file. */
static int check(void)
{
	FILE *out = tmpfile();
	CORE_TRUE(out);
	int r = pmemfile_check_pool(pool, out);
	fclose(out);
	return r;
}

/* The inode /d/f, found through the pool's own structures. */
static struct pmemfile_inode *inode_of_f(PMEMobjpool *pop)
{
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	for (uint64_t a = s->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = (void *)((char *)pop + a);
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
			if (S_ISREG(arr->inodes[i].mode))
				return &arr->inodes[i];
		a = arr->next;
	}
	return NULL;
}

static PMEMobjpool *raw_open(void)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	return pop;
}

static void damage_nlink(void)
{
	PMEMobjpool *pop = raw_open();
	struct pmemfile_inode *in = inode_of_f(pop);
	CORE_TRUE(in);
	CORE_EQ(in->nlink, 2);
	in->nlink = 3;
	pmemobj_persist(pop, &in->nlink, 8);
	pmemobj_close(pop);
}

static void damage_leak_object(void)
{
	PMEMobjpool *pop = raw_open();
	PMEMoid o;
	CORE_EQ(pmemobj_alloc(pop, &o, 100, PMEMFILE_T_SYMLINK, NULL, NULL), 0);
	pmemobj_close(pop);
}

static void damage_free_inode(void)
{
	PMEMobjpool *pop = raw_open();
	struct pmemfile_inode *in = inode_of_f(pop);
	/* the slot looks free while two records still name it */
	in->mode = 0;
	pmemobj_persist(pop, &in->mode, 4);
	pmemobj_close(pop);
}

static void damage_htab(void)
{
	PMEMobjpool *pop = raw_open();
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	struct pmemfile_inode *root = (void *)((char *)pop + s->root);
	uint64_t *tab = (void *)((char *)pop + root->dir.htab);
	for (uint64_t i = 0; i < root->dir.htab_cap; i++)
		if (tab[i] && tab[i] != UINT64_MAX) {
			tab[i] = 0;
			break;
		}
	pmemobj_persist(pop, tab, root->dir.htab_cap * 8);
	pmemobj_close(pop);
}

/* An inode slot in use that nothing names and no orphan list holds. */
static void damage_leak_inode(void)
{
	PMEMobjpool *pop = raw_open();
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	struct pmemfile_inode_array *arr =
	    (void *)((char *)pop + s->inode_arrays);
	for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
		if (arr->inodes[i].mode == 0) {
			arr->inodes[i].mode = S_IFREG | 0644;
			arr->inodes[i].nlink = 1;
			pmemobj_persist(pop, &arr->inodes[i], 64);
			break;
		}
	pmemobj_close(pop);
}

/* A child that leaves an unlinked file open: an orphan, not damage. */
static void orphan_child(void)
{
	pid_t pid = fork();
	CORE_TRUE(pid >= 0);
	if (pid == 0) {
		PMEMfilepool *p = pmemfile_pool_open(pool);
		if (!p)
			_exit(2);
		PMEMfile *f = pmemfile_open(p, "/tmpf", O_CREAT | O_RDWR, 0600);
		if (!f || pmemfile_write(p, f, "data", 4) != 4 ||
		    pmemfile_unlink(p, "/tmpf") != 0)
			_exit(3);
		_exit(0);
	}
	int st;
	CORE_EQ(waitpid(pid, &st, 0), pid);
	CORE_EQ(WEXITSTATUS(st), 0);
}

int main(void)
{
	pool = core_pool_path("checker.pool");

	make_pool();
	CORE_EQ(check(), 0);
	orphan_child();
	CORE_EQ(check(), 0);

	void (*damage[])(void) = {damage_nlink, damage_leak_object,
				  damage_free_inode, damage_htab,
				  damage_leak_inode};
	const char *what[] = {"link count", "leaked object", "free inode",
			      "hash table", "leaked inode"};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		make_pool();
		damage[i]();
		int r = check();
		if (r <= 0)
			CORE_FAIL("damage \"%s\" not found (check = %d)",
				  what[i], r);
	}
	CORE_EQ(pmemfile_check_pool("/nonexistent/pool", NULL), -ENOENT);
	unlink(pool);
	printf("the checker finds each damage and passes healthy pools\n");
	return 0;
}
