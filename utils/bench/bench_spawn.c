// SPDX-License-Identifier: BSD-3-Clause
/*
 * bench_spawn.c -- see bench_spawn.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "bench_spawn.h"

extern char **environ;

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static bool dropped(const char *var, const char *const *drop)
{
	for (size_t i = 0; drop[i] != NULL; i++)
		if (strncmp(var, drop[i], strlen(drop[i])) == 0)
			return true;
	return false;
}

char **bench_env_with(const char *const *extra, const char *const *drop)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	while (extra[k] != NULL)
		k++;
	env = calloc(n + k + 1, sizeof(*env));
	if (env == NULL)
		exit(1);
	for (size_t i = 0; i < k; i++)
		env[i] = (char *)extra[i];
	for (size_t i = 0; i < n; i++)
		if (!dropped(environ[i], drop))
			env[k++] = environ[i];
	return env;
}

int bench_run(char *const argv[], char **env, int out, bool quiet_err)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	if (out == BENCH_OUT_NULL)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	else if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (quiet_err)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
						 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, env) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_ms_per_start(char **envs[], int n, int starts, int out,
			bool quiet_err, double *ms)
{
	char *argv[] = {"/bin/true", NULL};
	double *t = calloc((size_t)n * (size_t)starts, sizeof(*t));

	if (t == NULL)
		exit(1);
	for (int i = 0; i < starts; i++) {
		for (int k = 0; k < n; k++) {
			double t0 = bench_now_ns();

			if (bench_run(argv, envs[k], out, quiet_err) != 0) {
				fprintf(stderr, "%s: /bin/true failed\n",
					program_invocation_short_name);
				exit(1);
			}
			t[k * starts + i] = (bench_now_ns() - t0) / 1e6;
		}
	}
	for (int k = 0; k < n; k++) {
		qsort(t + k * starts, (size_t)starts, sizeof(*t), cmp_double);
		ms[k] = t[k * starts + starts / 2];
	}
	free(t);
}
