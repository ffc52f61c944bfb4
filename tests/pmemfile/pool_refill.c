// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_refill -- a pool filled to ENOSPC, emptied and filled again, for
 * each extent size (files written in pieces of 4 KiB to 4 MiB) and for
 * directories whose hash tables grow to every size on the way (names
 * until ENOSPC): each fill ends with ENOSPC and leaves a pool the checker
 * accepts; once emptied, the checker finds nothing leaked, and the next
 * fills hold exactly as much as the one before (the second may hold less
 * than the first: inode arrays and directory blocks stay once made).
 */
#include "check.h"
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <stdint.h>
#include <stdio.h>

#define MiB (1ULL << 20)
#define POOL_SIZE (32 * MiB)

static char path[4096];

static PMEMfilepool *reopen_checked(PMEMfilepool *pfp, const char *when)
{
	pmemfile_pool_close(pfp);
	int r = pmemfile_check_pool(path, stdout);
	if (r != 0)
		T_FAIL("%s: the checker found %d problems", when, r);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	return pfp;
}

/* Files of piece-sized writes until ENOSPC; returns the bytes written. */
static uint64_t fill_data(PMEMfilepool *pfp, size_t piece, int *nfiles)
{
	static char buf[4 * MiB];
	uint64_t total = 0;
	memset(buf, 'd', sizeof(buf));
	for (int i = 0;; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/f%d", i);
		PMEMfile *f = pmemfile_open(
		    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
		if (f == NULL) {
			T_EQ(errno, ENOSPC);
			*nfiles = i;
			return total;
		}
		/* a few pieces a file, so that every size is used */
		for (int k = 0; k < 4; k++) {
			errno = 0;
			ssize_t n = pmemfile_write(pfp, f, buf, piece);
			if (n < 0) {
				T_EQ(errno, ENOSPC);
				pmemfile_close(pfp, f);
				*nfiles = i + 1;
				return total;
			}
			total += (uint64_t)n;
		}
		pmemfile_close(pfp, f);
	}
}

static void empty_data(PMEMfilepool *pfp, int nfiles)
{
	for (int i = 0; i < nfiles; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/f%d", i);
		T_EQ(pmemfile_unlink(pfp, name), 0);
	}
}

/* Names in /d until ENOSPC; returns how many. */
static int fill_names(PMEMfilepool *pfp, size_t len)
{
	char name[300];
	for (int i = 0;; i++) {
		int n = snprintf(name, sizeof(name), "/d/%d-", i);
		memset(name + n, 'n', len - (size_t)n);
		name[len] = '\0';
		errno = 0;
		if (pmemfile_mkdir(pfp, name, 0755) != 0) {
			T_EQ(errno, ENOSPC);
			return i;
		}
	}
}

static void empty_names(PMEMfilepool *pfp, size_t len, int count)
{
	char name[300];
	for (int i = 0; i < count; i++) {
		int n = snprintf(name, sizeof(name), "/d/%d-", i);
		memset(name + n, 'n', len - (size_t)n);
		name[len] = '\0';
		T_EQ(pmemfile_rmdir(pfp, name), 0);
	}
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	PMEMfilepool *pfp = pmemfile_pool_create(path, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);

	for (size_t piece = 4096; piece <= 4 * MiB; piece *= 4) {
		uint64_t got[3];
		for (int round = 0; round < 3; round++) {
			int nfiles;
			got[round] = fill_data(pfp, piece, &nfiles);
			T_ASSERT(got[round] > 0);
			pfp = reopen_checked(pfp, "full of data");
			empty_data(pfp, nfiles);
			pfp = reopen_checked(pfp, "emptied of data");
		}
		printf("pieces of %zu bytes: %llu, %llu, %llu bytes\n", piece,
		       (unsigned long long)got[0], (unsigned long long)got[1],
		       (unsigned long long)got[2]);
		if (got[2] != got[1])
			T_FAIL("pieces of %zu: %llu bytes fit, then %llu",
			       piece, (unsigned long long)got[1],
			       (unsigned long long)got[2]);
	}

	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	static const size_t lens[] = {10, 60, 250};
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		int got[3];
		for (int round = 0; round < 3; round++) {
			got[round] = fill_names(pfp, lens[l]);
			T_ASSERT(got[round] > 100);
			pfp = reopen_checked(pfp, "full of names");
			empty_names(pfp, lens[l], got[round]);
			pfp = reopen_checked(pfp, "emptied of names");
		}
		printf("names of %zu bytes: %d, %d, %d\n", lens[l], got[0],
		       got[1], got[2]);
		if (got[2] != got[1])
			T_FAIL("names of %zu bytes: %d fit, then %d", lens[l],
			       got[1], got[2]);
	}
	pmemfile_pool_close(pfp);
	unlink(path);
	printf("PASS pool_refill\n");
	return 0;
}
