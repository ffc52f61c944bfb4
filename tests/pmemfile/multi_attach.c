// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_attach -- processes that start using a pool at the same instant,
 * when nobody uses it yet (its shared segment is new), all get in, while
 * one of them keeps the pool open: the segment used to be made under an
 * exclusive flock, which a process that found it half made waited for,
 * forever when the maker held its shared lock by then (two appenders of
 * multi_bench: both stopped by the time limit, one run in seven).
 * ROUNDS rounds (STRESS=1: 10 times as many) of PROCS processes started
 * at once; each must be in within 20 s.
 */
#include "check.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdlib.h>
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
	unlink(pool);
	printf("multi_attach: %d rounds of %d processes: ok\n", rounds, PROCS);
	return 0;
}
