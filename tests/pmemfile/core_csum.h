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

#include "core.h"
#include "csum_model.h"

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

#endif
