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
 * LD_PRELOAD=intercept_bench_hook.so (INTERCEPT_BENCH_CHILD=1), each beside
 * the raw call measured in the same process, in alternate rounds: the box
 * may be busy, the comparison stays fair.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_spawn.h"

extern char **environ;

/*
 * Many short rounds, the best of each kind kept: on a shared machine some
 * rounds run undisturbed.
 */
#define ROUND_CALLS 50000L
#define ROUNDS 40
#define STARTS 300

/* What the started programs' environment loses of this one's. */
static const char *const preload_var[] = {"LD_PRELOAD=", NULL};

/* ms per start of /bin/true, the median of STARTS */
static double ms_per_start(char **env)
{
	double ms;

	bench_ms_per_start(&env, 1, STARTS, BENCH_OUT_INHERIT, false, &ms);
	return ms;
}

/* ns per call of getppid() in a loop of calls. */
static double ns_per_getppid(long calls)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < calls; i++)
		getppid();
	return (bench_now_ns() - t0) / (double)calls;
}

/* The same with the raw system call, which no hook sees. */
static double ns_per_raw_getppid(long (*raw)(long, ...), long calls)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < calls; i++)
		raw(SYS_getppid);
	return (bench_now_ns() - t0) / (double)calls;
}

/*
 * The child, under the hook: rounds of the hooked getppid() alternate with
 * rounds of the raw call (syscall_no_intercept), the native reference, so
 * that both see the same load; the best round of each is printed.
 */
static int child(void)
{
	long (*raw)(long, ...) =
	    (long (*)(long, ...))dlsym(RTLD_DEFAULT, "syscall_no_intercept");
	double hooked = 1e18, native = 1e18;

	if (raw == NULL)
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		double h = ns_per_getppid(ROUND_CALLS);
		double n = ns_per_raw_getppid(raw, ROUND_CALLS);

		hooked = h < hooked ? h : hooked;
		native = n < native ? n : native;
	}
	printf("%.2f %.2f\n", hooked, native);
	return 0;
}

/* ns per hooked getppid, and per native one beside it (*native). */
static double child_figure(char *self, const char *preload, const char *mode,
			   const char *vectors, double *native)
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
	if (posix_spawn(&pid, self, &fa, NULL, argv,
			bench_env_with(extra, preload_var)) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "intercept_bench: the child failed\n");
		exit(1);
	}
	f = fdopen(fd, "r");
	rewind(f);
	if (fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "%lf %lf", &v, native) != 2)
		v = -1;
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

	native = 1e18;
	for (int r = 0; r < ROUNDS; r++) {
		double n = ns_per_getppid(ROUND_CALLS);

		native = n < native ? n : native;
	}
	printf("getppid, native (libc):         %8.1f ns\n", native);
	for (int i = 0; i < 3; i++) {
		const char *v[] = {NULL, "INTERCEPT_VECTOR_SAVE=zmm",
				   "INTERCEPT_VECTOR_SAVE=xmm"};
		double ref_pass, ref_answer;

		pass = child_figure(self, preload, "INTERCEPT_BENCH_ANSWER=0",
				    v[i], &ref_pass);
		answered =
		    child_figure(self, preload, "INTERCEPT_BENCH_ANSWER=1",
				 v[i], &ref_answer);
		printf("%s\n", v[i] ? v[i] : "default vector state saving:");
		printf("  pass-through hook:            %8.1f ns  beside "
		       "%.1f ns native (%+.1f ns, %+.1f %%; target <= +3 %%)\n",
		       pass, ref_pass, pass - ref_pass,
		       100.0 * (pass - ref_pass) / ref_pass);
		printf("  answered by the hook:         %8.1f ns  beside "
		       "%.1f ns native (1/%.0f; target <= 1/100, ~11 ns)\n",
		       answered, ref_answer, ref_answer / answered);
	}

	start = ms_per_start(bench_env_with(none, preload_var));
	start_preload = ms_per_start(bench_env_with(with, preload_var));
	start_uncached = ms_per_start(bench_env_with(uncached, preload_var));
	printf("start of /bin/true, native:     %8.2f ms\n", start);
	printf("start of /bin/true, preloaded:  %8.2f ms  (%+.2f ms; target "
	       "<= +5 ms)\n",
	       start_preload, start_preload - start);
	printf("  the same, no plan cache:      %8.2f ms  (%+.2f ms: the first "
	       "start after a new libc)\n",
	       start_uncached, start_uncached - start);
	return 0;
}
