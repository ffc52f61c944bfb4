// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_bench_calls -- what a call costs a process that does not hold its
 * pool, through the C API (part of multi_bench, see multi_bench.sh):
 *
 *   multi_bench_calls POOL CALLS REPS [forwarded]
 *
 * On POOL (made by the caller, held by nobody):
 *  - a forwarded call: a holder opens the pool and a file, forks a child
 *    (a client: its calls go to the holder's keeper thread) that times
 *    CALLS pmemfile_fstat and CALLS 64-byte pmemfile_pread each with
 *    clock_gettime; beside it the same calls made by the holder itself and
 *    a native getppid;
 *  - where its time goes: the CPU time and the voluntary context switches
 *    (futex sleeps) of each side per call, and two shared-memory round
 *    trips between processes with nothing else in them: one that spins
 *    and one that sleeps in a futex each time;
 *  - a hand-over, REPS times: a holder closes the pool while its child
 *    refers to a file of it; the time from the start of the close until
 *    the child's next call returns (and the close itself, in the holder);
 *    the same with a holder that exits (a copy of it holds the pool on);
 *  - the opening of the pool by a new process, REPS times.
 *
 * Each figure is printed as "name median_us p99_us". With "forwarded",
 * only the forwarded calls are made (and not timed against the holder's),
 * for a count of their system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the processes of one measurement share (MAP_SHARED). */
struct board {
	_Atomic uint32_t word;	/* a flag or a turn, per measurement */
	_Atomic uint32_t ready; /* the child is set up */
	double t0;		/* when the holder began its close */
	double close_ns;	/* how long that close took */
	double cpu_ns[2];	/* user, system CPU of a side */
	long nvcsw;		/* voluntary context switches of a side */
	int failed;
	double ns[]; /* one figure per call or repetition */
};

static const char *pool_path;
static unsigned ncalls, nreps;
static int forwarded_only;
static struct board *board;
static double *samples;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "multi_bench_calls: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Prints "name median p99" (µs) of the n figures in v (ns). */
static void report(const char *name, double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	unsigned p99 = (unsigned)((n - 1) * 0.99 + 0.5);
	printf("%s %.3f %.3f\n", name, v[n / 2] / 1e3, v[p99] / 1e3);
}

static void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static double tv_ns(struct timeval tv)
{
	return (double)tv.tv_sec * 1e9 + (double)tv.tv_usec * 1e3;
}

/* The CPU time and voluntary switches of this process since *before. */
static void usage_since(const struct rusage *before, double cpu_ns[2],
			long *nvcsw)
{
	struct rusage after;

	getrusage(RUSAGE_SELF, &after);
	cpu_ns[0] = tv_ns(after.ru_utime) - tv_ns(before->ru_utime);
	cpu_ns[1] = tv_ns(after.ru_stime) - tv_ns(before->ru_stime);
	*nvcsw = after.ru_nvcsw - before->ru_nvcsw;
}

/* Waits for a child; whether it succeeded. */
static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Waits until no process has the pool open: libpmemobj flocks the pool
 * file, and a keeper process lingers a little after its last client left.
 */
static void wait_pool_free(void)
{
	int fd = open(pool_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(pool_path);
	for (int ms = 0; flock(fd, LOCK_EX | LOCK_NB); ms++) {
		if (ms == 5000) {
			fprintf(stderr, "multi_bench_calls: the pool is "
					"still held after 5 s\n");
			exit(1);
		}
		usleep(1000);
	}
	flock(fd, LOCK_UN);
	close(fd);
}

enum call { CALL_GETPPID, CALL_FSTAT, CALL_PREAD };

/* Times ncalls calls of one kind into samples (after a warm-up). */
static int time_calls(enum call what, PMEMfilepool *pfp, PMEMfile *f)
{
	pmemfile_stat_t st;
	char buf[64];

	for (unsigned i = 0; i < ncalls / 10 + ncalls; i++) {
		double t0 = now_ns();
		int r = 0;
		switch (what) {
		case CALL_GETPPID:
			r = getppid() > 0 ? 0 : -1;
			break;
		case CALL_FSTAT:
			r = pmemfile_fstat(pfp, f, &st);
			break;
		case CALL_PREAD:
			r = pmemfile_pread(pfp, f, buf, sizeof(buf), 0) ==
				    (ssize_t)sizeof(buf)
				? 0
				: -1;
			break;
		}
		double t1 = now_ns();
		if (r)
			return -1;
		if (i >= ncalls / 10)
			samples[i - ncalls / 10] = t1 - t0;
	}
	return 0;
}

/* The client: its calls, each figure into the board in turn. */
static void client(PMEMfilepool *pfp, PMEMfile *f, enum call what)
{
	struct rusage before;

	samples = board->ns;
	getrusage(RUSAGE_SELF, &before);
	if (time_calls(what, pfp, f)) {
		board->failed = 1;
		_exit(1);
	}
	usage_since(&before, board->cpu_ns, &board->nvcsw);
	_exit(0);
}

/* Runs the client in a fork child and reports both sides' figures. */
static int forwarded(PMEMfilepool *pfp, PMEMfile *f, enum call what,
		     const char *name)
{
	struct rusage before;
	double keeper_cpu[2];
	long keeper_cs;

	getrusage(RUSAGE_SELF, &before);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		client(pfp, f, what);
	if (!reap(pid))
		return -1;
	usage_since(&before, keeper_cpu, &keeper_cs);
	char line[64];
	snprintf(line, sizeof(line), "forwarded_%s", name);
	report(line, board->ns, ncalls);
	printf("cpu_%s client_user %.3f client_sys %.3f client_vcsw %.3f "
	       "holder_user %.3f holder_sys %.3f holder_vcsw %.3f\n",
	       name, board->cpu_ns[0] / ncalls / 1e3,
	       board->cpu_ns[1] / ncalls / 1e3, (double)board->nvcsw / ncalls,
	       keeper_cpu[0] / ncalls / 1e3, keeper_cpu[1] / ncalls / 1e3,
	       (double)keeper_cs / ncalls);
	return 0;
}

/* The holder of the forwarded-call figures (a child of main). */
static void calls_holder(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool_path);
	if (!pfp)
		die("pmemfile_pool_open");
	PMEMfile *f = pmemfile_open(pfp, "/calls",
				    PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	if (!f)
		die("pmemfile_open /calls");
	static char block[4096];
	if (pmemfile_write(pfp, f, block, sizeof(block)) != sizeof(block))
		die("pmemfile_write");
	samples = board->ns;
	if (!forwarded_only) {
		if (time_calls(CALL_GETPPID, pfp, f))
			die("getppid");
		report("native_getppid", samples, ncalls);
		if (time_calls(CALL_FSTAT, pfp, f))
			die("pmemfile_fstat");
		report("holder_fstat", samples, ncalls);
		if (time_calls(CALL_PREAD, pfp, f))
			die("pmemfile_pread");
		report("holder_pread", samples, ncalls);
	}
	if (forwarded(pfp, f, CALL_FSTAT, "fstat") ||
	    forwarded(pfp, f, CALL_PREAD, "pread"))
		die("a client's call");
	pmemfile_close(pfp, f);
	pmemfile_unlink(pfp, "/calls");
	pmemfile_pool_close(pfp);
	exit(0);
}

/*
 * Two processes pass a turn back and forth on one shared word, spinning
 * or sleeping in a futex: the round trip of a call with no work in it.
 */
static void ping_pong(int sleep_on_futex, const char *name)
{
	_Atomic uint32_t *turn = &board->word;

	atomic_store(turn, 0);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (unsigned i = 0; i < ncalls + ncalls / 10; i++) {
			while (atomic_load(turn) != 1) {
				if (sleep_on_futex)
					futex_wait(turn, 0);
				else
					__builtin_ia32_pause();
			}
			atomic_store(turn, 0);
			if (sleep_on_futex)
				futex_wake(turn);
		}
		_exit(0);
	}
	for (unsigned i = 0; i < ncalls + ncalls / 10; i++) {
		double t0 = now_ns();
		atomic_store(turn, 1);
		if (sleep_on_futex)
			futex_wake(turn);
		while (atomic_load(turn) != 0) {
			if (sleep_on_futex)
				futex_wait(turn, 1);
			else
				__builtin_ia32_pause();
		}
		if (i >= ncalls / 10)
			board->ns[i - ncalls / 10] = now_ns() - t0;
	}
	if (!reap(pid))
		die("ping-pong child");
	report(name, board->ns, ncalls);
}

/*
 * One hand-over: a holder (a child of main) opens a file and forks a
 * client that refers to it; the holder closes the pool (a keeper process
 * takes it over), or exits (by_exit: a copy of it goes on holding the
 * pool), while the client waits to make its next call.
 */
static void handover_once(unsigned rep, bool by_exit)
{
	atomic_store(&board->word, 0);
	atomic_store(&board->ready, 0);
	pid_t holder = fork();
	if (holder < 0)
		die("fork");
	if (holder == 0) {
		PMEMfilepool *pfp = pmemfile_pool_open(pool_path);
		if (!pfp)
			die("pmemfile_pool_open");
		PMEMfile *f = pmemfile_open(
		    pfp, "/handover", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
		if (!f)
			die("pmemfile_open /handover");
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			pmemfile_stat_t st;
			/* the client is set up: a call has gone through */
			if (pmemfile_fstat(pfp, f, &st))
				_exit(1);
			atomic_store(&board->ready, 1);
			while (atomic_load(&board->word) == 0)
				__builtin_ia32_pause();
			int r = pmemfile_fstat(pfp, f, &st);
			double t1 = now_ns();
			board->ns[rep] = t1 - board->t0;
			if (r)
				board->failed = 1;
			pmemfile_close(pfp, f);
			pmemfile_pool_close(pfp);
			atomic_store(&board->word, 2);
			_exit(0);
		}
		while (atomic_load(&board->ready) == 0)
			__builtin_ia32_pause();
		pmemfile_close(pfp, f);
		board->t0 = now_ns();
		atomic_store(&board->word, 1);
		if (by_exit)
			exit(0);
		pmemfile_pool_close(pfp);
		board->close_ns = now_ns() - board->t0;
		_exit(0);
	}
	if (!reap(holder))
		die("the hand-over's holder");
	while (atomic_load(&board->word) != 2)
		usleep(100);
	if (board->failed) {
		fprintf(stderr, "multi_bench_calls: the client's call after "
				"the hand-over failed\n");
		exit(1);
	}
	samples[rep] = board->close_ns;
	wait_pool_free();
}

/* Opens the pool in a new process, REPS times: open and close. */
static void pool_opens(void)
{
	double *closes = samples + nreps;

	for (unsigned rep = 0; rep < nreps; rep++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			double t0 = now_ns();
			PMEMfilepool *pfp = pmemfile_pool_open(pool_path);
			double t1 = now_ns();
			if (!pfp)
				_exit(1);
			pmemfile_pool_close(pfp);
			board->ns[rep] = t1 - t0;
			board->ns[nreps + rep] = now_ns() - t1;
			_exit(0);
		}
		if (!reap(pid))
			die("pmemfile_pool_open in a new process");
		wait_pool_free();
	}
	memcpy(samples, board->ns, 2 * nreps * sizeof(double));
	report("pool_open", samples, nreps);
	report("pool_close", closes, nreps);
}

int main(int argc, char *argv[])
{
	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "forwarded") == 0)) {
		fprintf(stderr, "usage: %s POOL CALLS REPS [forwarded]\n",
			argv[0]);
		return 2;
	}
	pool_path = argv[1];
	forwarded_only = argc == 5;
	ncalls = (unsigned)atoi(argv[2]);
	nreps = (unsigned)atoi(argv[3]);
	if (ncalls < 10 || nreps < 2) {
		fprintf(stderr, "multi_bench_calls: CALLS >= 10, REPS >= 2\n");
		return 2;
	}
	unsigned most = ncalls > 2 * nreps ? ncalls : 2 * nreps;
	board = mmap(NULL, sizeof(*board) + most * sizeof(double),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	samples = malloc(most * sizeof(double));
	if (board == MAP_FAILED || !samples)
		die("memory");
	setvbuf(stdout, NULL, _IOLBF, 0);

	wait_pool_free();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		calls_holder();
	if (!reap(pid))
		return 1;
	wait_pool_free();
	if (forwarded_only)
		return 0;
	ping_pong(0, "spin_round_trip");
	ping_pong(1, "futex_round_trip");

	double *waits = malloc(nreps * sizeof(double));
	if (!waits)
		die("memory");
	for (unsigned rep = 0; rep < nreps; rep++) {
		handover_once(rep, false);
		waits[rep] = board->ns[rep];
	}
	report("handover_next_call", waits, nreps);
	report("handover_close", samples, nreps);
	for (unsigned rep = 0; rep < nreps; rep++) {
		handover_once(rep, true);
		waits[rep] = board->ns[rep];
	}
	report("exit_next_call", waits, nreps);
	pool_opens();
	return 0;
}
