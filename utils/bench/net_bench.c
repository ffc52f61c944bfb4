/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_bench.c -- what the safety net of libsyscall_intercept
 * (INTERCEPT_EXHAUSTIVE=1) costs, beside native figures:
 *   ns per getppid made by code written at run time (every call caught by
 *   the net: a SIGSYS), by libc (a site patched at start: the fast path),
 *   and by a syscall instruction of this program (caught once, its object
 *   then patched: the first call, and the calls after it);
 *   ms to start /bin/true preloaded with the net on and off;
 *   how many calls the net catches in runs of python3, gcc and sqlite3.
 *
 * The intercepted figures come from this program re-executed under
 * LD_PRELOAD=intercept_bench_hook.so (NET_BENCH_CHILD=1), the native ones
 * from the raw call measured in the same process, in alternate rounds.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_spawn.h"

extern char **environ;

#define ROUND_CALLS 20000L
#define NET_ROUND_CALLS 2000L
#define ROUNDS 20
#define STARTS 200

/* What the started programs' environment loses of this one's. */
static const char *const hook_vars[] = {"LD_PRELOAD=", "INTERCEPT_", NULL};
/* the log a counted run may write (RLIMIT_FSIZE): 256 MB */
#define LOG_LIMIT (256L << 20)

typedef long (*call_fn)(void);

/* mov $110, %eax; syscall; ret: getppid, written at run time */
static call_fn jit_getppid(void)
{
	static const uint8_t code[] = {0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xc3};
	uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(1);
	memcpy(p, code, sizeof(code));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0)
		exit(1);
	return (call_fn)(uintptr_t)p;
}

/* A syscall instruction of this program, with room for a jump. */
long own_getppid(void);
__asm__(".text\n"
	".globl own_getppid\n"
	".type own_getppid, @function\n"
	"own_getppid:\n"
	"	movl $110, %eax\n"
	"	movq %rax, %rax\n"
	"	syscall\n"
	"	nop\n"
	"	nop\n"
	"	nop\n"
	"	ret\n"
	".size own_getppid, .-own_getppid\n");

static long libc_getppid(void)
{
	return getppid();
}

static long (*raw_call)(long, ...);

static long raw_getppid(void)
{
	return raw_call(SYS_getppid);
}

static double ns_per_call(call_fn f, long calls)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < calls; i++)
		f();
	return (bench_now_ns() - t0) / (double)calls;
}

/* The best of ROUNDS rounds of f, alternating with rounds of ref. */
static double best(call_fn f, long calls, call_fn ref, double *ref_best)
{
	double b = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		double x = ns_per_call(f, calls);
		double y = ref != NULL ? ns_per_call(ref, calls) : 0;

		b = x < b ? x : b;
		if (ref != NULL && y < *ref_best)
			*ref_best = y;
	}
	return b;
}

/* Under the hook, with the net on. */
static int child(void)
{
	double raw_ref = 1e18, first, net, fast, patched;
	call_fn jit = jit_getppid();
	double t0;

	raw_call =
	    (long (*)(long, ...))dlsym(RTLD_DEFAULT, "syscall_no_intercept");
	if (raw_call == NULL)
		return 1;
	t0 = bench_now_ns();
	own_getppid();
	first = bench_now_ns() - t0;
	net = best(jit, NET_ROUND_CALLS, raw_getppid, &raw_ref);
	fast = best(libc_getppid, ROUND_CALLS, raw_getppid, &raw_ref);
	patched = best(own_getppid, ROUND_CALLS, raw_getppid, &raw_ref);
	printf("%.2f %.2f %.2f %.2f %.2f\n", net, fast, first, patched,
	       raw_ref);
	return 0;
}

struct counts {
	long processes; /* that armed the net */
	long calls;	/* every call line of the log */
	long caught;	/* calls made through SIGSYS */
	long sites;	/* sites the net caught */
	long after;	/* calls through sites patched after the net */
	long objects;	/* objects patched after the net */
};

/*
 * Runs a command under the hook with the net on and a detailed log (cut at
 * LOG_LIMIT), and counts its lines. -1 when the command failed.
 */
static int count_run(char *const argv[], const char *dir, const char *hook,
		     struct counts *c)
{
	char log[PATH_MAX + 16], line[1200];
	const char *extra[] = {hook, "INTERCEPT_EXHAUSTIVE=1",
			       "INTERCEPT_LOG_FORMAT=detailed", log, NULL};
	struct rlimit old, lim = {LOG_LIMIT, LOG_LIMIT};
	FILE *f;
	int r;

	snprintf(log, sizeof(log), "INTERCEPT_LOG=%s/log", dir);
	memset(c, 0, sizeof(*c));
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	if (lim.rlim_cur > old.rlim_max)
		lim.rlim_cur = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &lim);
	signal(SIGXFSZ, SIG_IGN);
	r = bench_run(argv, bench_env_with(extra, hook_vars), BENCH_OUT_NULL,
		      true);
	setrlimit(RLIMIT_FSIZE, &old);
	f = fopen(log + strlen("INTERCEPT_LOG="), "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strcmp(line, "intercept: net on\n") == 0)
			c->processes++;
		if (strstr(line, " -- ") != NULL)
			c->calls++;
		if (strstr(line, "(caught by the net)\n") != NULL)
			c->caught++;
		else if (strstr(line, "(site patched after the net)\n"))
			c->after++;
		else if (strncmp(line, "intercept: ", 11) == 0 &&
			 strstr(line, " caught by the net: ") != NULL)
			c->sites++;
		else if (strncmp(line, "intercept: ", 11) == 0 &&
			 strstr(line, " patched after the net: ") != NULL)
			c->objects++;
	}
	fclose(f);
	unlink(log + strlen("INTERCEPT_LOG="));
	return r == 0 ? 0 : -1;
}

static void print_counts(const char *what, char *const argv[], const char *dir,
			 const char *hook)
{
	struct counts c;

	if (count_run(argv, dir, hook, &c) != 0) {
		printf("%-34s  (could not be run)\n", what);
		return;
	}
	printf("%-34s %3ld processes, %6ld calls, %5ld caught by the net "
	       "(%ld sites), %ld through sites patched after it (%ld "
	       "objects)\n",
	       what, c.processes, c.calls, c.caught, c.sites, c.after,
	       c.objects);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void counted_runs(const char *hook)
{
	char dir[] = "/tmp/net_bench.XXXXXX";
	char src[PATH_MAX], obj[PATH_MAX], sql[PATH_MAX], db[PATH_MAX];
	char script[PATH_MAX + 64];

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(src, sizeof(src), "%s/small.c", dir);
	snprintf(obj, sizeof(obj), "%s/small.o", dir);
	snprintf(sql, sizeof(sql), "%s/script.sql", dir);
	snprintf(db, sizeof(db), "%s/db", dir);
	write_file(src, "#include <stdio.h>\n"
			"int main(void) { puts(\"small\"); return 0; }\n");
	write_file(sql, "create table t(a, b);\n"
			"insert into t values (1, 'one'), (2, 'two');\n"
			"select count(*), sum(a) from t;\n");
	snprintf(script, sizeof(script), ".read %s", sql);
	{
		char *py[] = {"python3", "-c", "import json, _ctypes", NULL};
		char *cc[] = {"gcc", "-c", "-o", obj, src, NULL};
		char *sq[] = {"sqlite3", db, script, NULL};

		printf("calls the net catches (detailed log counted):\n");
		print_counts("  python3 -c 'import json, _ctypes'", py, dir,
			     hook);
		print_counts("  gcc -c small.c", cc, dir, hook);
		print_counts("  sqlite3 db '.read script.sql'", sq, dir, hook);
	}
	unlink(src);
	unlink(obj);
	unlink(sql);
	unlink(db);
	rmdir(dir);
}

/* The child's figures, under the hook with INTERCEPT_EXHAUSTIVE=mode. */
static int child_figures(char *self, const char *hook, const char *mode,
			 double v[5])
{
	const char *extra[] = {hook, mode, "NET_BENCH_CHILD=1", NULL};
	char *argv[] = {self, NULL};
	char path[] = "/tmp/net_bench.XXXXXX";
	char line[160];
	int fd = mkstemp(path);
	FILE *f;
	int ok;

	if (fd < 0)
		return -1;
	unlink(path);
	if (bench_run(argv, bench_env_with(extra, hook_vars), fd, true) != 0) {
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (f == NULL)
		return -1;
	rewind(f);
	ok = fgets(line, sizeof(line), f) != NULL &&
	     sscanf(line, "%lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3],
		    &v[4]) == 5;
	fclose(f);
	return ok ? 0 : -1;
}

int main(int argc, char *argv[])
{
	const char *build = getenv("BENCH_BUILD");
	char self[PATH_MAX], hook[PATH_MAX + 16];
	const char *none[] = {NULL};
	const char *off[] = {hook, "INTERCEPT_EXHAUSTIVE=0", NULL};
	const char *on[] = {hook, "INTERCEPT_EXHAUSTIVE=1", NULL};
	double jit_native, libc_native, own_native;
	double v_on[5], v_off[5], ms[3];
	char **envs[3];

	(void)argc;
	if (getenv("NET_BENCH_CHILD") != NULL)
		return child();
	if (realpath(argv[0], self) == NULL)
		return 1;
	snprintf(hook, sizeof(hook),
		 "LD_PRELOAD=%s/lib/intercept_bench_hook.so",
		 build ? build : "build");

	jit_native = best(jit_getppid(), ROUND_CALLS, NULL, NULL);
	libc_native = best(libc_getppid, ROUND_CALLS, NULL, NULL);
	own_native = best(own_getppid, ROUND_CALLS, NULL, NULL);
	if (child_figures(self, hook, "INTERCEPT_EXHAUSTIVE=1", v_on) != 0 ||
	    child_figures(self, hook, "INTERCEPT_EXHAUSTIVE=0", v_off) != 0) {
		fprintf(stderr, "net_bench: the child failed\n");
		return 1;
	}
	printf("getppid natively: %.1f ns from run-time code, %.1f ns from "
	       "libc, %.1f ns from this program\n",
	       jit_native, libc_native, own_native);
	printf("under the hook (syscall_no_intercept beside it: %.1f ns with "
	       "the net off, %.1f ns on: %+.1f ns, the kernel's dispatch "
	       "check on every call of an armed thread):\n",
	       v_off[4], v_on[4], v_on[4] - v_off[4]);
	printf("  run-time code, caught by the net: %8.1f ns  (%+.1f ns, "
	       "x%.0f native: a SIGSYS per call)\n",
	       v_on[0], v_on[0] - jit_native, v_on[0] / jit_native);
	printf("  libc, patched at start, net off:  %8.1f ns  (%+.1f ns: the "
	       "fast path)\n",
	       v_off[1], v_off[1] - v_off[4]);
	printf("  libc, patched at start, net on:   %8.1f ns  (%+.1f ns over "
	       "the raw call of the same thread)\n",
	       v_on[1], v_on[1] - v_on[4]);
	printf("  this program's site, first call:  %8.1f ns  (caught, its "
	       "object patched, the call made)\n",
	       v_on[2]);
	printf("  the same site afterwards:         %8.1f ns  (%+.1f ns; the "
	       "fast path beside it: %.1f ns)\n",
	       v_on[3], v_on[3] - v_on[4], v_on[1]);
	printf("  the same site, net off:           %8.1f ns  (not seen: "
	       "native)\n",
	       v_off[3]);

	envs[0] = bench_env_with(none, hook_vars);
	envs[1] = bench_env_with(off, hook_vars);
	envs[2] = bench_env_with(on, hook_vars);
	bench_ms_per_start(envs, 3, STARTS, BENCH_OUT_NULL, true, ms);
	printf("start of /bin/true, native:       %8.2f ms\n", ms[0]);
	printf("  preloaded, net off:             %8.2f ms  (%+.2f ms)\n",
	       ms[1], ms[1] - ms[0]);
	printf("  preloaded, net on:              %8.2f ms  (%+.2f ms; "
	       "%+.2f ms over net off, target <= +1 ms)\n",
	       ms[2], ms[2] - ms[0], ms[2] - ms[1]);
	counted_runs(hook);
	return 0;
}
