/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tjournal.h -- the tests of the page journal (journal_*): a seeded
 * generator, whole-file reads and writes, the model of a pool file, and the
 * library's error message, which the journal module alone (linked without
 * the rest of the library) reports here.
 */
#ifndef TESTS_PMEMFILE_TJOURNAL_H
#define TESTS_PMEMFILE_TJOURNAL_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "journal.h"
#include "tcheck.h"

#define TJ_PAGE ((size_t)JOURNAL_PAGE)

/* The last message of the journal (pf_set_errormsg of the library). */
static char tj_errormsg[512];

void pf_set_errormsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tj_errormsg, sizeof(tj_errormsg), fmt, ap);
	va_end(ap);
}

/* realloc, the test failing where there is no memory */
static inline void *tj_realloc(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (!q)
		T_FAIL("realloc of %zu bytes failed", size);
	return q;
}

/* xorshift64*: the same sequence for the same seed (not 0). */
static inline uint64_t tj_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline size_t tj_below(uint64_t *state, size_t n)
{
	return (size_t)(tj_rand(state) % n);
}

static inline void tj_fill(uint64_t *state, void *buf, size_t len)
{
	unsigned char *p = buf;
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)tj_rand(state);
}

/* $TMPDIR/name, in a buffer of the caller. */
/*
 * The seed of a run of the test called name: JOURNAL_SEED, or the time;
 * said, so that the run can be made again.
 */
static inline uint64_t tj_seed(const char *name)
{
	const char *s = getenv("JOURNAL_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL);
	printf("%s: seed %llu (rerun: JOURNAL_SEED=%llu)\n", name,
	       (unsigned long long)seed, (unsigned long long)seed);
	return seed;
}

static inline void tj_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(buf, size, "%s/%s", dir && *dir ? dir : "/tmp", name);
}

/* The contents of path in a new buffer of *len bytes (the file must exist). */
static inline unsigned char *tj_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	T_ASSERT(fd >= 0);
	struct stat st;
	T_EQ(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	unsigned char *buf = malloc(*len + 1);
	T_ASSERT(buf != NULL);
	T_EQ(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

/* path made to hold exactly len bytes of buf. */
static inline void tj_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	T_ASSERT(fd >= 0);
	if (len)
		T_EQ(pwrite(fd, buf, len, 0), (ssize_t)len);
	close(fd);
}

/* The file at path must hold exactly the len bytes of want. */
static inline void tj_expect_file(const char *path, const unsigned char *want,
				  size_t len, const char *what)
{
	size_t got_len;
	unsigned char *got = tj_read_file(path, &got_len);
	if (got_len != len)
		T_FAIL("%s: %s holds %zu bytes, expected %zu", what, path,
		       got_len, len);
	for (size_t i = 0; i < len; i++)
		if (got[i] != want[i])
			T_FAIL("%s: %s differs at byte %zu (page %zu): 0x%02x, "
			       "expected 0x%02x",
			       what, path, i, i / TJ_PAGE, got[i], want[i]);
	free(got);
}

/* What a batch makes of a pool image: its pages in order, the last wins. */
static inline void tj_apply(unsigned char *image, size_t npages,
			    const uint64_t *offs, const void *const *pages)
{
	for (size_t i = 0; i < npages; i++)
		memcpy(image + offs[i], pages[i], TJ_PAGE);
}

/* A batch of n random pages of a pool of npages (offsets may repeat). */
struct tj_batch {
	size_t n;
	uint64_t *offs;
	unsigned char *data;
	const void **pages;
};

static inline void tj_batch_random(struct tj_batch *b, size_t n, uint64_t *rng,
				   size_t npages)
{
	b->n = n;
	b->offs = tj_realloc(b->offs, n * sizeof(*b->offs));
	b->data = tj_realloc(b->data, n * TJ_PAGE);
	b->pages = tj_realloc(b->pages, n * sizeof(*b->pages));
	tj_fill(rng, b->data, n * TJ_PAGE);
	for (size_t i = 0; i < n; i++) {
		b->offs[i] = tj_below(rng, npages) * TJ_PAGE;
		b->pages[i] = b->data + i * TJ_PAGE;
	}
}

static inline void tj_batch_free(struct tj_batch *b)
{
	free(b->offs);
	free(b->data);
	free(b->pages);
}

#endif
