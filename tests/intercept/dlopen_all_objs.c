// SPDX-License-Identifier: BSD-3-Clause
/*
 * dlopen_all_objs.c -- under INTERCEPT_ALL_OBJS=1 the dynamic loader is
 * patched too: a dlopen after start-up opens and maps its file through
 * hooked calls, and the loaded library works.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static const char *wanted;
static long opens_seen;

static int watch_open(long nr, const long args[6], long *result)
{
	(void)result;
	if (nr == SYS_openat && strstr((const char *)args[1], wanted) != NULL)
		opens_seen++;
	return 1;
}

int main(int argc, char **argv)
{
	char path[4096];
	const char *build = getenv("TEST_BUILD");

	(void)argc;
	CHECK(build != NULL, "TEST_BUILD not set");
	check_reexec_all_objs(argv);
	snprintf(path, sizeof(path), "%s/tests/intercept/libregs_asm.so",
		 build);
	wanted = "libregs_asm.so";
	hook_count_extra = watch_open;

	long mmaps = hook_count_calls(SYS_mmap);
	void *lib = dlopen(path, RTLD_NOW);
	CHECK(lib != NULL, "dlopen(%s): %s", path, dlerror());
	CHECK(dlsym(lib, "regs_syscall") != NULL, "dlsym: %s", dlerror());
	CHECK_EQ(opens_seen, 1, "hooked openat calls of libregs_asm.so");
	CHECK(hook_count_calls(SYS_mmap) > mmaps,
	      "the loader's mmap calls were not hooked");
	CHECK_EQ(dlclose(lib), 0, "dlclose");
	printf("the loader's calls are hooked under INTERCEPT_ALL_OBJS=1\n");
	return 0;
}
