// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_words -- the checks of an inode's size and times (layout 6).
 *
 * - The library's words (words.c) are what layout.h describes
 *   (csum_model.h), and every change of one byte of a word fails its check.
 * - A byte flipped in the size word, or in a word of each time, of a file
 *   in a closed pool: pmemfile_check_pool reports it, the library gives EIO
 *   on the calls that reach the file with one log line, the rest of the
 *   pool works, and the repair gives the byte back (a time's check, with
 *   more than one byte changed, is stored again over the time as read).
 * - Sizes changed in two bytes (no one byte explains them): the repair
 *   leaves them, a salvage takes a file's from its data and a symbolic
 *   link's from its target (inline, or long and passing its checksum),
 *   and keeps a time that fails its check as read.
 * - A size over 256 TiB (large: under the inode's checksum) reads back, a
 *   flipped byte of it fails the inode's checksum, and a truncate takes
 *   the file back to a small size.
 * - A pool of layout 5 (the words without their checks) is upgraded at its
 *   open with a message, its sizes and times as they were; also when a
 *   first open stopped in the middle (the superblock's mark).
 *
 * Each case runs in a child with a time limit.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "core_csum.h"
#include "pmemfile/check.h"
#include "pmemfile/words.h"

static const char *pool;
static char logpath[4096];
static uint64_t super_off, f_ino, g_ino, l_ino, long_ino, big_ino;
static char long_name[200];

#define F_SIZE 5000
#define BIG_SIZE (1ULL << 50)
static const pmemfile_timespec_t f_times[2] = {{1234567890, 987654321},
					       {1500000000, 5}};

static void log_to_file(void)
{
	core_log_to_file(logpath);
}

static uint64_t ino_of(PMEMfilepool *p, const char *path)
{
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_lstat(p, path, &st), 0);
	return st.st_ino;
}

static void make_pool(void)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 32 << 20, 0600);
	CORE_TRUE(p);
	char buf[F_SIZE];
	memset(buf, 'f', sizeof(buf));
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, buf, F_SIZE), F_SIZE);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_utimensat(p, PMEMFILE_AT_CWD, "/f", f_times, 0), 0);
	f = pmemfile_open(p, "/g", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, "other", 5), 5);
	pmemfile_close(p, f);
	/* sparse, over 256 TiB: a large size word */
	f = pmemfile_open(p, "/big", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_pwrite(p, f, "b", 1, (off_t)BIG_SIZE - 1), 1);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_symlink(p, "/g", "/l"), 0);
	memset(long_name, 't', sizeof(long_name) - 1);
	long_name[0] = '/';
	CORE_EQ(pmemfile_symlink(p, long_name, "/long"), 0);
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	f_ino = ino_of(p, "/f");
	g_ino = ino_of(p, "/g");
	l_ino = ino_of(p, "/l");
	long_ino = ino_of(p, "/long");
	big_ino = ino_of(p, "/big");
	pmemfile_pool_close(p);
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	super_off = pmemobj_root(pop, sizeof(struct pmemfile_super)).off;
	pmemobj_close(pop);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
}

static void flip(uint64_t off, unsigned char bits)
{
	core_flip(pool, off, bits);
}

static int expect_check(const char *line)
{
	return core_expect_check(pool, line);
}

/* EIO naming what, and lines log lines holding it. */
static void expect_eio(long r, const char *what, int lines)
{
	core_expect_eio(logpath, r, what, what, lines);
}

/* The repair: fixes, nothing left, and what it printed holds line. */
static void expect_repair(const char *line)
{
	char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	CORE_TRUE(f);
	unsigned fixed, left;
	CORE_EQ(pmemfile_repair_pool(pool, f, PMEMFILE_REPAIR_FIX, NULL, &fixed,
				     &left),
		0);
	fclose(f);
	if (fixed < 1 || left != 0 || !strstr(buf, line))
		CORE_FAIL("repair: %u fixed, %u left, not \"%s\": %s", fixed,
			  left, line, buf);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
}

/* /f as it was made: its bytes, size and times. */
static void f_intact(PMEMfilepool *p)
{
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/f", &st), 0);
	CORE_EQ(st.st_size, F_SIZE);
	CORE_EQ(st.st_atim.tv_sec, f_times[0].tv_sec);
	CORE_EQ(st.st_atim.tv_nsec, f_times[0].tv_nsec);
	CORE_EQ(st.st_mtim.tv_sec, f_times[1].tv_sec);
	CORE_EQ(st.st_mtim.tv_nsec, f_times[1].tv_nsec);
	char buf[F_SIZE + 1];
	PMEMfile *f = pmemfile_open(p, "/f", O_RDONLY | O_NOATIME);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_read(p, f, buf, sizeof(buf)), F_SIZE);
	pmemfile_close(p, f);
	for (int i = 0; i < F_SIZE; i++)
		CORE_EQ(buf[i], 'f');
}

static void other_works(PMEMfilepool *p)
{
	char buf[16] = {0};
	PMEMfile *f = pmemfile_open(p, "/g", O_RDWR);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_pwrite(p, f, "OTHER", 5, 0), 5);
	CORE_EQ(pmemfile_pread(p, f, buf, sizeof(buf), 0), 5);
	CORE_EQ(memcmp(buf, "OTHER", 5), 0);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_mkdir(p, "/d/new", 0755), 0);
}

/*
 * A change of a small size word: it fails its check, or it made the word
 * large, which puts it under the inode's checksum, which then fails.
 */
static void changed_size(uint64_t off, uint64_t w, uint64_t change)
{
	if (!size_word_valid(off, w ^ change))
		return;
	struct pmemfile_inode in;
	memset(&in, 0, sizeof(in));
	in.size_word = w;
	uint32_t before = csum_model_inode(off, &in);
	in.size_word = w ^ change;
	if (!size_word_large(w ^ change) ||
	    csum_model_inode(off, &in) == before)
		CORE_FAIL("size word 0x%lx ^ 0x%lx passes", (unsigned long)w,
			  (unsigned long)change);
}

/* The library's words against the model, and every one-byte change. */
static void c_model(void)
{
	static const uint64_t offs[] = {0x12340, 0x7fff00018, 0x100000000040};
	static const uint64_t sizes[] = {
	    0,		1,	    4095,
	    F_SIZE,	1ULL << 40, (1ULL << 48) - 1,
	    1ULL << 48, BIG_SIZE,   INT64_MAX};
	static const int64_t secs[] = {
	    0, 1, -1, 1234567890, -86400 * 365, ITIME_SEC_MAX, ITIME_SEC_MIN};
	static const int64_t nsecs[] = {0, 1, 5, 500000000, 999999999};
	for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
		uint64_t off = offs[o];
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t w = size_word_make(off, sizes[i]);
			CORE_EQ(w, model_size_word(off, sizes[i]));
			CORE_EQ(size_word_value(w), sizes[i]);
			CORE_TRUE(size_word_valid(off, w));
			if (size_word_large(w))
				continue; /* the inode's checksum's */
			/* a word copied from another place fails there */
			CORE_TRUE(!size_word_valid(off + 256, w));
			for (unsigned b = 0; b < 64; b += 8)
				for (uint64_t x = 1; x < 256; x++)
					changed_size(off, w, x << b);
		}
		for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
			for (size_t k = 0; k < sizeof(nsecs) / sizeof(nsecs[0]);
			     k++) {
				struct pmemfile_time t = {secs[i], nsecs[k]};
				struct pmemfile_itime w = itime_make(off, t);
				struct pmemfile_itime m =
				    model_time(off, secs[i], nsecs[k]);
				CORE_EQ(w.sec_word, m.sec_word);
				CORE_EQ(w.nsec_word, m.nsec_word);
				CORE_EQ(itime_value(&w).sec, secs[i]);
				CORE_EQ(itime_value(&w).nsec, nsecs[k]);
				CORE_TRUE(itime_valid(off, &w));
				CORE_TRUE(!itime_valid(off + 16, &w));
				for (unsigned b = 0; b < 128; b += 8) {
					for (uint64_t x = 1; x < 256; x++) {
						struct pmemfile_itime c = w;
						uint64_t *p =
						    b < 64 ? &c.sec_word
							   : &c.nsec_word;
						*p ^= x << (b % 64);
						if (itime_valid(off, &c))
							CORE_FAIL(
							    "time %ld.%ld, "
							    "byte %u ^ 0x%lx "
							    "passes",
							    (long)secs[i],
							    (long)nsecs[k],
							    b / 8,
							    (unsigned long)x);
					}
				}
			}
		}
	}
	/* out of range: the nearest time the words hold */
	struct pmemfile_itime w =
	    itime_make(64, (struct pmemfile_time){INT64_MAX, 0});
	CORE_EQ(itime_value(&w).sec, ITIME_SEC_MAX);
	w = itime_make(64, (struct pmemfile_time){INT64_MIN, 0});
	CORE_EQ(itime_value(&w).sec, ITIME_SEC_MIN);
}

/*
 * One word of /f damaged (the byte at +at of the inode flipped by bits):
 * check, EIO, the repair; name is the word as the messages name it.
 */
static void damaged_word(size_t at, unsigned char bits, const char *name)
{
	flip(f_ino + at, bits);
	char want[96];
	snprintf(want, sizeof(want), "inode %lu: %s fails its check",
		 (unsigned long)f_ino, name);
	expect_check(want);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char what[64];
	snprintf(what, sizeof(what), "check of its %s", name);
	errno = 0;
	expect_eio(pmemfile_open(p, "/f", O_RDONLY) ? 0 : -1, what, 1);
	pmemfile_stat_t st;
	expect_eio(pmemfile_stat(p, "/f", &st), what, 2);
	errno = 0;
	expect_eio(pmemfile_open(p, "/f", O_RDWR | O_TRUNC) ? 0 : -1, what, 3);
	other_works(p);
	pmemfile_pool_close(p);
	snprintf(want, sizeof(want),
		 "inode %lu: its %s fails its check, explained by one byte",
		 (unsigned long)f_ino, name);
	expect_repair(want);
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	f_intact(p);
	pmemfile_pool_close(p);
}

static void c_size(void)
{
	/* 5000 made 4096 + 5000 */
	damaged_word(offsetof(struct pmemfile_inode, size_word) + 1, 0x10,
		     "size");
}

static void c_size_check_bits(void)
{
	damaged_word(offsetof(struct pmemfile_inode, size_word) + 6, 0x01,
		     "size");
}

static void c_mtime_sec(void)
{
	damaged_word(offsetof(struct pmemfile_inode, mtime) + 2, 0x80,
		     "modification time");
}

static void c_ctime_nsec(void)
{
	damaged_word(offsetof(struct pmemfile_inode, ctime.nsec_word), 0x02,
		     "change time");
}

static void c_atime_nsec(void)
{
	damaged_word(offsetof(struct pmemfile_inode, atime.nsec_word) + 5, 0x40,
		     "access time");
}

/* Two bytes of a time: no one byte explains it; kept as read. */
static void c_atime_two_bytes(void)
{
	flip(f_ino + offsetof(struct pmemfile_inode, atime) + 3, 0x01);
	flip(f_ino + offsetof(struct pmemfile_inode, atime.nsec_word) + 1,
	     0x01);
	char want[96];
	snprintf(want, sizeof(want), "inode %lu: access time fails its check",
		 (unsigned long)f_ino);
	expect_check(want);
	snprintf(want, sizeof(want),
		 "inode %lu: its access time fails its check: kept as read, "
		 "%ld.%09ld",
		 (unsigned long)f_ino, (long)(f_times[0].tv_sec ^ 0x01000000L),
		 (long)(f_times[0].tv_nsec ^ 0x100L));
	expect_repair(want);
}

/* The symlink's length: readlink and stat of what it leads to fail. */
static void c_symlink_size(void)
{
	flip(l_ino + offsetof(struct pmemfile_inode, size_word), 0x04);
	char want[96];
	snprintf(want, sizeof(want), "inode %lu: size fails its check",
		 (unsigned long)l_ino);
	expect_check(want);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	char buf[256];
	expect_eio(pmemfile_readlink(p, "/l", buf, sizeof(buf)),
		   "check of its size", 1);
	CORE_EQ(pmemfile_readlink(p, "/long", buf, sizeof(buf)),
		(long long)strlen(long_name));
	other_works(p);
	pmemfile_pool_close(p);
	expect_repair("its size fails its check, explained by one byte");
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_readlink(p, "/l", buf, sizeof(buf)), 2);
	pmemfile_pool_close(p);
}

/* Two bytes of the size words of /f, /l and /long, two of /g's mtime. */
static void c_salvage(void)
{
	const size_t size = offsetof(struct pmemfile_inode, size_word);
	const size_t mtime = offsetof(struct pmemfile_inode, mtime);
	uint64_t inos[] = {f_ino, l_ino, long_ino};
	for (int i = 0; i < 3; i++) {
		flip(inos[i] + size, 0x01);
		flip(inos[i] + size + 2, 0x01);
	}
	flip(g_ino + mtime + 1, 0x01);
	flip(g_ino + mtime + 8 + 1, 0x01);
	unsigned fixed, left;
	char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	CORE_TRUE(f);
	CORE_EQ(pmemfile_repair_pool(pool, f, PMEMFILE_REPAIR_FIX, NULL, &fixed,
				     &left),
		0);
	fclose(f);
	/*
	 * The time kept as read; the sizes left, and what they make wrong:
	 * the symlinks' lengths, the long target's object no longer owned
	 * (not freed: something could not be followed)
	 */
	CORE_EQ(fixed, 1);
	CORE_EQ(left, 6);
	for (int i = 0; i < 3; i++) {
		char want[64];
		snprintf(want, sizeof(want), "inode %lu: size fails its check",
			 (unsigned long)inos[i]);
		if (!strstr(buf, want))
			CORE_FAIL("repair: not \"%s\": %s", want, buf);
	}
	char newpool[4200];
	snprintf(newpool, sizeof(newpool), "%s.new", pool);
	unlink(newpool);
	f = fmemopen(buf, sizeof(buf), "w");
	CORE_TRUE(f);
	struct pmemfile_salvage_counts n;
	CORE_EQ(pmemfile_salvage_pool(pool, newpool, f, &n), 0);
	fclose(f);
	if (!strstr(buf, "/f: size damaged: taken as the end of its data"))
		CORE_FAIL("salvage said: %s", buf);
	CORE_EQ(n.files, 3);
	CORE_EQ(n.symlinks, 2);
	CORE_EQ(n.damaged, 1);
	CORE_EQ(n.lost, 0);
	CORE_EQ(pmemfile_check_pool(newpool, NULL), 0);
	PMEMfilepool *p = pmemfile_pool_open(newpool);
	CORE_TRUE(p);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/f", &st), 0);
	CORE_TRUE(st.st_size >= F_SIZE && st.st_size % 4096 == 0);
	PMEMfile *file = pmemfile_open(p, "/f", O_RDONLY);
	CORE_TRUE(file);
	CORE_EQ(pmemfile_read(p, file, buf, sizeof(buf)),
		(long long)st.st_size);
	pmemfile_close(p, file);
	for (long i = 0; i < st.st_size; i++)
		CORE_EQ(buf[i], i < F_SIZE ? 'f' : 0);
	CORE_EQ(pmemfile_readlink(p, "/l", buf, sizeof(buf)), 2);
	CORE_EQ(memcmp(buf, "/g", 2), 0);
	CORE_EQ(pmemfile_readlink(p, "/long", buf, sizeof(buf)),
		(long long)strlen(long_name));
	CORE_EQ(memcmp(buf, long_name, strlen(long_name)), 0);
	CORE_EQ(pmemfile_stat(p, "/g", &st), 0);
	CORE_EQ(st.st_size, 5);
	pmemfile_pool_close(p);
	unlink(newpool);
}

/* A large size: under the inode's checksum; a truncate makes it small. */
static void c_large(void)
{
	struct pmemfile_inode in;
	csum_read(pool, big_ino, &in, sizeof(in));
	CORE_EQ(in.size_word, BIG_SIZE | 1ULL << 63);
	CORE_EQ(in.csum, csum_model_inode(big_ino, &in));
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/big", &st), 0);
	CORE_EQ(st.st_size, (long long)BIG_SIZE);
	PMEMfile *f = pmemfile_open(p, "/big", O_RDWR);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_pwrite(p, f, "c", 1, (off_t)BIG_SIZE + 10), 1);
	CORE_EQ(pmemfile_fstat(p, f, &st), 0);
	CORE_EQ(st.st_size, (long long)BIG_SIZE + 11);
	CORE_EQ(pmemfile_ftruncate(p, f, 3), 0);
	CORE_EQ(pmemfile_fstat(p, f, &st), 0);
	CORE_EQ(st.st_size, 3);
	CORE_EQ(pmemfile_ftruncate(p, f, (off_t)BIG_SIZE), 0);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	flip(big_ino + offsetof(struct pmemfile_inode, size_word) + 2, 0x01);
	char want[96];
	snprintf(want, sizeof(want), "inode %lu: checksum mismatch",
		 (unsigned long)big_ino);
	expect_check(want);
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	expect_eio(pmemfile_stat(p, "/big", &st), "checksum of the inode", 1);
	pmemfile_pool_close(p);
	/* the inode's checksum finds the byte, which the repair gives back */
	expect_repair("checksum mismatch explained by one byte, of its");
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_stat(p, "/big", &st), 0);
	CORE_EQ(st.st_size, (long long)BIG_SIZE);
	pmemfile_pool_close(p);
}

/* The superblock's checksum as layout.h describes it. */
static uint32_t super_csum(const struct pmemfile_super *s)
{
	uint32_t c =
	    crc32c(0, s, offsetof(struct pmemfile_super, inode_arrays));
	c = crc32c(c, &s->created, sizeof(s->created));
	return crc32c(c, &s->array_map,
		      offsetof(struct pmemfile_super, csum) -
			  offsetof(struct pmemfile_super, array_map));
}

/*
 * The pool made what layout 5 wrote: every inode's words without their
 * checks, version 5; the first `keep` inodes in use are left as layout 6
 * made them and the mark names the last of them, as an upgrade that
 * stopped there leaves the pool.
 */
static void make_layout5(unsigned keep)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	char *base = (char *)pop;
	struct pmemfile_super *s = (void *)(base + super_off);
	uint64_t mark = 0;
	for (uint64_t a = s->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = (void *)(base + a);
		for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			struct pmemfile_inode *in = &arr->inodes[i];
			uint64_t ino = a + offsetof(struct pmemfile_inode_array,
						    inodes[i]);
			if (in->mode == 0)
				continue;
			if (keep) {
				keep--;
				mark = ino;
				continue;
			}
			model_words_strip(ino, in);
		}
		a = arr->next;
	}
	s->version = 5;
	s->words_upgraded = mark;
	s->csum = super_csum(s);
	pmemobj_persist(pop, base + 4096, pmemobj_root_size(pop));
	pmemobj_close(pop);
}

static void upgraded(unsigned keep)
{
	/* /f given a time beyond what layout 6 holds */
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	struct pmemfile_inode *fin = (void *)((char *)pop + f_ino);
	fin->ctime = itime_make(f_ino + offsetof(struct pmemfile_inode, ctime),
				(struct pmemfile_time){7, 8});
	pmemobj_persist(pop, fin, sizeof(*fin));
	pmemobj_close(pop);
	make_layout5(keep);
	pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	fin = (void *)((char *)pop + f_ino);
	CORE_EQ(fin->size_word, keep ? fin->size_word : F_SIZE);
	if (!keep) {
		fin->ctime.sec_word = (uint64_t)1 << 60;
		pmemobj_persist(pop, fin, sizeof(*fin));
	}
	pmemobj_close(pop);
	/* the checker reads layout 5 as it is */
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	char msg[1024];
	PMEMfilepool *p = core_open_said(pool, logpath, msg, sizeof(msg));
	if (!strstr(msg, "layout upgraded from version 5 to 6") ||
	    !strstr(msg, pool))
		CORE_FAIL("upgrade message: \"%s\"", msg);
	f_intact(p);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/f", &st), 0);
	CORE_EQ(st.st_ctim.tv_sec, keep ? 7 : ITIME_SEC_MAX);
	CORE_EQ(pmemfile_stat(p, "/big", &st), 0);
	CORE_EQ(st.st_size, (long long)BIG_SIZE);
	char buf[256];
	CORE_EQ(pmemfile_readlink(p, "/l", buf, sizeof(buf)), 2);
	CORE_EQ(pmemfile_readlink(p, "/long", buf, sizeof(buf)),
		(long long)strlen(long_name));
	other_works(p);
	pmemfile_pool_close(p);
	CORE_EQ(core_log_lines(logpath, "check of its"), 0);
	CORE_EQ(pmemfile_check_pool(pool, NULL), 0);
	struct pmemfile_super s;
	csum_read(pool, super_off, &s, sizeof(s));
	CORE_EQ(s.version, 6);
	CORE_EQ(s.words_upgraded, 0);
}

static void c_layout5(void)
{
	upgraded(0);
}

static void c_layout5_cut_short(void)
{
	upgraded(3);
}

int main(void)
{
	snprintf(logpath, sizeof(logpath), "%s", core_pool_path("words.log"));
	pool = core_pool_path("words.pool");
	struct {
		const char *what;
		void (*fn)(void);
	} cases[] = {
	    {"the words and their model", c_model},
	    {"size", c_size},
	    {"size's check bits", c_size_check_bits},
	    {"mtime's seconds", c_mtime_sec},
	    {"ctime's nanoseconds", c_ctime_nsec},
	    {"atime's nanoseconds", c_atime_nsec},
	    {"atime, two bytes", c_atime_two_bytes},
	    {"a symlink's length", c_symlink_size},
	    {"sizes no byte explains, salvaged", c_salvage},
	    {"a large size", c_large},
	    {"layout 5 pool", c_layout5},
	    {"layout 5 pool, upgrade cut short", c_layout5_cut_short},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_pool();
		unlink(logpath);
		core_run_case(cases[i].what, log_to_file, cases[i].fn);
	}
	unlink(pool);
	unlink(logpath);
	printf("a flipped byte in the size or a time: check reports it, EIO "
	       "and one log line, the repair gives it back; sizes no byte "
	       "explains salvaged from the data; layout 5 upgraded\n");
	return 0;
}
