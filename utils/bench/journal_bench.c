// SPDX-License-Identifier: BSD-3-Clause
/*
 * journal_bench -- the cost of the page journal's commits (issue 15) on
 * a disk: a batch of 1, 16 and 256 pages made durable in the journal
 * (one pwritev, one fdatasync), beside a plain 4 KiB pwrite and fdatasync
 * of a file of the same file system; and a checkpoint (the batches'
 * pages written in place, two fdatasyncs). Files in $JOURNAL_BENCH_DIR,
 * by default /var/tmp (a disk, not tmpfs). Each figure is the median of
 * its runs, made in rounds that take turns, so that the other work of the
 * machine weighs on each alike. The journal file is first grown to its
 * size, so that commits overwrite its blocks as they do once it is in use;
 * commits that grow a new journal file (the file system then commits its
 * metadata too) are shown apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define PAGE 4096
#define POOL_PAGES 4096 /* a pool of 16 MiB */
#define POOL_SIZE ((uint64_t)POOL_PAGES * PAGE)
#define ROUNDS 20

/* The journal module alone: its message printed where it fails. */
void pf_set_errormsg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char errormsg[512];

void pf_set_errormsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errormsg, sizeof(errormsg), fmt, ap);
	va_end(ap);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "journal_bench: %s: %s %s\n", what, strerror(err),
		errormsg);
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A file of size bytes written through (allocated, no holes) and synced. */
static int file_make(const char *path, uint64_t size, const void *page)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path, errno);
	for (uint64_t off = 0; off < size; off += PAGE)
		if (pwrite(fd, page, PAGE, (off_t)off) != PAGE)
			die(path, errno);
	if (fsync(fd))
		die(path, errno);
	return fd;
}

static unsigned rng = 12345;

/* The times of one kind of operation, over every round. */
struct samples {
	double t[4096];
	size_t n;
};

static void sample_add(struct samples *s, double t)
{
	if (s->n < sizeof(s->t) / sizeof(s->t[0]))
		s->t[s->n++] = t;
}

static double median(struct samples *s)
{
	if (s->n == 0)
		return 0;
	qsort(s->t, s->n, sizeof(s->t[0]), cmp_double);
	return s->t[s->n / 2];
}

/* 4 KiB pwrite + fdatasync at random places of fd's file. */
static void plain_writes(int fd, const void *page, size_t runs,
			 struct samples *s)
{
	for (size_t i = 0; i < runs; i++) {
		off_t off = (off_t)(rand_r(&rng) % POOL_PAGES) * PAGE;
		double t0 = now();
		if (pwrite(fd, page, PAGE, off) != PAGE || fdatasync(fd))
			die("pwrite", errno);
		sample_add(s, now() - t0);
	}
}

/*
 * Commits of npages random pages, then a checkpoint; into s and ckpt when
 * they are not NULL.
 */
static void commits(struct journal *j, size_t npages, size_t runs,
		    void *const *pages, struct samples *s, struct samples *ckpt)
{
	uint64_t *offs = malloc(npages * sizeof(*offs));
	if (!offs)
		die("malloc", ENOMEM);
	for (size_t i = 0; i < runs; i++) {
		for (size_t k = 0; k < npages; k++)
			offs[k] = (uint64_t)(rand_r(&rng) % POOL_PAGES) * PAGE;
		double t0 = now();
		int r =
		    journal_commit(j, npages, offs, (const void *const *)pages);
		if (r)
			die("journal_commit", -r);
		if (s)
			sample_add(s, now() - t0);
	}
	double t0 = now();
	int r = journal_checkpoint(j);
	if (r < 0)
		die("journal_checkpoint", -r);
	if (ckpt)
		sample_add(ckpt, now() - t0);
	free(offs);
}

int main(void)
{
	const char *dir = getenv("JOURNAL_BENCH_DIR");
	if (!dir || !*dir)
		dir = "/var/tmp";
	struct statfs sf;
	if (statfs(dir, &sf))
		die(dir, errno);
	char pool[4200], jpath[4300], plain[4200];
	snprintf(pool, sizeof(pool), "%s/journal_bench.%d.pool", dir,
		 (int)getpid());
	snprintf(jpath, sizeof(jpath), "%s.journal", pool);
	snprintf(plain, sizeof(plain), "%s/journal_bench.%d.plain", dir,
		 (int)getpid());

	enum { MAXP = 256 };
	void *pages[MAXP];
	char *data = aligned_alloc(PAGE, (size_t)MAXP * PAGE);
	if (!data)
		die("malloc", ENOMEM);
	for (size_t i = 0; i < (size_t)MAXP * PAGE; i++)
		data[i] = (char)rand_r(&rng);
	for (size_t i = 0; i < MAXP; i++)
		pages[i] = data + i * PAGE;

	printf("journal_bench: files on %s (%s), medians of %d rounds of "
	       "each, interleaved\n",
	       dir,
	       sf.f_type == 0xEF53	 ? "ext4"
	       : sf.f_type == 0x01021994 ? "tmpfs: not a disk"
					 : "not ext4",
	       ROUNDS);
	int pfd = file_make(plain, POOL_SIZE, data);
	int fd = file_make(pool, POOL_SIZE, data);
	uint8_t id[16] = "journal-bench-id";
	struct journal *j;
	static const struct {
		size_t npages, runs;
	} cases[] = {{1, 50}, {16, 20}, {256, 4}};
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	static struct samples ref, commit[NCASES], ckpt[NCASES], grow[NCASES];
	/* commits that grow a new journal file, apart */
	for (size_t i = 0; i < NCASES; i++) {
		unlink(jpath);
		int r = journal_open(jpath, fd, POOL_SIZE, id, NULL, &j);
		if (r)
			die("journal_open", -r);
		commits(j, cases[i].npages, cases[i].runs, pages, &grow[i],
			NULL);
		journal_close(j);
	}
	/* the journal grown by the largest case, then overwritten */
	int r = journal_open(jpath, fd, POOL_SIZE, id, NULL, &j);
	if (r)
		die("journal_open", -r);
	r = journal_recover(j);
	if (r < 0)
		die("journal_recover", -r);
	commits(j, cases[NCASES - 1].npages, cases[NCASES - 1].runs, pages,
		NULL, NULL);
	for (int round = 0; round < ROUNDS; round++) {
		plain_writes(pfd, data, 50, &ref);
		for (size_t i = 0; i < NCASES; i++)
			commits(j, cases[i].npages, cases[i].runs, pages,
				&commit[i], &ckpt[i]);
	}
	double t_ref = median(&ref);
	printf("%-34s %8.1f us\n", "pwrite 4 KiB + fdatasync", t_ref * 1e6);
	for (size_t i = 0; i < NCASES; i++) {
		double t = median(&commit[i]);
		char what[64];
		snprintf(what, sizeof(what), "commit of %zu page%s",
			 cases[i].npages, cases[i].npages > 1 ? "s" : "");
		printf("%-34s %8.1f us (x%.2f the plain write, %.0f MB/s)\n",
		       what, t * 1e6, t / t_ref,
		       (double)cases[i].npages * PAGE / t / 1e6);
		printf("%-34s %8.1f us (%zu runs)\n", "  in a new journal file",
		       median(&grow[i]) * 1e6, grow[i].n);
		snprintf(what, sizeof(what), "  checkpoint of %zu x %zu pages",
			 cases[i].runs, cases[i].npages);
		printf("%-34s %8.1f us\n", what, median(&ckpt[i]) * 1e6);
	}
	close(pfd);
	unlink(plain);
	journal_close(j);
	close(fd);
	unlink(jpath);
	unlink(pool);
	free(data);
	return 0;
}
