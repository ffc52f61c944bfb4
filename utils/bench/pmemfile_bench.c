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

static void bench_small_writes(void)
{
	size_t fsize = scaled_mib(64 * MiB, 4 * MiB);
	size_t nover = scaled(100000, 2000);
	size_t napp = scaled(50000, 1000);
	char path[4200];
	size_t len;
	PMEMfilepool *pfp =
	    pool_make("small.pool", fsize + napp * BLK + 256 * MiB, path);
	PMEMfile *f =
	    pf_open(pfp, "/overwrite", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR);
	int fd = k_open("overwrite", O_CREAT | O_RDWR);
	size_t rawsize = fsize > napp * BLK ? fsize : napp * BLK;
	char *raw = raw_map("small.raw", rawsize, &len, 1);
	double t, tp, tk, tr;

	pf_fill(pfp, f, fsize);
	k_fill(fd, fsize);
	random_offsets(nover, fsize);

	t = now();
	for (size_t i = 0; i < nover; i++)
		if (pmemfile_pwrite(pfp, f, buf, BLK, (off_t)offs[i]) != BLK)
			die("pmemfile_pwrite");
	tp = (now() - t) / (double)nover;
	t = now();
	for (size_t i = 0; i < nover; i++)
		if (pwrite(fd, buf, BLK, (off_t)offs[i]) != BLK)
			die("pwrite");
	tk = (now() - t) / (double)nover;
	t = now();
	for (size_t i = 0; i < nover; i++)
		pmem_memcpy_persist(raw + offs[i], buf, BLK);
	tr = (now() - t) / (double)nover;
	report_latency("pwrite 4KiB overwrite", tp, "pmem_memcpy_persist", tr,
		       2, tk, 3);
	pmemfile_close(pfp, f);
	close(fd);

	f = pf_open(pfp, "/append",
		    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_APPEND);
	fd = k_open("append", O_CREAT | O_WRONLY | O_APPEND);
	t = now();
	for (size_t i = 0; i < napp; i++)
		if (pmemfile_write(pfp, f, buf + (i % 256) * BLK, BLK) != BLK)
			die("pmemfile_write (append)");
	tp = (now() - t) / (double)napp;
	t = now();
	for (size_t i = 0; i < napp; i++)
		if (write(fd, buf + (i % 256) * BLK, BLK) != BLK)
			die("write (append)");
	tk = (now() - t) / (double)napp;
	t = now();
	for (size_t i = 0; i < napp; i++)
		pmem_memcpy_persist(raw + i * BLK, buf + (i % 256) * BLK, BLK);
	tr = (now() - t) / (double)napp;
	report_latency("append 4KiB", tp, "pmem_memcpy_persist", tr, 2, tk, 3);
	size_t flen;
	char *fresh = raw_map("fresh.raw", napp * BLK, &flen, 0);
	t = now();
	for (size_t i = 0; i < napp; i++)
		pmem_memcpy_persist(fresh + i * BLK, buf + (i % 256) * BLK,
				    BLK);
	printf("%-22s pmem_memcpy_persist into fresh pages %.2f us (the "
	       "page faults a new pool also takes)\n",
	       "", (now() - t) / (double)napp * 1e6);
	pmem_unmap(fresh, flen);
	pmemfile_close(pfp, f);
	close(fd);
	pmem_unmap(raw, len);
	pool_drop(pfp, path);
}

static double bandwidth(size_t bytes, double secs)
{
	return (double)bytes / secs / 1e9;
}

static void bench_big_file(void)
{
	size_t fsize = scaled_mib(GiB, 16 * MiB);
	size_t nread = scaled(200000, 5000);
	char path[4200];
	size_t len;
	PMEMfilepool *pfp = pool_make("big.pool", fsize + 256 * MiB, path);
	PMEMfile *f = pf_open(pfp, "/big", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR);
	int fd = k_open("big", O_CREAT | O_RDWR);
	char *raw = raw_map("big.raw", fsize, &len, 1);
	double t, tp, tk, tr, tr2;

	/* sequential write: a fresh file, 1 MiB per call */
	tp = pf_fill(pfp, f, fsize);
	tk = k_fill(fd, fsize);
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		memcpy(raw + off, buf, MiB);
	pmem_persist(raw, fsize);
	tr = now() - t;
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		pmem_memcpy_persist(raw + off, buf, MiB);
	tr2 = now() - t;
	size_t flen;
	char *fresh = raw_map("fresh.raw", fsize, &flen, 0);
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		memcpy(fresh + off, buf, MiB);
	pmem_persist(fresh, fsize);
	double tf = now() - t;
	pmem_unmap(fresh, flen);
	printf("%-22s pmemfile %.2f GB/s   memcpy %.2f GB/s (%.0f%%, target "
	       ">=70%% %s)   pmem_memcpy_persist %.2f GB/s   memcpy into "
	       "fresh pages %.2f GB/s   kernel %.2f GB/s\n",
	       "sequential write", bandwidth(fsize, tp), bandwidth(fsize, tr),
	       100 * tr / tp, met(tr / tp >= 0.7), bandwidth(fsize, tr2),
	       bandwidth(fsize, tf), bandwidth(fsize, tk));

	/* sequential read */
	if (pmemfile_lseek(pfp, f, 0, PMEMFILE_SEEK_SET) != 0)
		die("pmemfile_lseek");
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		if (pmemfile_read(pfp, f, rbuf, MiB) != (ssize_t)MiB)
			die("pmemfile_read");
	tp = now() - t;
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		if (pread(fd, rbuf, MiB, (off_t)off) != (ssize_t)MiB)
			die("pread");
	tk = now() - t;
	t = now();
	for (size_t off = 0; off < fsize; off += MiB)
		memcpy(rbuf, raw + off, MiB);
	tr = now() - t;
	printf("%-22s pmemfile %.2f GB/s   memcpy %.2f GB/s (%.0f%%, target "
	       ">=70%% %s)   kernel %.2f GB/s\n",
	       "sequential read", bandwidth(fsize, tp), bandwidth(fsize, tr),
	       100 * tr / tp, met(tr / tp >= 0.7), bandwidth(fsize, tk));

	/* random 4 KiB reads */
	random_offsets(nread, fsize);
	t = now();
	for (size_t i = 0; i < nread; i++)
		if (pmemfile_pread(pfp, f, rbuf, BLK, (off_t)offs[i]) != BLK)
			die("pmemfile_pread");
	tp = (now() - t) / (double)nread;
	t = now();
	for (size_t i = 0; i < nread; i++)
		if (pread(fd, rbuf, BLK, (off_t)offs[i]) != BLK)
			die("pread");
	tk = (now() - t) / (double)nread;
	t = now();
	for (size_t i = 0; i < nread; i++)
		memcpy(rbuf, raw + offs[i], BLK);
	tr = (now() - t) / (double)nread;
	printf("%-22s pmemfile %.2f us   memcpy %.2f us (x%.2f)   kernel %.2f "
	       "us (x%.2f faster, target >=3 %s)   [%zu MiB file]\n",
	       "pread 4KiB random", tp * 1e6, tr * 1e6, tp / tr, tk * 1e6,
	       tk / tp, met(tk / tp >= 3), fsize / MiB);

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

static void bench_metadata(void)
{
	size_t n = scaled(100000, 2000);
	char path[4200], name[32], kdir[4200];
	struct stat st;
	PMEMfilepool *pfp = pool_make("meta.pool", 512 * MiB, path);
	if (pmemfile_mkdir(pfp, "/d", 0755))
		die("pmemfile_mkdir");
	PMEMfile *dir = pf_open(pfp, "/d", PMEMFILE_O_DIRECTORY);
	path_of(kdir, "kdir");
	if (mkdir(kdir, 0755))
		die(kdir);
	int dfd = open(kdir, O_DIRECTORY | O_RDONLY);
	double t, tp, tk;

	tp = pf_create(pfp, dir, n);
	t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			die("openat (create)");
		close(fd);
	}
	tk = now() - t;
	report_rate("create (one dir)", n, tp, tk, 2);

	tp = pf_stat(pfp, dir, n, n);
	t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, offs[i] / BLK);
		if (fstatat(dfd, name, &st, 0))
			die("fstatat");
	}
	tk = now() - t;
	report_rate("stat (one dir)", n, tp, tk, 5);

	t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		if (pmemfile_unlinkat(pfp, dir, name, 0))
			die("pmemfile_unlinkat");
	}
	tp = now() - t;
	t = now();
	for (size_t i = 0; i < n; i++) {
		name_of(name, i);
		if (unlinkat(dfd, name, 0))
			die("unlinkat");
	}
	tk = now() - t;
	report_rate("unlink (one dir)", n, tp, tk, 2);

	close(dfd);
	rmdir(kdir);
	pmemfile_close(pfp, dir);
	pool_drop(pfp, path);
}

static void bench_big_directory(void)
{
	size_t nbig = scaled(1000000, 20000);
	size_t nsmall = 1000;
	size_t lookups = scaled(200000, 20000);
	char path[4200];
	PMEMfilepool *pfp = pool_make("dir.pool", 1536 * MiB, path);
	if (pmemfile_mkdir(pfp, "/big", 0755) ||
	    pmemfile_mkdir(pfp, "/small", 0755))
		die("pmemfile_mkdir");
	PMEMfile *big = pf_open(pfp, "/big", PMEMFILE_O_DIRECTORY);
	PMEMfile *small = pf_open(pfp, "/small", PMEMFILE_O_DIRECTORY);

	double tc = pf_create(pfp, big, nbig);
	pf_create(pfp, small, nsmall);
	double tb = pf_stat(pfp, big, nbig, lookups) / (double)lookups;
	double ts = pf_stat(pfp, small, nsmall, lookups) / (double)lookups;
	printf("%-22s %zu entries %.2f us   %zu entries %.2f us (x%.2f, "
	       "target <=2 %s)   [created at %.0fk/s]\n",
	       "lookup (stat)", nbig, tb * 1e6, nsmall, ts * 1e6, tb / ts,
	       met(tb / ts <= 2), (double)nbig / tc / 1e3);
	pmemfile_close(pfp, big);
	pmemfile_close(pfp, small);
	pool_drop(pfp, path);
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
	const char *d = getenv("BENCH_DIR");
	snprintf(base, sizeof(base), "%s", d && *d ? d : "/dev/shm");
	buf = malloc(MiB);
	rbuf = malloc(MiB);
	for (size_t i = 0; i < MiB; i++)
		buf[i] = (char)(i * 7 + 3);

	printf("pmemfile_bench: pools and kernel files on %s, "
	       "PMEM_IS_PMEM_FORCE=%s, scale %g\n",
	       base, getenv("PMEM_IS_PMEM_FORCE"), scale);
	bench_small_writes();
	bench_big_file();
	bench_metadata();
	bench_big_directory();
	return 0;
}
