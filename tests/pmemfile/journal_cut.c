// SPDX-License-Identifier: BSD-3-Clause
/*
 * journal_cut -- power cuts at every instant of the page journal's work.
 *
 * A seeded workload of commits (random pages, random contents, offsets
 * repeated), checkpoints and reopenings (open and recover) runs once with
 * every write and every fdatasync made to the pool file and the journal
 * file recorded (some writes made short, which the journal must finish).
 * Then for every cut point, after any number of the recorded operations,
 * the files are built as a disk could hold them after a power cut there:
 * all that each file's last fdatasync before the cut covered, and of the
 * writes after it (which a disk persists in any order, a sector at a time
 * or torn within one) several mixes: none, all, and random ones where each
 * 512-byte sector holds what one of its writes left (or what it held
 * before them), some torn at a random byte, the file's size anywhere from
 * what was durable to what was written. On each such state:
 *
 * - journal_open and journal_recover succeed;
 * - the pool file holds exactly the model's image after the last commit
 *   whose fdatasync was issued before the cut (it had returned, as far as
 *   the disk can tell), or after a later commit all of whose writes had
 *   been issued (its fdatasync would be the next step: the disk may hold
 *   it whole); never anything else, never a mix;
 * - a batch committed after the recovery, reopened and recovered, lands on
 *   top of that image: the journal is usable after the cut.
 *
 * Prints how many cut points and states were checked, and how many states
 * recovered to a commit not acknowledged yet. JOURNAL_SEED=n picks the
 * seed (printed); STRESS=1 runs a longer workload, more states per cut
 * point, and near its end a batch of more pages than one pwritev takes.
 */
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "tjournal.h"

#define NPAGES 24
#define POOL_SIZE (NPAGES * TJ_PAGE)
#define SECTOR 512

enum { POOL, JRNL, NFILES };

static const uint8_t pool_id[16] = "journal-cut-pool";
static uint64_t rng;

/* A recorded operation: a write of len bytes at off, or an fdatasync. */
struct op {
	int file;
	bool sync;
	uint64_t off;
	size_t len;
	unsigned char *data;
};

static struct op *ops;
static size_t nops, ops_cap;
static int rec_pool_fd = -1;
static uint64_t short_rng; /* decides the short writes */

static void op_add(int file, bool sync, uint64_t off, size_t len,
		   unsigned char *data)
{
	if (nops == ops_cap) {
		ops_cap = ops_cap ? 2 * ops_cap : 256;
		ops = tj_realloc(ops, ops_cap * sizeof(*ops));
	}
	ops[nops++] = (struct op){file, sync, off, len, data};
}

static ssize_t rec_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	size_t len = 0;
	for (int i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	unsigned char *data = malloc(len);
	T_ASSERT(data != NULL);
	size_t at = 0;
	for (int i = 0; i < cnt; i++) {
		memcpy(data + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	/* one write in four made short: the journal must write the rest */
	if (len > 1 && tj_below(&short_rng, 4) == 0)
		len = 1 + tj_below(&short_rng, len - 1);
	ssize_t r = pwrite(fd, data, len, off);
	T_EQ(r, (ssize_t)len);
	op_add(fd == rec_pool_fd ? POOL : JRNL, false, (uint64_t)off, len,
	       data);
	return r;
}

static int rec_fdatasync(int fd)
{
	op_add(fd == rec_pool_fd ? POOL : JRNL, true, 0, 0, NULL);
	return fdatasync(fd);
}

static const struct journal_io rec_io = {
    .pwritev = rec_pwritev,
    .pread = pread,
    .fdatasync = rec_fdatasync,
};

/* The model: the pool's image after each commit, and where each ended. */
static unsigned char **images;
static size_t *last_write; /* the index of commit c's last write */
static size_t *sync_at;	   /* the index of commit c's fdatasync */
static size_t ncommits;	   /* images[0]: before the first commit */

static void model_commit(const struct tj_batch *b)
{
	images = tj_realloc(images, (ncommits + 2) * sizeof(*images));
	last_write = tj_realloc(last_write, (ncommits + 2) * sizeof(size_t));
	sync_at = tj_realloc(sync_at, (ncommits + 2) * sizeof(size_t));
	images[ncommits + 1] = malloc(POOL_SIZE);
	T_ASSERT(images[ncommits + 1] != NULL);
	memcpy(images[ncommits + 1], images[ncommits], POOL_SIZE);
	tj_apply(images[ncommits + 1], b->n, b->offs, b->pages);
	ncommits++;
	/* the commit's last operation is its fdatasync, after its writes */
	T_ASSERT(nops >= 2 && ops[nops - 1].sync && !ops[nops - 2].sync);
	sync_at[ncommits] = nops - 1;
	last_write[ncommits] = nops - 2;
}

/* The recorded run. */
static void workload(const char *dir, unsigned steps, bool big)
{
	char pool[4096], jpath[4096];
	snprintf(pool, sizeof(pool), "%s/rec.pool", dir);
	snprintf(jpath, sizeof(jpath), "%s/rec.pool.journal", dir);
	unlink(jpath);
	images = malloc(sizeof(*images));
	T_ASSERT(images != NULL);
	images[0] = malloc(POOL_SIZE);
	T_ASSERT(images[0] != NULL);
	tj_fill(&rng, images[0], POOL_SIZE);
	tj_write_file(pool, images[0], POOL_SIZE);
	rec_pool_fd = open(pool, O_RDWR);
	T_ASSERT(rec_pool_fd >= 0);

	struct journal *j;
	T_EQ(journal_open(jpath, rec_pool_fd, POOL_SIZE, pool_id, &rec_io, &j),
	     0);
	T_EQ(journal_recover(j), 0);
	struct tj_batch b = {0};
	unsigned checkpoints = 0, reopens = 0;
	for (unsigned s = 0; s < steps; s++) {
		bool last_big = big && s == steps - 3;
		size_t what = last_big ? 0 : tj_below(&rng, 10);
		if (what < 7) {
			size_t n = last_big ? 1030 : 1 + tj_below(&rng, 6);
			tj_batch_random(&b, n, &rng, NPAGES);
			T_EQ(journal_commit(j, b.n, b.offs, b.pages), 0);
			model_commit(&b);
		} else if (what < 9) {
			T_ASSERT(journal_checkpoint(j) >= 0);
			checkpoints++;
		} else {
			journal_close(j);
			T_EQ(journal_open(jpath, rec_pool_fd, POOL_SIZE,
					  pool_id, &rec_io, &j),
			     0);
			T_ASSERT(journal_recover(j) >= 0);
			reopens++;
		}
	}
	journal_close(j);
	close(rec_pool_fd);
	tj_batch_free(&b);
	unlink(jpath);
	unlink(pool);
	size_t syncs = 0;
	for (size_t i = 0; i < nops; i++)
		syncs += ops[i].sync;
	printf("workload: %zu commits, %u checkpoints, %u reopenings: %zu "
	       "writes, %zu fdatasyncs\n",
	       ncommits, checkpoints, reopens, nops - syncs, syncs);
}

/* A file as the operations before the cut left it. */
struct file_state {
	unsigned char *durable; /* what its last fdatasync covered */
	size_t durable_len;
	unsigned char *current; /* with every write after it */
	size_t current_len;
	size_t *pending; /* the indices of those writes */
	size_t npending;
};

static void apply_write(unsigned char **buf, size_t *len, const struct op *o)
{
	size_t end = (size_t)o->off + o->len;
	if (end > *len) {
		*buf = tj_realloc(*buf, end);
		memset(*buf + *len, 0, end - *len);
		*len = end;
	}
	memcpy(*buf + o->off, o->data, o->len);
}

static void state_step(struct file_state *f, size_t i)
{
	const struct op *o = &ops[i];
	if (o->sync) {
		f->durable = tj_realloc(f->durable, f->current_len + 1);
		memcpy(f->durable, f->current, f->current_len);
		f->durable_len = f->current_len;
		f->npending = 0;
		return;
	}
	apply_write(&f->current, &f->current_len, o);
	f->pending = tj_realloc(f->pending, (f->npending + 1) * sizeof(size_t));
	f->pending[f->npending++] = i;
}

/*
 * Sector s (of 512 bytes) after the first k of the pending writes that
 * touch it, into out: what was durable, then those writes in order.
 */
static void sector_version(const struct file_state *f, size_t s, size_t k,
			   unsigned char *out)
{
	size_t lo = s * SECTOR, hi = lo + SECTOR;
	memset(out, 0, SECTOR);
	if (lo < f->durable_len) {
		size_t n =
		    f->durable_len - lo < SECTOR ? f->durable_len - lo : SECTOR;
		memcpy(out, f->durable + lo, n);
	}
	for (size_t p = 0; p < f->npending && k > 0; p++) {
		const struct op *o = &ops[f->pending[p]];
		size_t a = (size_t)o->off, b = a + o->len;
		if (b <= lo || a >= hi)
			continue;
		size_t from = a > lo ? a : lo, to = b < hi ? b : hi;
		memcpy(out + (from - lo), o->data + (from - a), to - from);
		k--;
	}
}

static size_t sector_writes(const struct file_state *f, size_t s)
{
	size_t lo = s * SECTOR, hi = lo + SECTOR, m = 0;
	for (size_t p = 0; p < f->npending; p++) {
		const struct op *o = &ops[f->pending[p]];
		m += (size_t)o->off < hi && (size_t)o->off + o->len > lo;
	}
	return m;
}

/*
 * The file as the disk may hold it: variant 0 nothing pending, 1 all of
 * it; 2 and 3 the sectors after (before) a random one whole, the others as
 * durable (a disk that writes back from the end, or from the start, and is
 * cut midway); else a random mix (see the top), each sector left as
 * durable with a probability drawn for the state. Returns its length.
 */
static size_t state_build(const struct file_state *f, int variant,
			  unsigned char **out)
{
	if (variant == 0 || variant == 1) {
		size_t len = variant ? f->current_len : f->durable_len;
		*out = tj_realloc(*out, len + 1);
		memcpy(*out, variant ? f->current : f->durable, len);
		return len;
	}
	size_t max =
	    f->current_len > f->durable_len ? f->current_len : f->durable_len;
	size_t nsect = (max + SECTOR - 1) / SECTOR;
	*out = tj_realloc(*out, nsect * SECTOR + 1);
	memset(*out, 0, nsect * SECTOR);
	memcpy(*out, f->durable, f->durable_len);
	unsigned char a[SECTOR], b[SECTOR];
	size_t split = tj_below(&rng, nsect + 1);
	size_t none_in_16 = tj_below(&rng, 17);
	for (size_t s = 0; s < nsect; s++) {
		size_t m = sector_writes(f, s);
		if (m == 0)
			continue;
		if (variant == 2 || variant == 3) {
			bool whole = (s >= split) == (variant == 2);
			sector_version(f, s, whole ? m : 0, a);
			memcpy(*out + s * SECTOR, a, SECTOR);
			continue;
		}
		size_t k =
		    tj_below(&rng, 16) < none_in_16 ? 0 : 1 + tj_below(&rng, m);
		sector_version(f, s, k, a);
		if (tj_below(&rng, 8) == 0) {
			sector_version(f, s, tj_below(&rng, m + 1), b);
			size_t cut = tj_below(&rng, SECTOR);
			memcpy(a + cut, b + cut, SECTOR - cut);
		}
		memcpy(*out + s * SECTOR, a, SECTOR);
	}
	size_t len = f->durable_len;
	if (f->current_len > f->durable_len) {
		size_t r = tj_below(&rng, 3);
		len = r == 0   ? f->durable_len
		      : r == 1 ? f->current_len
			       : f->durable_len +
				     tj_below(&rng, f->current_len -
							f->durable_len + 1);
	}
	return len;
}

/* The pool as recovered must be one of images[lo..hi]: which one. */
static size_t image_match(const unsigned char *pool, size_t lo, size_t hi,
			  size_t cut, int variant)
{
	for (size_t c = hi + 1; c-- > lo;)
		if (memcmp(pool, images[c], POOL_SIZE) == 0)
			return c;
	size_t diff = 0;
	while (diff < POOL_SIZE && pool[diff] == images[lo][diff])
		diff++;
	T_FAIL("cut after %zu operations, state %d: the recovered pool is "
	       "none of the images after commits %zu to %zu (it differs from "
	       "the first at page %zu)",
	       cut, variant, lo, hi, diff / TJ_PAGE);
}

int main(void)
{
	uint64_t seed = tj_seed("journal_cut");
	bool stress = getenv("STRESS") != NULL;
	rng = seed * 2 + 1;
	short_rng = seed * 6 + 5;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	workload(dir, stress ? 400 : 120, stress);
	int variants = stress ? 40 : 16;

	char pool[4096], jpath[4096];
	snprintf(pool, sizeof(pool), "%s/cut.pool", dir);
	snprintf(jpath, sizeof(jpath), "%s/cut.pool.journal", dir);
	struct file_state files[NFILES] = {0};
	files[POOL].durable = malloc(POOL_SIZE);
	files[POOL].current = malloc(POOL_SIZE);
	T_ASSERT(files[POOL].durable && files[POOL].current);
	memcpy(files[POOL].durable, images[0], POOL_SIZE);
	memcpy(files[POOL].current, images[0], POOL_SIZE);
	files[POOL].durable_len = files[POOL].current_len = POOL_SIZE;

	unsigned char *buf = NULL, got[POOL_SIZE];
	size_t states = 0, unacked = 0, acked = 0, issued = 0;
	struct tj_batch b = {0};
	for (size_t cut = 0; cut <= nops; cut++) {
		if (cut > 0)
			state_step(&files[ops[cut - 1].file], cut - 1);
		while (acked < ncommits && sync_at[acked + 1] < cut)
			acked++;
		while (issued < ncommits && last_write[issued + 1] < cut)
			issued++;
		for (int v = 0; v < variants; v++) {
			size_t len = state_build(&files[POOL], v, &buf);
			T_EQ(len, POOL_SIZE);
			tj_write_file(pool, buf, len);
			len = state_build(&files[JRNL], v, &buf);
			if (len == 0 && v % 2)
				unlink(jpath); /* its creation not durable */
			else
				tj_write_file(jpath, buf, len);

			int fd = open(pool, O_RDWR);
			T_ASSERT(fd >= 0);
			struct journal *j;
			T_EQ(journal_open(jpath, fd, POOL_SIZE, pool_id, NULL,
					  &j),
			     0);
			T_ASSERT(journal_recover(j) >= 0);
			T_EQ(pread(fd, got, POOL_SIZE, 0), (ssize_t)POOL_SIZE);
			size_t c = image_match(got, acked, issued, cut, v);
			unacked += c > acked;

			/* the journal goes on from there */
			tj_batch_random(&b, 1 + tj_below(&rng, 3), &rng,
					NPAGES);
			T_EQ(journal_commit(j, b.n, b.offs, b.pages), 0);
			journal_close(j);
			T_EQ(journal_open(jpath, fd, POOL_SIZE, pool_id, NULL,
					  &j),
			     0);
			T_EQ(journal_recover(j), 1);
			journal_close(j);
			tj_apply(got, b.n, b.offs, b.pages);
			tj_expect_file(pool, got, POOL_SIZE,
				       "a commit after the recovery");
			close(fd);
			states++;
		}
	}
	printf("%zu cut points, %zu states checked: each recovered to the "
	       "last acknowledged commit or, %zu times, to a later one whose "
	       "writes were all issued\n",
	       nops + 1, states, unacked);
	unlink(jpath);
	unlink(pool);
	printf("PASS\n");
	return 0;
}
