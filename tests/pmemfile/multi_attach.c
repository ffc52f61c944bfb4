// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_attach -- processes that start using a pool at the same instant,
 * when nobody uses it yet (its shared segment is new), all get in, while
 * one of them keeps the pool open: the segment used to be made under an
 * exclusive flock, which a process that found it half made waited for,
 * forever when the maker held its shared lock by then (two appenders of
 * multi_bench: both stopped by the time limit, one run in seven).
 * ROUNDS rounds (STRESS=1: 10 times as many) of PROCS processes started
 * at once; each must be in within 20 s. And a process that waits for the
 * lock of a segment's file that its last user removes meanwhile makes a
 * new one, under the name, and uses that.
 */
#include "check.h"
#include "internal.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 40
#define PROCS 4
#define POOL_SIZE (16UL << 20)

static char pool[4096];

/* Waits for go to close, opens the pool, says so, holds it until hold
 * closes. */
static void racer(int go, int said, int hold)
{
	char c;
	if (read(go, &c, 1) != 0)
		_exit(3);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	if (!pfp)
		_exit(1);
	struct stat st;
	if (pmemfile_stat(pfp, "/", &st) != 0)
		_exit(2);
	if (write(said, "x", 1) != 1)
		_exit(4);
	if (read(hold, &c, 1) != 0)
		_exit(5);
	pmemfile_pool_close(pfp);
	_exit(0);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void round_once(int round)
{
	int go[2], said[2], hold[2];
	T_EQ(pipe(go), 0);
	T_EQ(pipe(said), 0);
	T_EQ(pipe(hold), 0);
	pid_t pids[PROCS];
	for (int k = 0; k < PROCS; k++) {
		pids[k] = fork();
		T_ASSERT(pids[k] >= 0);
		if (pids[k] == 0) {
			close(go[1]);
			close(said[0]);
			close(hold[1]);
			racer(go[0], said[1], hold[0]);
		}
	}
	close(go[0]);
	close(said[1]);
	close(hold[0]);
	close(go[1]); /* all at once */
	T_EQ(fcntl(said[0], F_SETFL, O_NONBLOCK), 0);
	int in = 0;
	double end = now() + 20;
	while (in < PROCS && now() < end) {
		char c;
		ssize_t n = read(said[0], &c, 1);
		if (n == 1)
			in++;
		else if (n == 0)
			break; /* one died: its status says why */
		else
			usleep(1000);
	}
	if (in < PROCS)
		for (int k = 0; k < PROCS; k++)
			kill(pids[k], SIGKILL);
	close(hold[1]); /* they may leave */
	for (int k = 0; k < PROCS; k++) {
		int status;
		T_EQ(waitpid(pids[k], &status, 0), pids[k]);
		if (in < PROCS || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			T_FAIL(
			    "round %d: %d of %d processes got in within 20 s; "
			    "process %d status 0x%x",
			    round, in, PROCS, k, status);
	}
	close(said[0]);
}

/* Whether process pid waits for a flock (a "->" line of /proc/locks). */
static bool waits_for_flock(pid_t pid)
{
	FILE *f = fopen("/proc/locks", "r");
	T_ASSERT(f != NULL);
	char line[256], want[32];
	snprintf(want, sizeof(want), " %d ", (int)pid);
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "-> FLOCK") && strstr(line, want);
	fclose(f);
	return found;
}

/*
 * The segment's file is locked exclusively by its last user, which
 * removes it (as share_remove_if_last does) while a process that opened
 * it waits for its shared lock: that process takes the removed file for
 * none, makes a new one under the name and maps that one.
 */
static void removed_while_waiting(void)
{
	struct stat ps;
	T_EQ(stat(pool, &ps), 0);
	char name[128];
	snprintf(name, sizeof(name), "/dev/shm/pmemfile.%llx.%llx",
		 (unsigned long long)ps.st_dev, (unsigned long long)ps.st_ino);
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	T_ASSERT(fd >= 0);
	T_EQ(flock(fd, LOCK_EX), 0);
	struct stat old;
	T_EQ(fstat(fd, &old), 0);
	int said[2];
	T_EQ(pipe(said), 0);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		/* the lock is the description's, which the child has too */
		close(fd);
		close(said[0]);
		PMEMfilepool *pfp = pmemfile_pool_open(pool);
		struct stat st, now, mapped;
		if (!pfp || pmemfile_stat(pfp, "/", &st) != 0)
			_exit(1);
		/* the file mapped is the one under the name, not the old */
		if (stat(name, &now) != 0 || fstat(pfp->share_fd, &mapped) ||
		    mapped.st_ino != now.st_ino || mapped.st_nlink != 1 ||
		    now.st_ino == old.st_ino)
			_exit(2);
		pmemfile_pool_close(pfp);
		_exit(write(said[1], "x", 1) == 1 ? 0 : 3);
	}
	close(said[1]);
	double end = now() + 20;
	while (!waits_for_flock(pid) && now() < end)
		usleep(1000);
	T_ASSERT(waits_for_flock(pid));
	T_EQ(unlink(name), 0);
	T_EQ(close(fd), 0);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFEXITED(status));
	T_EQ(WEXITSTATUS(status), 0);
	char c;
	T_EQ(read(said[0], &c, 1), 1);
	close(said[0]);
	/* the last process to leave removed the new file */
	T_EQ(stat(name, &old), -1);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	const char *stress = getenv("STRESS");
	int rounds = stress && atoi(stress) > 0 ? ROUNDS * 10 : ROUNDS;
	for (int r = 0; r < rounds; r++)
		round_once(r);
	removed_while_waiting();
	unlink(pool);
	printf("multi_attach: %d rounds of %d processes: ok\n", rounds, PROCS);
	return 0;
}
