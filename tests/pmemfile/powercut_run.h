/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * powercut_run.h -- what the two power-cut tests (powercut, of a pool in
 * msync mode; jmode_powercut, of a pool in journal mode) share: the first
 * operations of their workloads, the run of a workload under a recorder,
 * and their numbers from the environment.
 */
#ifndef TESTS_PMEMFILE_POWERCUT_RUN_H
#define TESTS_PMEMFILE_POWERCUT_RUN_H

#include "crash_model.h"
#include "tcheck.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The first operations of a workload fill the root and /d0 with names: two
 * directories grow their hash table and get a second block, and the inodes
 * need a second inode array.
 */
#define PRELUDE (1 + 2 * CM_NAMES)

static inline void prelude_op(unsigned long i, struct cm_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->magic = CM_MAGIC;
	r->b = -1;
	if (i == 0) {
		r->op = CM_MKDIR;
		r->a = 0;
		return;
	}
	r->op = CM_CREATE;
	/* the root's slots come last */
	r->a = i <= CM_NAMES ? CM_DIRS * CM_NAMES + (int)i - 1
			     : (int)i - 1 - CM_NAMES;
}

/*
 * Runs "exe workload RNG OPS" in a process of its own, with the recorder
 * (a library beside exe) preloaded, the record file made empty first, the
 * pool file not taken for persistent memory (PMEM_IS_PMEM_FORCE unset: a
 * file on a disk, as a user has it) and env, pairs of a name and a value
 * ended by NULL, set. The test fails if the workload does.
 */
static inline void powercut_run(const char *exe, const char *recorder_name,
				const char *record, unsigned rng,
				unsigned long ops, const char *const *env)
{
	char recorder[PATH_MAX], rng_s[32], ops_s[32];
	snprintf(recorder, sizeof(recorder), "%s", exe);
	char *slash = strrchr(recorder, '/');
	T_ASSERT(slash != NULL);
	snprintf(slash + 1, sizeof(recorder) - (size_t)(slash + 1 - recorder),
		 "%s", recorder_name);
	T_ASSERT(access(recorder, R_OK) == 0);
	snprintf(rng_s, sizeof(rng_s), "%u", rng);
	snprintf(ops_s, sizeof(ops_s), "%lu", ops);
	int fd = open(record, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	T_ASSERT(fd >= 0);
	close(fd);
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		unsetenv("PMEM_IS_PMEM_FORCE");
		setenv("LD_PRELOAD", recorder, 1);
		for (size_t i = 0; env[i] && env[i + 1]; i += 2)
			setenv(env[i], env[i + 1], 1);
		execl(exe, exe, "workload", rng_s, ops_s, (char *)NULL);
		_exit(127);
	}
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		T_FAIL("the workload failed (status %#x)", status);
}

/* This program's path, for powercut_run. */
static inline void powercut_self(char exe[PATH_MAX])
{
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
	T_ASSERT(n > 0);
	exe[n] = '\0';
}

static inline unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 0) : def;
}

#endif
