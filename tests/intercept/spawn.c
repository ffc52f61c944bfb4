// SPDX-License-Identifier: BSD-3-Clause
/*
 * spawn.c -- posix_spawn, posix_spawnp, system and popen (which glibc
 * builds on a CLONE_VM | CLONE_VFORK clone3 with a new stack) give the same
 * results as without interception, and the clone hooks run on both sides
 * of each.
 */
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

extern char **environ;

static void expect_clones(long n, const char *after)
{
	CHECK(atomic_load(&hook_count.clone_parent) == n,
	      "after %s: %ld clone_parent calls, want %ld", after,
	      atomic_load(&hook_count.clone_parent), n);
	CHECK(atomic_load(&hook_count.clone_child) == n,
	      "after %s: %ld clone_child calls, want %ld", after,
	      atomic_load(&hook_count.clone_child), n);
}

static void check_posix_spawn(void)
{
	char *const exit5[] = {"sh", "-c", "exit 5", NULL};
	char *const echo[] = {"echo", "spawned", NULL};
	pid_t pid;

	CHECK(posix_spawn(&pid, "/bin/sh", NULL, NULL, exit5, environ) == 0,
	      "posix_spawn");
	CHECK_EQ(check_wait(pid), 5, "status of posix_spawn'd sh");
	CHECK_EQ(atomic_load(&hook_count.parent_returns[0]), pid,
		 "value given to clone_parent");
	expect_clones(1, "posix_spawn");

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, "spawn.out",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(posix_spawnp(&pid, "echo", &actions, NULL, echo, environ) == 0,
	      "posix_spawnp");
	posix_spawn_file_actions_destroy(&actions);
	CHECK_EQ(check_wait(pid), 0, "status of posix_spawnp'd echo");
	expect_clones(2, "posix_spawnp");

	char buf[64] = "";
	FILE *f = fopen("spawn.out", "r");
	CHECK(f != NULL, "spawn.out: %m");
	CHECK(fgets(buf, sizeof(buf), f) != NULL, "reading spawn.out");
	fclose(f);
	CHECK(strcmp(buf, "spawned\n") == 0, "spawn.out holds '%s'", buf);
}

static void check_system_popen(void)
{
	int status = system("exit 3");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "system(\"exit 3\") gave %#x", status);
	expect_clones(3, "system");

	char buf[64] = "";
	FILE *f;
	FILE *p = popen("echo hello; echo world", "r");
	CHECK(p != NULL, "popen: %m");
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	CHECK_EQ(pclose(p), 0, "pclose of the reader");
	CHECK(n == 12 && memcmp(buf, "hello\nworld\n", 12) == 0,
	      "popen read '%s'", buf);
	expect_clones(4, "popen(r)");

	p = popen("wc -c >wc.out", "w");
	CHECK(p != NULL, "popen: %m");
	fputs("twelve bytes", p);
	CHECK_EQ(pclose(p), 0, "pclose of the writer");
	expect_clones(5, "popen(w)");
	f = fopen("wc.out", "r");
	CHECK(f != NULL, "wc.out: %m");
	CHECK(fgets(buf, sizeof(buf), f) != NULL, "reading wc.out");
	fclose(f);
	CHECK(strcmp(buf, "12\n") == 0, "wc -c counted '%s'", buf);
}

int main(void)
{
	hook_count_reset();
	check_posix_spawn();
	check_system_popen();
	printf("posix_spawn, system and popen intercepted\n");
	return 0;
}
