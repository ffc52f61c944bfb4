// SPDX-License-Identifier: BSD-3-Clause
/*
 * envthreads.c -- run under the shim by shim_envthreads.sh: the threads
 * the library makes on its own (the keeper of a pool this process holds)
 * read no environment variable. A getenv walks the array environ points
 * to, which a setenv of another thread frees when it grows it (glibc's
 * realloc): the program cannot keep its setenv from running beside a
 * thread it does not know of. git crashed so in its getenv's loop: right
 * after its first call in the mount (-C's chdir, which starts the keeper
 * thread) it sets GIT_EXEC_PATH, PATH and GIT_PREFIX, whose setenv freed
 * the array the keeper thread's getenv was reading.
 *
 * The program defines getenv and secure_getenv, as bash does (the
 * library's calls reach them); they walk environ as libc's do and count
 * the calls of a thread other than the main one (the program makes none).
 * It opens a file in the mount (the pool opens, its keeper thread starts)
 * and then, for SECONDS, adds and removes variables with setenv and
 * unsetenv, as git does after its first call there, while it writes to
 * the file and, every tenth of a second, a fork child (a client of this
 * process, which holds the pool) writes to it and calls fsync, which the
 * keeper thread serves: a sync point in journal mode, as the keeper's
 * timer makes (PMEMFILE_COMMIT_INTERVAL). A child counts its own threads'
 * calls as well and exits with 3 if it saw one.
 *
 * usage: envthreads MOUNT SECONDS
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tfail.h"

extern char **environ;

/* The calls of getenv and secure_getenv from a thread not the main one. */
static atomic_int foreign;
static atomic_int foreign_named;
static char foreign_name[64];

static void note_caller(const char *name)
{
	int no = 0;

	if (syscall(SYS_gettid) == getpid())
		return;
	atomic_fetch_add(&foreign, 1);
	if (atomic_compare_exchange_strong(&foreign_named, &no, 1))
		snprintf(foreign_name, sizeof(foreign_name), "%s", name);
}

/* As libc's: the entries of environ, walked while another thread may
 * free them. */
static char *lookup(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; ++e)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

char *getenv(const char *name)
{
	note_caller(name);
	return lookup(name);
}

char *secure_getenv(const char *name)
{
	note_caller(name);
	return getauxval(AT_SECURE) ? NULL : lookup(name);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The threads of this process, from /proc/self/task. */
static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Grows environ (setenv of new names, each a realloc) and shrinks it. */
static void churn(void)
{
	char name[32];

	for (int i = 0; i < 16; ++i) {
		snprintf(name, sizeof(name), "ENVTHREADS_%d", i);
		setenv(name, "a value", 1);
	}
	for (int i = 0; i < 16; ++i) {
		snprintf(name, sizeof(name), "ENVTHREADS_%d", i);
		unsetenv(name);
	}
}

/* A client: writes and syncs, the holder's keeper serving the sync. */
static __attribute__((noreturn)) void client(const char *path)
{
	int seen = atomic_load(&foreign); /* the parent's, before the fork */
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, "client\n", 7) != 7 || fsync(fd) != 0 ||
	    close(fd) != 0)
		_exit(2);
	_exit(atomic_load(&foreign) != seen ? 3 : 0);
}

int main(int argc, char *argv[])
{
	char path[4096];
	double end;
	pid_t child = 0;
	int clients = 0, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: envthreads MOUNT SECONDS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/envthreads.%d", argv[1], getpid());
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s", path);
	if (fd < 0)
		return 1;
	/* as git's setenv calls, while the keeper thread starts */
	churn();
	/* the keeper thread of the pool, without which there is no test */
	CHECK(threads() >= 2, "one thread after the first call in the mount");
	end = now() + atof(argv[2]);
	for (double next = 0; now() < end;) {
		churn();
		CHECK(write(fd, "holder\n", 7) == 7, "write");
		if (child == 0 && now() >= next) {
			child = fork();
			CHECK(child >= 0, "fork");
			if (child == 0)
				client(path);
			if (child < 0)
				child = 0;
			next = now() + 0.1;
		}
		if (child > 0) {
			int status;
			pid_t w = waitpid(child, &status, WNOHANG);

			if (w == child) {
				CHECK(WIFEXITED(status) &&
					  WEXITSTATUS(status) == 0,
				      "a client ended with status 0x%x (3: "
				      "its own threads called getenv)",
				      status);
				child = 0;
				clients++;
			}
		}
	}
	if (child > 0) {
		int status;

		CHECK(waitpid(child, &status, 0) == child &&
			  WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the last client");
		clients++;
	}
	CHECK(clients > 0, "no client ran");
	CHECK(close(fd) == 0, "close");
	CHECK(unlink(path) == 0, "unlink %s", path);
	CHECK(atomic_load(&foreign) == 0,
	      "%d calls of getenv from threads the program did not make, "
	      "the first of %s",
	      atomic_load(&foreign), foreign_name);
	printf("%d clients, %d getenv calls of other threads\n", clients,
	       atomic_load(&foreign));
	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
