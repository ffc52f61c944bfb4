// SPDX-License-Identifier: BSD-3-Clause
/*
 * journal_api -- the page journal's calls against a model of the pool file:
 * commits, checkpoints, reopenings and recoveries in a seeded random order
 * (with repeated pages, in a batch and across batches, and a batch of more
 * pages than one pwritev takes); a journal of another pool, of another
 * version or that is not a journal refused with EINVAL and a message, its
 * file left as it was; unaligned offsets and offsets past the pool's end
 * refused with EINVAL before anything is written; commits refused with
 * EBUSY till what open found is recovered; failed writes and fdatasyncs
 * reported, and the call made again; an empty journal; a journal
 * truncated at every byte length, and one with a byte changed in a batch,
 * recovered to the last whole batch before the damage, and usable after;
 * on a disk file system a big batch of whole pages written by O_DIRECT
 * (none of its pages in the page cache after), small ones buffered, all
 * recovered. Pages written ahead of a commit (ahead_writes). A checkpoint
 * that takes the pages from an image of the pool (from_image): those past
 * the offset it is given come from the image, the others from the journal,
 * and pages of no batch are not written.
 *
 * JOURNAL_SEED=n picks the seed (printed); STRESS=1 runs longer.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "tjournal.h"

#define NPAGES 16 /* pages of the pool */
#define POOL_SIZE (NPAGES * TJ_PAGE)

static const uint8_t id_a[16] = "pool-a-id-012345";
static const uint8_t id_b[16] = "pool-b-id-012345";
static char pool_path[4096], journal_path[4096];
static uint64_t rng;

/* The pool file, made anew with the contents of image. */
static int pool_make(const unsigned char *image)
{
	tj_write_file(pool_path, image, POOL_SIZE);
	int fd = open(pool_path, O_RDWR);
	T_ASSERT(fd >= 0);
	return fd;
}

/*
 * A new pool of random bytes in image (and in model, unless NULL), without
 * a journal: its descriptor.
 */
static int pool_fresh(unsigned char *image, unsigned char *model)
{
	tj_fill(&rng, image, POOL_SIZE);
	if (model)
		memcpy(model, image, POOL_SIZE);
	unlink(journal_path);
	return pool_make(image);
}

static struct journal *journal_open_ok(int pool_fd)
{
	struct journal *j = NULL;
	T_EQ(journal_open(journal_path, pool_fd, POOL_SIZE, id_a, NULL, &j), 0);
	T_ASSERT(j != NULL);
	return j;
}

/* The journal of fd opened again: it recovers n batches; closed. */
static void reopen_recovers(int fd, int n)
{
	struct journal *j = journal_open_ok(fd);
	T_EQ(journal_recover(j), n);
	journal_close(j);
}

static void commit_ok(struct journal *j, const struct tj_batch *b,
		      unsigned char *model)
{
	T_EQ(journal_commit(j, b->n, b->offs, b->pages), 0);
	tj_apply(model, b->n, b->offs, b->pages);
}

static off_t file_size(const char *path)
{
	struct stat st;
	T_EQ(stat(path, &st), 0);
	return st.st_size;
}

/*
 * Random commits, checkpoints and reopenings: the pool file holds the model
 * as of the last checkpoint or recovery, never a commit not yet applied.
 */
static void round_trips(unsigned rounds)
{
	unsigned char model[POOL_SIZE], applied[POOL_SIZE];
	struct tj_batch b = {0};
	tj_fill(&rng, model, POOL_SIZE);
	memcpy(applied, model, POOL_SIZE);
	unlink(journal_path);
	int fd = pool_make(model);
	struct journal *j = journal_open_ok(fd);
	int pending = 0;
	unsigned checkpoints = 0, reopens = 0;
	for (unsigned r = 0; r < rounds; r++) {
		size_t what = tj_below(&rng, 10);
		if (what < 6) {
			uint64_t used = journal_used(j);
			tj_batch_random(&b, 1 + tj_below(&rng, 3 * NPAGES),
					&rng, NPAGES);
			commit_ok(j, &b, model);
			/* one head block (up to 500 pages), then the pages */
			T_EQ(journal_used(j), used + (1 + b.n) * TJ_PAGE);
			pending++;
		} else if (what < 8) {
			T_EQ(journal_checkpoint(j), pending);
			T_EQ(journal_used(j), JOURNAL_HEADER);
			memcpy(applied, model, POOL_SIZE);
			pending = 0;
			checkpoints++;
		} else {
			/* a power cut after the commits: nothing was lost */
			journal_close(j);
			j = journal_open_ok(fd);
			/* a new journal may take commits before recovering */
			bool fresh = file_size(journal_path) == JOURNAL_HEADER;
			tj_batch_random(&b, 1, &rng, NPAGES);
			T_EQ(journal_commit(j, b.n, b.offs, b.pages),
			     fresh ? 0 : -EBUSY);
			if (fresh) {
				tj_apply(model, b.n, b.offs, b.pages);
				pending++;
			}
			T_EQ(journal_recover(j), pending);
			memcpy(applied, model, POOL_SIZE);
			pending = 0;
			reopens++;
		}
		tj_expect_file(pool_path, applied, POOL_SIZE, "round trip");
	}
	/* a batch of more pages than IOV_MAX, past the pool's page count */
	tj_batch_random(&b, 1500, &rng, NPAGES);
	uint64_t used = journal_used(j);
	commit_ok(j, &b, model);
	/* 40 bytes of head and 1500 offsets: 3 blocks */
	T_EQ(journal_used(j), used + (3 + 1500) * TJ_PAGE);
	journal_close(j);
	j = journal_open_ok(fd);
	T_EQ(journal_recover(j), pending + 1);
	tj_expect_file(pool_path, model, POOL_SIZE, "a batch of 1500 pages");
	T_EQ(journal_recover(j), 0);
	journal_close(j);
	close(fd);
	tj_batch_free(&b);
	printf("round trips: %u steps, %u checkpoints, %u reopenings\n", rounds,
	       checkpoints, reopens);
}

/* A new journal: nothing to recover, the pool file untouched. */
static void empty_journal(void)
{
	unsigned char image[POOL_SIZE];
	int fd = pool_fresh(image, NULL);
	/* the journal is made with the pool file's permissions */
	umask(022);
	T_EQ(fchmod(fd, 0640), 0);
	struct journal *j = journal_open_ok(fd);
	struct stat st;
	T_EQ(stat(journal_path, &st), 0);
	T_EQ(st.st_mode & 07777, 0640);
	T_EQ(file_size(journal_path), JOURNAL_HEADER);
	T_EQ(journal_used(j), JOURNAL_HEADER);
	T_EQ(journal_recover(j), 0);
	T_EQ(journal_checkpoint(j), 0);
	T_EQ(journal_commit(j, 0, NULL, NULL), 0);
	T_EQ(file_size(journal_path), JOURNAL_HEADER);
	journal_close(j);
	reopen_recovers(fd, 0);
	tj_expect_file(pool_path, image, POOL_SIZE, "empty journal");
	close(fd);
}

/* open must fail with -EINVAL and a message naming why; files untouched. */
static void open_refused(int fd, uint64_t size, const uint8_t *id,
			 const char *why)
{
	size_t jlen, plen;
	unsigned char *jbefore = tj_read_file(journal_path, &jlen);
	unsigned char *pbefore = tj_read_file(pool_path, &plen);
	struct journal *j = NULL;
	tj_errormsg[0] = 0;
	T_EQ(journal_open(journal_path, fd, size, id, NULL, &j), -EINVAL);
	T_ASSERT(j == NULL);
	if (!strstr(tj_errormsg, why))
		T_FAIL("message \"%s\", expected one saying \"%s\"",
		       tj_errormsg, why);
	tj_expect_file(journal_path, jbefore, jlen, "refused journal");
	tj_expect_file(pool_path, pbefore, plen, "refused journal's pool");
	free(jbefore);
	free(pbefore);
}

/*
 * A journal with a batch not applied, opened for another pool: refused,
 * and still applied when its own pool opens it.
 */
static void foreign_journal(void)
{
	unsigned char image[POOL_SIZE], model[POOL_SIZE];
	struct tj_batch b = {0};
	int fd = pool_fresh(image, model);
	struct journal *j = journal_open_ok(fd);
	tj_batch_random(&b, 5, &rng, NPAGES);
	commit_ok(j, &b, model);
	journal_close(j);

	open_refused(fd, POOL_SIZE, id_b, "belongs to another pool");
	open_refused(fd, POOL_SIZE, id_b, "id differs");
	open_refused(fd, POOL_SIZE + TJ_PAGE, id_a, "size differs");
	open_refused(fd, POOL_SIZE - TJ_PAGE, id_a, "size differs");
	open_refused(fd, POOL_SIZE + 1, id_a, "whole number of pages");

	j = journal_open_ok(fd);
	T_EQ(journal_recover(j), 1);
	tj_expect_file(pool_path, model, POOL_SIZE, "own journal");
	journal_close(j);

	/* another version: slot 0 rewritten with a valid CRC */
	size_t len;
	unsigned char *jbuf = tj_read_file(journal_path, &len);
	struct journal_slot s[2];
	memcpy(s, jbuf, sizeof(s[0]));
	memcpy(&s[1], jbuf + JOURNAL_SLOT_SIZE, sizeof(s[1]));
	/* the checkpoint wrote slot 1 */
	T_EQ(s[1].start_seq, 2);
	s[1].version = JOURNAL_VERSION + 1;
	s[1].crc = crc32c(0, &s[1], offsetof(struct journal_slot, crc));
	memcpy(jbuf + JOURNAL_SLOT_SIZE, &s[1], sizeof(s[1]));
	tj_write_file(journal_path, jbuf, len);
	open_refused(fd, POOL_SIZE, id_a, "version 2");

	/* not a journal, past its header: refused */
	tj_fill(&rng, jbuf, len);
	tj_write_file(journal_path, jbuf, 2 * TJ_PAGE);
	open_refused(fd, POOL_SIZE, id_a, "no valid header");
	/* within a header's size (a creation cut short): made a journal */
	tj_write_file(journal_path, jbuf, 100);
	reopen_recovers(fd, 0);
	T_EQ(file_size(journal_path), JOURNAL_HEADER);
	tj_expect_file(pool_path, model, POOL_SIZE, "new journal");
	free(jbuf);
	close(fd);
	tj_batch_free(&b);
}

/* Offsets a commit refuses with -EINVAL, writing nothing. */
static void bad_offsets(void)
{
	unsigned char image[POOL_SIZE], page[TJ_PAGE];
	int fd = pool_fresh(image, NULL);
	tj_fill(&rng, page, TJ_PAGE);
	struct journal *j = journal_open_ok(fd);
	const uint64_t bad[] = {1,
				TJ_PAGE + 512,
				POOL_SIZE,
				POOL_SIZE + TJ_PAGE,
				UINT64_MAX - TJ_PAGE + 1,
				POOL_SIZE - 1};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the bad offset after a good one: nothing written at all */
		uint64_t offs[2] = {0, bad[i]};
		const void *pages[2] = {page, page};
		tj_errormsg[0] = 0;
		T_EQ(journal_commit(j, 2, offs, pages), -EINVAL);
		T_ASSERT(strstr(tj_errormsg, "unaligned or outside") != NULL);
		T_EQ(file_size(journal_path), JOURNAL_HEADER);
	}
	T_EQ(journal_commit(j, JOURNAL_MAX_PAGES + 1ULL, NULL, NULL), -EINVAL);
	/* the last page of the pool is inside it */
	uint64_t last = POOL_SIZE - TJ_PAGE;
	const void *p = page;
	T_EQ(journal_commit(j, 1, &last, &p), 0);
	T_EQ(journal_checkpoint(j), 1);
	memcpy(image + last, page, TJ_PAGE);
	tj_expect_file(pool_path, image, POOL_SIZE, "last page");
	journal_close(j);
	close(fd);
}

/* Failures the next file operations meet: errno values, 0 for none. */
static int fail_pwritev, fail_fdatasync;

static ssize_t failing_pwritev(int fd, const struct iovec *iov, int cnt,
			       off_t off)
{
	if (fail_pwritev) {
		errno = fail_pwritev;
		fail_pwritev = 0;
		return -1;
	}
	return pwritev(fd, iov, cnt, off);
}

static int failing_fdatasync(int fd)
{
	if (fail_fdatasync) {
		errno = fail_fdatasync;
		fail_fdatasync = 0;
		return -1;
	}
	return fdatasync(fd);
}

static const struct journal_io failing_io = {
    .pwritev = failing_pwritev,
    .pread = pread,
    .fdatasync = failing_fdatasync,
};

/*
 * A write or an fdatasync that fails: the commit or the checkpoint returns
 * its error and may be made again; an interrupted write is made again.
 */
static void io_errors(void)
{
	unsigned char image[POOL_SIZE], model[POOL_SIZE];
	struct tj_batch b = {0};
	int fd = pool_fresh(image, model);
	struct journal *j = NULL;
	T_EQ(journal_open(journal_path, fd, POOL_SIZE, id_a, &failing_io, &j),
	     0);

	tj_batch_random(&b, 3, &rng, NPAGES);
	fail_pwritev = EIO;
	T_EQ(journal_commit(j, b.n, b.offs, b.pages), -EIO);
	fail_pwritev = ENOSPC;
	T_EQ(journal_commit(j, b.n, b.offs, b.pages), -ENOSPC);
	fail_fdatasync = EIO;
	T_EQ(journal_commit(j, b.n, b.offs, b.pages), -EIO);
	T_EQ(journal_used(j), JOURNAL_HEADER);
	/* written again in the failed batch's place */
	tj_batch_random(&b, 2, &rng, NPAGES);
	fail_pwritev = EINTR;
	commit_ok(j, &b, model);
	T_EQ(journal_used(j), JOURNAL_HEADER + 3 * TJ_PAGE);

	/* the pool file's fdatasync, then the header's */
	fail_fdatasync = EIO;
	T_EQ(journal_checkpoint(j), -EIO);
	fail_pwritev = EIO;
	T_EQ(journal_checkpoint(j), -EIO);
	tj_batch_random(&b, 4, &rng, NPAGES);
	commit_ok(j, &b, model);
	T_EQ(journal_checkpoint(j), 2);
	tj_expect_file(pool_path, model, POOL_SIZE, "after failures");
	journal_close(j);
	reopen_recovers(fd, 0);
	tj_expect_file(pool_path, model, POOL_SIZE, "after failures, reopened");
	close(fd);
	tj_batch_free(&b);
}

/*
 * Three batches (1, 2 and 3 pages); models[k]: the pool after the first k.
 * Leaves their journal in jbuf (*jlen bytes) and the first pool in image.
 */
static unsigned char *three_batches(unsigned char *image,
				    unsigned char models[4][POOL_SIZE],
				    size_t ends[4], size_t *jlen)
{
	struct tj_batch b = {0};
	int fd = pool_fresh(image, models[0]);
	struct journal *j = journal_open_ok(fd);
	ends[0] = JOURNAL_HEADER;
	for (size_t k = 1; k <= 3; k++) {
		tj_batch_random(&b, k, &rng, NPAGES);
		memcpy(models[k], models[k - 1], POOL_SIZE);
		commit_ok(j, &b, models[k]);
		ends[k] = (size_t)file_size(journal_path);
		T_EQ(ends[k], ends[k - 1] + (k + 1) * TJ_PAGE);
	}
	journal_close(j);
	close(fd);
	tj_batch_free(&b);
	return tj_read_file(journal_path, jlen);
}

/* The pool file must hold want. */
static void pool_expect(int fd, const unsigned char *want, const char *what,
			size_t len)
{
	unsigned char got[POOL_SIZE];
	T_EQ(pread(fd, got, POOL_SIZE, 0), (ssize_t)POOL_SIZE);
	for (size_t i = 0; i < POOL_SIZE; i++)
		if (got[i] != want[i])
			T_FAIL("%s at %zu bytes: the pool differs at byte %zu "
			       "(page %zu)",
			       what, len, i, i / TJ_PAGE);
}

/*
 * The journal cut at every byte length, from the longest down: the whole
 * batches before the cut are applied, and no more.
 */
static void truncated(void)
{
	unsigned char image[POOL_SIZE], models[4][POOL_SIZE];
	size_t ends[4], jlen;
	unsigned char *jbuf = three_batches(image, models, ends, &jlen);
	int jfd = open(journal_path, O_RDWR);
	T_ASSERT(jfd >= 0);
	int fd = pool_make(image);
	for (size_t len = jlen + 1; len-- > 0;) {
		int k = 0;
		while (k < 3 && ends[k + 1] <= len)
			k++;
		/* the header as it was before the last recovery wrote it */
		T_EQ(ftruncate(jfd, (off_t)len), 0);
		size_t hlen = len < TJ_PAGE ? len : TJ_PAGE;
		T_EQ(pwrite(jfd, jbuf, hlen, 0), (ssize_t)hlen);
		struct journal *j = journal_open_ok(fd);
		T_EQ(journal_recover(j), k);
		T_EQ(journal_recover(j), 0);
		journal_close(j);
		pool_expect(fd, models[k], "truncated", len);
		if (k)
			T_EQ(pwrite(fd, image, POOL_SIZE, 0),
			     (ssize_t)POOL_SIZE);
	}
	close(fd);
	close(jfd);
	printf("truncated: %zu lengths\n", jlen + 1);
	free(jbuf);
}

/*
 * A byte changed in the first or the second batch (its head, an offset, a
 * page): only the batches before it are applied; the ones after, still in
 * the file, never come back, even where a batch committed after the
 * recovery ends where the next one starts.
 */
static void damaged(void)
{
	unsigned char image[POOL_SIZE], models[4][POOL_SIZE];
	size_t ends[4], jlen;
	unsigned char *jbuf = three_batches(image, models, ends, &jlen);
	const size_t where[] = {
	    0, 8, 16, 24, 32, 36, 40, 48, 100, TJ_PAGE, 2 * TJ_PAGE - 1};
	for (int d = 1; d <= 2; d++) {
		for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
			size_t at = ends[d - 1] + where[i];
			jbuf[at] ^= 0x20;
			tj_write_file(journal_path, jbuf, jlen);
			jbuf[at] ^= 0x20;
			int fd = pool_make(image);
			struct journal *j = journal_open_ok(fd);
			T_EQ(journal_recover(j), d - 1);
			pool_expect(fd, models[d - 1], "damaged", at);

			/* a batch ending where batch d + 1 starts */
			unsigned char model[POOL_SIZE];
			struct tj_batch b = {0};
			memcpy(model, models[d - 1], POOL_SIZE);
			tj_batch_random(
			    &b, (ends[d] - JOURNAL_HEADER) / TJ_PAGE - 1, &rng,
			    NPAGES);
			commit_ok(j, &b, model);
			T_EQ(file_size(journal_path), jlen);
			journal_close(j);
			tj_batch_free(&b);
			j = journal_open_ok(fd);
			T_EQ(journal_recover(j), 1);
			journal_close(j);
			pool_expect(fd, model, "after damage", at);
			close(fd);
		}
	}
	free(jbuf);
}

/*
 * The pages a mapping of the file at path has in the page cache among
 * npages from off.
 */
static size_t cached_pages(const char *path, uint64_t off, size_t npages)
{
	int fd = open(path, O_RDONLY);
	T_ASSERT(fd >= 0);
	size_t len = (size_t)off + npages * TJ_PAGE;
	unsigned char *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	T_ASSERT(map != MAP_FAILED);
	unsigned char vec[64];
	T_ASSERT(npages <= sizeof(vec));
	T_EQ(mincore(map + off, npages * TJ_PAGE, vec), 0);
	size_t n = 0;
	for (size_t i = 0; i < npages; i++)
		n += vec[i] & 1;
	munmap(map, len);
	close(fd);
	return n;
}

/*
 * On a disk file system (PMEMFILE_TEST_DISK, default /var/tmp) a big
 * batch of whole pages (4 MiB and more) goes to the disk by O_DIRECT,
 * written while its CRC32C is computed: none of its pages is in the page
 * cache after the commit; small batches, of whole pages or not, are
 * written buffered (their pages cached). All are recovered. Where the
 * file system refuses O_DIRECT (tmpfs), all go buffered: the same, but
 * for the page cache.
 */
static void direct_writes(void)
{
	const char *base = getenv("PMEMFILE_TEST_DISK");
	char dir[4096], pool[4200], jpath[4300];
	snprintf(dir, sizeof(dir), "%s/pmemfile-japi.XXXXXX",
		 base && *base ? base : "/var/tmp");
	T_ASSERT(mkdtemp(dir) != NULL);
	snprintf(pool, sizeof(pool), "%s/pool", dir);
	snprintf(jpath, sizeof(jpath), "%s/pool.journal", dir);
	int probe = open(dir, O_TMPFILE | O_RDWR | O_DIRECT, 0600);
	bool direct = probe >= 0;
	if (probe >= 0)
		close(probe);

	unsigned char image[POOL_SIZE];
	tj_fill(&rng, image, POOL_SIZE);
	tj_write_file(pool, image, POOL_SIZE);
	int fd = open(pool, O_RDWR);
	T_ASSERT(fd >= 0);
	struct journal *j = NULL;
	T_EQ(journal_open(jpath, fd, POOL_SIZE, id_a, NULL, &j), 0);

	enum { N = 8 };
	unsigned char *aligned = NULL, *odd = malloc(N * TJ_PAGE + 1);
	T_EQ(posix_memalign((void **)&aligned, TJ_PAGE, N * TJ_PAGE), 0);
	T_ASSERT(odd != NULL);
	tj_fill(&rng, aligned, N * TJ_PAGE);
	tj_fill(&rng, odd, N * TJ_PAGE + 1);
	uint64_t offs[N];
	const void *pa[N], *po[N];
	for (size_t i = 0; i < N; i++) {
		offs[i] = (uint64_t)(N - 1 - i) * TJ_PAGE;
		pa[i] = aligned + i * TJ_PAGE;
		po[i] = odd + 1 + i * TJ_PAGE;
	}
	/* one head block, then the pages */
	uint64_t at = journal_used(j);
	T_EQ(journal_commit(j, N, offs, pa), 0);
	tj_apply(image, N, offs, pa);
	T_EQ(cached_pages(jpath, at + TJ_PAGE, N), (size_t)N);
	at = journal_used(j);
	offs[0] = 9 * TJ_PAGE;
	T_EQ(journal_commit(j, N, offs, po), 0);
	tj_apply(image, N, offs, po);
	T_EQ(cached_pages(jpath, at + TJ_PAGE, N), (size_t)N);

	/* a big batch: by O_DIRECT, while its CRC32C is computed */
	enum { BIG = 1100 };
	unsigned char *big = NULL;
	T_EQ(posix_memalign((void **)&big, TJ_PAGE, BIG * TJ_PAGE), 0);
	tj_fill(&rng, big, BIG * TJ_PAGE);
	uint64_t *boffs = malloc(BIG * sizeof(*boffs));
	const void **bp = malloc(BIG * sizeof(*bp));
	T_ASSERT(boffs && bp);
	for (size_t i = 0; i < BIG; i++) {
		boffs[i] = (uint64_t)((i * 5) % NPAGES) * TJ_PAGE;
		bp[i] = big + i * TJ_PAGE;
	}
	at = journal_used(j);
	T_EQ(journal_commit(j, BIG, boffs, bp), 0);
	tj_apply(image, BIG, boffs, bp);
	/* three head blocks: the head and 1100 offsets, 8840 bytes */
	T_EQ(journal_used(j), at + 3 * TJ_PAGE + BIG * TJ_PAGE);
	size_t cached = cached_pages(jpath, at + 3 * TJ_PAGE, 64);
	if (direct && cached != 0)
		T_FAIL("%zu of 64 pages of a batch by O_DIRECT are in the "
		       "page cache",
		       cached);
	journal_close(j);

	T_EQ(journal_open(jpath, fd, POOL_SIZE, id_a, NULL, &j), 0);
	T_EQ(journal_recover(j), 3);
	journal_close(j);
	tj_expect_file(pool, image, POOL_SIZE, "batches by O_DIRECT");
	printf("direct_writes: %s\n",
	       direct ? "big batch by O_DIRECT, not cached"
		      : "O_DIRECT refused here: all batches buffered");
	close(fd);
	free(aligned);
	free(odd);
	free(big);
	free(boffs);
	free(bp);
	unlink(jpath);
	unlink(pool);
	rmdir(dir);
}

/*
 * Pages written ahead of a commit (journal_ahead_write): none in force
 * before the commit (reopened, nothing to recover); a commit with them
 * first writes its head before them and the rest after, a filler batch of
 * copies of an unchanged page taking the room the head leaves; the journal
 * cut anywhere from the filler's end on recovers the pool as before (the
 * filler alone changes nothing), whole: the commit, a page written ahead
 * and again in the rest at its last copy. Pages written ahead that cannot
 * serve (a checkpoint moved the tail, a head bigger than the room) are
 * written again by a plain commit.
 */
static void ahead_writes(void)
{
	enum { A = 40, N = 50, MAX = 600 };
	unsigned char image[POOL_SIZE], model[POOL_SIZE], before[POOL_SIZE];
	int fd = pool_fresh(image, model);
	struct journal *j = journal_open_ok(fd);
	struct tj_batch b = {0};
	/* the last 4 pages stay as they are: the filler's among them */
	tj_batch_random(&b, N, &rng, NPAGES - 4);
	b.offs[A + 2] = b.offs[3];
	uint64_t filler = (NPAGES - 1) * TJ_PAGE;
	unsigned char *fpage = NULL;
	T_EQ(posix_memalign((void **)&fpage, TJ_PAGE, TJ_PAGE), 0);
	memcpy(fpage, model + filler, TJ_PAGE);

	T_EQ(journal_ahead_write(j, b.data, 25, MAX), 0);
	T_EQ(journal_ahead_write(j, b.data + 25 * TJ_PAGE, A - 25, MAX), 0);
	T_EQ(journal_ahead_pages(j), (size_t)A);
	journal_close(j);
	j = journal_open_ok(fd);
	T_EQ(journal_recover(j), 0);
	tj_expect_file(pool_path, model, POOL_SIZE, "written ahead only");

	T_EQ(journal_ahead_write(j, b.data, A, MAX), 0);
	uint64_t tail = journal_used(j);
	T_EQ(journal_commit_ahead(j, N, b.offs, b.pages, A, filler, fpage), 0);
	/* room for a head of 600 pages (2 blocks) and 2 of a filler */
	T_EQ(journal_used(j), tail + (4 + N) * TJ_PAGE);
	memcpy(before, model, POOL_SIZE);
	tj_apply(model, N, b.offs, b.pages);
	journal_close(j);
	size_t jlen;
	unsigned char *jbuf = tj_read_file(journal_path, &jlen);
	T_ASSERT(jlen >= tail + (4 + N) * TJ_PAGE);
	jlen = tail + (4 + N) * TJ_PAGE;
	size_t cuts[] = {tail + 3 * TJ_PAGE - 1, tail + 3 * TJ_PAGE,
			 tail + 4 * TJ_PAGE, jlen - 1, jlen};
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		tj_write_file(journal_path, jbuf, cuts[c]);
		T_EQ(pwrite(fd, image, POOL_SIZE, 0), (ssize_t)POOL_SIZE);
		j = journal_open_ok(fd);
		int want = cuts[c] == jlen ? 2 : cuts[c] >= tail + 3 * TJ_PAGE;
		T_EQ(journal_recover(j), want);
		journal_close(j);
		tj_expect_file(pool_path, cuts[c] == jlen ? model : before,
			       POOL_SIZE, "written ahead, cut");
	}
	free(jbuf);

	/* a checkpoint between: the tail moved */
	j = journal_open_ok(fd);
	T_EQ(journal_recover(j), 0);
	struct tj_batch one = {0};
	tj_batch_random(&one, 1, &rng, NPAGES - 4);
	commit_ok(j, &one, model);
	T_EQ(journal_ahead_write(j, b.data, A, MAX), 0);
	T_EQ(journal_checkpoint(j), 1);
	T_EQ(journal_commit_ahead(j, N, b.offs, b.pages, A, filler, fpage), 0);
	T_EQ(journal_used(j), JOURNAL_HEADER + (1 + N) * TJ_PAGE);
	tj_apply(model, N, b.offs, b.pages);
	tj_batch_free(&one);
	/* room for a head of 1 page: 1600 need 4 blocks */
	struct tj_batch big = {0};
	tj_batch_random(&big, 1600, &rng, NPAGES - 4);
	tail = journal_used(j);
	T_EQ(journal_ahead_write(j, big.data, A, 1), 0);
	T_EQ(journal_commit_ahead(j, 1600, big.offs, big.pages, A, filler,
				  fpage),
	     0);
	T_EQ(journal_used(j), tail + (4 + 1600) * TJ_PAGE);
	tj_apply(model, 1600, big.offs, big.pages);
	journal_close(j);
	reopen_recovers(fd, 2);
	tj_expect_file(pool_path, model, POOL_SIZE, "written ahead in vain");
	close(fd);
	free(fpage);
	tj_batch_free(&b);
	tj_batch_free(&big);
	printf("ahead_writes: not in force alone, a filler, cut at %zu "
	       "places, plain commits where they cannot serve\n",
	       sizeof(cuts) / sizeof(cuts[0]));
}

/*
 * journal_checkpoint_from: three batches committed, then a checkpoint from
 * an image that holds each page's last copy, but for the first two pages
 * (taken from the journal), a page of no batch (not written) and one page
 * of a batch past them, changed (taken from the image as it is).
 */
static void from_image(void)
{
	unsigned char original[POOL_SIZE], model[POOL_SIZE], image[POOL_SIZE];
	bool taken[NPAGES] = {false};
	struct tj_batch b = {0};
	int fd = pool_fresh(original, model);
	struct journal *j = journal_open_ok(fd);
	for (size_t k = 1; k <= 3; k++) {
		tj_batch_random(&b, 2 * k, &rng, NPAGES);
		/* the first two pages in the batches as well */
		b.offs[0] = (k % 2) * TJ_PAGE;
		commit_ok(j, &b, model);
		for (size_t i = 0; i < b.n; i++)
			taken[b.offs[i] / TJ_PAGE] = true;
	}
	size_t changed = NPAGES, untaken = NPAGES;
	for (size_t p = NPAGES; p-- > 2;) {
		if (taken[p])
			changed = p;
		else
			untaken = p;
	}
	T_ASSERT(changed < NPAGES);
	memcpy(image, model, POOL_SIZE);
	memset(image, 0xa5, 2 * TJ_PAGE);
	memset(image + changed * TJ_PAGE, 0x5a, TJ_PAGE);
	if (untaken < NPAGES)
		memset(image + untaken * TJ_PAGE, 0x3c, TJ_PAGE);
	T_EQ(journal_checkpoint_from(j, (const char *)image, 2 * TJ_PAGE), 3);
	T_EQ(journal_used(j), JOURNAL_HEADER);
	unsigned char want[POOL_SIZE];
	memcpy(want, model, POOL_SIZE);
	memset(want + changed * TJ_PAGE, 0x5a, TJ_PAGE);
	pool_expect(fd, want, "a checkpoint from an image", 0);
	/* applied: nothing to recover after a reopening */
	journal_close(j);
	j = journal_open_ok(fd);
	T_EQ(journal_recover(j), 0);
	pool_expect(fd, want, "reopened after a checkpoint from an image", 0);
	journal_close(j);
	close(fd);
	tj_batch_free(&b);
	printf("a checkpoint from an image: ok (page %zu from the image, page "
	       "%zu untouched)\n",
	       changed, untaken);
}

int main(void)
{
	uint64_t seed = tj_seed("journal_api");
	bool stress = getenv("STRESS") != NULL;
	rng = seed * 2 + 1;
	tj_path(pool_path, sizeof(pool_path), "pool");
	tj_path(journal_path, sizeof(journal_path), "pool.journal");

	empty_journal();
	round_trips(stress ? 20000 : 400);
	foreign_journal();
	bad_offsets();
	io_errors();
	truncated();
	damaged();
	direct_writes();
	ahead_writes();
	from_image();
	unlink(journal_path);
	unlink(pool_path);
	printf("PASS\n");
	return 0;
}
