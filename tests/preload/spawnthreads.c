// SPDX-License-Identifier: BSD-3-Clause
/*
 * spawnthreads.c -- run under the shim by shim_spawnthreads.sh, its
 * working directory in a mount: threads start programs at once with
 * posix_spawn (a vfork: the child runs in this process's memory), each
 * with an environment of its own. The shim builds each child's
 * environment anew (PMEMFILE_CD, the directory of the mount) in pages it
 * keeps from one execve to the next (sys_exec.c, exec_env_pages), taken
 * by one child at a time: a child must get its own thread's variable and
 * the directory, whatever the other threads' children do meanwhile. Every
 * fifth start names a program that does not exist (the child's execve
 * fails: the pages are given back there); the next ones must run as well.
 * Before them each thread starts MISSING programs that do not exist, more
 * in all than the pool's table has process slots (1,024): each such child
 * dies without leaving, and the slots must come back (share.c).
 *
 * With "cold", the process has not used the pool when its threads start:
 * the first use of the pool is in the children, four at once, each in the
 * memory of the process and on posix_spawn's small stack (the shim runs
 * there on a stack of its own, a keeper process holds the pool, not the
 * child: preload.c, pool.c). Each thread first starts a program that does
 * not exist (ENOENT), then the script ./hello.sh of the directory with its
 * output opened by a file action on out-TAG, which must hold TAG after.
 *
 * With "exits", ROUNDS threads one after another each start, with
 * posix_spawn, a program that does not exist from the directory (a file
 * action's chdir there, then the execve: the shim runs in the child on a
 * stack of the thread's, and keeps its directory in a page of the
 * thread's) and end: the process's maps after the last thread must be as
 * many as after the first, give or take a few.
 *
 * usage: spawnthreads DIR ROUNDS MISSING [cold|exits]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define THREADS 4

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

static const char *dir;
static int rounds, missing_first;
static int cold;

/* ./missing-program, start n of the thread tag (-1: its first): ENOENT */
static void start_missing(const char *tag, int n, char *const envp[])
{
	char *argv[] = {"missing", NULL};
	pid_t pid;
	int r = posix_spawn(&pid, "./missing-program", NULL, NULL, argv, envp);
	if (r != ENOENT)
		fail("%s's start %d, of a missing program: %s, expected ENOENT",
		     tag, n, strerror(r));
}

/* ./hello.sh TAG, its output on out-TAG (a file action): exits 0 */
static void start_hello(const char *tag, char *const envp[])
{
	char out[64];
	snprintf(out, sizeof(out), "out-%s", tag);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *argv[] = {"hello.sh", (char *)tag, NULL};
	pid_t pid;
	int status;
	int r = posix_spawn(&pid, "./hello.sh", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		fail("%s: posix_spawn of ./hello.sh: %s", tag, strerror(r));
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s: ./hello.sh ended with status 0x%x", tag, status);
	char buf[64] = "";
	FILE *f = fopen(out, "r");
	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL)
		fail("%s: nothing in %s", tag, out);
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	if (strcmp(buf, tag) != 0)
		fail("%s: %s holds \"%s\"", tag, out, buf);
}

static void *starter(void *arg)
{
	int t = (int)(long)arg;
	char tag[32], var[64];
	snprintf(tag, sizeof(tag), "thread%d", t);
	snprintf(var, sizeof(var), "SPAWN_TAG=%s", tag);
	char *envp[] = {var, "PATH=/usr/bin:/bin", NULL};
	/* the child checks its variable and its directory */
	char *argv[] = {"sh",
			"-c",
			"test \"$SPAWN_TAG\" = \"$1\" && "
			"test \"$(pwd -P)\" = \"$2\"",
			"sh",
			tag,
			(char *)dir,
			NULL};
	if (cold) {
		start_missing(tag, -1, envp);
		start_hello(tag, envp);
	}
	for (int i = 0; i < missing_first; ++i)
		start_missing(tag, i, envp);
	for (int i = 0; i < rounds; ++i) {
		pid_t pid;
		int status;
		if (i % 5 == 4) {
			start_missing(tag, i, envp);
			continue;
		}
		int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, envp);
		if (r != 0)
			fail("posix_spawn: %s", strerror(r));
		if (waitpid(pid, &status, 0) != pid)
			fail("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail("%s's child %d (round %d) got another "
			     "environment or directory (status 0x%x)",
			     tag, (int)pid, i, status);
	}
	return NULL;
}

/* A thread that starts a missing program from dir, then ends. */
static void *exiter(void *arg)
{
	(void)arg;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	char *argv[] = {"missing", NULL};
	char *envp[] = {"PATH=/usr/bin:/bin", NULL};
	pid_t pid;
	int r = posix_spawn(&pid, "./missing-program", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != ENOENT)
		fail("a start of a missing program: %s, expected ENOENT",
		     strerror(r));
	return NULL;
}

/* Lines of /proc/self/maps. */
static int maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (f == NULL)
		fail("/proc/self/maps: %s", strerror(errno));
	int n = 0;
	for (int c; (c = getc(f)) != EOF;)
		n += c == '\n';
	fclose(f);
	return n;
}

static void exits(void)
{
	int first = 0;
	for (int i = 0; i < rounds; ++i) {
		pthread_t t;
		if (pthread_create(&t, NULL, exiter, NULL) != 0)
			fail("pthread_create");
		pthread_join(t, NULL);
		if (i == 0)
			first = maps();
	}
	int last = maps();
	if (last > first + 4)
		fail("%d maps after the first thread, %d after the last of %d",
		     first, last, rounds);
	printf("%d threads started a program each and ended: %d maps after "
	       "the first, %d after the last\n",
	       rounds, first, last);
}

int main(int argc, char *argv[])
{
	if (argc == 5 && strcmp(argv[4], "exits") == 0) {
		dir = argv[1];
		rounds = atoi(argv[2]);
		exits();
		return 0;
	}
	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "cold") == 0))
		fail("usage: spawnthreads DIR ROUNDS MISSING [cold|exits]");
	dir = argv[1];
	rounds = atoi(argv[2]);
	missing_first = atoi(argv[3]);
	cold = argc == 5;
	/* the process uses the pool before its threads start, unless cold */
	struct stat st;
	if (!cold && stat(".", &st) != 0)
		fail("stat of the directory: %s", strerror(errno));
	pthread_t th[THREADS];
	for (long t = 0; t < THREADS; ++t)
		if (pthread_create(&th[t], NULL, starter, (void *)t) != 0)
			fail("pthread_create");
	for (int t = 0; t < THREADS; ++t)
		pthread_join(th[t], NULL);
	printf("%d threads started %d programs each, after %d missing "
	       "ones%s\n",
	       THREADS, rounds, missing_first,
	       cold ? ", the first ones before the process used the pool" : "");
	return 0;
}
