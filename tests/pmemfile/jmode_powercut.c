// SPDX-License-Identifier: BSD-3-Clause
/*
 * jmode_powercut -- a power cut in journal mode, with the kernel's page
 * cache lost. A pool in a file of a disk (user.pmemfile.durability=journal)
 * runs the crash test's random operations, with sync points among them
 * (pmemfile_syncfs, pmemfile_fsync, pmemfile_fdatasync, writes on O_SYNC
 * descriptors, the pool's open and close) and enough data that the journal
 * is written into the pool file (checkpoints) several times:
 * PMEMFILE_JOURNAL_CHECKPOINT is 256 KiB here (jmode.c). The workload runs
 * in a process of its own with jmode_powercut_recorder.so preloaded, which
 * records every write to the pool file and to its journal with its bytes,
 * every call that made them durable, and the workload's marks, in order
 * (jmode_powercut.h); there is no timer (PMEMFILE_COMMIT_INTERVAL=0).
 *
 * A cut comes before any one of the recorded writes or durability calls,
 * or after the last. The disk it leaves: each file as it was before the
 * workload (the pool as created, no journal) with every write made before
 * the last fdatasync (fsync, syncfs) of that file that returned, and each
 * later write applied, dropped, or torn (some of its 512-byte sectors, the
 * file's size grown all the same) at random; a size change applied or not.
 * That disk is copied to a pool file and its journal in memory, which must
 * then pass pmemfile_check_pool (it replays the journal as an open would,
 * then checks), open, and hold the model's state at the last sync point
 * that returned before the cut, or, if a sync point was in flight at the
 * cut, the state it was making durable (it may have written its batch
 * whole already: nothing tells the workload till it returns).
 *
 * By default one workload is cut at every point. STRESS=1 runs several
 * longer ones. POWERCUT_SEED=n reproduces a run, POWERCUT_OPS=n sets the
 * number of operations after the prelude, POWERCUT_CUTS=n checks n cut
 * points at random instead of all, POWERCUT_KEEP=dir keeps a failing cut
 * there (the pool file and its journal before the check, and the record).
 *
 * Needs a disk file system (PMEMFILE_TEST_DISK, default /var/tmp) and a
 * kernel that tracks written pages (Linux 6.7): else it skips, saying so.
 */
#include "crash_verify.h"
#include "info.h"
#include "jmode_powercut.h"
#include "powercut_run.h"
#include "tcheck.h"
#include "tjmode.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define POOL_SIZE (16 * MiB)
#define SECTOR 512UL
#define CHECKPOINT_BYTES "262144"

static char disk_dir[PATH_MAX], pool_path[PATH_MAX + 8];
static char cut_dir[PATH_MAX], cut_pool[PATH_MAX + 8];
static char cut_journal[PATH_MAX + 16], record_path[PATH_MAX + 8];
static unsigned long seed;

/* The sync points of the workload. */
enum sync_how { S_OPEN, S_SYNCFS, S_FSYNC, S_FDATASYNC, S_OSYNC, S_CLOSE };
static const char *const sync_names[] = {
    "pool open",	  "pmemfile_syncfs", "pmemfile_fsync",
    "pmemfile_fdatasync", "an O_SYNC write", "pool close"};

static int mark_fd = -1;

static void mark(uint32_t kind, uint32_t with_op, uint32_t how,
		 const struct cm_rec *r)
{
	struct {
		struct jp_rec h;
		struct jp_mark m;
	} rec = {{JP_MAGIC, JP_MARK, 0, 0, 0, 0, sizeof(struct jp_mark)},
		 {kind, with_op, how, 0, {0}}};
	if (r)
		rec.m.r = *r;
	if (write(mark_fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
		_exit(5);
}

/* A write of the model (CM_PWRITE, CM_APPEND) through an O_SYNC open. */
static int osync_write(PMEMfilepool *pfp, const struct cm_rec *r)
{
	static unsigned char buf[CM_MAX_SIZE];
	char path[CM_PATH_MAX];
	cm_slot_path(r->a, path, sizeof(path));
	PMEMfile *f =
	    pmemfile_open(pfp, path,
			  PMEMFILE_O_WRONLY | PMEMFILE_O_SYNC |
			      (r->op == CM_APPEND ? PMEMFILE_O_APPEND : 0));
	if (!f)
		return -1;
	cm_data(buf, r->len, r->seq);
	ssize_t n =
	    r->op == CM_APPEND
		? pmemfile_write(pfp, f, buf, r->len)
		: pmemfile_pwrite(pfp, f, buf, r->len, (pmemfile_off_t)r->off);
	pmemfile_close(pfp, f);
	return n == (ssize_t)r->len ? 0 : -1;
}

/* pmemfile_fsync or fdatasync of a file of the model, or of the root. */
static int file_sync(PMEMfilepool *pfp, const struct cm_model *m,
		     enum sync_how how, unsigned *rng)
{
	char path[CM_PATH_MAX] = "/";
	int start = rand_r(rng) % CM_SLOTS;
	for (int i = 0; i < CM_SLOTS; i++) {
		int s = (start + i) % CM_SLOTS;
		if (m->slot[s] >= 0 && !m->ino[m->slot[s]].symlink) {
			cm_slot_path(s, path, sizeof(path));
			break;
		}
	}
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	if (!f)
		return -1;
	int r = how == S_FSYNC ? pmemfile_fsync(pfp, f)
			       : pmemfile_fdatasync(pfp, f);
	pmemfile_close(pfp, f);
	return r;
}

static int workload_fail(const char *what, const struct cm_rec *r)
{
	printf("workload: %s", what);
	if (r)
		printf(" (%s, a %d, b %d)", cm_op_names[r->op], r->a, r->b);
	printf(" failed: %s: %s\n", strerrorname_np(errno),
	       pmemfile_errormsg());
	return 3;
}

/* The workload: ops operations, sync points among them, all marked. */
static int workload(unsigned rng, unsigned long ops)
{
	static struct cm_model m;
	mark_fd = open(getenv("JP_RECORD"), O_WRONLY | O_APPEND);
	if (mark_fd < 0)
		return 4;
	mark(JM_SYNC_BEGIN, 0, S_OPEN, NULL);
	PMEMfilepool *pfp = pmemfile_pool_open(getenv("JP_POOL"));
	if (!pfp)
		return workload_fail("pool open", NULL);
	if (pmemfile_pool_durability(pfp) != PMEMFILE_DURABILITY_JOURNAL) {
		printf("workload: the pool is not in journal mode\n");
		return 2;
	}
	mark(JM_SYNC_END, 0, S_OPEN, NULL);
	cm_init(&m);
	for (unsigned long i = 0; i < ops; i++) {
		struct cm_rec r;
		if (i < PRELUDE)
			prelude_op(i, &r);
		else
			cm_pick(&m, &rng, &r);
		r.seq = i + 1;
		r.kind = CM_ACK;
		if ((r.op == CM_PWRITE || r.op == CM_APPEND) &&
		    rand_r(&rng) % 4 == 0) {
			mark(JM_SYNC_BEGIN, 1, S_OSYNC, &r);
			if (osync_write(pfp, &r))
				return workload_fail("O_SYNC write", &r);
			mark(JM_SYNC_END, 1, S_OSYNC, &r);
		} else {
			if (cm_do_op(pfp, &r))
				return workload_fail("operation", &r);
			mark(JM_OP, 0, 0, &r);
		}
		cm_apply(&m, &r);
		if (rand_r(&rng) % 4)
			continue;
		enum sync_how how =
		    (enum sync_how)(S_SYNCFS + rand_r(&rng) % 3);
		mark(JM_SYNC_BEGIN, 0, how, NULL);
		int s = how == S_SYNCFS ? pmemfile_syncfs(pfp)
					: file_sync(pfp, &m, how, &rng);
		if (s)
			return workload_fail(sync_names[how], NULL);
		mark(JM_SYNC_END, 0, how, NULL);
	}
	mark(JM_SYNC_BEGIN, 0, S_CLOSE, NULL);
	pmemfile_pool_close(pfp);
	mark(JM_SYNC_END, 0, S_CLOSE, NULL);
	cm_free(&m);
	return 0;
}

/* The record as read back, and its events (the records but the marks). */
static const unsigned char *record;
static size_t record_size;
static const struct jp_rec **recs;
static size_t nrecs;

static bool is_event(const struct jp_rec *r)
{
	return r->type != JP_MARK;
}

/* What the record holds, for the report of a workload. */
struct counts {
	size_t writes[2], syncs, sync_points, checkpoint_writes, events;
	/*
	 * writes of the pool file made durable before a commit (in place:
	 * the next write of the journal is a batch), not before the header
	 * slot of a checkpoint
	 */
	size_t placed;
};

static void record_load(struct counts *c)
{
	int fd = open(record_path, O_RDONLY);
	struct stat st;
	T_ASSERT(fd >= 0 && fstat(fd, &st) == 0);
	if (record)
		munmap((void *)record, record_size);
	record_size = (size_t)st.st_size;
	T_ASSERT(record_size > 0);
	record = mmap(NULL, record_size, PROT_READ, MAP_PRIVATE, fd, 0);
	T_ASSERT(record != MAP_FAILED);
	close(fd);
	free(recs);
	recs = NULL;
	nrecs = 0;
	memset(c, 0, sizeof(*c));
	size_t cap = 0, pool_pending = 0, pool_synced = 0, ckpt_pending = 0;
	bool closing = false;
	for (size_t pos = 0; pos < record_size;) {
		const struct jp_rec *r = (const void *)(record + pos);
		if (record_size - pos < sizeof(*r) || r->magic != JP_MAGIC ||
		    record_size - pos - sizeof(*r) < r->len)
			T_FAIL("the record is damaged at %zu", pos);
		if (r->type == JP_UNSEEN)
			T_FAIL("system call %llu may change the %s without a "
			       "record of its bytes",
			       (unsigned long long)r->aux,
			       r->file == JP_POOL ? "pool file" : "journal");
		if (r->type < JP_WRITE || r->type > JP_MARK ||
		    (r->type != JP_SYNC && r->type != JP_MARK &&
		     r->file > JP_JOURNAL))
			T_FAIL("a record of type %u at %zu", r->type, pos);
		if (r->type == JP_MARK) {
			const struct jp_mark *m = (const void *)(r + 1);
			T_ASSERT(r->len == sizeof(*m));
			if (m->kind == JM_SYNC_BEGIN) {
				c->sync_points++;
				closing = m->how == S_CLOSE;
			}
		}
		if (r->type == JP_WRITE)
			c->writes[r->file]++;
		if (r->type == JP_WRITE && r->file == JP_POOL) {
			pool_pending++;
			ckpt_pending += !closing;
		}
		if (r->type == JP_SYNC && (r->file & (1u << JP_POOL))) {
			pool_synced += pool_pending;
			pool_pending = 0;
		}
		if (r->type == JP_WRITE && r->file == JP_JOURNAL &&
		    pool_synced) {
			if (r->off < 4096)
				c->checkpoint_writes += ckpt_pending;
			else
				c->placed += pool_synced;
			pool_synced = ckpt_pending = 0;
		}
		if (r->type == JP_SYNC)
			c->syncs++;
		if (nrecs == cap) {
			cap = cap ? 2 * cap : 4096;
			const struct jp_rec **grown =
			    realloc(recs, cap * sizeof(*recs));
			T_ASSERT(grown != NULL);
			recs = grown;
		}
		recs[nrecs++] = r;
		c->events += is_event(r);
		pos += sizeof(*r) + r->len;
	}
}

/* A file of the disk: what is durable of it, and the writes since. */
struct dfile {
	bool exists;
	unsigned char *data;
	uint64_t size, cap;
	size_t *pending; /* indexes in recs */
	size_t npending, pcap;
};

static void dfile_room(struct dfile *f, uint64_t size)
{
	if (size <= f->cap)
		return;
	uint64_t cap = f->cap ? f->cap : MiB;
	while (cap < size)
		cap *= 2;
	f->data = realloc(f->data, cap);
	T_ASSERT(f->data != NULL);
	memset(f->data + f->cap, 0, cap - f->cap);
	f->cap = cap;
}

/* Sets the size; what it grows by reads as zeros. */
static void dfile_resize(struct dfile *f, uint64_t size)
{
	dfile_room(f, size);
	if (size > f->size)
		memset(f->data + f->size, 0, size - f->size);
	f->size = size;
}

/* Applies the bytes [from, to) of write w (in the file's offsets). */
static void write_part(struct dfile *f, const struct jp_rec *w, uint64_t from,
		       uint64_t to)
{
	if (from > f->size)
		dfile_resize(f, from);
	dfile_room(f, to);
	memcpy(f->data + from, (const unsigned char *)(w + 1) + (from - w->off),
	       to - from);
	if (to > f->size)
		f->size = to;
}

/* Applies event e whole. */
static void apply_whole(struct dfile *f, const struct jp_rec *e)
{
	switch (e->type) {
	case JP_WRITE:
		write_part(f, e, e->off, e->off + e->len);
		break;
	case JP_SIZE:
		dfile_resize(f, e->off);
		break;
	case JP_ALLOC:
		if (!(e->flags & FALLOC_FL_KEEP_SIZE) &&
		    e->off + e->aux > f->size)
			dfile_resize(f, e->off + e->aux);
		break;
	case JP_CREATE:
		f->exists = true;
		dfile_resize(f, 0);
		break;
	}
}

/* How the writes after the last durability call came out at a cut. */
struct cut_stats {
	size_t pending, applied, dropped, torn;
};

/*
 * Applies event e as a power cut may leave it: whole, not at all, or (a
 * write of several sectors) some of its sectors, the size grown anyway.
 */
static void apply_random(struct dfile *f, const struct jp_rec *e, unsigned *rng,
			 struct cut_stats *cs)
{
	cs->pending++;
	unsigned pick = (unsigned)rand_r(rng) % 3;
	if (e->type == JP_CREATE)
		pick = 0; /* the journal was created before it was written */
	if (pick == 1) {
		cs->dropped++;
		return;
	}
	uint64_t first = e->off & ~(SECTOR - 1), end = e->off + e->len;
	uint64_t units = (end - first + SECTOR - 1) / SECTOR;
	if (pick == 0 || e->type != JP_WRITE || units < 2) {
		cs->applied++;
		apply_whole(f, e);
		return;
	}
	cs->torn++;
	if (end > f->size)
		dfile_resize(f, end);
	for (uint64_t u = 0; u < units; u++) {
		if (rand_r(rng) % 2)
			continue;
		uint64_t a = first + u * SECTOR, b = a + SECTOR;
		write_part(f, e, a > e->off ? a : e->off, b < end ? b : end);
	}
}

/* Writes the file's data to path (or removes path if it does not exist). */
static void file_put(const char *path, const struct dfile *f)
{
	if (!f->exists) {
		T_ASSERT(unlink(path) == 0 || errno == ENOENT);
		return;
	}
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	T_ASSERT(fd >= 0);
	for (uint64_t done = 0; done < f->size;) {
		ssize_t n =
		    pwrite(fd, f->data + done, f->size - done, (off_t)done);
		T_ASSERT(n > 0);
		done += (uint64_t)n;
	}
	close(fd);
}

/*
 * The disk at a cut: each file durable, with its pending writes applied at
 * random from *rng (a copy: the same rng builds the same disk again), put
 * at pool and pool.journal.
 */
static void build_cut(const struct dfile dur[2], unsigned rng, const char *pool,
		      const char *journal, struct cut_stats *cs)
{
	static struct dfile work[2];
	const char *paths[2] = {pool, journal};
	memset(cs, 0, sizeof(*cs));
	for (int i = 0; i < 2; i++) {
		struct dfile *w = &work[i];
		w->exists = dur[i].exists;
		dfile_room(w, dur[i].size);
		memcpy(w->data, dur[i].data, dur[i].size);
		w->size = dur[i].size;
		for (size_t k = 0; k < dur[i].npending; k++)
			apply_random(w, recs[dur[i].pending[k]], &rng, cs);
		file_put(paths[i], w);
	}
}

/* The cut being checked, for a report. */
static size_t cur_event, cur_nevents, cur_rec;
static unsigned cur_rng;
static const struct dfile *cur_dur;
static struct cut_stats cur_cs;
static int cur_inflight = -1, cur_done = S_OPEN;
static bool cur_any_done;

static void cleanup(void)
{
	unlink(cut_pool);
	unlink(cut_journal);
	unlink(record_path);
	rmdir(cut_dir);
	char j[PATH_MAX + 16];
	snprintf(j, sizeof(j), "%s.journal", pool_path);
	unlink(j);
	unlink(pool_path);
	rmdir(disk_dir);
}

static void keep_failure(void)
{
	const char *keep = getenv("POWERCUT_KEEP");
	if (!keep || !*keep) {
		printf("(POWERCUT_KEEP=dir keeps the pool file and journal of "
		       "this cut)\n");
		return;
	}
	char p[PATH_MAX + 64], j[PATH_MAX + 64], cmd[2 * PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/jmode_powercut.pool", keep);
	snprintf(j, sizeof(j), "%s/jmode_powercut.pool.journal", keep);
	struct cut_stats cs;
	build_cut(cur_dur, cur_rng, p, j, &cs);
	printf("the disk of the cut: %s and %s (unchecked)\n", p, j);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'/jmode_powercut.record",
		 record_path, keep);
	if (system(cmd) == 0)
		printf("the record: %s/jmode_powercut.record\n", keep);
}

static void report_failure(void)
{
	printf("FAIL seed %lu: power cut before write or durability call %zu "
	       "of %zu (entry %zu of the record)\n",
	       seed, cur_event, cur_nevents, cur_rec);
	printf("writes after the last durability call of their file: %zu: "
	       "%zu applied, %zu dropped, %zu torn\n",
	       cur_cs.pending, cur_cs.applied, cur_cs.dropped, cur_cs.torn);
	if (cur_any_done)
		printf("the last sync point that returned: %s\n",
		       sync_names[cur_done]);
	if (cur_inflight >= 0)
		printf("in flight: %s\n", sync_names[cur_inflight]);
	keep_failure();
	printf("(rerun: POWERCUT_SEED=%lu)\n", seed);
	fflush(stdout);
}

/* The checker or the library may crash on a damaged pool: a failure. */
static void on_crash(int sig)
{
	printf("the check died of signal %d\n", sig);
	report_failure();
	cleanup();
	_exit(1);
}

/*
 * A check that does not end is a failure too (libpmemobj's walk of a
 * damaged heap may go round for ever).
 */
#define CHECK_SECONDS 60

static void on_alarm(int sig)
{
	(void)sig;
	printf("the check of the cut went on for %d s\n", CHECK_SECONDS);
	report_failure();
	cleanup();
	_exit(1);
}

/* The pool of the cut against one state: NULL if it holds that state. */
static const char *verify(const struct cm_model *want)
{
	static struct cm_model state, tmp;
	static struct cm_actual a;
	static bool ready;
	if (!ready) {
		cm_init(&state);
		cm_init(&tmp);
		cm_actual_init(&a);
		ready = true;
	}
	static const struct cm_rec none;
	cm_copy(&state, want);
	return cm_verify_pool(cut_pool, &state, 0, &none, &tmp, &a);
}

/*
 * Checks the cut with the disk given: the state of the last sync point
 * that returned (done), or of the one in flight (inflight, if any).
 */
static void check_cut(const struct dfile dur[2], unsigned rng,
		      const struct cm_model *done,
		      const struct cm_model *inflight)
{
	cur_dur = dur;
	cur_rng = rng;
	build_cut(dur, rng, cut_pool, cut_journal, &cur_cs);
	alarm(CHECK_SECONDS);
	const char *why = verify(done);
	if (!why) {
		alarm(0);
		return;
	}
	char first[600];
	snprintf(first, sizeof(first), "%s", why);
	if (inflight) {
		why = verify(inflight);
		alarm(0);
		if (!why)
			return;
		printf("against the state of the sync point in flight: %s\n",
		       why);
	}
	printf("against the state of the last sync point that returned: "
	       "%s\n",
	       first);
	report_failure();
	exit(1);
}

/*
 * Walks the record, checking a cut before each event for which want[k]
 * is set (want has one more entry: the end). Returns the cuts checked.
 */
static size_t check_cuts(const unsigned char *base, const bool *want,
			 size_t nevents, unsigned *rng, struct cut_stats *total)
{
	static struct cm_model models[3];
	static bool ready;
	if (!ready) {
		for (int i = 0; i < 3; i++)
			cm_init(&models[i]);
		ready = true;
	}
	/* the last that returned, the one in flight, the operations */
	struct cm_model *done = &models[0], *next = &models[1],
			*ops = &models[2];
	struct cm_model empty;
	cm_init(&empty);
	cm_copy(done, &empty);
	cm_copy(ops, &empty);
	cm_free(&empty);
	bool inflight = false;
	struct jp_mark begin = {0};
	cur_inflight = -1;
	cur_any_done = false;
	cur_nevents = nevents;

	static struct dfile dur[2];
	for (int i = 0; i < 2; i++) {
		dur[i].npending = 0;
		dur[i].exists = i == JP_POOL;
		dfile_resize(&dur[i], 0);
	}
	dfile_resize(&dur[JP_POOL], POOL_SIZE);
	memcpy(dur[JP_POOL].data, base, POOL_SIZE);

	size_t checked = 0, ev = 0;
	for (size_t k = 0;; k++) {
		const struct jp_rec *r = k < nrecs ? recs[k] : NULL;
		if (r && r->type == JP_MARK) {
			const struct jp_mark *m = (const void *)(r + 1);
			if (m->kind == JM_OP) {
				cm_apply(ops, &m->r);
			} else if (m->kind == JM_SYNC_BEGIN) {
				T_ASSERT(!inflight);
				cm_copy(next, ops);
				if (m->with_op)
					cm_apply(next, &m->r);
				begin = *m;
				inflight = true;
				cur_inflight = (int)m->how;
			} else {
				T_ASSERT(inflight && m->how == begin.how);
				struct cm_model *t = done;
				done = next;
				next = t;
				if (begin.with_op)
					cm_apply(ops, &begin.r);
				inflight = false;
				cur_inflight = -1;
				cur_done = (int)m->how;
				cur_any_done = true;
			}
			continue;
		}
		if (want[ev]) {
			cur_event = ev;
			cur_rec = k;
			check_cut(dur, (unsigned)rand_r(rng), done,
				  inflight ? next : NULL);
			total->pending += cur_cs.pending;
			total->applied += cur_cs.applied;
			total->dropped += cur_cs.dropped;
			total->torn += cur_cs.torn;
			checked++;
		}
		if (!r)
			break;
		ev++;
		if (r->type == JP_SYNC) {
			for (int i = 0; i < 2; i++) {
				if (!(r->file & (1u << i)))
					continue;
				for (size_t p = 0; p < dur[i].npending; p++)
					apply_whole(&dur[i],
						    recs[dur[i].pending[p]]);
				dur[i].npending = 0;
			}
			continue;
		}
		struct dfile *f = &dur[r->file];
		if (f->npending == f->pcap) {
			f->pcap = f->pcap ? 2 * f->pcap : 256;
			f->pending =
			    realloc(f->pending, f->pcap * sizeof(*f->pending));
			T_ASSERT(f->pending != NULL);
		}
		f->pending[f->npending++] = k;
	}
	T_ASSERT(!inflight);
	return checked;
}

/*
 * The disk directory of the pool; false (after saying why) if it is on no
 * disk.
 */
static bool make_disk_dir(void)
{
	const char *top = t_disk_dir();
	if (!top)
		return false;
	snprintf(disk_dir, sizeof(disk_dir), "%s/pmemfile-jpowercut.XXXXXX",
		 top);
	T_ASSERT(mkdtemp(disk_dir) != NULL);
	snprintf(pool_path, sizeof(pool_path), "%s/pool", disk_dir);
	return true;
}

/*
 * The pool as created, in journal mode, read back as the base of every
 * disk; false (after saying why) if journal mode is not available.
 */
static bool create_pool(unsigned char *base)
{
	char j[PATH_MAX + 16];
	snprintf(j, sizeof(j), "%s.journal", pool_path);
	unlink(pool_path);
	unlink(j);
	PMEMfilepool *pfp = t_jmode_pool(pool_path, POOL_SIZE);
	if (!pfp)
		return false;
	T_EQ(pmemfile_pool_durability(pfp), PMEMFILE_DURABILITY_JOURNAL);
	pmemfile_pool_close(pfp);
	/* the close wrote the journal into the pool file: the workload's
	 * open makes it anew */
	T_EQ(unlink(j), 0);
	int fd = open(pool_path, O_RDONLY);
	T_ASSERT(fd >= 0);
	T_EQ(read(fd, base, POOL_SIZE), POOL_SIZE);
	close(fd);
	return true;
}

int main(int argc, char *argv[])
{
	if (argc == 4 && !strcmp(argv[1], "workload"))
		return workload((unsigned)strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	/* the cuts are checked on pools in memory (/dev/shm) */
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	char exe[PATH_MAX];
	powercut_self(exe);
	if (!make_disk_dir())
		return 77;
	const char *tmp = getenv("TMPDIR");
	snprintf(cut_dir, sizeof(cut_dir), "%s/jmode_powercut.XXXXXX",
		 tmp && *tmp ? tmp : "/dev/shm");
	T_ASSERT(mkdtemp(cut_dir) != NULL);
	snprintf(cut_pool, sizeof(cut_pool), "%s/pool", cut_dir);
	snprintf(cut_journal, sizeof(cut_journal), "%s.journal", cut_pool);
	snprintf(record_path, sizeof(record_path), "%s/record", cut_dir);
	atexit(cleanup);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGALRM, on_alarm);

	unsigned char *base = malloc(POOL_SIZE);
	T_ASSERT(base != NULL);
	if (!create_pool(base))
		return 77;

	bool stress = env_ul("STRESS", 0) != 0;
	seed = env_ul("POWERCUT_SEED", (unsigned long)time(NULL));
	unsigned long rounds = stress ? 5 : 1;
	unsigned long ops =
	    env_ul("POWERCUT_OPS", stress ? 400 : 120) + PRELUDE;
	unsigned long sample = env_ul("POWERCUT_CUTS", 0);
	printf("jmode_powercut: seed %lu, %lu workload(s) of %lu operations, "
	       "%s\n",
	       seed, rounds, ops,
	       sample ? "cut points at random" : "a cut at every point");
	unsigned rng = (unsigned)seed;
	for (unsigned long round = 0; round < rounds; round++) {
		if (round > 0)
			T_ASSERT(create_pool(base));
		powercut_run(exe, "jmode_powercut_recorder.so", record_path,
			     (unsigned)rand_r(&rng), ops,
			     (const char *const[]){
				 "JP_POOL", pool_path, "JP_RECORD", record_path,
				 "PMEMFILE_COMMIT_INTERVAL", "0",
				 "PMEMFILE_JOURNAL_CHECKPOINT",
				 CHECKPOINT_BYTES, "PMEMFILE_JOURNAL_PLACE_MIN",
				 "1", NULL});
		struct counts c;
		record_load(&c);
		if (c.checkpoint_writes == 0)
			T_FAIL("no checkpoint before the pool's close: the "
			       "workload wrote too little");
		if (c.placed == 0)
			T_FAIL("no page written in place before a commit: "
			       "the workload wrote no new storage");
		if (c.writes[JP_JOURNAL] == 0 || c.syncs == 0)
			T_FAIL("no write of the journal, or no fdatasync, "
			       "recorded");
		bool *want = calloc(c.events + 1, sizeof(*want));
		T_ASSERT(want != NULL);
		for (size_t k = 0; k <= c.events; k++)
			want[k] = !sample;
		for (unsigned long i = 0; i < sample; i++)
			want[(size_t)rand_r(&rng) % (c.events + 1)] = true;
		struct cut_stats total = {0};
		size_t checked = check_cuts(base, want, c.events, &rng, &total);
		printf(
		    "workload %lu: %zu sync points; %zu writes of the "
		    "journal, %zu of the pool file (%zu at checkpoints "
		    "before the close, %zu in place), %zu durability calls; "
		    "%zu cuts checked, with %zu writes pending: %zu applied, "
		    "%zu dropped, %zu torn\n",
		    round, c.sync_points, c.writes[JP_JOURNAL],
		    c.writes[JP_POOL], c.checkpoint_writes, c.placed, c.syncs,
		    checked, total.pending, total.applied, total.dropped,
		    total.torn);
		free(want);
	}
	free(base);
	printf("every cut consistent, at a sync point\n");
	return 0;
}
