/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core_csum.h -- the checksums of layout 5 computed as layout.h describes
 * them, from the bytes of a pool file (not the library's code: a test that
 * seals a structure after damaging it checks what lies under the checksum,
 * and a difference between the two descriptions fails the tests that
 * expect a sealed pool to pass). Link $(B)/pmemfile/crc32c.o.
 */
#ifndef TESTS_PMEMFILE_CORE_CSUM_H
#define TESTS_PMEMFILE_CORE_CSUM_H

#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "csum_model.h"
#include "pmemfile/check.h"

/* n bytes of the pool file at a pool offset (the same offset in it). */
static inline void csum_read(const char *pool, uint64_t off, void *buf,
			     size_t n)
{
	int fd = open(pool, O_RDONLY);
	CORE_TRUE(fd >= 0);
	CORE_EQ(pread(fd, buf, n, (off_t)off), (long long)n);
	close(fd);
}

static inline void csum_write(const char *pool, uint64_t off, uint32_t v)
{
	int fd = open(pool, O_RDWR);
	CORE_TRUE(fd >= 0);
	CORE_EQ(pwrite(fd, &v, 4, (off_t)off), 4);
	close(fd);
}

/* Mode .. nlink, the union, rdev. */
static inline void csum_seal_inode(const char *pool, uint64_t off)
{
	struct pmemfile_inode in;
	csum_read(pool, off, &in, sizeof(in));
	csum_write(pool, off + offsetof(struct pmemfile_inode, csum),
		   csum_model_inode(off, &in));
}

/* The whole block but csum. */
static inline void csum_seal_eblock(const char *pool, uint64_t off)
{
	struct pmemfile_extent_block b;
	csum_read(pool, off, &b, sizeof(b));
	uint32_t c = crc32c(csum_seed(off), &b.next, 8);
	c = crc32c(c, &b.pad,
		   sizeof(b) - offsetof(struct pmemfile_extent_block, pad));
	csum_write(pool, off + offsetof(struct pmemfile_extent_block, csum), c);
}

/* The 12 header bytes before csum and the name. */
static inline void csum_seal_record(const char *pool, uint64_t off)
{
	char buf[16 + PMEMFILE_NAME_MAX];
	csum_read(pool, off, buf, 16);
	const struct pmemfile_dirent *r = (const void *)buf;
	csum_read(pool, off + 16, buf + 16, r->namelen);
	csum_write(pool, off + offsetof(struct pmemfile_dirent, csum),
		   csum_model_record(off, r));
}

/*
 * Damaging a pool and looking at what the library and the checker say of
 * it (core_csum, core_words).
 */

/* In a case's child: the library's messages into logpath. */
static inline void core_log_to_file(const char *logpath)
{
	setenv("PMEMFILE_POSIX_LOG_LEVEL", "1", 1);
	setenv("PMEMFILE_POSIX_LOG_FILE", logpath, 1);
}

/* Lines of the library's log so far that hold what. */
static inline int core_log_lines(const char *logpath, const char *what)
{
	FILE *f = fopen(logpath, "r");
	if (!f)
		return 0;
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/* Flips bits of the byte at a pool offset, through libpmemobj. */
static inline void core_flip(const char *pool, uint64_t off, unsigned char bits)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	char *p = (char *)pop + off;
	*p ^= (char)bits;
	pmemobj_persist(pop, p, 1);
	pmemobj_close(pop);
}

/* What the checker reports holds line; returns how many problems. */
static inline int core_expect_check(const char *pool, const char *line)
{
	char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	CORE_TRUE(f);
	int n = pmemfile_check_pool(pool, f);
	fclose(f);
	if (n < 1 || !strstr(buf, line))
		CORE_FAIL("check found %d problems, not \"%s\": %s", n, line,
			  buf);
	return n;
}

/*
 * A call failed with EIO, its message naming what, and the log has lines
 * lines holding logged.
 */
static inline void core_expect_eio(const char *logpath, long r,
				   const char *what, const char *logged,
				   int lines)
{
	CORE_EQ(r, -1);
	CORE_EQ(errno, EIO);
	if (!strstr(pmemfile_errormsg(), what))
		CORE_FAIL("errormsg \"%s\" does not name %s",
			  pmemfile_errormsg(), what);
	if (core_log_lines(logpath, logged) != lines)
		CORE_FAIL("%d log lines of \"%s\", expected %d",
			  core_log_lines(logpath, logged), logged, lines);
}

/*
 * The pool at path opened with its standard error caught (in a file beside
 * logpath): the handle (the open must succeed), and in msg (size bytes)
 * what the open said, such as a layout upgrade.
 */
static inline PMEMfilepool *
core_open_said(const char *pool, const char *logpath, char *msg, size_t size)
{
	char errpath[4200];
	snprintf(errpath, sizeof(errpath), "%s.err", logpath);
	int fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CORE_TRUE(fd >= 0);
	int saved = dup(2);
	CORE_EQ(dup2(fd, 2), 2);
	PMEMfilepool *p = pmemfile_pool_open(pool);
	CORE_EQ(dup2(saved, 2), 2);
	close(saved);
	CORE_TRUE(p);
	memset(msg, 0, size);
	CORE_TRUE(pread(fd, msg, size - 1, 0) > 0);
	close(fd);
	unlink(errpath);
	return p;
}

#endif
