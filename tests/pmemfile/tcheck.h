/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcheck.h -- assertions of the pool, crash and thread tests: each failure
 * names the file, the line, what was expected and what came instead.
 */
#ifndef TESTS_PMEMFILE_TCHECK_H
#define TESTS_PMEMFILE_TCHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T_FAIL(...)                                                  \
	do {                                                         \
		fprintf(stdout, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stdout, __VA_ARGS__);                        \
		fprintf(stdout, "\n");                               \
		fflush(stdout);                                      \
		exit(1);                                             \
	} while (0)

/* cond must hold; errno is shown as it was. */
#define T_ASSERT(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			T_FAIL("%s (errno %s)", #cond,                         \
			       strerrorname_np(errno) ? strerrorname_np(errno) \
						      : "0");                  \
	} while (0)

/* expr must be a value equal to want. */
#define T_EQ(expr, want)                                                       \
	do {                                                                   \
		long long got_ = (long long)(expr);                            \
		long long want_ = (long long)(want);                           \
		if (got_ != want_)                                             \
			T_FAIL("%s = %lld, expected %lld (errno %s)", #expr,   \
			       got_, want_,                                    \
			       strerrorname_np(errno) ? strerrorname_np(errno) \
						      : "0");                  \
	} while (0)

/* expr must fail with -1 (or NULL) and errno err. */
#define T_ERRNO(expr, err)                                                     \
	do {                                                                   \
		errno = 0;                                                     \
		long long got_ = (long long)(intptr_t)(expr);                  \
		int e_ = errno;                                                \
		if ((got_ != -1 && got_ != 0) || e_ != (err))                  \
			T_FAIL("%s = %lld errno %s, expected errno %s", #expr, \
			       got_,                                           \
			       strerrorname_np(e_) ? strerrorname_np(e_)       \
						   : "0",                      \
			       strerrorname_np(err));                          \
	} while (0)

/* libpmem reads PMEM_IS_PMEM_FORCE when loaded: set it and start again. */
static inline void t_force_pmem(char *argv[])
{
	if (getenv("PMEM_IS_PMEM_FORCE"))
		return;
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	execv("/proc/self/exe", argv);
}

/* The test's pool file, $TMPDIR/pool, with none left from an earlier run. */
static inline void t_pool_path(char *buf, size_t size)
{
	const char *dir = getenv("TMPDIR");
	snprintf(buf, size, "%s/pool", dir && *dir ? dir : "/dev/shm");
	unlink(buf);
}

#endif
