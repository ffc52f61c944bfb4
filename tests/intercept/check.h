/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check.h -- assertions for the tests of libsyscall_intercept: each failed
 * check names what differed and ends the test with status 1.
 */
#ifndef TEST_INTERCEPT_CHECK_H
#define TEST_INTERCEPT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* Two longs must be equal; the message shows both. */
#define CHECK_EQ(got, want, what)                                         \
	do {                                                              \
		long check_got_ = (long)(got);                            \
		long check_want_ = (long)(want);                          \
		CHECK(check_got_ == check_want_, "%s: got %ld, want %ld", \
		      (what), check_got_, check_want_);                   \
	} while (0)

/* The size of a test: normal, or heavy with STRESS=1 in the environment. */
static inline int check_size(int normal, int heavy)
{
	const char *stress = getenv("STRESS");

	return stress != NULL && stress[0] == '1' ? heavy : normal;
}

/*
 * Waits for pid; returns its exit status, or 1000 + the signal that killed
 * it.
 */
static inline int check_wait(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid, "waitpid(%d): %m", (int)pid);
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Returns once /proc shows thread tid asleep in system call nr: the file
 * then starts with the number and a space ("running", or -1 outside a call,
 * otherwise).
 */
static inline void check_wait_blocked(long tid, long nr)
{
	char path[64], want[24], buf[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/syscall", tid);
	snprintf(want, sizeof(want), "%ld ", nr);
	for (;;) {
		FILE *f = fopen(path, "r");
		CHECK(f != NULL, "%s: %m", path);
		char *line = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (line != NULL && strncmp(buf, want, strlen(want)) == 0)
			return;
		usleep(1000);
	}
}

/*
 * Unless INTERCEPT_ALL_OBJS is set, runs this program again with it set, so
 * that the library patches the test's own objects too.
 */
static inline void check_reexec_all_objs(char **argv)
{
	if (getenv("INTERCEPT_ALL_OBJS") != NULL)
		return;
	setenv("INTERCEPT_ALL_OBJS", "1", 1);
	execv("/proc/self/exe", argv);
	CHECK(0, "re-executing with INTERCEPT_ALL_OBJS=1: %m");
}

#endif
