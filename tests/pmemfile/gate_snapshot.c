// SPDX-License-Identifier: BSD-3-Clause
/*
 * gate_snapshot -- what a sync point will copy is a pool libpmemobj and
 * pmemfile take as consistent: three threads change a pool through the
 * API without pause (files created, written, appended to, truncated,
 * renamed and removed, directories made and removed, symlinks), while the
 * main thread closes the gate (pmemfile/gate.c) at random moments and
 * copies the whole pool file as it is then; each copy must open, pass
 * pmemfile_check_pool with no problem, and show every thread's directory.
 *
 * GATE_SNAPSHOTS copies (default 30; STRESS=1: 300). With
 * GATE_SNAPSHOT_NO_GATE=1 the gate is never used (the closes wait for
 * nothing): the copies are then taken in the middle of calls, and the
 * test reports how many are damaged instead of failing, which shows that
 * the check sees a copy taken at the wrong moment.
 */
#include "check.h"
#include "gate.h"
#include "internal.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define POOL_SIZE (32UL << 20)
#define WORKERS 3

static PMEMfilepool *pfp;
static _Atomic int stop, ready;
static _Atomic long ops;

static unsigned next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, seed = id * 7919u + 1;
	char dir[32], a[64], b[64];
	static char buf[64 << 10];
	memset(buf, 'a' + (int)id, sizeof(buf));
	snprintf(dir, sizeof(dir), "/t%u", id);
	T_EQ(pmemfile_mkdir(pfp, dir, 0755), 0);
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&stop)) {
		unsigned n = next(&seed) % 40, op = next(&seed) % 8;
		snprintf(a, sizeof(a), "%s/f%u", dir, n);
		snprintf(b, sizeof(b), "%s/f%u", dir, (n + 1) % 40);
		PMEMfile *f;
		switch (op) {
		case 0:
		case 1: /* a new file, or the old one over again */
			f = pmemfile_open(pfp, a,
					  PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY |
					      PMEMFILE_O_TRUNC,
					  0644);
			if (f) {
				(void)pmemfile_write(
				    pfp, f, buf, 1 + next(&seed) % sizeof(buf));
				pmemfile_close(pfp, f);
			}
			break;
		case 2: /* append */
			f = pmemfile_open(pfp, a,
					  PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY |
					      PMEMFILE_O_APPEND,
					  0644);
			if (f) {
				(void)pmemfile_write(pfp, f, buf,
						     1 + next(&seed) % 9000);
				pmemfile_close(pfp, f);
			}
			break;
		case 3:
			(void)pmemfile_truncate(pfp, a, next(&seed) % 20000);
			break;
		case 4:
			(void)pmemfile_rename(pfp, a, b);
			break;
		case 5:
			(void)pmemfile_unlink(pfp, a);
			break;
		case 6:
			if (pmemfile_mkdir(pfp, a, 0755) != 0)
				(void)pmemfile_rmdir(pfp, a);
			break;
		default:
			(void)pmemfile_symlink(pfp, "f0", a);
			break;
		}
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

/*
 * 0 for a copy that opens, checks clean and has the threads' dirs; else
 * says what is wrong.
 */
static int copy_sound(const char *path)
{
	FILE *quiet = fopen("/dev/null", "w");
	int problems = pmemfile_check_pool(path, quiet);
	fclose(quiet);
	if (problems != 0) {
		printf("%s: check finds %d problems\n", path, problems);
		return problems;
	}
	PMEMfilepool *c = pmemfile_pool_open(path);
	if (!c) {
		printf("%s: does not open: %s\n", path, pmemfile_errormsg());
		return -1;
	}
	int missing = 0;
	for (unsigned i = 0; i < WORKERS; i++) {
		char dir[32];
		pmemfile_stat_t st;
		snprintf(dir, sizeof(dir), "/t%u", i);
		if (pmemfile_stat(c, dir, &st) != 0) {
			printf("%s: %s is missing\n", path, dir);
			missing++;
		}
	}
	pmemfile_pool_close(c);
	return missing;
}

int main(int argc, char *argv[])
{
	char pool[4096], copy[4200];
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	bool no_gate = getenv("GATE_SNAPSHOT_NO_GATE") &&
		       strcmp(getenv("GATE_SNAPSHOT_NO_GATE"), "1") == 0;
	const char *n_env = getenv("GATE_SNAPSHOTS");
	const char *stress = getenv("STRESS");
	int snaps = n_env ? atoi(n_env)
			  : (stress && strcmp(stress, "1") == 0 ? 300 : 30);
	pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	if (!no_gate)
		gate_use();
	char *img = malloc(pfp->pool_size);
	T_ASSERT(img != NULL);

	pthread_t w[WORKERS];
	for (uintptr_t i = 0; i < WORKERS; i++)
		T_EQ(pthread_create(&w[i], NULL, worker, (void *)i), 0);
	/* the threads' directories exist in every copy */
	while (atomic_load(&ready) < WORKERS)
		usleep(100);
	unsigned seed = 99;
	for (int k = 0; k < snaps; k++) {
		usleep(next(&seed) % 3000);
		gate_close();
		memcpy(img, pfp->base, pfp->pool_size);
		gate_open();
		snprintf(copy, sizeof(copy), "%s.%d", pool, k);
		int fd = open(copy, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		T_ASSERT(fd >= 0);
		T_EQ(write(fd, img, pfp->pool_size), (ssize_t)pfp->pool_size);
		close(fd);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < WORKERS; i++)
		T_EQ(pthread_join(w[i], NULL), 0);
	long done = atomic_load(&ops);
	pmemfile_pool_close(pfp);
	free(img);

	int bad = 0;
	for (int k = 0; k < snaps; k++) {
		snprintf(copy, sizeof(copy), "%s.%d", pool, k);
		int r = copy_sound(copy);
		bad += r != 0;
		unlink(copy);
	}
	printf("%d copies taken during %ld calls, %d damaged%s\n", snaps, done,
	       bad, no_gate ? " (no gate)" : "");
	if (!no_gate && bad)
		T_FAIL("%d of %d copies taken with the gate closed are damaged",
		       bad, snaps);
	printf("PASS\n");
	return 0;
}
