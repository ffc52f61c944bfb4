// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_inode_alloc -- free inode slots are found through the persistent
 * free list, not by a scan at open: after a reopen, new files take exactly
 * the slots of the files removed before it, and a new inode array comes
 * only when every slot of the others is taken. An array whose last inode
 * goes is freed (but for one kept empty), and the chain, free list and map
 * stay exact. A pool of layout version 1 (no free list or array map) or 2
 * (a chain linked one way) is upgraded at its first open, once, with a
 * message (then given the checksums of layout 5), and its free slots are
 * found the same way, its empty arrays
 * freed the same way. Creations that fail after taking a slot give it
 * back. The checker finds each structure damaged; a damaged back link of
 * the chain makes the removal that would free that array fail with EIO.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stdbool.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/check.h"
#include "pmemfile/layout.h"
#include "tests/pmemfile/csum_model.h"

/* the current layout version, as the upgrade message prints it */
#define STR_(x) #x
#define STR(x) STR_(x)
#define CUR STR(PMEMFILE_LAYOUT_VERSION)

#define NFILES 200 /* three full arrays and a part of a fourth */

static const char *pool;

/* Problems the checker finds; with show, its report goes to stdout. */
static int check_report(bool show)
{
	FILE *out = tmpfile();
	CORE_TRUE(out);
	int r = pmemfile_check_pool(pool, out);
	if (r && show) {
		rewind(out);
		char line[256];
		while (fgets(line, sizeof(line), out))
			printf("check: %s", line);
	}
	fclose(out);
	return r;
}

static int check(void)
{
	return check_report(true);
}

static uint64_t create(PMEMfilepool *p, const char *path)
{
	PMEMfile *f = pmemfile_open(p, path, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (!f)
		CORE_FAIL("create %s: %s", path, strerror(errno));
	pmemfile_close(p, f);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, path, &st), 0);
	return st.st_ino;
}

static uint64_t nfree_slots(PMEMfilepool *p)
{
	pmemfile_statfs_t sf;
	CORE_EQ(pmemfile_statfs(p, &sf), 0);
	struct pmemfile_stats st;
	pmemfile_stats(p, &st);
	return (uint64_t)st.inode_arrays * PMEMFILE_INODES_PER_ARRAY -
	       st.inodes;
}

static unsigned narrays(PMEMfilepool *p)
{
	struct pmemfile_stats st;
	pmemfile_stats(p, &st);
	return st.inode_arrays;
}

/*
 * Fills every free slot: as many creations as there are free slots add no
 * array, the next one adds exactly one.
 */
static void fill_free_slots(PMEMfilepool *p, const char *prefix)
{
	uint64_t free_slots = nfree_slots(p);
	unsigned before = narrays(p);
	char path[64];
	for (uint64_t i = 0; i < free_slots; i++) {
		snprintf(path, sizeof(path), "/%s%lu", prefix,
			 (unsigned long)i);
		create(p, path);
	}
	CORE_EQ(narrays(p), before);
	snprintf(path, sizeof(path), "/%s-more", prefix);
	create(p, path);
	CORE_EQ(narrays(p), before + 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void reuse_after_reopen(uint64_t *ino)
{
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	static const int gone[] = {5, 70, 130};
	uint64_t freed[3], got[3];
	char path[64];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/f%d", gone[i]);
		CORE_EQ(pmemfile_unlink(p, path), 0);
		freed[i] = ino[gone[i]];
	}
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);

	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	unsigned before = narrays(p);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/g%d", i);
		got[i] = create(p, path);
	}
	qsort(freed, 3, sizeof(freed[0]), cmp_u64);
	qsort(got, 3, sizeof(got[0]), cmp_u64);
	for (int i = 0; i < 3; i++)
		if (got[i] != freed[i])
			CORE_FAIL(
			    "new inodes 0x%lx 0x%lx 0x%lx, freed ones "
			    "0x%lx 0x%lx 0x%lx",
			    (unsigned long)got[0], (unsigned long)got[1],
			    (unsigned long)got[2], (unsigned long)freed[0],
			    (unsigned long)freed[1], (unsigned long)freed[2]);
	CORE_EQ(narrays(p), before);
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);
}

/*
 * Makes the pool what version `to` wrote: 2 had no chain_prev (zero
 * padding), 1 neither a map nor a free list; neither had checks of the
 * sizes and times.
 */
static void downgrade(uint64_t to)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	PMEMoid root = pmemobj_root(pop, sizeof(struct pmemfile_super));
	struct pmemfile_super *s = pmemobj_direct(root);
	if (to == 1) {
		PMEMoid map = {root.pool_uuid_lo, s->array_map};
		pmemobj_free(&map);
	}
	for (uint64_t a = s->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = (void *)((char *)pop + a);
		if (to == 1)
			arr->free_prev = arr->free_next = 0;
		arr->chain_prev = 0;
		pmemobj_persist(pop, &arr->free_prev, 24);
		for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			if (arr->inodes[i].mode == 0)
				continue;
			model_words_strip(
			    a + offsetof(struct pmemfile_inode_array,
					 inodes[i]),
			    &arr->inodes[i]);
			pmemobj_persist(pop, &arr->inodes[i],
					sizeof(arr->inodes[i]));
		}
		a = arr->next;
	}
	if (to == 1)
		s->free_arrays = s->array_map = s->array_map_pages = 0;
	s->version = to;
	pmemobj_persist(pop, s, sizeof(*s));
	pmemobj_close(pop);
}

/* Opens the pool; what the library wrote on stderr goes to msg. */
static PMEMfilepool *open_capturing(char *msg, size_t len)
{
	FILE *err = tmpfile();
	CORE_TRUE(err);
	fflush(stderr);
	int saved = dup(2);
	CORE_TRUE(saved >= 0);
	CORE_EQ(dup2(fileno(err), 2), 2);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	int e = errno;
	fflush(stderr);
	CORE_EQ(dup2(saved, 2), 2);
	close(saved);
	rewind(err);
	size_t n = fread(msg, 1, len - 1, err);
	msg[n] = 0;
	fclose(err);
	errno = e;
	return p;
}

static uint64_t version(void)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	uint64_t v = s->version;
	pmemobj_close(pop);
	return v;
}

static void upgrade(void)
{
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_unlink(p, "/f10"), 0);
	CORE_EQ(pmemfile_unlink(p, "/f100"), 0);
	pmemfile_pool_close(p);
	downgrade(1);
	CORE_EQ(version(), 1);
	CORE_EQ(check(), 0);

	char msg[1024];
	p = open_capturing(msg, sizeof(msg));
	CORE_TRUE(p);
	/* version 1 is made 2, which is made 4, which is given checksums,
	 * then checks of the sizes and times */
	if (!strstr(msg, "layout upgraded from version 1 to 2") ||
	    !strstr(msg, "layout upgraded from version 2 to 4") ||
	    !strstr(msg, "layout upgraded from version 4 to 5") ||
	    !strstr(msg, "layout upgraded from version 5 to " CUR) ||
	    !strstr(msg, pool))
		CORE_FAIL("upgrade message: \"%s\"", msg);
	pmemfile_pool_close(p);
	CORE_EQ(version(), PMEMFILE_LAYOUT_VERSION);
	CORE_EQ(check(), 0);

	p = open_capturing(msg, sizeof(msg));
	CORE_TRUE(p);
	CORE_EQ(strlen(msg), 0);
	fill_free_slots(p, "u");
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);
}

/* Removes the files named prefix0 .. prefix(n-1) of p. */
static void remove_all(PMEMfilepool *p, const char *prefix, int n)
{
	char path[64];
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/%s%d", prefix, i);
		CORE_EQ(pmemfile_unlink(p, path), 0);
	}
}

/*
 * Arrays emptied are freed, from the middle of the chain and its ends
 * alike, with one kept empty: removing every file leaves the root's array
 * and at most one other, in a pool of the current version and in one upgraded
 * from version 2; the space comes back (statfs: all but the directory's blocks
 * and table, which stay as they grew), and new files fill the arrays
 * again, and give the same space back.
 */
static void arrays_freed(uint64_t from)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	pmemfile_statfs_t st0, st;
	CORE_EQ(pmemfile_statfs(p, &st0), 0);
	char path[64];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		create(p, path);
	}
	unsigned full = narrays(p);
	CORE_TRUE(full >= 4);
	pmemfile_pool_close(p);
	if (from == 2) {
		downgrade(2);
		CORE_EQ(version(), 2);
		char msg[1024];
		p = open_capturing(msg, sizeof(msg));
		CORE_TRUE(p);
		if (!strstr(msg, "layout upgraded from version 2 to 4") ||
		    !strstr(msg, "layout upgraded from version 4 to 5") ||
		    !strstr(msg, "layout upgraded from version 5 to " CUR) ||
		    !strstr(msg, pool))
			CORE_FAIL("upgrade message: \"%s\"", msg);
	} else {
		p = pmemfile_pool_open(pool);
		CORE_TRUE(p);
	}
	/* a middle part first, then the rest */
	remove_all(p, "f", NFILES / 2);
	for (int i = NFILES / 2; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		CORE_EQ(pmemfile_unlink(p, path), 0);
	}
	if (narrays(p) > 2)
		CORE_FAIL("%u inode arrays left of %u with no file", narrays(p),
			  full);
	CORE_EQ(pmemfile_statfs(p, &st), 0);
	/* the root's two more blocks and its table of 1024 entries */
	if (st.f_bavail + 2 + 4 < st0.f_bavail)
		CORE_FAIL("%llu blocks free of %llu once every file went",
			  (unsigned long long)st.f_bavail,
			  (unsigned long long)st0.f_bavail);
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/g%d", i);
		create(p, path);
	}
	CORE_EQ(narrays(p), full);
	remove_all(p, "g", NFILES);
	pmemfile_statfs_t st2;
	CORE_EQ(pmemfile_statfs(p, &st2), 0);
	CORE_EQ(st2.f_bavail, st.f_bavail);
	pmemfile_pool_close(p);
	CORE_EQ(version(), PMEMFILE_LAYOUT_VERSION);
	CORE_EQ(check(), 0);
}

/* Stores an 8-byte value at a pool offset and persists it. */
static void poke(uint64_t off, uint64_t value)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	*(uint64_t *)((char *)pop + off) = value;
	pmemobj_persist(pop, (char *)pop + off, 8);
	pmemobj_close(pop);
}

static uint64_t peek(uint64_t off)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	uint64_t v = *(uint64_t *)((char *)pop + off);
	pmemobj_close(pop);
	return v;
}

static uint64_t super_off(void)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	uint64_t off = pmemobj_root(pop, sizeof(struct pmemfile_super)).off;
	pmemobj_close(pop);
	return off;
}

/*
 * A back link of the array chain damaged (every array's, the head's
 * excepted): the removal that would free such an array fails with EIO and
 * changes nothing, the other removals work.
 */
static void damaged_back_link(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	char path[64];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		create(p, path);
	}
	pmemfile_pool_close(p);
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	for (uint64_t a = s->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = (void *)((char *)pop + a);
		if (arr->chain_prev) {
			arr->chain_prev = 4096;
			pmemobj_persist(pop, &arr->chain_prev, 8);
		}
		a = arr->next;
	}
	pmemobj_close(pop);
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	int eio = 0;
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		if (pmemfile_unlink(p, path) == 0)
			continue;
		CORE_EQ(errno, EIO);
		pmemfile_stat_t st;
		CORE_EQ(pmemfile_stat(p, path, &st), 0);
		eio++;
	}
	CORE_TRUE(eio > 0);
	pmemfile_pool_close(p);
}

/* Each damage is reported; put back, the pool is clean again. */
static void damage(uint64_t off, uint64_t value, const char *what)
{
	uint64_t old = peek(off);
	poke(off, value);
	if (check_report(false) == 0)
		CORE_FAIL("the checker missed %s", what);
	poke(off, old);
	CORE_EQ(check(), 0);
}

static void checker_finds(void)
{
	uint64_t s = super_off();
	uint64_t head = peek(s + offsetof(struct pmemfile_super, inode_arrays));
	uint64_t fhead = peek(s + offsetof(struct pmemfile_super, free_arrays));
	damage(fhead + offsetof(struct pmemfile_inode_array, free_prev), 4096,
	       "a broken back link in the free list");
	damage(head + offsetof(struct pmemfile_inode_array, chain_prev), head,
	       "a broken back link in the array chain");
	damage(s + offsetof(struct pmemfile_super, free_arrays), 0,
	       "an empty free list with free slots");
	uint64_t map = peek(s + offsetof(struct pmemfile_super, array_map));
	damage(map + head / 4096 / 64 * 8, 0, "an array missing from the map");
	/* a free list head that is no array: refused at open */
	poke(s + offsetof(struct pmemfile_super, free_arrays), head + 4096);
	errno = 0;
	CORE_TRUE(pmemfile_pool_open(pool) == NULL);
	CORE_EQ(errno, EIO);
}

/*
 * Creations that fail for want of space after taking their slot (the
 * directory cannot grow: 15 long names fill its block) give it back: once
 * space is freed, creations fill the arrays, and the free list stays exact
 * (checked).
 */
static void aborted_creates(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 8 << 20, 0600);
	CORE_TRUE(p);
	/* room given back later, by a truncate small enough to succeed */
	static char buf[65536];
	PMEMfile *r = pmemfile_open(p, "/reserve", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(r);
	for (int i = 0; i < 8; i++)
		CORE_EQ(pmemfile_write(p, r, buf, sizeof(buf)), sizeof(buf));
	/* free slots in the first array, for the failing creations */
	char path[300];
	for (int i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "/p%d", i);
		create(p, path);
	}
	for (int i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "/p%d", i);
		CORE_EQ(pmemfile_unlink(p, path), 0);
	}
	PMEMfile *f = pmemfile_open(p, "/big", O_CREAT | O_WRONLY, 0644);
	CORE_TRUE(f);
	while (pmemfile_write(p, f, buf, sizeof(buf)) > 0)
		;
	pmemfile_close(p, f);
	int failed = 0;
	for (int i = 0; i < 2000 && failed < 20; i++) {
		/* long names: the directory needs a new block soon */
		snprintf(path, sizeof(path), "/%0240d", i);
		PMEMfile *g = pmemfile_open(p, path, O_CREAT | O_WRONLY, 0644);
		if (g) {
			pmemfile_close(p, g);
			continue;
		}
		CORE_EQ(errno, ENOSPC);
		failed++;
	}
	CORE_TRUE(failed > 0);
	CORE_EQ(pmemfile_ftruncate(p, r, 0), 0);
	pmemfile_close(p, r);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/b%d", i);
		create(p, path);
	}
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);
	unlink(pool);
}

int main(void)
{
	pool = core_pool_path("inode_alloc.pool");
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	uint64_t ino[NFILES];
	char path[64];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		ino[i] = create(p, path);
	}
	pmemfile_pool_close(p);
	CORE_EQ(check(), 0);

	reuse_after_reopen(ino);
	upgrade();
	arrays_freed(3);
	arrays_freed(2);
	checker_finds();
	aborted_creates();
	damaged_back_link();
	unlink(pool);
	printf("free inode slots found after reopen and after an upgrade "
	       "from version 1; empty arrays freed, also after an upgrade "
	       "from version 2\n");
	return 0;
}
