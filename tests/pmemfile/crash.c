// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash -- crash consistency. A child runs a random workload (create,
 * pwrite, append, truncate, rename, unlink, link, mkdir, rmdir, rename of a
 * directory, unlink of a file it keeps open and writes) on a pool
 * and logs each operation to a kernel file twice: its intent before the call
 * and its acknowledgement right after the call returns. The parent SIGKILLs
 * it at a random moment, then: the checker must accept the pool, the pool
 * must open, and its whole state must be the model with every acknowledged
 * operation applied, plus the one in flight either applied or not (a write
 * in flight may be partly there: each byte old or new, the size between the
 * old and the new one, never a byte that was not written), and no inode may
 * be left but those with names (orphans freed at the open). Hundreds of kills
 * by default; STRESS=1 runs thousands. CRASH_SEED=n and CRASH_ITERS=n
 * reproduce a run; the seed and iteration are printed on failure.
 */
#include "crash_verify.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define POOL_SIZE (32 * MiB)

static char pool_path[4096], log_path[4096];
static unsigned long seed, iter;

#define C_FAIL(...)                                                  \
	do {                                                         \
		printf("FAIL seed %lu iteration %lu: ", seed, iter); \
		printf(__VA_ARGS__);                                 \
		printf("\n");                                        \
		fail_report();                                       \
		exit(1);                                             \
	} while (0)

/*
 * The operations of the failed iteration, from the model state it started
 * with; with CRASH_KEEP=dir the pool and the log are kept there too.
 */
static void fail_report(void)
{
	struct cm_rec r;
	int fd = open(log_path, O_RDONLY);
	printf("operations of this iteration (slot = dir * %d + name):\n",
	       CM_NAMES);
	while (fd >= 0 && read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r))
		printf("  %s %s a=%d b=%d off=%llu len=%u seq=%llu\n",
		       r.kind == CM_ACK ? "done  " : "intent",
		       r.op < CM_SYMLINK + 1 && cm_op_names[r.op]
			   ? cm_op_names[r.op]
			   : "?",
		       r.a, r.b, (unsigned long long)r.off, r.len,
		       (unsigned long long)r.seq);
	if (fd >= 0)
		close(fd);
	const char *keep = getenv("CRASH_KEEP");
	if (keep && *keep) {
		char cmd[9000];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' '%s'/", pool_path,
			 log_path, keep);
		if (system(cmd) == 0)
			printf("pool and log copied to %s\n", keep);
	}
	printf("(rerun: CRASH_SEED=%lu)\n", seed);
	fflush(stdout);
}

static void log_rec(int fd, struct cm_rec *r, uint32_t kind)
{
	r->kind = kind;
	if (write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		_exit(5);
}

/* The workload; runs until killed (or a few thousand operations). */
static void child(struct cm_model *m, unsigned child_seed, uint64_t seq)
{
	int fd = open(log_path, O_WRONLY | O_APPEND);
	if (fd < 0)
		_exit(4);
	PMEMfilepool *pfp = pmemfile_pool_open(pool_path);
	if (!pfp) {
		printf("child: pool_open: %s\n", pmemfile_errormsg());
		_exit(2);
	}
	for (int i = 0; i < 5000; i++) {
		struct cm_rec r;
		cm_pick(m, &child_seed, &r);
		r.seq = seq + (uint64_t)i;
		log_rec(fd, &r, CM_INTENT);
		if (cm_do_op(pfp, &r)) {
			printf("child: operation %u (a %d, b %d) failed: %s\n",
			       r.op, r.a, r.b, strerrorname_np(errno));
			_exit(3);
		}
		log_rec(fd, &r, CM_ACK);
		cm_apply(m, &r);
	}
	pmemfile_pool_close(pfp);
	_exit(0);
}

/* Replays the log into m; returns the operation in flight, if any. */
static int replay(struct cm_model *m, struct cm_rec *inflight)
{
	int fd = open(log_path, O_RDONLY);
	struct cm_rec r;
	int pending = 0;
	T_ASSERT(fd >= 0);
	while (read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		if (r.magic != CM_MAGIC)
			C_FAIL("corrupt log record");
		if (r.kind == CM_INTENT) {
			*inflight = r;
			pending = 1;
		} else {
			cm_apply(m, &r);
			pending = 0;
		}
	}
	close(fd);
	return pending;
}

static void verify(struct cm_model *m, struct cm_actual *a,
		   struct cm_model *tmp)
{
	struct cm_rec r;
	int pending = replay(m, &r);
	const char *why = cm_verify_pool(pool_path, m, pending, &r, tmp, a);
	if (why)
		C_FAIL("after the kill: %s", why);
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 0) : def;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *dir = getenv("TMPDIR");
	dir = dir && *dir ? dir : "/dev/shm";
	snprintf(pool_path, sizeof(pool_path), "%s/crash.pool", dir);
	snprintf(log_path, sizeof(log_path), "%s/crash.log", dir);
	seed = env_ul("CRASH_SEED", (unsigned long)time(NULL));
	unsigned long iters =
	    env_ul("CRASH_ITERS", env_ul("STRESS", 0) ? 10000 : 1000);
	printf("crash: seed %lu, %lu kills\n", seed, iters);

	unlink(pool_path);
	PMEMfilepool *pfp = pmemfile_pool_create(pool_path, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);

	static struct cm_model m, tmp;
	static struct cm_actual a;
	cm_init(&m);
	cm_init(&tmp);
	cm_actual_init(&a);
	unsigned rng = (unsigned)seed;
	unsigned long ops = 0;

	for (iter = 0; iter < iters; iter++) {
		int fd = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		T_ASSERT(fd >= 0);
		close(fd);
		unsigned child_seed = (unsigned)(seed * 1000003 + iter);
		fflush(NULL);
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0)
			child(&m, child_seed, (uint64_t)iter << 20);
		/* Some kills land in the pool's open, most in the workload. */
		unsigned delay = rand_r(&rng) % 8 ? 1000 + rand_r(&rng) % 30000
						  : rand_r(&rng) % 3000;
		usleep(delay);
		kill(pid, SIGKILL);
		int status;
		T_EQ(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			C_FAIL("the workload failed (exit %d)",
			       WEXITSTATUS(status));
		struct stat st;
		if (stat(log_path, &st) == 0)
			ops += (unsigned long)st.st_size /
			       (2 * sizeof(struct cm_rec));
		verify(&m, &a, &tmp);
	}
	printf("%lu kills, %lu acknowledged operations, all consistent\n",
	       iters, ops);
	cm_free(&m);
	cm_free(&tmp);
	cm_actual_free(&a);
	return 0;
}
