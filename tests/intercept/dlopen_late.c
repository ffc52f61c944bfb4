// SPDX-License-Identifier: BSD-3-Clause
/*
 * dlopen_late.c -- the dynamic loader is patched at start-up, and an object
 * it maps later (dlopen, and the dependencies a dlopen brings) is patched
 * before any of its code runs.
 *
 * By default (no INTERCEPT_ALL_OBJS) the hook sees the loader's openat of
 * a library and may answer it: a dlopen of a path that does not exist
 * loads the file the hook opens instead, as a file system in the hook
 * would. The object itself is not patched then, as no object but libc and
 * the loader is.
 *
 * Then the program runs itself again under INTERCEPT_ALL_OBJS=1, with
 * INTERCEPT_LOG: the call the constructor of liblate_asm.so makes (through
 * its own syscall instruction, late_asm.S) and the calls made through
 * late_syscall reach the hook, loaded directly or as the dependency of
 * liblate_top.so; dlclose releases what was made for it, and a load at
 * another address is patched again. This first process reads the log the
 * second one wrote: it says which objects were patched at start and at
 * load, and which calls went through a site patched at load. The second
 * process's file size is limited, so that a runaway log fails the test
 * instead of filling the disk.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define LATE_INIT_MAGIC 0x1a7e1 /* as in late_asm.S */
#define CALL_MAGIC 0x5eed	/* as in late_top.c */
#define ANSWER 424200
#define NOWHERE "/nonexistent-late-dir/"
#define LOADS 20
#define LOG_MAX_LINES 100000

static char lib_dir[4096];
static long opens_seen;

/*
 * getppid(LATE_INIT_MAGIC or CALL_MAGIC, n) is answered: ANSWER + n. The
 * openat of a path under NOWHERE is answered with the file of the same
 * name in lib_dir.
 */
static int answer(long nr, const long args[6], long *result)
{
	const char *path = (const char *)args[1];

	if (nr == SYS_openat && strstr(path, "liblate_asm.so") != NULL)
		opens_seen++;
	if (nr == SYS_openat && strncmp(path, NOWHERE, strlen(NOWHERE)) == 0) {
		char real[8192];

		snprintf(real, sizeof(real), "%s/%s", lib_dir,
			 path + strlen(NOWHERE));
		*result = syscall_no_intercept(SYS_openat, AT_FDCWD, real,
					       args[2], args[3]);
		return 0;
	}
	if (nr == SYS_getppid &&
	    (args[0] == LATE_INIT_MAGIC || args[0] == CALL_MAGIC)) {
		*result = ANSWER + (args[0] == CALL_MAGIC ? args[1] : 0);
		return 0;
	}
	return 1;
}

struct late {
	void *handle;
	long (*call)(long nr, long a0, long a1);
	long (*init_value)(void);
};

static struct late load(const char *name)
{
	char path[8192];
	struct late l;

	snprintf(path, sizeof(path), "%s/%s", lib_dir, name);
	opens_seen = 0;
	l.handle = dlopen(path, RTLD_NOW);
	CHECK(l.handle != NULL, "dlopen(%s): %s", path, dlerror());
	l.call = (long (*)(long, long, long))dlsym(l.handle, "late_syscall");
	l.init_value = (long (*)(void))dlsym(l.handle, "late_init_value");
	CHECK(l.call != NULL && l.init_value != NULL, "dlsym: %s", dlerror());
	CHECK_EQ(opens_seen, 1, "hooked openat calls of liblate_asm.so");
	return l;
}

/* The lines of /proc/self/maps: what a load and unload leaves behind. */
static int map_count(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;
	int c;

	CHECK(f != NULL, "/proc/self/maps: %m");
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* The loader is patched by default; the objects it loads are not. */
static void default_rule(void)
{
	long real = syscall_no_intercept(SYS_getppid);
	long (*top)(long);
	struct late l;
	void *h;

	l = load("liblate_asm.so");
	CHECK_EQ(l.init_value(), real,
		 "the constructor's getppid, not patched");
	CHECK_EQ(l.call(SYS_getppid, CALL_MAGIC, 1), real,
		 "late_syscall(getppid), not patched");
	CHECK_EQ(dlclose(l.handle), 0, "dlclose");

	/* a path only the hook knows: the loader's openat is answered */
	opens_seen = 0;
	h = dlopen(NOWHERE "liblate_top.so", RTLD_NOW);
	CHECK(h != NULL, "dlopen(" NOWHERE "liblate_top.so): %s", dlerror());
	top = (long (*)(long))dlsym(h, "late_top_call");
	CHECK(top != NULL, "dlsym: %s", dlerror());
	CHECK_EQ(top(3), real, "late_top_call, not patched");
	/* the run path is searched, its subfolders too: one open works */
	CHECK(opens_seen >= 1, "no hooked openat of liblate_asm.so");
	CHECK_EQ(dlclose(h), 0, "dlclose");
}

/* Under INTERCEPT_ALL_OBJS=1: every object loaded later is patched. */
static void all_objs(void)
{
	long (*top)(long);
	struct late l;
	uintptr_t first;
	void *hold, *h;
	int maps;

	l = load("liblate_asm.so");
	CHECK_EQ(l.init_value(), ANSWER, "the constructor's own getppid");
	CHECK_EQ(l.call(SYS_getppid, CALL_MAGIC, 100), ANSWER + 100,
		 "late_syscall(getppid)");
	first = (uintptr_t)l.call;
	CHECK_EQ(dlclose(l.handle), 0, "dlclose");

	/* the old place taken: the next load goes elsewhere */
	hold = mmap((void *)(first & ~4095UL), 4096, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(hold != MAP_FAILED, "mmap at the old address: %m");
	l = load("liblate_asm.so");
	CHECK((uintptr_t)l.call != first, "loaded again at the same address");
	CHECK_EQ(l.init_value(), ANSWER, "the constructor's getppid, reloaded");
	CHECK_EQ(l.call(SYS_getppid, CALL_MAGIC, 100), ANSWER + 100,
		 "late_syscall(getppid), reloaded elsewhere");
	CHECK_EQ(dlclose(l.handle), 0, "dlclose");
	munmap(hold, 4096);

	/* loads and unloads leave nothing behind: trampolines are released */
	l = load("liblate_asm.so");
	CHECK_EQ(dlclose(l.handle), 0, "dlclose");
	maps = map_count();
	for (int i = 0; i < LOADS; i++) {
		l = load("liblate_asm.so");
		CHECK_EQ(l.call(SYS_getppid, CALL_MAGIC, i), ANSWER + i,
			 "late_syscall(getppid), load after load");
		CHECK_EQ(dlclose(l.handle), 0, "dlclose");
	}
	CHECK_EQ(map_count(), maps, "mappings after loads and unloads");

	/* a dependency the loader maps for a dlopen: patched too */
	opens_seen = 0;
	h = dlopen(NOWHERE "liblate_top.so", RTLD_NOW);
	CHECK(h != NULL, "dlopen(liblate_top.so): %s", dlerror());
	CHECK(opens_seen >= 1, "no hooked openat of liblate_asm.so");
	top = (long (*)(long))dlsym(h, "late_top_call");
	l.init_value = (long (*)(void))dlsym(h, "late_init_value");
	CHECK(top != NULL && l.init_value != NULL, "dlsym: %s", dlerror());
	CHECK_EQ(l.init_value(), ANSWER, "the dependency's constructor");
	CHECK_EQ(top(9), ANSWER + 9, "late_top_call through the dependency");
	CHECK_EQ(dlclose(h), 0, "dlclose");
}

/* Runs this program again under INTERCEPT_ALL_OBJS=1 with a log. */
static void run_all_objs(char **argv)
{
	struct rlimit fsize = {16 << 20, 16 << 20};
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %m");
	if (pid == 0) {
		setenv("INTERCEPT_ALL_OBJS", "1", 1);
		setenv("INTERCEPT_LOG", "late.log", 1);
		setenv("INTERCEPT_LOG_FORMAT", "detailed", 1);
		if (setrlimit(RLIMIT_FSIZE, &fsize) != 0)
			_exit(2);
		execv("/proc/self/exe", argv);
		_exit(3);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the run under INTERCEPT_ALL_OBJS=1 failed: status %#x", status);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_log(void)
{
	FILE *f = fopen("late.log", "r");
	char line[1024];
	int start = 0, loader = 0, load = 0, calls = 0, lines = 0;

	CHECK(f != NULL, "late.log: %m");
	while (fgets(line, sizeof(line), f) != NULL &&
	       ++lines < LOG_MAX_LINES) {
		start +=
		    starts(line, "intercept: libc.so.6 patched at start: ");
		loader += starts(line, "intercept: ld-linux-x86-64.so.2 "
				       "patched at start: ");
		load += strcmp(line,
			       "intercept: liblate_asm.so patched at load: "
			       "2 syscalls (0 through padding), 0 left\n") == 0;
		calls += starts(line, "liblate_asm.so ") &&
			 strstr(line, " = 424300 (answered by the hook) (site "
				      "patched at load)\n") != NULL;
	}
	fclose(f);
	CHECK(lines < LOG_MAX_LINES, "the log has %d lines or more", lines);
	CHECK_EQ(start, 1, "lines saying libc was patched at start");
	CHECK_EQ(loader, 1, "lines saying the loader was patched at start");
	CHECK_EQ(load, LOADS + 4,
		 "lines saying liblate_asm.so was patched at load");
	CHECK_EQ(calls, 2,
		 "calls of getppid(CALL_MAGIC, 100) logged as made "
		 "through a site patched at load");
}

int main(int argc, char **argv)
{
	const char *build = getenv("TEST_BUILD");

	(void)argc;
	CHECK(build != NULL, "TEST_BUILD not set");
	snprintf(lib_dir, sizeof(lib_dir), "%s/tests/intercept", build);
	hook_count_extra = answer;

	if (getenv("INTERCEPT_ALL_OBJS") != NULL) {
		all_objs();
		return 0;
	}
	default_rule();
	run_all_objs(argv);
	check_log();
	printf("an object loaded later is patched before its code runs, "
	       "and again after a reload\n");
	return 0;
}
