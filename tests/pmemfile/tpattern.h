/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tpattern.h -- the bytes a test writes at each offset of a file, and the
 * check that a file holds exactly them (the full-pool and full-file-system
 * tests).
 */
#ifndef TESTS_PMEMFILE_TPATTERN_H
#define TESTS_PMEMFILE_TPATTERN_H

#include <libpmemfile-posix.h>
#include <stdint.h>

#include "tcheck.h"

#define T_PATTERN_CHUNK 65536

/* The n bytes of the pattern at file offset off. */
static inline void t_pattern(char *buf, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((off + i) * 2654435761u >> 13);
}

/* The file name is size bytes of the pattern. */
static inline void t_verify_pattern(PMEMfilepool *pfp, const char *name,
				    uint64_t size)
{
	static char buf[T_PATTERN_CHUNK], want[T_PATTERN_CHUNK];
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	pmemfile_stat_t st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, size);
	for (uint64_t off = 0; off < size; off += T_PATTERN_CHUNK) {
		size_t n =
		    size - off < T_PATTERN_CHUNK ? size - off : T_PATTERN_CHUNK;
		T_EQ(pmemfile_read(pfp, f, buf, T_PATTERN_CHUNK), n);
		t_pattern(want, n, off);
		if (memcmp(buf, want, n))
			T_FAIL("%s: data at %llu changed", name,
			       (unsigned long long)off);
	}
	pmemfile_close(pfp, f);
}

#endif
