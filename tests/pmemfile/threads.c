// SPDX-License-Identifier: BSD-3-Clause
/*
 * threads -- thread safety. Phase 1: many threads pwrite and pread their
 * own regions of one file (and append to a second one through one shared
 * O_APPEND handle) and read their neighbours' regions; every read of a region
 * sees whole versions only, and at the end every region holds its thread's
 * last version and every appended record is there exactly once. Phase 2:
 * threads create, rename and unlink names in one shared directory and
 * across directories, each thread tracking the names it owns; at the end
 * every directory holds exactly the names the threads say it should.
 * Phase 3: threads move directories into one another at random (a move of
 * a directory into itself or its own subtree must fail with EINVAL); the
 * tree must stay a tree holding each directory once. Phase 4: threads list
 * a directory in small pieces while others create and unlink names in it;
 * each listing holds every unchanging name exactly once. Phase 5:
 * a file replaced by rename again and again is never missing to a reader,
 * nor torn. The checker then accepts the pool. An alarm turns a deadlock into a
 * failure.
 */
#include "check.h"
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define NTHREADS 8
#define REGION 12288 /* three blocks, written whole or in pieces */
#define RECORD 64

static PMEMfilepool *pfp;
static char path[4096];
static unsigned rounds;
static volatile int failed;

#define TH_FAIL(...)                          \
	do {                                  \
		printf("FAIL: " __VA_ARGS__); \
		printf("\n");                 \
		failed = 1;                   \
		return NULL;                  \
	} while (0)

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL: deadlock: no progress in time\n";
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Region contents of thread t, version v: every byte says both. */
static void fill(unsigned char *buf, size_t n, unsigned t, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(t * 31 + v * 7 + (i / 512));
}

static int whole_version(const unsigned char *buf, unsigned t, unsigned *v)
{
	static __thread unsigned char want[REGION];
	for (unsigned cand = 0; cand <= rounds; cand++) {
		if (cand == 0) {
			int zero = 1;
			for (size_t i = 0; i < REGION && zero; i++)
				zero = buf[i] == 0;
			if (zero) {
				*v = 0;
				return 1;
			}
			continue;
		}
		fill(want, REGION, t, cand);
		if (!memcmp(buf, want, REGION)) {
			*v = cand;
			return 1;
		}
	}
	return 0;
}

struct data_arg {
	unsigned t;
	PMEMfile *f, *log;
};

static void *data_worker(void *p)
{
	struct data_arg *arg = p;
	unsigned char buf[REGION], got[REGION];
	pmemfile_off_t off = (pmemfile_off_t)arg->t * REGION;
	unsigned last = 0;

	for (unsigned v = 1; v <= rounds && !failed; v++) {
		fill(buf, REGION, arg->t, v);
		if (pmemfile_pwrite(pfp, arg->f, buf, REGION, off) != REGION)
			TH_FAIL("thread %u: pwrite: %s", arg->t,
				strerrorname_np(errno));
		if (pmemfile_pread(pfp, arg->f, got, REGION, off) != REGION)
			TH_FAIL("thread %u: pread: %s", arg->t,
				strerrorname_np(errno));
		if (memcmp(got, buf, REGION))
			TH_FAIL("thread %u: version %u not read back", arg->t,
				v);
		/* a neighbour's region: some whole version, never torn */
		unsigned other = (arg->t + 1) % NTHREADS, ov;
		pmemfile_ssize_t n = pmemfile_pread(
		    pfp, arg->f, got, REGION, (pmemfile_off_t)other * REGION);
		if (n == REGION && !whole_version(got, other, &ov))
			TH_FAIL("thread %u: torn region of thread %u", arg->t,
				other);
		unsigned char rec[RECORD];
		memset(rec, (int)('A' + arg->t), RECORD);
		memcpy(rec, &v, sizeof(v));
		if (pmemfile_write(pfp, arg->log, rec, RECORD) != RECORD)
			TH_FAIL("thread %u: append: %s", arg->t,
				strerrorname_np(errno));
		last = v;
	}
	(void)last;
	return NULL;
}

static void phase_data(void)
{
	pthread_t th[NTHREADS];
	struct data_arg args[NTHREADS];
	PMEMfile *f = pmemfile_open(pfp, "/shared",
				    PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	PMEMfile *log = pmemfile_open(
	    pfp, "/log", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR | PMEMFILE_O_APPEND,
	    0644);
	T_ASSERT(f && log);
	for (unsigned t = 0; t < NTHREADS; t++) {
		args[t] = (struct data_arg){.t = t, .f = f, .log = log};
		T_EQ(pthread_create(&th[t], NULL, data_worker, &args[t]), 0);
	}
	for (unsigned t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	if (failed)
		exit(1);

	unsigned char got[REGION], want[REGION];
	for (unsigned t = 0; t < NTHREADS; t++) {
		T_EQ(pmemfile_pread(pfp, f, got, REGION,
				    (pmemfile_off_t)t * REGION),
		     REGION);
		fill(want, REGION, t, rounds);
		if (memcmp(got, want, REGION))
			T_FAIL("region of thread %u lost its last version", t);
	}
	pmemfile_stat_t st;
	T_EQ(pmemfile_fstat(pfp, log, &st), 0);
	T_EQ(st.st_size, (off_t)NTHREADS * rounds * RECORD);
	unsigned next[NTHREADS] = {0};
	for (off_t off = 0; off < st.st_size; off += RECORD) {
		unsigned char rec[RECORD];
		unsigned v;
		T_EQ(pmemfile_pread(pfp, log, rec, RECORD, off), RECORD);
		unsigned t = (unsigned)(rec[RECORD - 1] - 'A');
		memcpy(&v, rec, sizeof(v));
		if (t >= NTHREADS || v != next[t] + 1)
			T_FAIL("appended record at %lld is torn or out of "
			       "order",
			       (long long)off);
		for (int i = sizeof(v); i < RECORD; i++)
			if (rec[i] != rec[RECORD - 1])
				T_FAIL("appended record at %lld is torn",
				       (long long)off);
		next[t] = v;
	}
	pmemfile_close(pfp, f);
	pmemfile_close(pfp, log);
}

#define NAMES 24 /* per thread */

struct name_arg {
	unsigned t;
	/* where name i of this thread is: -1 nowhere, else directory */
	int where[NAMES];
};

static const char *const dirs[] = {"/a", "/b", "/c"};

static void name_path(char *buf, size_t n, int dir, unsigned t, int i)
{
	snprintf(buf, n, "%s/t%u-n%d", dirs[dir], t, i);
}

static void *name_worker(void *p)
{
	struct name_arg *arg = p;
	unsigned seed = arg->t * 7919 + 1;
	char from[64], to[64];
	for (unsigned r = 0; r < rounds * 12 && !failed; r++) {
		int i = rand_r(&seed) % NAMES;
		int d = rand_r(&seed) % 3;
		int w = arg->where[i];
		if (w < 0) {
			/* most creates go to the shared directory /a */
			d = rand_r(&seed) % 4 ? 0 : d;
			name_path(to, sizeof(to), d, arg->t, i);
			PMEMfile *f =
			    pmemfile_open(pfp, to,
					  PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
					      PMEMFILE_O_WRONLY,
					  0644);
			if (!f)
				TH_FAIL("create %s: %s", to,
					strerrorname_np(errno));
			pmemfile_close(pfp, f);
			arg->where[i] = d;
		} else if (rand_r(&seed) % 3 == 0) {
			name_path(from, sizeof(from), w, arg->t, i);
			if (pmemfile_unlink(pfp, from))
				TH_FAIL("unlink %s: %s", from,
					strerrorname_np(errno));
			arg->where[i] = -1;
		} else {
			name_path(from, sizeof(from), w, arg->t, i);
			name_path(to, sizeof(to), d, arg->t, i);
			if (pmemfile_rename(pfp, from, to))
				TH_FAIL("rename %s %s: %s", from, to,
					strerrorname_np(errno));
			arg->where[i] = d;
		}
	}
	return NULL;
}

/* The names in a directory, as a count per (thread, name, directory). */
static void check_dir(int d, const struct name_arg *args)
{
	char buf[8192];
	int seen[NTHREADS][NAMES] = {{0}};
	PMEMfile *dir = pmemfile_open(pfp, dirs[d], PMEMFILE_O_DIRECTORY);
	T_ASSERT(dir != NULL);
	int n;
	while ((n = pmemfile_getdents64(pfp, dir, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			const char *name = buf + pos + 19;
			unsigned t;
			int i;
			if (sscanf(name, "t%u-n%d", &t, &i) == 2 &&
			    t < NTHREADS && i >= 0 && i < NAMES)
				seen[t][i]++;
			else if (strcmp(name, ".") && strcmp(name, ".."))
				T_FAIL("stray name %s in %s", name, dirs[d]);
			T_ASSERT(reclen > 0);
			pos += reclen;
		}
	}
	T_EQ(n, 0);
	pmemfile_close(pfp, dir);
	for (unsigned t = 0; t < NTHREADS; t++)
		for (int i = 0; i < NAMES; i++)
			if (seen[t][i] != (args[t].where[i] == d))
				T_FAIL("%s/t%u-n%d listed %d times, expected "
				       "%d",
				       dirs[d], t, i, seen[t][i],
				       args[t].where[i] == d);
}

static void phase_names(void)
{
	pthread_t th[NTHREADS];
	static struct name_arg args[NTHREADS];
	for (int d = 0; d < 3; d++)
		T_EQ(pmemfile_mkdir(pfp, dirs[d], 0755), 0);
	for (unsigned t = 0; t < NTHREADS; t++) {
		args[t].t = t;
		for (int i = 0; i < NAMES; i++)
			args[t].where[i] = -1;
		T_EQ(pthread_create(&th[t], NULL, name_worker, &args[t]), 0);
	}
	for (unsigned t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	if (failed)
		exit(1);
	for (int d = 0; d < 3; d++)
		check_dir(d, args);
}

#define NDIRS 12 /* directories x0..x11 moved around by every thread */

static PMEMfile *xdir[NDIRS + 1];  /* [NDIRS] is the root */
static unsigned long moved, loops; /* renames done, refused with EINVAL */

/*
 * Moves directory i into directory j, guessing its current parent p: fails
 * with ENOENT for a wrong guess and with EINVAL when j is i or lies inside
 * i. Anything else is a failure, and so is a hang.
 */
static void *tree_worker(void *p)
{
	unsigned seed = (unsigned)(uintptr_t)p * 31 + 5;
	char name[16];
	for (unsigned r = 0; r < rounds * 4 && !failed; r++) {
		int i = rand_r(&seed) % NDIRS;
		int j = rand_r(&seed) % (NDIRS + 1);
		int par = rand_r(&seed) % (NDIRS + 1);
		snprintf(name, sizeof(name), "x%d", i);
		int ret =
		    pmemfile_renameat(pfp, xdir[par], name, xdir[j], name);
		if (ret == 0)
			__atomic_add_fetch(&moved, 1, __ATOMIC_RELAXED);
		else if (errno == EINVAL)
			__atomic_add_fetch(&loops, 1, __ATOMIC_RELAXED);
		else if (errno != ENOENT)
			TH_FAIL("renameat x%d from %d into %d: %s", i, par, j,
				strerrorname_np(errno));
	}
	return NULL;
}

/* Counts each xN found in the tree below path; returns the number seen. */
static int count_tree(const char *path, int *seen, int depth)
{
	char buf[4096], child[4096];
	int n, total = 0;
	T_ASSERT(depth <= NDIRS + 1);
	PMEMfile *d = pmemfile_open(pfp, path, PMEMFILE_O_DIRECTORY);
	T_ASSERT(d != NULL);
	while ((n = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			int x;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			const char *name = buf + pos + 19;
			if (sscanf(name, "x%d", &x) == 1 && x >= 0 &&
			    x < NDIRS) {
				seen[x]++;
				snprintf(child, sizeof(child), "%s/%s",
					 strcmp(path, "/") ? path : "", name);
				total += 1 + count_tree(child, seen, depth + 1);
			}
			T_ASSERT(reclen > 0);
			pos += reclen;
		}
	}
	pmemfile_close(pfp, d);
	return total;
}

static void phase_tree(void)
{
	pthread_t th[NTHREADS];
	char name[16];
	int seen[NDIRS] = {0};
	xdir[NDIRS] = pmemfile_open(pfp, "/", PMEMFILE_O_DIRECTORY);
	T_ASSERT(xdir[NDIRS] != NULL);
	for (int i = 0; i < NDIRS; i++) {
		snprintf(name, sizeof(name), "/x%d", i);
		T_EQ(pmemfile_mkdir(pfp, name, 0755), 0);
		xdir[i] = pmemfile_open(pfp, name, PMEMFILE_O_DIRECTORY);
		T_ASSERT(xdir[i] != NULL);
	}
	for (uintptr_t t = 0; t < NTHREADS; t++)
		T_EQ(pthread_create(&th[t], NULL, tree_worker, (void *)t), 0);
	for (unsigned t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	if (failed)
		exit(1);
	printf("directories moved %lu times, %lu moves refused as loops\n",
	       moved, loops);
	T_ASSERT(moved > 0 && loops > 0);
	T_EQ(count_tree("/", seen, 0), NDIRS);
	for (int i = 0; i < NDIRS; i++) {
		if (seen[i] != 1)
			T_FAIL("x%d is in the tree %d times", i, seen[i]);
		pmemfile_stat_t st;
		T_EQ(pmemfile_fstat(pfp, xdir[i], &st), 0);
		T_ASSERT(st.st_nlink >= 2);
		pmemfile_close(pfp, xdir[i]);
	}
	pmemfile_close(pfp, xdir[NDIRS]);
}

#define STABLE 200 /* names listed while others come and go */

static volatile int churning;

static void *churn_worker(void *p)
{
	unsigned t = (unsigned)(uintptr_t)p;
	char name[64];
	for (unsigned r = 0; churning && !failed; r++) {
		snprintf(name, sizeof(name), "/list/t%u-%u", t, r % 50);
		if (r / 50 % 2 == 0) {
			PMEMfile *f =
			    pmemfile_open(pfp, name,
					  PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
					      PMEMFILE_O_WRONLY,
					  0644);
			if (!f)
				TH_FAIL("create %s: %s", name,
					strerrorname_np(errno));
			pmemfile_close(pfp, f);
		} else if (pmemfile_unlink(pfp, name)) {
			TH_FAIL("unlink %s: %s", name, strerrorname_np(errno));
		}
	}
	return NULL;
}

/*
 * Lists /list in small pieces: each stable name exactly once. A churned name
 * may come twice, as the kernel's may: unlinked and created again while the
 * listing runs, it can take a free slot past the listing's position.
 */
static void *list_worker(void *p)
{
	(void)p;
	char buf[1024];
	for (unsigned r = 0; r < rounds / 8 && !failed; r++) {
		unsigned char seen[STABLE] = {0};
		PMEMfile *d = pmemfile_open(pfp, "/list", PMEMFILE_O_DIRECTORY);
		int n;
		if (!d)
			TH_FAIL("open /list: %s", strerrorname_np(errno));
		for (;;) {
			n = pmemfile_getdents64(pfp, d, (void *)buf,
						sizeof(buf));
			if (n <= 0)
				break;
			for (int pos = 0; pos < n;) {
				unsigned short reclen;
				unsigned a;
				memcpy(&reclen, buf + pos + 16, sizeof(reclen));
				const char *name = buf + pos + 19;
				if (sscanf(name, "s%u", &a) == 1 &&
				    a < STABLE) {
					if (seen[a]++)
						TH_FAIL("%s listed twice",
							name);
				}
				if (reclen == 0)
					TH_FAIL("zero-length record");
				pos += reclen;
			}
		}
		pmemfile_close(pfp, d);
		if (n < 0)
			TH_FAIL("getdents64: %s", strerrorname_np(errno));
		for (unsigned i = 0; i < STABLE; i++)
			if (!seen[i])
				TH_FAIL("s%u missing from a listing", i);
	}
	return NULL;
}

static void phase_listing(void)
{
	pthread_t churn[NTHREADS / 2], list[NTHREADS / 2];
	char name[32];
	T_EQ(pmemfile_mkdir(pfp, "/list", 0755), 0);
	for (unsigned i = 0; i < STABLE; i++) {
		snprintf(name, sizeof(name), "/list/s%u", i);
		PMEMfile *f = pmemfile_open(
		    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
		T_ASSERT(f != NULL);
		pmemfile_close(pfp, f);
	}
	churning = 1;
	for (uintptr_t t = 0; t < NTHREADS / 2; t++)
		T_EQ(pthread_create(&churn[t], NULL, churn_worker, (void *)t),
		     0);
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		T_EQ(pthread_create(&list[t], NULL, list_worker, NULL), 0);
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		pthread_join(list[t], NULL);
	churning = 0;
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		pthread_join(churn[t], NULL);
	if (failed)
		exit(1);
}

/*
 * A name replaced by rename is never missing: writers publish new versions
 * of /r/file with rename("/r/tmpN", "/r/file") while readers open it.
 */
static volatile int replacing;

static void *replace_worker(void *p)
{
	unsigned t = (unsigned)(uintptr_t)p;
	char tmp[32], data[256];
	snprintf(tmp, sizeof(tmp), "/r/tmp%u", t);
	for (unsigned v = 1; replacing && !failed; v++) {
		PMEMfile *f = pmemfile_open(
		    pfp, tmp,
		    PMEMFILE_O_CREAT | PMEMFILE_O_TRUNC | PMEMFILE_O_WRONLY,
		    0644);
		if (!f)
			TH_FAIL("create %s: %s", tmp, strerrorname_np(errno));
		memset(data, (int)('a' + (t * 7 + v) % 26), sizeof(data));
		if (pmemfile_write(pfp, f, data, sizeof(data)) != sizeof(data))
			TH_FAIL("write %s: %s", tmp, strerrorname_np(errno));
		pmemfile_close(pfp, f);
		if (pmemfile_rename(pfp, tmp, "/r/file"))
			TH_FAIL("rename %s: %s", tmp, strerrorname_np(errno));
	}
	return NULL;
}

static void *open_worker(void *p)
{
	(void)p;
	char data[512];
	for (unsigned r = 0; r < rounds * 4 && !failed; r++) {
		PMEMfile *f = pmemfile_open(pfp, "/r/file", PMEMFILE_O_RDONLY);
		if (!f)
			TH_FAIL("/r/file missing while replaced: %s",
				strerrorname_np(errno));
		pmemfile_ssize_t n = pmemfile_read(pfp, f, data, sizeof(data));
		pmemfile_close(pfp, f);
		if (n != 256)
			TH_FAIL("a version of /r/file of %zd bytes", n);
		for (int i = 1; i < 256; i++)
			if (data[i] != data[0])
				TH_FAIL("a torn version of /r/file");
	}
	return NULL;
}

static void phase_replace(void)
{
	pthread_t w[NTHREADS / 2], rd[NTHREADS / 2];
	char data[256];
	T_EQ(pmemfile_mkdir(pfp, "/r", 0755), 0);
	PMEMfile *f = pmemfile_open(pfp, "/r/file",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	memset(data, 'z', sizeof(data));
	T_EQ(pmemfile_write(pfp, f, data, sizeof(data)), sizeof(data));
	pmemfile_close(pfp, f);
	replacing = 1;
	for (uintptr_t t = 0; t < NTHREADS / 2; t++)
		T_EQ(pthread_create(&w[t], NULL, replace_worker, (void *)t), 0);
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		T_EQ(pthread_create(&rd[t], NULL, open_worker, NULL), 0);
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		pthread_join(rd[t], NULL);
	replacing = 0;
	for (unsigned t = 0; t < NTHREADS / 2; t++)
		pthread_join(w[t], NULL);
	if (failed)
		exit(1);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_pool_path(path, sizeof(path));
	rounds = getenv("STRESS") ? 4000 : 400;
	signal(SIGALRM, on_alarm);
	alarm(getenv("STRESS") ? 600 : 120);

	pfp = pmemfile_pool_create(path, 128 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	phase_data();
	phase_names();
	phase_tree();
	phase_listing();
	phase_replace();
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	printf("%d threads, %u rounds: no torn or lost data, no lost names\n",
	       NTHREADS, rounds);
	return 0;
}
