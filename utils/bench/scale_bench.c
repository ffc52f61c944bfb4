// SPDX-License-Identifier: BSD-3-Clause
/*
 * scale_bench -- what a pool's population costs a process that uses one
 * file of it, and what a pool's size costs mkfs:
 *
 *   first call of a new process on a mount (cat of a small file through
 *   the shim): time and resident memory on a pool of 1,000,000 files
 *   beside an empty pool             time <= 1.2x, memory <= +10 MB
 *   mkfs.pmemfile of 16 GiB                                     < 1 s
 *   first writes into a new pool (what populating it at creation saved),
 *   sparse and allocated, beside the raw medium's first writes
 *
 * The populated pools are made through the C API (1,000 directories of
 * 1,000 empty files, and 1,000,000 files in one directory), and their
 * making is timed too; statfs of each is timed (it reads every inode). STRESS=1
 * adds a pool of 10,000,000 files. Pools live on /dev/shm with
 * PMEM_IS_PMEM_FORCE=1; each cat runs BENCH_ROUNDS times (default 15) on each
 * pool, the pools taking turns, and the figure is the median. BENCH_ONLY runs
 * some parts only, a comma-separated list of: open (the cats), write (the first
 * writes), mkfs.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <libpmem.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MNT "/mnt/pmemfile-scale"
#define WRITE_ROUNDS 3 /* first writes: the best of this many */
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static const char *build;
static char work[64];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "scale_bench: %s: %s (%s)\n", what, strerror(errno),
		pmemfile_errormsg());
	exit(1);
}

/* A pool of nfiles empty files in directories of per_dir, and /small in
 * the first one. */
static void pool_fill_here(const char *path, uint64_t size,
			   unsigned long nfiles, unsigned long per_dir)
{
	PMEMfilepool *p = pmemfile_pool_create(path, size, 0600);
	if (!p)
		die(path);
	char name[64];
	for (unsigned long i = 0; i < nfiles; i++) {
		if (i % per_dir == 0) {
			snprintf(name, sizeof(name), "/d%lu", i / per_dir);
			if (pmemfile_mkdir(p, name, 0755))
				die(name);
		}
		snprintf(name, sizeof(name), "/d%lu/f%lu", i / per_dir,
			 i % per_dir);
		PMEMfile *f = pmemfile_open(p, name, O_CREAT | O_WRONLY, 0644);
		if (!f)
			die(name);
		pmemfile_close(p, f);
	}
	if (!nfiles && pmemfile_mkdir(p, "/d0", 0755))
		die("/d0");
	PMEMfile *f = pmemfile_open(p, "/d0/small", O_CREAT | O_WRONLY, 0644);
	if (!f || pmemfile_write(p, f, "hello\n", 6) != 6)
		die("/d0/small");
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
}

/*
 * pool_fill_here in a child: the resident memory of this process, which
 * its children start with, stays that of a small program.
 */
static void pool_fill(const char *path, uint64_t size, unsigned long nfiles,
		      unsigned long per_dir)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pool_fill_here(path, size, nfiles, per_dir);
		_exit(0);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		exit(1);
}

struct run {
	double ms;
	long rss_kib;
};

/* One new process: cat MNT/small through the shim, on pool. */
static struct run cat_once(const char *pool)
{
	char shim[512], pools[256];
	snprintf(shim, sizeof(shim), "LD_PRELOAD=%s/lib/libpmemfile.so", build);
	snprintf(pools, sizeof(pools), "PMEMFILE_POOLS=%s:%s", MNT, pool);
	char *envp[] = {shim, pools, "PMEM_IS_PMEM_FORCE=1", NULL};
	char *argv[] = {"cat", MNT "/d0/small", NULL};
	double t = now();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execve("/bin/cat", argv, envp);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	struct run r = {(now() - t) * 1e3, ru.ru_maxrss};
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "scale_bench: cat on %s failed\n", pool);
		exit(1);
	}
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_ROUNDS 101

/* The medians of rounds cats on each pool, the pools taking turns. */
static void cat_compare(const char *const *pools, int npools, int rounds,
			struct run *out)
{
	static double ms[5][MAX_ROUNDS], rss[5][MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		for (int p = 0; p < npools; p++) {
			struct run x = cat_once(pools[p]);
			ms[p][r] = x.ms;
			rss[p][r] = (double)x.rss_kib;
		}
	}
	for (int p = 0; p < npools; p++) {
		out[p].ms = median(ms[p], rounds);
		out[p].rss_kib = (long)median(rss[p], rounds);
	}
}

/*
 * In a new process on a pool made by another one, as after mkfs: the
 * seconds to write a new file of bytes in writes of chunk bytes.
 */
static double first_write(const char *pool, size_t bytes, size_t chunk)
{
	int fds[2];
	if (pipe(fds))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		static char buf[1 << 20];
		memset(buf, 'x', sizeof(buf));
		PMEMfilepool *p = pmemfile_pool_open(pool);
		if (!p)
			die(pool);
		PMEMfile *f =
		    pmemfile_open(p, "/w", O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (!f)
			die("/w");
		double t = now();
		for (size_t done = 0; done < bytes; done += chunk)
			if (pmemfile_write(p, f, buf, chunk) != (ssize_t)chunk)
				die("write");
		t = now() - t;
		pmemfile_close(p, f);
		pmemfile_pool_close(p);
		if (write(fds[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	double t = -1;
	if (read(fds[0], &t, sizeof(t)) != sizeof(t))
		t = -1;
	close(fds[0]);
	int status;
	if (waitpid(pid, &status, 0) != pid || t < 0)
		exit(1);
	return t;
}

static double mkfs_run(const char *pool, uint64_t size, bool allocate);

/*
 * The raw medium's first writes, for reference: a new sparse file of
 * bytes on /dev/shm mapped with libpmem, written by pmem_memcpy_persist in
 * pieces of chunk bytes; with populate, each 4 MiB made present first by
 * fallocate and MADV_POPULATE_WRITE, as the library does for a new extent.
 */
static double raw_first_write(size_t bytes, size_t chunk, bool populate)
{
	static char buf[1 << 20];
	char path[128];
	size_t len;
	int is_pmem;
	memset(buf, 'x', sizeof(buf));
	snprintf(path, sizeof(path), "%s/fresh.raw", work);
	char *p =
	    pmem_map_file(path, bytes, PMEM_FILE_CREATE, 0600, &len, &is_pmem);
	if (!p)
		die("pmem_map_file");
	int fd = open(path, O_RDWR);
	unlink(path);
	double t = now();
	for (size_t done = 0; done < bytes; done += chunk) {
		if (populate && done % (4 * MiB) == 0) {
			size_t n =
			    bytes - done < 4 * MiB ? bytes - done : 4 * MiB;
			(void)fallocate(fd, 0, (off_t)done, (off_t)n);
			(void)madvise(p + done, n, MADV_POPULATE_WRITE);
		}
		pmem_memcpy_persist(p + done, buf, chunk);
	}
	t = now() - t;
	close(fd);
	pmem_unmap(p, len);
	return t;
}

static double mkfs_run(const char *pool, uint64_t size, bool allocate);

static void keep_best(double *best, double t)
{
	if (*best == 0 || t < *best)
		*best = t;
}

/*
 * What populating a new pool at creation bought, now that pools are
 * sparse: the first writes into a new pool, each in a new pool, sparse
 * and allocated taking turns, the best of WRITE_ROUNDS; beside them the
 * raw medium's first writes into a sparse file.
 */
static void first_writes(void)
{
	char pool[128];
	snprintf(pool, sizeof(pool), "%s/fresh.pool", work);
	static const struct {
		const char *what;
		size_t bytes, chunk;
	} w[] = {
	    {"4 KiB appends, 256 MiB", 256 * MiB, 4096},
	    {"1 MiB writes, 1 GiB", GiB, MiB},
	};
	printf("first writes into a new 2 GiB pool, in a new process, best of "
	       "%d: sparse | allocated (mkfs -a) | raw pmem_memcpy_persist "
	       "into a new sparse file, as is | with each 4 MiB fallocated "
	       "and populated first:\n",
	       WRITE_ROUNDS);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		double t[4] = {0};
		for (int r = 0; r < WRITE_ROUNDS; r++) {
			for (int allocate = 0; allocate < 2; allocate++) {
				mkfs_run(pool, 2 * GiB, allocate);
				keep_best(
				    &t[allocate],
				    first_write(pool, w[i].bytes, w[i].chunk));
				unlink(pool);
			}
			keep_best(&t[2], raw_first_write(w[i].bytes, w[i].chunk,
							 false));
			keep_best(&t[3], raw_first_write(w[i].bytes, w[i].chunk,
							 true));
		}
		double pages = (double)(w[i].bytes / 4096);
		printf("  %-24s %6.3f s %5.2f us/page | %6.3f s %5.2f "
		       "us/page | raw %5.2f | %5.2f us/page\n",
		       w[i].what, t[0], t[0] * 1e6 / pages, t[1],
		       t[1] * 1e6 / pages, t[2] * 1e6 / pages,
		       t[3] * 1e6 / pages);
	}
}

/* mkfs.pmemfile of size bytes: its time; the file's allocated bytes. */
/* mkfs.pmemfile [-a] of size bytes at pool: the seconds it took. */
static double mkfs_run(const char *pool, uint64_t size, bool allocate)
{
	char mkfs[512], sz[32];
	snprintf(mkfs, sizeof(mkfs), "%s/bin/mkfs.pmemfile", build);
	snprintf(sz, sizeof(sz), "%lluG", (unsigned long long)(size / GiB));
	unlink(pool);
	char *argv[] = {"mkfs.pmemfile", allocate ? "-a" : (char *)pool,
			(char *)(allocate ? pool : sz), allocate ? sz : NULL,
			NULL};
	double t = now();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		setenv("PMEM_IS_PMEM_FORCE", "1", 1);
		execv(mkfs, argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "scale_bench: %s failed\n", mkfs);
		exit(1);
	}
	return now() - t;
}

static double mkfs_time(uint64_t size, uint64_t *allocated)
{
	char pool[128];
	snprintf(pool, sizeof(pool), "%s/mkfs.pool", work);
	double t = mkfs_run(pool, size, false);
	struct stat st;
	*allocated = stat(pool, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
	unlink(pool);
	return t;
}

static void line(const char *what, const struct run *empty,
		 const struct run *full)
{
	printf("  %-24s %7.2f ms %7.2f ms  %5.2fx     (<= 1.2x)\n", what,
	       empty->ms, full->ms, full->ms / empty->ms);
	printf("  %-24s %7.1f MB %7.1f MB  %+5.1f MB (<= +10 MB)\n", "",
	       (double)empty->rss_kib / 1024, (double)full->rss_kib / 1024,
	       (double)(full->rss_kib - empty->rss_kib) / 1024);
}

/* Whether BENCH_ONLY (unset or empty: all) names part. */
static bool part_on(const char *part)
{
	const char *only = getenv("BENCH_ONLY");
	return !only || !*only || strstr(only, part);
}

static void first_calls(int rounds, bool stress);

int main(void)
{
	build = getenv("BENCH_BUILD");
	if (!build)
		build = "build";
	const char *s = getenv("BENCH_ROUNDS");
	int rounds = s ? atoi(s) : 15;
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 15;
	bool stress = getenv("STRESS") && strcmp(getenv("STRESS"), "1") == 0;
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	strcpy(work, "/dev/shm/scale-bench.XXXXXX");
	if (!mkdtemp(work))
		die("mkdtemp");

	if (part_on("open"))
		first_calls(rounds, stress);
	if (part_on("write"))
		first_writes();
	if (part_on("mkfs")) {
		uint64_t allocated;
		double t = mkfs_time(16 * GiB, &allocated);
		printf("mkfs.pmemfile of 16 GiB: %.3f s (< 1 s), %.1f MB of "
		       "the file allocated\n",
		       t, (double)allocated / MiB);
	}
	rmdir(work);
	return 0;
}

static void first_calls(int rounds, bool stress)
{
	static const struct {
		const char *name, *label;
		unsigned long files, per_dir;
		uint64_t size;
	} pools[] = {
	    {"empty", "empty, 64 MiB", 0, 1, 64 * MiB},
	    {"empty8g", "empty, 8 GiB", 0, 1, 8 * GiB},
	    {"1M", "1,000,000 files, 2 GiB", 1000000, 1000, 2 * GiB},
	    {"1Mdir", "the same in 1 directory", 1000000, 1000000, 2 * GiB},
	    {"10M", "10,000,000 files, 8 GiB", 10000000, 1000, 8 * GiB},
	};
	int npools = stress ? 5 : 4;
	char paths[5][128];
	const char *pp[5];
	for (int i = 0; i < npools; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s.pool", work,
			 pools[i].name);
		pp[i] = paths[i];
		double t = now();
		pool_fill(paths[i], pools[i].size, pools[i].files,
			  pools[i].per_dir);
		t = now() - t;
		struct stat st;
		stat(paths[i], &st);
		if (pools[i].files)
			printf("pool of %lu files, %lu a directory (C API): "
			       "made in %.1f s, %.0f files/s, %.0f MB of %.0f "
			       "MB allocated\n",
			       pools[i].files, pools[i].per_dir, t,
			       (double)pools[i].files / t,
			       (double)st.st_blocks * 512 / MiB,
			       (double)st.st_size / MiB);
	}
	struct run r[5];
	cat_compare(pp, npools, rounds, r);
	printf("first call of a new process (cat of a 6-byte file through "
	       "the shim), median of %d,\nbeside the empty 64 MiB pool:\n",
	       rounds);
	for (int i = 1; i < npools; i++)
		line(pools[i].label, &r[0], &r[i]);
	/* statfs reads every inode array: it grows with the population */
	for (int i = 1; i < npools; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			PMEMfilepool *p = pmemfile_pool_open(paths[i]);
			pmemfile_statfs_t sf;
			double t = now();
			if (!p || pmemfile_statfs(p, &sf))
				die(paths[i]);
			t = now() - t;
			printf("  statfs (df) of the pool of %s: %.3f s\n",
			       pools[i].label, t);
			pmemfile_pool_close(p);
			fflush(stdout);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < npools; i++)
		unlink(paths[i]);
}
