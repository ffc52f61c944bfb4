/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core.h -- assertions of the library's own core tests (core_*): each
 * failure names the line, the expression, what came and the errno.
 */
#ifndef TESTS_PMEMFILE_CORE_H
#define TESTS_PMEMFILE_CORE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CORE_FAIL(...)                                      \
	do {                                                \
		printf("FAIL %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__);                        \
		printf("\n");                               \
		exit(1);                                    \
	} while (0)

#define CORE_EQ(expr, want)                                                    \
	do {                                                                   \
		long long got_ = (long long)(expr);                            \
		long long want_ = (long long)(want);                           \
		if (got_ != want_)                                             \
			CORE_FAIL("%s = %lld, expected %lld (errno %d: %s)",   \
				  #expr, got_, want_, errno, strerror(errno)); \
	} while (0)

#define CORE_TRUE(cond)                                                       \
	do {                                                                  \
		if (!(cond))                                                  \
			CORE_FAIL("%s is false (errno %d: %s)", #cond, errno, \
				  strerror(errno));                           \
	} while (0)

/* A pool path in the test's temporary directory. */
static inline const char *core_pool_path(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("TMPDIR");
	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "/tmp", name);
	return buf;
}

/*
 * Runs one case in a child, so that a crash is a failure naming it: before
 * (if not NULL), then fn; a hang ends as SIGALRM after 20 s. Fails if the
 * child was killed or exited with a status.
 */
static inline void core_run_case(const char *what, void (*before)(void),
				 void (*fn)(void))
{
	pid_t pid = fork();
	CORE_TRUE(pid >= 0);
	if (pid == 0) {
		if (before)
			before();
		alarm(20);
		fn();
		exit(0);
	}
	int status;
	CORE_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		CORE_FAIL("%s: killed by signal %d", what, WTERMSIG(status));
	if (WEXITSTATUS(status))
		CORE_FAIL("%s: wrong result (above)", what);
}

#endif
