// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_csum -- the metadata checksums of layout 5. A byte flipped (through
 * libpmemobj, in a closed pool) in each structure they cover -- the
 * superblock, an inode, an extent block (in a slot past the file's
 * extents, which no check of bounds reads), a directory record, a long
 * symbolic link's target -- gives
 * EIO on the call that reaches it and one log line naming the structure;
 * the other files stay readable and writable; pmemfile_check_pool reports
 * the mismatch with the structure's offset. A structure sealed as
 * layout.h describes its checksum (core_csum.h) passes the checker: both
 * descriptions agree. A pool of layout 4 (no checksums) is upgraded at
 * its open, with a message, and then reads and checks clean. Each case
 * runs in a child with a time limit.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "core_csum.h"
#include "pmemfile/check.h"

static const char *pool;
static char logpath[4096];

/* In a case's child: the library's messages into logpath (read at its
 * first message). */
static void log_to_file(void)
{
	core_log_to_file(logpath);
}
static uint64_t super_off, a_ino, big_ino, dir_ino, rec_off, eblock_off;
static uint64_t long_ino, long_target;
static char long_name[200];

static void make_pool(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	PMEMfile *f = pmemfile_open(p, "/a", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, "aaaa", 4), 4);
	pmemfile_close(p, f);
	f = pmemfile_open(p, "/other", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, "other", 5), 5);
	pmemfile_close(p, f);
	/* more extents than the inode holds: an extent block */
	f = pmemfile_open(p, "/big", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	for (int i = 0; i < 8; i++)
		CORE_EQ(pmemfile_pwrite(p, f, "y", 1, (off_t)i * (1 << 20)), 1);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	for (int i = 0; i < 2; i++) {
		f = pmemfile_open(p, i ? "/d/y" : "/d/x", O_CREAT | O_RDWR,
				  0644);
		CORE_TRUE(f);
		pmemfile_close(p, f);
	}
	CORE_EQ(pmemfile_symlink(p, "/a", "/l"), 0);
	/* a target too long for the inode: an object of its own */
	memset(long_name, 't', sizeof(long_name) - 1);
	long_name[0] = '/';
	CORE_EQ(pmemfile_symlink(p, long_name, "/long"), 0);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/a", &st), 0);
	a_ino = st.st_ino;
	CORE_EQ(pmemfile_stat(p, "/big", &st), 0);
	big_ino = st.st_ino;
	CORE_EQ(pmemfile_stat(p, "/d", &st), 0);
	dir_ino = st.st_ino;
	CORE_EQ(pmemfile_lstat(p, "/long", &st), 0);
	long_ino = st.st_ino;
	pmemfile_pool_close(p);
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	char *base = (char *)pop;
	super_off = pmemobj_root(pop, sizeof(struct pmemfile_super)).off;
	const struct pmemfile_inode *d = (const void *)(base + dir_ino);
	const uint64_t *btab = (const void *)(base + d->dir.btab);
	rec_off = btab[0]; /* the first record of /d: "x" */
	const struct pmemfile_dirent *r = (const void *)(base + rec_off);
	CORE_TRUE(r->namelen == 1 && r->name[0] == 'x');
	const struct pmemfile_inode *b = (const void *)(base + big_ino);
	eblock_off = b->file.blocks;
	CORE_TRUE(eblock_off != 0);
	const struct pmemfile_inode *l = (const void *)(base + long_ino);
	memcpy(&long_target, l->target, 8);
	pmemobj_close(pop);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
}

static void flip(uint64_t off, unsigned char bits)
{
	core_flip(pool, off, bits);
}

/* EIO naming what, and lines log lines of checksums. */
static void expect_eio(long r, const char *what, int lines)
{
	core_expect_eio(logpath, r, what, "checksum", lines);
}

/* What the checker reports: the mismatch's line (and what the damage
 * changed, which a check of its own may report too). */
static void expect_check(const char *line)
{
	(void)core_expect_check(pool, line);
}

/* Reads and writes of a file the damage did not reach. */
static void other_works(PMEMfilepool *p, const char *path)
{
	char buf[16] = {0};
	PMEMfile *f = pmemfile_open(p, path, O_RDWR);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_pwrite(p, f, "OTHER", 5, 0), 5);
	CORE_EQ(pmemfile_pread(p, f, buf, sizeof(buf), 0), 5);
	CORE_EQ(memcmp(buf, "OTHER", 5), 0);
	pmemfile_close(p, f);
	f = pmemfile_open(p, "/new", O_CREAT | O_EXCL | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, "new", 3), 3);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_unlink(p, "/new"), 0);
}

static void c_super(void)
{
	flip(super_off + offsetof(struct pmemfile_super, created) + 2, 0x10);
	errno = 0;
	CORE_TRUE(pmemfile_pool_open(pool) == NULL);
	expect_eio(-1, "checksum of the superblock", 1);
	char want[64];
	snprintf(want, sizeof(want), "superblock: checksum mismatch at 0x%lx",
		 (unsigned long)super_off);
	expect_check(want);
}

static void c_inode(void)
{
	csum_seal_inode(pool, a_ino);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	flip(a_ino + offsetof(struct pmemfile_inode, uid), 0x01);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char want[64];
	snprintf(want, sizeof(want), "inode 0x%lx", (unsigned long)a_ino);
	errno = 0;
	expect_eio(pmemfile_open(p, "/a", O_RDONLY) ? 0 : -1, want, 1);
	pmemfile_stat_t st;
	expect_eio(pmemfile_stat(p, "/a", &st), want, 2);
	/* the symlink's target is the damaged inode */
	expect_eio(pmemfile_stat(p, "/l", &st), want, 3);
	CORE_EQ(pmemfile_lstat(p, "/l", &st), 0);
	other_works(p, "/other");
	pmemfile_pool_close(p);
	snprintf(want, sizeof(want), "inode %lu: checksum mismatch at 0x%lx",
		 (unsigned long)a_ino, (unsigned long)a_ino);
	expect_check(want);
}

static void c_eblock(void)
{
	csum_seal_eblock(pool, eblock_off);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	/* slot 100: past the file's extents, read by no check of bounds */
	flip(eblock_off + offsetof(struct pmemfile_extent_block, e[100].len),
	     0x20);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char want[80];
	snprintf(want, sizeof(want), "extent block at 0x%lx",
		 (unsigned long)eblock_off);
	errno = 0;
	expect_eio(pmemfile_open(p, "/big", O_RDONLY) ? 0 : -1, want, 1);
	other_works(p, "/a");
	pmemfile_pool_close(p);
	snprintf(want, sizeof(want),
		 "inode %lu: extent block checksum mismatch at 0x%lx",
		 (unsigned long)big_ino, (unsigned long)eblock_off);
	expect_check(want);
}

static void c_record(void)
{
	csum_seal_record(pool, rec_off);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	/* DT_REG made DT_SOCK: a name still found, no length or name wrong */
	flip(rec_off + offsetof(struct pmemfile_dirent, type), 0x04);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char want[80];
	snprintf(want, sizeof(want), "record at 0x%lx", (unsigned long)rec_off);
	pmemfile_stat_t st;
	expect_eio(pmemfile_stat(p, "/d/x", &st), want, 1);
	errno = 0;
	expect_eio(pmemfile_open(p, "/d/x", O_RDONLY) ? 0 : -1, want, 2);
	expect_eio(pmemfile_unlink(p, "/d/x"), want, 3);
	PMEMfile *d = pmemfile_open(p, "/d", O_RDONLY | O_DIRECTORY);
	CORE_TRUE(d);
	char buf[4096];
	/*
	 * "." and ".." first, the damage found (and logged) after them; the
	 * next call fails with it (logged again), the one after goes past it
	 */
	CORE_TRUE(pmemfile_getdents64(p, d, (void *)buf, sizeof(buf)) > 0);
	CORE_EQ(core_log_lines(logpath, "checksum"), 4);
	expect_eio(pmemfile_getdents64(p, d, (void *)buf, sizeof(buf)), want,
		   5);
	CORE_TRUE(pmemfile_getdents64(p, d, (void *)buf, sizeof(buf)) > 0);
	pmemfile_close(p, d);
	CORE_EQ(pmemfile_stat(p, "/d/y", &st), 0);
	other_works(p, "/d/y");
	pmemfile_pool_close(p);
	snprintf(want, sizeof(want),
		 "directory %lu: record checksum mismatch at 0x%lx",
		 (unsigned long)dir_ino, (unsigned long)rec_off);
	expect_check(want);
}

static void c_symlink(void)
{
	flip(long_target + 50, 0x01);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char want[80], buf[256];
	snprintf(want, sizeof(want), "inode 0x%lx", (unsigned long)long_ino);
	expect_eio(pmemfile_readlink(p, "/long", buf, sizeof(buf)), want, 1);
	CORE_EQ(pmemfile_readlink(p, "/l", buf, sizeof(buf)), 2);
	other_works(p, "/a");
	pmemfile_pool_close(p);
	snprintf(want, sizeof(want),
		 "inode %lu: symlink target checksum mismatch at 0x%lx",
		 (unsigned long)long_ino, (unsigned long)long_target);
	expect_check(want);
}

/* The checksums of every structure zeroed, the sizes and times without
 * their checks, version 4: what layout 4 made. */
static void make_layout4(void)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	char *base = (char *)pop;
	struct pmemfile_super *s = (void *)(base + super_off);
	for (uint64_t a = s->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = (void *)(base + a);
		for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			struct pmemfile_inode *in = &arr->inodes[i];
			if (in->mode == 0)
				continue;
			model_words_strip(
			    a + offsetof(struct pmemfile_inode_array,
					 inodes[i]),
			    in);
			in->csum = 0;
			if (S_ISLNK(in->mode) &&
			    in->size_word >= PMEMFILE_SYMLINK_INLINE)
				memset(in->target + 8, 0, 4);
			if (S_ISREG(in->mode) && in->file.blocks)
				((struct pmemfile_extent_block
				      *)(base + in->file.blocks))
				    ->csum = 0;
			const uint64_t *btab =
			    (const void *)(base + in->dir.btab);
			for (uint64_t b = 0;
			     S_ISDIR(in->mode) && b < in->dir.nblocks; b++) {
				for (unsigned k = 0; k < PMEMFILE_DIR_SLOTS;
				     k++) {
					struct pmemfile_dirent *r =
					    (void *)(base + btab[b] +
						     k * PMEMFILE_DIR_SLOT);
					if (r->ino)
						r->csum = 0;
				}
			}
		}
		a = arr->next;
	}
	s->version = 4;
	s->csum = 0;
	pmemobj_persist(pop, base + 4096, pmemobj_root_size(pop));
	pmemobj_close(pop);
}

static void c_layout4(void)
{
	make_layout4();
	/* the checker reads a pool of layout 4 without checksums */
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	char msg[1024];
	PMEMfilepool *p = core_open_said(pool, logpath, msg, sizeof(msg));
	if (!strstr(msg, "layout upgraded from version 4 to 5") ||
	    !strstr(msg, "layout upgraded from version 5 to 6") ||
	    !strstr(msg, pool))
		CORE_FAIL("upgrade message: \"%s\"", msg);
	char buf[256] = {0};
	PMEMfile *f = pmemfile_open(p, "/a", O_RDONLY);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_read(p, f, buf, 8), 4);
	pmemfile_close(p, f);
	f = pmemfile_open(p, "/big", O_RDONLY);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_pread(p, f, buf, 1, 7 << 20), 1);
	CORE_EQ(buf[0], 'y');
	pmemfile_close(p, f);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/d/x", &st), 0);
	CORE_EQ(pmemfile_readlink(p, "/long", buf, sizeof(buf)),
		(long long)strlen(long_name));
	other_works(p, "/d/y");
	pmemfile_pool_close(p);
	CORE_EQ(core_log_lines(logpath, "checksum"), 0);
	/* every structure has its checksum now: the checker finds them */
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	struct pmemfile_super s;
	csum_read(pool, super_off, &s, sizeof(s));
	CORE_EQ(s.version, 6);
	CORE_TRUE(s.csum != 0);
}

int main(void)
{
	/* core_pool_path's buffer is reused: the log's name first */
	snprintf(logpath, sizeof(logpath), "%s", core_pool_path("csum.log"));
	pool = core_pool_path("csum.pool");
	struct {
		const char *what;
		void (*fn)(void);
	} cases[] = {
	    {"superblock", c_super},
	    {"inode", c_inode},
	    {"extent block", c_eblock},
	    {"directory record", c_record},
	    {"long symlink target", c_symlink},
	    {"layout 4 pool", c_layout4},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_pool();
		unlink(logpath);
		core_run_case(cases[i].what, log_to_file, cases[i].fn);
	}
	unlink(pool);
	unlink(logpath);
	printf("a flipped byte in each checksummed structure: EIO, one log "
	       "line, the rest usable, check reports it; layout 4 upgraded\n");
	return 0;
}
