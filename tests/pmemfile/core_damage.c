// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_damage -- a pool damaged at a known place is refused or reported,
 * never followed out of the pool: a file's extent pointing far outside the
 * pool, a file's extent block chain, a directory record naming no inode, a
 * directory's hash table, and the superblock's inode array chain (and an
 * empty file is refused with EINVAL, not SIGBUS). Each
 * access gives EIO and pmemfile_errormsg names the inode; each runs in a
 * child with a time limit, so that a crash or a hang is reported as such.
 * A directory record of 0 slots gives EIO once, then the listing ends
 * (getdents returned it for ever). libpmemobj's metadata, which
 * pmemobj_open trusts: a lane's log extension sent out of the heap (it
 * crashed), a chunk of size 0 and a damaged heap header (pmemobj_open
 * looped; the library retried the refused open for ever), a zone header:
 * the pool is refused with EIO, by the checker too. An inode array's next
 * link outside the pool, on a directory block or on itself: statfs (which
 * walks the chain; find calls it) gives EIO, it crashed; its free list
 * link: the creation that fills it gives EIO. A file's extent where no
 * block of the heap starts: the unlink that would free it gives EIO (it
 * died of SIGFPE in libpmemobj). Not damage: a pool
 * whose process died in a transaction that extended its undo log passes
 * these checks (and libpmemobj recovers it). A chunk whose flags say two
 * kinds of block header is refused (the checker looped on it).
 */
#include <fcntl.h>
#include <signal.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "core_csum.h"
#include "pmemfile/check.h"
#include "pmemfile/layout.h"

static const char *pool;
static uint64_t file_ino, big_ino, dir_ino, rec_off, super_off;
static uint64_t lanes_off, heap_off;

/* The 8-byte value at a pool offset, in the file itself. */
static uint64_t peek(uint64_t off)
{
	uint64_t v = 0;
	int fd = open(pool, O_RDONLY);
	CORE_TRUE(fd >= 0);
	CORE_EQ(pread(fd, &v, 8, (off_t)off), 8);
	close(fd);
	return v;
}

static void make_pool(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	static char buf[8192];
	memset(buf, 'x', sizeof(buf));
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, buf, sizeof(buf)), sizeof(buf));
	pmemfile_close(p, f);
	/* more extents than the inode holds: a chain of extent blocks */
	f = pmemfile_open(p, "/big", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	for (int i = 0; i < 8; i++)
		CORE_EQ(pmemfile_pwrite(p, f, "y", 1, (off_t)i * (1 << 20)), 1);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	f = pmemfile_open(p, "/d/x", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	pmemfile_close(p, f);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/f", &st), 0);
	file_ino = st.st_ino;
	CORE_EQ(pmemfile_stat(p, "/big", &st), 0);
	big_ino = st.st_ino;
	CORE_EQ(pmemfile_stat(p, "/d", &st), 0);
	dir_ino = st.st_ino;
	pmemfile_pool_close(p);
	PMEMobjpool *pop = pmemobj_open(pool, "pmemfile");
	CORE_TRUE(pop);
	super_off = pmemobj_root(pop, sizeof(struct pmemfile_super)).off;
	const struct pmemfile_inode *d = (const void *)((char *)pop + dir_ino);
	const uint64_t *btab = (const void *)((char *)pop + d->dir.btab);
	rec_off = btab[0]; /* the first record of /d: "x" */
	pmemobj_close(pop);
	/* libpmemobj's pool descriptor, after the 4 KiB pool header */
	lanes_off = peek(4096 + 1024);
	heap_off = peek(4096 + 1040);
}

/* Stores an 8-byte value at a pool offset, in the file itself. */
static void poke(uint64_t off, uint64_t value)
{
	int fd = open(pool, O_RDWR);
	CORE_TRUE(fd >= 0);
	CORE_EQ(pwrite(fd, &value, 8, (off_t)off), 8);
	close(fd);
}

/* What a damage gives: the call fails with EIO and names the inode. */
static void expect_eio(long r, uint64_t ino)
{
	CORE_EQ(r, -1);
	CORE_EQ(errno, EIO);
	char want[64];
	snprintf(want, sizeof(want), "inode 0x%llx", (unsigned long long)ino);
	if (!strstr(pmemfile_errormsg(), want))
		CORE_FAIL("errormsg \"%s\" does not name %s",
			  pmemfile_errormsg(), want);
}

static void read_file(const char *path, uint64_t ino)
{
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	PMEMfile *f = pmemfile_open(p, path, O_RDONLY);
	if (f) {
		char buf[16];
		expect_eio(pmemfile_read(p, f, buf, sizeof(buf)), ino);
		pmemfile_close(p, f);
	} else {
		expect_eio(-1, ino);
	}
	pmemfile_pool_close(p);
}

static void stat_path(const char *path, uint64_t ino)
{
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	pmemfile_stat_t st;
	expect_eio(pmemfile_stat(p, path, &st), ino);
	expect_eio(pmemfile_unlink(p, path), ino);
	pmemfile_pool_close(p);
}

static void bad_super(void)
{
	PMEMfilepool *p = pmemfile_pool_open(pool);
	if (p)
		CORE_FAIL("a damaged inode array chain was accepted");
	CORE_EQ(errno, EIO);
	CORE_TRUE(strstr(pmemfile_errormsg(), "inode array") != NULL);
}

/*
 * The damages below are sealed with the checksums of layout 5, so that the
 * checks of bounds under them are tested (core_csum: unsealed damage).
 */
static void d_extent(void)
{
	poke(file_ino + offsetof(struct pmemfile_inode, file.e[0].data),
	     0x400000000000ULL);
	csum_seal_inode(pool, file_ino);
	read_file("/f", file_ino);
}

static void d_block(void)
{
	poke(big_ino + offsetof(struct pmemfile_inode, file.blocks),
	     0x7ffff000ULL);
	csum_seal_inode(pool, big_ino);
	read_file("/big", big_ino);
}

static void d_record(void)
{
	poke(rec_off, 0x123456);
	csum_seal_record(pool, rec_off);
	stat_path("/d/x", 0x123456);
}

static void d_htab(void)
{
	poke(dir_ino + offsetof(struct pmemfile_inode, dir.htab),
	     0x400000000000ULL);
	csum_seal_inode(pool, dir_ino);
	stat_path("/d/x", dir_ino);
}

/* Not damage but no pool: an empty file is refused, by the checker too. */
static void d_empty(void)
{
	int fd = open(pool, O_WRONLY | O_TRUNC);
	CORE_TRUE(fd >= 0);
	close(fd);
	errno = 0;
	CORE_TRUE(pmemfile_pool_open(pool) == NULL);
	CORE_EQ(errno, EINVAL);
	CORE_EQ(pmemfile_check_pool(pool, NULL), -EINVAL);
}

/* nslots 0, type DT_REG, namelen 1: the record "x" covers no slot */
static void d_slots(void)
{
	poke(rec_off + 8, 0x0801);
	csum_seal_record(pool, rec_off);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	PMEMfile *d = pmemfile_open(p, "/d", O_RDONLY | O_DIRECTORY);
	CORE_TRUE(d);
	char buf[4096];
	/* ".." and "." first, then the record */
	int n = pmemfile_getdents64(p, d, (void *)buf, sizeof(buf));
	CORE_TRUE(n > 0);
	expect_eio(pmemfile_getdents64(p, d, (void *)buf, sizeof(buf)),
		   dir_ino);
	CORE_EQ(pmemfile_getdents64(p, d, (void *)buf, sizeof(buf)), 0);
	pmemfile_close(p, d);
	pmemfile_pool_close(p);
}

/* The pool is refused at open with EIO and why; the checker says so. */
static void refused(const char *why)
{
	errno = 0;
	PMEMfilepool *p = pmemfile_pool_open(pool);
	if (p)
		CORE_FAIL("a pool with a damaged %s was opened", why);
	CORE_EQ(errno, EIO);
	if (!strstr(pmemfile_errormsg(), why))
		CORE_FAIL("errormsg \"%s\" does not say %s",
			  pmemfile_errormsg(), why);
	CORE_EQ(pmemfile_check_pool(pool, NULL), -EIO);
}

/* Lane 3's undo log: its next extension far outside the heap. */
static void d_lane(void)
{
	poke(lanes_off + 3 * 3072 + 960 + 8, 0x7ffff000);
	refused("log extension");
}

/* The first chunk of zone 0: size 0 (its type and flags kept). */
static void d_chunk(void)
{
	uint64_t h = heap_off + 1024 + 64;
	poke(h, peek(h) & 0xffffffffULL);
	refused("chunk header");
}

/*
 * The first chunk's flags say both a compact header and none: pmemobj_open
 * takes it, and the checker's walk of the objects looped in libpmemobj.
 */
static void d_chunk_flags(void)
{
	uint64_t h = heap_off + 1024 + 64;
	poke(h, peek(h) | 3ULL << 16);
	refused("chunk header");
}

/* A byte of the heap header's reserved part (under its checksum). */
static void d_heap(void)
{
	poke(heap_off + 96, peek(heap_off + 96) ^ 0x10);
	refused("heap");
}

/* Zone 0 says it has one chunk more than the pool holds. */
static void d_zone(void)
{
	uint64_t z = heap_off + 1024;
	poke(z, peek(z) + (1ULL << 32));
	refused("zone header");
}

/*
 * A libpmemobj pool of pmemfile's layout but no superblock, whose process
 * was killed in a transaction that extended its undo log: the checks take
 * it (the open fails for the superblock alone), and libpmemobj rolls the
 * transaction back.
 */
static void d_undo_extended(void)
{
	unlink(pool);
	PMEMobjpool *pop = pmemobj_create(pool, "pmemfile", 32 << 20, 0600);
	CORE_TRUE(pop);
	const PMEMoid root = pmemobj_root(pop, 8 << 20);
	pid_t pid = fork();
	CORE_TRUE(pid >= 0);
	if (pid == 0) {
		TX_BEGIN(pop)
		{
			for (int i = 0; i < 200; i++)
				pmemobj_tx_add_range(root, (uint64_t)i * 40000,
						     30000);
			memset(pmemobj_direct(root), 1, 8 << 20);
			kill(getpid(), SIGKILL);
		}
		TX_END
		_exit(1);
	}
	int status;
	CORE_EQ(waitpid(pid, &status, 0), pid);
	CORE_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	pmemobj_close(pop);
	errno = 0;
	CORE_TRUE(pmemfile_pool_open(pool) == NULL);
	CORE_EQ(errno, EINVAL);
	if (!strstr(pmemfile_errormsg(), "superblock magic"))
		CORE_FAIL("errormsg \"%s\" is not the superblock's",
			  pmemfile_errormsg());
	pop = pmemobj_open(pool, "pmemfile");
	CORE_TRUE(pop);
	const char *p = pmemobj_direct(pmemobj_root(pop, 8 << 20));
	for (int i = 0; i < 200; i++)
		CORE_EQ(p[(uint64_t)i * 40000 + 29999], 0); /* rolled back */
	pmemobj_close(pop);
}

static void d_super(void)
{
	poke(super_off + offsetof(struct pmemfile_super, inode_arrays),
	     0x400000000000ULL);
	bad_super();
}

/* The first inode array of the chain (the superblock's head). */
static uint64_t first_array(void)
{
	return peek(super_off + offsetof(struct pmemfile_super, inode_arrays));
}

/*
 * The first array's next link made value: statfs, which walks the chain,
 * fails with EIO naming the array; pmemfile_stats counts the arrays before
 * it (arrays: their count, or -1 for any); the rest of the pool is usable.
 */
static void chain_link(uint64_t value, int arrays)
{
	poke(first_array() + offsetof(struct pmemfile_inode_array, next),
	     value);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	pmemfile_statfs_t sf;
	errno = 0;
	CORE_EQ(pmemfile_statfs(p, &sf), -1);
	CORE_EQ(errno, EIO);
	if (!strstr(pmemfile_errormsg(), "inode array"))
		CORE_FAIL("errormsg \"%s\" does not name the inode array",
			  pmemfile_errormsg());
	struct pmemfile_stats st;
	pmemfile_stats(p, &st);
	if (arrays >= 0)
		CORE_EQ(st.inode_arrays, (unsigned)arrays);
	pmemfile_stat_t s;
	CORE_EQ(pmemfile_stat(p, "/d/x", &s), 0);
	PMEMfile *f = pmemfile_open(p, "/new", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
}

static void d_chain_out(void)
{
	chain_link(0x400000000000ULL, 1);
}

/* a directory block: in the pool and aligned, but no inode array */
static void d_chain_other(void)
{
	chain_link(rec_off, 1);
}

/* the array itself: a cycle ends after as many arrays as the pool holds */
static void d_chain_loop(void)
{
	chain_link(first_array(), -1);
}

/*
 * The free list's link of the first array (the only one, with free slots)
 * sent outside the pool: the creation that fills the array, which then
 * leaves the list, fails with EIO, and so do those after it; what exists
 * stays readable.
 */
static void d_free_next(void)
{
	poke(first_array() + offsetof(struct pmemfile_inode_array, free_next),
	     0x400000000000ULL);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	int made = 0, eio = 0;
	for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/n%u", i);
		errno = 0;
		PMEMfile *f = pmemfile_open(p, name, O_CREAT | O_RDWR, 0644);
		if (f) {
			pmemfile_close(p, f);
			made++;
			continue;
		}
		CORE_EQ(errno, EIO);
		if (!strstr(pmemfile_errormsg(), "free list"))
			CORE_FAIL("errormsg \"%s\" does not name the free "
				  "list",
				  pmemfile_errormsg());
		eio++;
	}
	CORE_TRUE(made > 0 && eio > 0);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/d/x", &st), 0);
	CORE_EQ(pmemfile_stat(p, "/n0", &st), 0);
	pmemfile_pool_close(p);
}

/*
 * A file's extent sent to a place of the pool where no block starts (its
 * last 4 MiB, free space): libpmemobj's free of it divided by 0 (SIGFPE).
 * The unlink that frees it fails with EIO, the name stays; the rest of the
 * pool is usable.
 */
static void d_free_noblock(void)
{
	poke(file_ino + offsetof(struct pmemfile_inode, file.e[0].data),
	     (32 << 20) - (4 << 20));
	csum_seal_inode(pool, file_ino);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	errno = 0;
	CORE_EQ(pmemfile_unlink(p, "/f"), -1);
	CORE_EQ(errno, EIO);
	if (!strstr(pmemfile_errormsg(), "is no block"))
		CORE_FAIL("errormsg \"%s\" does not say what is no block",
			  pmemfile_errormsg());
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/f", &st), 0);
	CORE_EQ(pmemfile_unlink(p, "/d/x"), 0);
	pmemfile_pool_close(p);
}

int main(void)
{
	pool = core_pool_path("damage.pool");
	/* each damage checked in the child the run forks */
	struct {
		const char *what;
		void (*fn)(void);
	} cases[] = {
	    {"extent data offset", d_extent},
	    {"extent block offset", d_block},
	    {"record inode offset", d_record},
	    {"directory hash table", d_htab},
	    {"inode array chain", d_super},
	    {"inode array's next outside the pool", d_chain_out},
	    {"inode array's next on a directory block", d_chain_other},
	    {"inode array's next on itself", d_chain_loop},
	    {"inode array's free list link", d_free_next},
	    {"extent freed where no block starts", d_free_noblock},
	    {"empty file", d_empty},
	    {"record of no slots", d_slots},
	    {"lane log extension", d_lane},
	    {"chunk of size 0", d_chunk},
	    {"chunk of two header kinds", d_chunk_flags},
	    {"heap header", d_heap},
	    {"zone size", d_zone},
	    {"undo log extended, killed", d_undo_extended},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_pool();
		core_run_case(cases[i].what, NULL, cases[i].fn);
	}
	unlink(pool);
	printf("damaged pools give EIO naming the inode, no crash\n");
	return 0;
}
