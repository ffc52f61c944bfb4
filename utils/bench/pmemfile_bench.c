// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmemfile_bench -- libpmemfile-posix through its C API, each figure beside
 * its references measured in the same run: the kernel (tmpfs on /dev/shm,
 * through system calls) and the raw medium (libpmem on a file mapped from
 * /dev/shm, pages touched beforehand). Pools live on /dev/shm with
 * PMEM_IS_PMEM_FORCE=1. Each line ends with the ratio the issue sets as a
 * target and whether it is met.
 *
 * BENCH_SCALE=0.1 shrinks every size and count for a quick run; the default
 * (1) uses the sizes: 1 GiB files, 100,000 files, 1,000,000 entries.
 * Each figure is the best of BENCH_ROUNDS (3) runs, on every side alike, so
 * that other work on the machine disturbs the ratios less.
 *
 * BENCH_ONLY runs some parts only, a comma-separated list of: small (4 KiB
 * overwrites and appends, also into a new, sparse pool), big (the 1 GiB file),
 * meta (create, stat and unlink of 100,000 files), dir (lookups in 1,000 and
 * 1,000,000 entries). Unset or empty: all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpmem.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KiB 1024UL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define BLK 4096

static double scale = 1.0;
static int rounds = 3; /* each figure is the best of this many runs */
static char base[4096];
static char *buf;      /* 1 MiB of data to write */
static char *rbuf;     /* 1 MiB to read into */
static uint64_t *offs; /* random block offsets */
static size_t noffs;

static void die(const char *what)
{
	fprintf(stderr, "pmemfile_bench: %s: %s (%s)\n", what, strerror(errno),
		pmemfile_errormsg());
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t scaled(size_t n, size_t min)
{
	size_t s = (size_t)((double)n * scale);
	return s < min ? min : s;
}

/* A scaled size in whole MiB, as the sequential loops copy 1 MiB at once. */
static size_t scaled_mib(size_t n, size_t min)
{
	return scaled(n, min) / MiB * MiB;
}

static void path_of(char *out, const char *name)
{
	snprintf(out, 4200, "%s/pmemfile_bench.%d.%s", base, (int)getpid(),
		 name);
}

static void random_offsets(size_t n, size_t file_size)
{
	uint64_t x = 88172645463325252ULL;
	free(offs);
	offs = malloc(n * sizeof(*offs));
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		offs[i] = (x % (file_size / BLK)) * BLK;
	}
	noffs = n;
}

static const char *met(int ok)
{
	return ok ? "ok" : "MISSED";
}

/* Latency beside the raw medium (at most x times) and the kernel. */
static void report_latency(const char *what, double pf, const char *rawname,
			   double raw, double max_raw, double kernel,
			   double min_kernel)
{
	printf("%-22s pmemfile %.2f us   %s %.2f us (x%.2f, target <=%g %s)"
	       "   kernel %.2f us (x%.2f faster, target >=%g %s)\n",
	       what, pf * 1e6, rawname, raw * 1e6, pf / raw, max_raw,
	       met(pf / raw <= max_raw), kernel * 1e6, kernel / pf, min_kernel,
	       met(kernel / pf >= min_kernel));
}

static void report_rate(const char *what, size_t n, double pf, double kernel,
			double min_kernel)
{
	printf("%-22s pmemfile %.0fk/s   kernel %.0fk/s (x%.2f, target >=%g "
	       "%s)\n",
	       what, (double)n / pf / 1e3, (double)n / kernel / 1e3,
	       kernel / pf, min_kernel, met(kernel / pf >= min_kernel));
}

/*
 * A file mapped with libpmem as the raw medium; touched: every page written
 * once beforehand, else fresh pages as a new pool has.
 */
static char *raw_map(const char *name, size_t size, size_t *len, int touched)
{
	char path[4200];
	int is_pmem;
	path_of(path, name);
	char *p =
	    pmem_map_file(path, size, PMEM_FILE_CREATE, 0600, len, &is_pmem);
	if (!p)
		die("pmem_map_file");
	unlink(path);
	if (touched) {
		memset(p, 1, size);
		pmem_persist(p, size);
	}
	return p;
}

static PMEMfilepool *pool_make(const char *name, size_t size, char *path)
{
	path_of(path, name);
	unlink(path);
	PMEMfilepool *pfp = pmemfile_pool_create(path, size, 0600);
	if (!pfp)
		die("pmemfile_pool_create");
	return pfp;
}

static void pool_drop(PMEMfilepool *pfp, const char *path)
{
	pmemfile_pool_close(pfp);
	unlink(path);
}

static PMEMfile *pf_open(PMEMfilepool *pfp, const char *path, int flags)
{
	PMEMfile *f = pmemfile_open(pfp, path, flags, 0644);
	if (!f)
		die(path);
	return f;
}

static int k_open(const char *name, int flags)
{
	char path[4200];
	path_of(path, name);
	int fd = open(path, flags, 0644);
	if (fd < 0)
		die(path);
	unlink(path);
	return fd;
}

/* Writes size bytes sequentially, 1 MiB at a time; returns seconds. */
static double pf_fill(PMEMfilepool *pfp, PMEMfile *f, size_t size)
{
	double t = now();
	for (size_t off = 0; off < size; off += MiB)
		if (pmemfile_write(pfp, f, buf, MiB) != (ssize_t)MiB)
			die("pmemfile_write");
	return now() - t;
}

static double k_fill(int fd, size_t size)
{
	double t = now();
	for (size_t off = 0; off < size; off += MiB)
		if (write(fd, buf, MiB) != (ssize_t)MiB)
			die("write");
	return now() - t;
}

/* The fastest of the rounds: the least disturbed by other work. */
static void keep_best(double *best, double t)
{
	if (*best == 0 || t < *best)
		*best = t;
}

static double pf_overwrite(PMEMfilepool *pfp, PMEMfile *f)
{
	double t = now();
	for (size_t i = 0; i < noffs; i++)
		if (pmemfile_pwrite(pfp, f, buf, BLK, (off_t)offs[i]) != BLK)
			die("pmemfile_pwrite");
	return (now() - t) / (double)noffs;
}

static double k_overwrite(int fd)
{
	double t = now();
	for (size_t i = 0; i < noffs; i++)
		if (pwrite(fd, buf, BLK, (off_t)offs[i]) != BLK)
			die("pwrite");
	return (now() - t) / (double)noffs;
}

static double raw_overwrite(char *raw)
{
	double t = now();
	for (size_t i = 0; i < noffs; i++)
		pmem_memcpy_persist(raw + offs[i], buf, BLK);
	return (now() - t) / (double)noffs;
}

static void bench_overwrite(PMEMfilepool *pfp, size_t fsize, char *raw)
{
	size_t n = scaled(100000, 2000);
	PMEMfile *f =
	    pf_open(pfp, "/overwrite", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR);
	int fd = k_open("overwrite", O_CREAT | O_RDWR);
	double tp = 0, tk = 0, tr = 0;

	pf_fill(pfp, f, fsize);
	k_fill(fd, fsize);
	random_offsets(n, fsize);
	for (int r = 0; r < rounds; r++) {
		keep_best(&tp, pf_overwrite(pfp, f));
		keep_best(&tk, k_overwrite(fd));
		keep_best(&tr, raw_overwrite(raw));
	}
	report_latency("pwrite 4KiB overwrite", tp, "pmem_memcpy_persist", tr,
		       2, tk, 3);
	pmemfile_close(pfp, f);
	close(fd);
}

/* Appends n blocks to a new file; returns seconds per block. */
static double pf_append(PMEMfilepool *pfp, size_t n)
{
	PMEMfile *f = pf_open(pfp, "/append",
			      PMEMFILE_O_CREAT | PMEMFILE_O_TRUNC |
				  PMEMFILE_O_WRONLY | PMEMFILE_O_APPEND);
	double t = now();
	for (size_t i = 0; i < n; i++)
		if (pmemfile_write(pfp, f, buf + (i % 256) * BLK, BLK) != BLK)
			die("pmemfile_write (append)");
	t = (now() - t) / (double)n;
	pmemfile_close(pfp, f);
	return t;
}

static double k_append(size_t n)
{
	int fd = k_open("append", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND);
	double t = now();
	for (size_t i = 0; i < n; i++)
		if (write(fd, buf + (i % 256) * BLK, BLK) != BLK)
			die("write (append)");
	t = (now() - t) / (double)n;
	close(fd);
	return t;
}

static double raw_append(char *raw, size_t n)
{
	double t = now();
	for (size_t i = 0; i < n; i++)
		pmem_memcpy_persist(raw + i * BLK, buf + (i % 256) * BLK, BLK);
	return (now() - t) / (double)n;
}

static void bench_append(PMEMfilepool *pfp, char *raw)
{
	size_t n = scaled(50000, 1000);
	double tp = 0, tk = 0, tr = 0, tf = 0, tnew = 0;
	char path[4200];
	for (int r = 0; r < rounds; r++) {
		/* a new file each round (O_TRUNC frees the last one's) */
		keep_best(&tp, pf_append(pfp, n));
		/* and in a new pool, sparse: pages never written */
		PMEMfilepool *fresh_pool =
		    pool_make("fresh.pool", n * BLK + 64 * MiB, path);
		keep_best(&tnew, pf_append(fresh_pool, n));
		pool_drop(fresh_pool, path);
		keep_best(&tk, k_append(n));
		keep_best(&tr, raw_append(raw, n));
		size_t flen;
		char *fresh = raw_map("fresh.raw", n * BLK, &flen, 0);
		keep_best(&tf, raw_append(fresh, n));
		pmem_unmap(fresh, flen);
	}
	report_latency("append 4KiB", tp, "pmem_memcpy_persist", tr, 2, tk, 3);
	printf("%-22s pmemfile %.2f us   pmem_memcpy_persist into fresh "
	       "pages %.2f us (x%.2f; the page faults of a file's first "
	       "writes into a new, sparse pool)\n",
	       "append 4KiB, new pool", tnew * 1e6, tf * 1e6, tnew / tf);
}

static void bench_small_writes(void)
{
	size_t fsize = scaled_mib(64 * MiB, 4 * MiB);
	size_t napp = scaled(50000, 1000);
	char path[4200];
	size_t len;
	PMEMfilepool *pfp =
	    pool_make("small.pool", fsize + 2 * napp * BLK + 256 * MiB, path);
	size_t rawsize = fsize > napp * BLK ? fsize : napp * BLK;
	char *raw = raw_map("small.raw", rawsize, &len, 1);

	bench_overwrite(pfp, fsize, raw);
	bench_append(pfp, raw);
	pmem_unmap(raw, len);
	pool_drop(pfp, path);
}

static double bandwidth(size_t bytes, double secs)
{
	return (double)bytes / secs / 1e9;
}

static double pf_read_all(PMEMfilepool *pfp, PMEMfile *f, size_t size)
{
	if (pmemfile_lseek(pfp, f, 0, PMEMFILE_SEEK_SET) != 0)
		die("pmemfile_lseek");
	double t = now();
	for (size_t off = 0; off < size; off += MiB)
		if (pmemfile_read(pfp, f, rbuf, MiB) != (ssize_t)MiB)
			die("pmemfile_read");
	return now() - t;
}

static double k_read_all(int fd, size_t size)
{
	double t = now();
	for (size_t off = 0; off < size; off += MiB)
		if (pread(fd, rbuf, MiB, (off_t)off) != (ssize_t)MiB)
			die("pread");
	return now() - t;
}

static double memcpy_to(char *raw, size_t size, int persist)
{
	double t = now();
	for (size_t off = 0; off < size; off += MiB) {
		if (persist)
			pmem_memcpy_persist(raw + off, buf, MiB);
		else
			memcpy(raw + off, buf, MiB);
	}
	if (!persist)
		pmem_persist(raw, size);
	return now() - t;
}

static double memcpy_from(const char *raw, size_t size)
{
	double t = now();
	for (size_t off = 0; off < size; off += MiB)
		memcpy(rbuf, raw + off, MiB);
	return now() - t;
}

struct seq_times {
	double pw, kw, mw, mpw, fw; /* writes: pmemfile, kernel, memcpy... */
	double pr, kr, mr;	    /* reads */
};

/*
 * One round: a new 1 GiB file on each side, written and read back
 * sequentially 1 MiB per call. Returns the pmemfile file, left open.
 */
static PMEMfile *seq_round(PMEMfilepool *pfp, int *fd, char *raw, size_t fsize,
			   struct seq_times *t)
{
	if (*fd >= 0) {
		close(*fd);
		if (pmemfile_unlink(pfp, "/big"))
			die("pmemfile_unlink");
	}
	PMEMfile *f = pf_open(pfp, "/big", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR);
	*fd = k_open("big", O_CREAT | O_RDWR);
	keep_best(&t->pw, pf_fill(pfp, f, fsize));
	keep_best(&t->kw, k_fill(*fd, fsize));
	keep_best(&t->mw, memcpy_to(raw, fsize, 0));
	keep_best(&t->mpw, memcpy_to(raw, fsize, 1));
	size_t flen;
	char *fresh = raw_map("fresh.raw", fsize, &flen, 0);
	keep_best(&t->fw, memcpy_to(fresh, fsize, 0));
	pmem_unmap(fresh, flen);
	keep_best(&t->pr, pf_read_all(pfp, f, fsize));
	keep_best(&t->kr, k_read_all(*fd, fsize));
	keep_best(&t->mr, memcpy_from(raw, fsize));
	return f;
}

static void bench_random_reads(PMEMfilepool *pfp, PMEMfile *f, int fd,
			       char *raw, size_t fsize)
{
	size_t n = scaled(200000, 5000);
	double tp = 0, tk = 0, tr = 0, t;
	random_offsets(n, fsize);
	for (int r = 0; r < rounds; r++) {
		t = now();
		for (size_t i = 0; i < n; i++)
			if (pmemfile_pread(pfp, f, rbuf, BLK, (off_t)offs[i]) !=
			    BLK)
				die("pmemfile_pread");
		keep_best(&tp, (now() - t) / (double)n);
		t = now();
		for (size_t i = 0; i < n; i++)
			if (pread(fd, rbuf, BLK, (off_t)offs[i]) != BLK)
				die("pread");
		keep_best(&tk, (now() - t) / (double)n);
		t = now();
		for (size_t i = 0; i < n; i++)
			memcpy(rbuf, raw + offs[i], BLK);
		keep_best(&tr, (now() - t) / (double)n);
	}
	printf("%-22s pmemfile %.2f us   memcpy %.2f us (x%.2f)   kernel %.2f "
	       "us (x%.2f faster, target >=3 %s)   [%zu MiB file]\n",
	       "pread 4KiB random", tp * 1e6, tr * 1e6, tp / tr, tk * 1e6,
	       tk / tp, met(tk / tp >= 3), fsize / MiB);
}

static void bench_big_file(void)
{
	size_t fsize = scaled_mib(GiB, 16 * MiB);
	char path[4200];
	size_t len;
	PMEMfilepool *pfp = pool_make("big.pool", fsize + 256 * MiB, path);
	char *raw = raw_map("big.raw", fsize, &len, 1);
	struct seq_times t = {0};
	PMEMfile *f = NULL;
	int fd = -1;

	for (int r = 0; r < rounds; r++) {
		if (f)
			pmemfile_close(pfp, f);
		f = seq_round(pfp, &fd, raw, fsize, &t);
	}
	printf("%-22s pmemfile %.2f GB/s   memcpy %.2f GB/s (%.0f%%, target "
	       ">=70%% %s)   pmem_memcpy_persist %.2f GB/s   memcpy into "
	       "fresh pages %.2f GB/s   kernel %.2f GB/s\n",
	       "sequential write", bandwidth(fsize, t.pw),
	       bandwidth(fsize, t.mw), 100 * t.mw / t.pw,
	       met(t.mw / t.pw >= 0.7), bandwidth(fsize, t.mpw),
	       bandwidth(fsize, t.fw), bandwidth(fsize, t.kw));
	printf("%-22s pmemfile %.2f GB/s   memcpy %.2f GB/s (%.0f%%, target "
	       ">=70%% %s)   kernel %.2f GB/s\n",
	       "sequential read", bandwidth(fsize, t.pr),
	       bandwidth(fsize, t.mr), 100 * t.mr / t.pr,
	       met(t.mr / t.pr >= 0.7), bandwidth(fsize, t.kr));
	bench_random_reads(pfp, f, fd, raw, fsize);

	pmemfile_close(pfp, f);
	close(fd);
	pmem_unmap(raw, len);
	pool_drop(pfp, path);
}

static void name_of(char *out, size_t i)
{
	snprintf(out, 32, "f%07zu", i);
}

/* Creates n files in dir; returns seconds. */
static double pf_create(PMEMfilepool *pfp, PMEMfile *dir, size_t n)
{
	char name[32];
	double t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		PMEMfile *f = pmemfile_openat(
		    pfp, dir, name,
		    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
		    0644);
		if (!f)
			die("pmemfile_openat (create)");
		pmemfile_close(pfp, f);
	}
	return now() - t;
}

/* Looks up `lookups` random names of the n in dir; returns seconds. */
static double pf_stat(PMEMfilepool *pfp, PMEMfile *dir, size_t n,
		      size_t lookups)
{
	char name[32];
	pmemfile_stat_t st;
	random_offsets(lookups, n * BLK);
	double t = now();
	for (size_t i = 0; i < lookups; i++) {
		name_of(name, offs[i] / BLK);
		if (pmemfile_fstatat(pfp, dir, name, &st, 0))
			die("pmemfile_fstatat");
	}
	return now() - t;
}

static double pf_unlink(PMEMfilepool *pfp, PMEMfile *dir, size_t n)
{
	char name[32];
	double t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		if (pmemfile_unlinkat(pfp, dir, name, 0))
			die("pmemfile_unlinkat");
	}
	return now() - t;
}

static double k_create(int dfd, size_t n)
{
	char name[32];
	double t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			die("openat (create)");
		close(fd);
	}
	return now() - t;
}

/* The same names, in the order pf_stat left in offs. */
static double k_stat(int dfd, size_t n)
{
	char name[32];
	struct stat st;
	double t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, offs[i] / BLK);
		if (fstatat(dfd, name, &st, 0))
			die("fstatat");
	}
	return now() - t;
}

static double k_unlink(int dfd, size_t n)
{
	char name[32];
	double t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		if (unlinkat(dfd, name, 0))
			die("unlinkat");
	}
	return now() - t;
}

static void bench_metadata(void)
{
	size_t n = scaled(100000, 2000);
	char path[4200], kdir[4200];
	double pc = 0, ps = 0, pu = 0, kc = 0, ks = 0, ku = 0;
	PMEMfilepool *pfp = pool_make("meta.pool", 512 * MiB, path);
	if (pmemfile_mkdir(pfp, "/d", 0755))
		die("pmemfile_mkdir");
	PMEMfile *dir = pf_open(pfp, "/d", PMEMFILE_O_DIRECTORY);
	path_of(kdir, "kdir");
	if (mkdir(kdir, 0755))
		die(kdir);
	int dfd = open(kdir, O_DIRECTORY | O_RDONLY);

	for (int r = 0; r < rounds; r++) {
		keep_best(&pc, pf_create(pfp, dir, n));
		keep_best(&kc, k_create(dfd, n));
		keep_best(&ps, pf_stat(pfp, dir, n, n));
		keep_best(&ks, k_stat(dfd, n));
		keep_best(&pu, pf_unlink(pfp, dir, n));
		keep_best(&ku, k_unlink(dfd, n));
	}
	report_rate("create (one dir)", n, pc, kc, 2);
	report_rate("stat (one dir)", n, ps, ks, 5);
	report_rate("unlink (one dir)", n, pu, ku, 2);

	close(dfd);
	rmdir(kdir);
	pmemfile_close(pfp, dir);
	pool_drop(pfp, path);
}

/* A kernel directory of n files named as pf_create names them. */
static int k_dir_make(const char *name, size_t n, char *kdir)
{
	path_of(kdir, name);
	if (mkdir(kdir, 0755))
		die(kdir);
	int dfd = open(kdir, O_DIRECTORY | O_RDONLY);
	if (dfd < 0)
		die(kdir);
	k_create(dfd, n);
	return dfd;
}

static void k_dir_drop(int dfd, size_t n, const char *kdir)
{
	k_unlink(dfd, n);
	close(dfd);
	rmdir(kdir);
}

/*
 * Lookups in 1,000,000 entries against 1,000, and the same on the kernel:
 * the absolute increase of each side is printed beside the ratio, as the
 * ratio also grows when the small case gets faster.
 */
static void bench_big_directory(void)
{
	size_t nbig = scaled(1000000, 20000);
	size_t nsmall = 1000;
	size_t lookups = scaled(200000, 20000);
	char path[4200], kbig[4200], ksmall[4200];
	double tb = 0, ts = 0, kb = 0, ks = 0;
	PMEMfilepool *pfp = pool_make("dir.pool", 1536 * MiB, path);
	if (pmemfile_mkdir(pfp, "/big", 0755) ||
	    pmemfile_mkdir(pfp, "/small", 0755))
		die("pmemfile_mkdir");
	PMEMfile *big = pf_open(pfp, "/big", PMEMFILE_O_DIRECTORY);
	PMEMfile *small = pf_open(pfp, "/small", PMEMFILE_O_DIRECTORY);

	double tc = pf_create(pfp, big, nbig);
	pf_create(pfp, small, nsmall);
	int kbfd = k_dir_make("kbig", nbig, kbig);
	int ksfd = k_dir_make("ksmall", nsmall, ksmall);
	for (int r = 0; r < rounds; r++) {
		/* each k_stat looks up the names its pf_stat did */
		keep_best(&tb,
			  pf_stat(pfp, big, nbig, lookups) / (double)lookups);
		keep_best(&kb, k_stat(kbfd, lookups) / (double)lookups);
		keep_best(&ts, pf_stat(pfp, small, nsmall, lookups) /
				   (double)lookups);
		keep_best(&ks, k_stat(ksfd, lookups) / (double)lookups);
	}
	printf("%-22s %zu entries %.2f us   %zu entries %.2f us (x%.2f, "
	       "target <=2 %s; +%.2f us)   kernel %.2f us / %.2f us (x%.2f; "
	       "+%.2f us)   [created at %.0fk/s]\n",
	       "lookup (stat)", nbig, tb * 1e6, nsmall, ts * 1e6, tb / ts,
	       met(tb / ts <= 2), (tb - ts) * 1e6, kb * 1e6, ks * 1e6, kb / ks,
	       (kb - ks) * 1e6, (double)nbig / tc / 1e3);
	k_dir_drop(kbfd, nbig, kbig);
	k_dir_drop(ksfd, nsmall, ksmall);
	pmemfile_close(pfp, big);
	pmemfile_close(pfp, small);
	pool_drop(pfp, path);
}

/* Whether BENCH_ONLY (a comma-separated list) names part, or is unset. */
static int part_on(const char *part)
{
	const char *only = getenv("BENCH_ONLY");
	if (!only || !*only)
		return 1;
	size_t len = strlen(part);
	for (const char *p = only; *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && strncmp(p, part, len) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	(void)argc;
	if (!getenv("PMEM_IS_PMEM_FORCE")) {
		/* libpmem reads it when loaded: set it and start again */
		setenv("PMEM_IS_PMEM_FORCE", "1", 1);
		execv("/proc/self/exe", argv);
		die("execv");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *s = getenv("BENCH_SCALE");
	if (s && *s)
		scale = atof(s);
	if (scale <= 0 || scale > 1)
		scale = 1;
	s = getenv("BENCH_ROUNDS");
	if (s && atoi(s) > 0)
		rounds = atoi(s);
	const char *d = getenv("BENCH_DIR");
	snprintf(base, sizeof(base), "%s", d && *d ? d : "/dev/shm");
	buf = malloc(MiB);
	rbuf = malloc(MiB);
	for (size_t i = 0; i < MiB; i++)
		buf[i] = (char)(i * 7 + 3);

	printf("pmemfile_bench: pools and kernel files on %s, "
	       "PMEM_IS_PMEM_FORCE=%s, scale %g, best of %d rounds\n",
	       base, getenv("PMEM_IS_PMEM_FORCE"), scale, rounds);
	if (part_on("small"))
		bench_small_writes();
	if (part_on("big"))
		bench_big_file();
	if (part_on("meta"))
		bench_metadata();
	if (part_on("dir"))
		bench_big_directory();
	return 0;
}
