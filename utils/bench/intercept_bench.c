/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intercept_bench.c -- what libsyscall_intercept costs, beside the native
 * figure measured in the same run:
 *   ns per getppid(): native, through a pass-through hook, answered by the
 *   hook (ymm0-15 saved around the hook at libc's sites, the default; then
 *   with all of the AVX-512 state, and with xmm0-15 only); ms to start
 *   /bin/true: native, with the library preloaded (libc fully patched),
 *   from the plan cache and without it.
 *
 * The intercepted figures come from this program re-executed under
 * LD_PRELOAD=intercept_bench_hook.so (INTERCEPT_BENCH_CHILD=1).
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CALLS 2000000L
#define ROUNDS 5
#define STARTS 300

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The best of a few rounds: the least disturbed by the rest of the box. */
static double ns_per_getppid(long calls)
{
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (long i = 0; i < calls; i++)
			getppid();
		double t = (now_ns() - t0) / (double)calls;
		if (t < best)
			best = t;
	}
	return best;
}

static char **env_with(const char *const *extra)
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
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			env[k++] = environ[i];
	}
	return env;
}

static int run(char *const argv[], char **env, int quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, env) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ms per start of /bin/true, the median of STARTS */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double ms_per_start(char **env)
{
	static double t[STARTS];
	char *argv[] = {"/bin/true", NULL};

	for (int i = 0; i < STARTS; i++) {
		double t0 = now_ns();

		if (run(argv, env, 0) != 0) {
			fprintf(stderr, "intercept_bench: /bin/true failed\n");
			exit(1);
		}
		t[i] = (now_ns() - t0) / 1e6;
	}
	qsort(t, STARTS, sizeof(t[0]), cmp_double);
	return t[STARTS / 2];
}

/* The child: one figure on stdout. */
static int child(void)
{
	printf("%.2f\n", ns_per_getppid(CALLS));
	return 0;
}

static double child_figure(char *self, const char *preload, const char *mode,
			   const char *vectors)
{
	char line[64];
	char path[] = "/tmp/intercept_bench.XXXXXX";
	const char *extra[] = {preload, mode, "INTERCEPT_BENCH_CHILD=1",
			       vectors, NULL};
	char *argv[] = {self, NULL};
	posix_spawn_file_actions_t fa;
	int fd = mkstemp(path);
	pid_t pid;
	int status;
	FILE *f;
	double v = -1;

	if (fd < 0)
		exit(1);
	unlink(path);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	if (posix_spawn(&pid, self, &fa, NULL, argv, env_with(extra)) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "intercept_bench: the child failed\n");
		exit(1);
	}
	f = fdopen(fd, "r");
	rewind(f);
	if (fgets(line, sizeof(line), f) != NULL)
		v = strtod(line, NULL);
	fclose(f);
	return v;
}

int main(int argc, char *argv[])
{
	const char *build = getenv("BENCH_BUILD");
	char self[PATH_MAX], preload[PATH_MAX + 16];
	const char *none[] = {NULL};
	const char *with[] = {preload, NULL};
	const char *uncached[] = {preload, "INTERCEPT_NO_CACHE=1", NULL};
	double native, pass, answered, start, start_preload, start_uncached;

	(void)argc;
	if (getenv("INTERCEPT_BENCH_CHILD") != NULL)
		return child();
	if (realpath(argv[0], self) == NULL)
		return 1;
	snprintf(preload, sizeof(preload),
		 "LD_PRELOAD=%s/lib/intercept_bench_hook.so",
		 build ? build : "build");

	native = ns_per_getppid(CALLS);
	pass = child_figure(self, preload, "INTERCEPT_BENCH_ANSWER=0", NULL);
	answered =
	    child_figure(self, preload, "INTERCEPT_BENCH_ANSWER=1", NULL);
	start = ms_per_start(env_with(none));
	start_preload = ms_per_start(env_with(with));
	start_uncached = ms_per_start(env_with(uncached));

	printf("getppid, native:                %8.1f ns\n", native);
	printf("getppid, pass-through hook:     %8.1f ns  (%+.1f ns, %+.1f %%; "
	       "target <= +3 %%)\n",
	       pass, pass - native, 100.0 * (pass - native) / native);
	printf("getppid, answered by the hook:  %8.1f ns  (1/%.0f of native; "
	       "target <= 1/100, ~11 ns)\n",
	       answered, native / answered);
	for (int i = 0; i < 2; i++) {
		const char *v[] = {"INTERCEPT_VECTOR_SAVE=zmm",
				   "INTERCEPT_VECTOR_SAVE=xmm"};

		pass = child_figure(self, preload, "INTERCEPT_BENCH_ANSWER=0",
				    v[i]);
		answered = child_figure(self, preload,
					"INTERCEPT_BENCH_ANSWER=1", v[i]);
		printf("  with %s: pass-through %.1f ns (%+.1f %%), "
		       "answered %.1f ns\n",
		       v[i], pass, 100.0 * (pass - native) / native, answered);
	}
	printf("start of /bin/true, native:     %8.2f ms\n", start);
	printf("start of /bin/true, preloaded:  %8.2f ms  (%+.2f ms; target "
	       "<= +5 ms)\n",
	       start_preload, start_preload - start);
	printf("  the same, no plan cache:      %8.2f ms  (%+.2f ms: the first "
	       "start after a new libc)\n",
	       start_uncached, start_uncached - start);
	return 0;
}
