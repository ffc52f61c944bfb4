// SPDX-License-Identifier: BSD-3-Clause
/*
 * dir_hint -- a big directory's lookups stay exact while it changes: the
 * volatile index beside its hash table (the hint a stat reads instead of
 * the table) must follow every create, unlink, rename, exchange and table
 * growth. Three phases, each checked against a model of which names exist
 * and what they hold:
 *   model:   random stats, creates, unlinks, renames within and out of the
 *            directory and exchanges, in one thread;
 *   threads: three threads churn names while three others stat names that
 *            never change;
 *   full:    creates until the pool is full, then unlinks and creates
 *            again, statting as it goes.
 * The pool passes the consistency checker afterwards. STRESS=1 runs longer.
 */
#include <libpmemfile-posix.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "tcheck.h"

#define NMODEL 30000
#define NSTABLE 20000
#define NFULL 400000

static char pool_path[4096];
static bool stress;
static uint64_t seed = 88172645463325252ULL;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* Some names are long enough to take several directory slots. */
static void model_name(char *b, unsigned i)
{
	snprintf(b, 96, "/d/n%u%s", i, i % 7 ? "" : "-a-longer-name-of-slots");
}

/* The size of the file at path, -1 if there is none. */
static long size_of(PMEMfilepool *pfp, const char *path)
{
	pmemfile_stat_t st;

	if (pmemfile_stat(pfp, path, &st) == 0)
		return (long)st.st_size;
	if (errno != ENOENT)
		T_FAIL("stat %s: %s", path, strerror(errno));
	return -1;
}

static void create_sized(PMEMfilepool *pfp, const char *path, long size)
{
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_RDWR,
	    0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_ftruncate(pfp, f, size), 0);
	pmemfile_close(pfp, f);
}

static void model_step(PMEMfilepool *pfp, long *model, long *next_id)
{
	char a[96], b[96];
	unsigned i = (unsigned)(rnd() % NMODEL), j = (unsigned)(rnd() % NMODEL);
	int op = (int)(rnd() % 16);

	model_name(a, i);
	model_name(b, j);
	if (op < 8) {
		T_EQ(size_of(pfp, a), model[i]);
	} else if (op < 10) {
		if (model[i] < 0) {
			create_sized(pfp, a, *next_id);
			model[i] = (*next_id)++;
		}
	} else if (op < 12) {
		T_EQ(pmemfile_unlink(pfp, a) == 0, model[i] >= 0);
		model[i] = -1;
	} else if (op < 14) {
		T_EQ(pmemfile_rename(pfp, a, b) == 0, model[i] >= 0);
		if (model[i] >= 0 && i != j) {
			model[j] = model[i];
			model[i] = -1;
		}
	} else if (op == 14) {
		if (model[i] >= 0) {
			T_EQ(pmemfile_rename(pfp, a, "/e/x"), 0);
			T_EQ(pmemfile_rename(pfp, "/e/x", b), 0);
			long m = model[i];
			model[i] = -1;
			model[j] = m;
		}
	} else {
		int r = pmemfile_renameat2(pfp, NULL, a, NULL, b,
					   PMEMFILE_RENAME_EXCHANGE);
		T_EQ(r == 0, model[i] >= 0 && model[j] >= 0);
		if (r == 0) {
			long t = model[i];
			model[i] = model[j];
			model[j] = t;
		}
	}
}

static void phase_model(void)
{
	static long model[NMODEL];
	long ops = stress ? 2000000 : 200000, next_id = 1;
	char a[96];
	PMEMfilepool *pfp = pmemfile_pool_create(pool_path, 256 << 20, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	T_EQ(pmemfile_mkdir(pfp, "/e", 0755), 0);
	for (unsigned i = 0; i < NMODEL; i++) {
		model[i] = -1;
		if (i % 2 == 0) {
			model_name(a, i);
			create_sized(pfp, a, next_id);
			model[i] = next_id++;
		}
	}
	for (long k = 0; k < ops; k++)
		model_step(pfp, model, &next_id);
	for (unsigned i = 0; i < NMODEL; i++) {
		model_name(a, i);
		T_EQ(size_of(pfp, a), model[i]);
	}
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool_path, stdout), 0);
	unlink(pool_path);
	printf("model: %ld random operations matched the model\n", ops);
}

static PMEMfilepool *mt_pfp;
static PMEMfile *mt_dir;
static atomic_int mt_stop;
static atomic_long mt_bad, mt_stats;

static void *churn(void *arg)
{
	unsigned long id = (unsigned long)arg;
	unsigned x = (unsigned)id * 7919 + 1;
	char n1[96], n2[96];

	while (!atomic_load(&mt_stop)) {
		x = x * 1103515245 + 12345;
		unsigned k = (x >> 8) % 30000;
		snprintf(n1, sizeof(n1), "c%lu-%u", id, k);
		snprintf(n2, sizeof(n2), "c%lu-%u-renamed-with-a-long-name", id,
			 k);
		PMEMfile *f =
		    pmemfile_openat(mt_pfp, mt_dir, n1,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
		if (f)
			pmemfile_close(mt_pfp, f);
		if (x & 1)
			pmemfile_renameat(mt_pfp, mt_dir, n1, mt_dir, n2);
		if (x & 2) {
			pmemfile_unlinkat(mt_pfp, mt_dir, n1, 0);
			pmemfile_unlinkat(mt_pfp, mt_dir, n2, 0);
		}
	}
	return NULL;
}

static void *statter(void *arg)
{
	unsigned x = (unsigned)(unsigned long)arg;
	char n[96];
	pmemfile_stat_t st;

	while (!atomic_load(&mt_stop)) {
		x = x * 1103515245 + 12345;
		unsigned k = (x >> 8) % NSTABLE;
		snprintf(n, sizeof(n), "s%u", k);
		if (pmemfile_fstatat(mt_pfp, mt_dir, n, &st, 0) ||
		    st.st_size != k) {
			if (atomic_fetch_add(&mt_bad, 1) < 5)
				printf("stat %s: %s, size %ld\n", n,
				       strerror(errno), (long)st.st_size);
		}
		atomic_fetch_add(&mt_stats, 1);
	}
	return NULL;
}

static void phase_threads(void)
{
	char n[96];
	mt_pfp = pmemfile_pool_create(pool_path, 256 << 20, 0600);
	T_ASSERT(mt_pfp != NULL);
	T_EQ(pmemfile_mkdir(mt_pfp, "/d", 0755), 0);
	mt_dir = pmemfile_open(mt_pfp, "/d", PMEMFILE_O_DIRECTORY);
	T_ASSERT(mt_dir != NULL);
	for (unsigned k = 0; k < NSTABLE; k++) {
		snprintf(n, sizeof(n), "/d/s%u", k);
		create_sized(mt_pfp, n, k);
	}
	pthread_t t[6];
	for (unsigned long i = 0; i < 6; i++)
		T_EQ(pthread_create(&t[i], NULL, i < 3 ? churn : statter,
				    (void *)(i + 1)),
		     0);
	sleep(stress ? 60 : 3);
	atomic_store(&mt_stop, 1);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	T_EQ(atomic_load(&mt_bad), 0);
	T_ASSERT(atomic_load(&mt_stats) > 0);
	pmemfile_close(mt_pfp, mt_dir);
	pmemfile_pool_close(mt_pfp);
	T_EQ(pmemfile_check_pool(pool_path, stdout), 0);
	unlink(pool_path);
	printf("threads: %ld stats of stable names while others churned\n",
	       (long)atomic_load(&mt_stats));
}

static void full_name(char *b, unsigned i)
{
	snprintf(b, 96, "name-%u%s", i, i % 5 ? "" : "-padding-to-more-slots");
}

/* Every name of the first n is there exactly when exists says so. */
static void full_verify(PMEMfilepool *pfp, PMEMfile *dir, const char *exists,
			unsigned n)
{
	char name[96];
	pmemfile_stat_t st;

	for (unsigned i = 0; i < n; i++) {
		full_name(name, i);
		int r = pmemfile_fstatat(pfp, dir, name, &st, 0);
		if ((r == 0) != exists[i])
			T_FAIL("%s: stat gives %d, it %s", name, r,
			       exists[i] ? "exists" : "does not exist");
	}
}

static void phase_full(void)
{
	static char exists[NFULL];
	char name[96];
	PMEMfilepool *pfp = pmemfile_pool_create(pool_path, 24 << 20, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	PMEMfile *dir = pmemfile_open(pfp, "/d", PMEMFILE_O_DIRECTORY);
	T_ASSERT(dir != NULL);
	unsigned full_at = 0;
	for (int pass = 0; pass < 3; pass++) {
		int failures = 0;
		for (unsigned i = 0; i < NFULL && failures < 50; i++) {
			if (exists[i])
				continue;
			full_name(name, i);
			PMEMfile *f =
			    pmemfile_openat(pfp, dir, name,
					    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
						PMEMFILE_O_WRONLY,
					    0644);
			if (f == NULL) {
				T_EQ(errno, ENOSPC);
				failures++;
				continue;
			}
			pmemfile_close(pfp, f);
			exists[i] = 1;
			if (i >= full_at)
				full_at = i + 1;
		}
		T_ASSERT(failures > 0); /* the pool did get full */
		full_verify(pfp, dir, exists, full_at);
		for (unsigned i = 0; i < full_at; i += 3) {
			if (!exists[i])
				continue;
			full_name(name, i);
			T_EQ(pmemfile_unlinkat(pfp, dir, name, 0), 0);
			exists[i] = 0;
		}
		full_verify(pfp, dir, exists, full_at);
	}
	pmemfile_close(pfp, dir);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool_path, stdout), 0);
	unlink(pool_path);
	printf("full: creates to ENOSPC three times, %u names looked at\n",
	       full_at);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	stress = getenv("STRESS") != NULL;
	alarm(stress ? 900 : 120);
	t_pool_path(pool_path, sizeof(pool_path));
	phase_model();
	phase_threads();
	phase_full();
	return 0;
}
