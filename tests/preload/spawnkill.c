// SPDX-License-Identifier: BSD-3-Clause
/*
 * spawnkill.c -- run under the shim by shim_spawnkill.sh, its working
 * directory in a mount it has not used: four threads start a program of
 * the directory that does not exist with posix_spawn, ROUNDS times each,
 * while a fifth kills with SIGKILL, at random, children of the process
 * that are still running (in the shim's join of the pool, its election,
 * the start of a keeper process, the lookup: each child is a vfork child
 * in this process's memory). Each start must end with ENOENT, or with a
 * child that SIGKILL ended; none may hang (the shell's timeout), and some
 * children must have been killed.
 *
 * usage: spawnkill ROUNDS
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4

static int rounds;
static atomic_int done, enoent, killed;

static void fail(const char *what, int err)
{
	printf("FAIL: %s: %s\n", what, strerror(err));
	fflush(stdout);
	exit(1);
}

static void *starter(void *arg)
{
	char *argv[] = {"missing", NULL};
	char *envp[] = {"PATH=/usr/bin:/bin", NULL};
	(void)arg;
	for (int i = 0; i < rounds; ++i) {
		pid_t pid;
		int status;
		int r = posix_spawn(&pid, "./missing-program", NULL, NULL, argv,
				    envp);
		if (r == ENOENT) {
			atomic_fetch_add(&enoent, 1);
			continue;
		}
		if (r != 0)
			fail("posix_spawn of a missing program", r);
		/* killed before it could say ENOENT */
		if (waitpid(pid, &status, 0) != pid)
			fail("waitpid", errno);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail("a child neither ENOENT nor killed", EINVAL);
		atomic_fetch_add(&killed, 1);
	}
	return NULL;
}

/* SIGKILL to a third of this process's running children, every ~1 ms. */
static void *killer(void *arg)
{
	pid_t me = getpid();
	unsigned seed = 1;
	(void)arg;
	while (!atomic_load(&done)) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d != NULL && (e = readdir(d)) != NULL) {
			int p = atoi(e->d_name);
			char path[64], buf[512], state;
			int ppid;
			if (p <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/stat", p);
			FILE *f = fopen(path, "r");
			if (f == NULL)
				continue;
			char *end = fgets(buf, sizeof(buf), f)
					? strrchr(buf, ')')
					: NULL;
			fclose(f);
			if (end != NULL &&
			    sscanf(end + 2, "%c %d", &state, &ppid) == 2 &&
			    ppid == me && state != 'Z' &&
			    rand_r(&seed) % 3 == 0)
				kill(p, SIGKILL);
		}
		if (d != NULL)
			closedir(d);
		usleep(rand_r(&seed) % 2000);
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	if (argc != 2)
		fail("usage: spawnkill ROUNDS", EINVAL);
	rounds = atoi(argv[1]);
	pthread_t th[THREADS], k;
	if (pthread_create(&k, NULL, killer, NULL) != 0)
		fail("pthread_create", EAGAIN);
	for (long t = 0; t < THREADS; ++t)
		if (pthread_create(&th[t], NULL, starter, (void *)t) != 0)
			fail("pthread_create", EAGAIN);
	for (int t = 0; t < THREADS; ++t)
		pthread_join(th[t], NULL);
	atomic_store(&done, 1);
	pthread_join(k, NULL);
	printf("%d starts: %d ENOENT, %d children killed\n", THREADS * rounds,
	       atomic_load(&enoent), atomic_load(&killed));
	if (atomic_load(&killed) == 0)
		fail("no child was killed (the test did not run)", EINVAL);
	return 0;
}
