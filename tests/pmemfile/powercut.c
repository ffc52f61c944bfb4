// SPDX-License-Identifier: BSD-3-Clause
/*
 * powercut -- simulated power failure. Killing a process keeps every store
 * it made to the pool (the page cache, or /dev/shm, outlives it), so the
 * crash test cannot find a store the library forgot to flush. Here the
 * workload (the crash test's random operations, with their intent and
 * acknowledgement marks) runs on a pool in an ordinary file on a disk, not
 * taken for persistent memory: every persist of libpmemobj and of the
 * library is then an msync, which powercut_recorder.so (a hook of
 * libsyscall_intercept) journals with the bytes it writes back.
 *
 * The pool after a power cut that comes after the k-th flush is the pool as
 * created with the first k flushes applied, and nothing else. Two ways of
 * applying a flush are checked:
 *   line   only the cache lines (64 bytes) of the range the caller asked
 *          to persist: persistent memory that never evicted a line by
 *          itself. The stronger test: a store the library did not flush
 *          is lost even when a flush of something near it came later.
 *   page   the whole pages the msync wrote back, with every store they
 *          held then: what the kernel writes for a pool in a file.
 * A cut may also come during a flush that spans several cache lines or
 * pages: some of them reached the medium, not all (a random part of the
 * next flush is applied too, for half of such cuts).
 * At each cut point the image must pass the library's checker (the one of
 * `pmemfile check`), open, and hold exactly the model of every operation
 * acknowledged before the cut, the one in flight applied or not (a write
 * in flight: each byte old or new), and no inode without a name.
 *
 * First a short workload writes the first extents of files the prelude
 * made empty (FIRST_OPS writes: a file's first 4 KiB, then 8 KiB past
 * them in two more extents), each extent recorded by one publish of
 * libpmemobj's redo log (extent.c): it is cut after every flush past the
 * prelude, in both ways. So is a short workload of creates (CREATE_OPS:
 * most of them one publish each, create.c). Then, by default, one
 * workload is cut after
 * every one of its flushes, the cuts in the two ways in turn (a flush missing
 * is seen at many cuts in a row, till something flushes its bytes);
 * POWERCUT_WAY=line, page or both checks every cut in one way or in both.
 * STRESS=1 runs several longer workloads instead, each cut at random points in
 * a way drawn for each. The first operations of each workload fill two
 * directories (PRELUDE). POWERCUT_SEED=n reproduces a run; POWERCUT_OPS=n sets
 * the number of operations after the prelude; POWERCUT_KEEP=dir keeps a failing
 * image and the journal there.
 */
#include "crash_verify.h"
#include "powercut.h"
#include "powercut_run.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define POOL_SIZE (16 * MiB)
#define LINE 64UL

enum cut_way { CUT_LINE, CUT_PAGE };
static const char *const way_names[] = {"line", "page"};

static char pool_path[PATH_MAX], journal_path[PATH_MAX], cut_path[PATH_MAX];
static char disk_dir[PATH_MAX], tool_path[PATH_MAX];
static unsigned long seed;

/* The journal as read back, and where its flushes are. */
static const unsigned char *journal;
static size_t journal_size;
static const struct pc_rec **flushes;
static size_t nflushes, nvolatile;

/*
 * Operation i past the prelude of the first-extents workload: the files
 * of the root's slots, made empty by the prelude, each written at 0 (its
 * first extent), then 8 KiB past its first 4 KiB (two more).
 */
#define FIRST_OPS 16
static void first_op(unsigned long i, struct cm_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->magic = CM_MAGIC;
	r->b = -1;
	r->op = CM_PWRITE;
	r->a = CM_DIRS * CM_NAMES + (int)(i / 2);
	r->off = i % 2 ? 4096 : 0;
	r->len = i % 2 ? 8192 : 4096;
}

/*
 * Operation i past the prelude of the creates workload: names made in
 * /d1, /d2 and the root, most of them by one publish of libpmemobj's redo
 * log each (create.c: a free inode slot, free record slots and a free
 * table entry), some by a transaction (the first name of a directory
 * makes its table and block, a full table a bigger one): mkdir d1, five
 * files in it, mkdir d2 (the root's link count published too), a short
 * symlink, an unlink and a create that takes its tombstone, then six
 * files in /d2.
 */
#define CREATE_OPS 16
static void create_op(unsigned long i, struct cm_rec *r)
{
	static const struct {
		int op, a, len;
	} ops[CREATE_OPS] = {
	    {CM_MKDIR, 1, 0},
	    {CM_CREATE, CM_NAMES, 0},
	    {CM_CREATE, CM_NAMES + 1, 0},
	    {CM_CREATE, CM_NAMES + 2, 0},
	    {CM_CREATE, CM_NAMES + 3, 0},
	    {CM_CREATE, CM_NAMES + 4, 0},
	    {CM_MKDIR, 2, 0},
	    {CM_SYMLINK, CM_NAMES + 5, 40},
	    {CM_UNLINK, CM_NAMES, 0},
	    {CM_CREATE, CM_NAMES, 0},
	    {CM_CREATE, 2 * CM_NAMES, 0},
	    {CM_CREATE, 2 * CM_NAMES + 1, 0},
	    {CM_CREATE, 2 * CM_NAMES + 2, 0},
	    {CM_CREATE, 2 * CM_NAMES + 3, 0},
	    {CM_CREATE, 2 * CM_NAMES + 4, 0},
	    {CM_CREATE, 2 * CM_NAMES + 5, 0},
	};
	memset(r, 0, sizeof(*r));
	r->magic = CM_MAGIC;
	r->b = -1;
	r->op = (uint32_t)ops[i].op;
	r->a = ops[i].a;
	r->len = (uint32_t)ops[i].len;
}

/* The workload: runs ops operations, marking each in the journal. */
static int workload(unsigned rng, unsigned long ops)
{
	bool first = getenv("POWERCUT_FIRST") != NULL;
	bool creates = getenv("POWERCUT_CREATES") != NULL;
	static struct cm_model m;
	int fd = open(getenv("POWERCUT_JOURNAL"), O_WRONLY | O_APPEND);
	if (fd < 0)
		return 4;
	PMEMfilepool *pfp = pmemfile_pool_open(getenv("POWERCUT_POOL"));
	if (!pfp) {
		printf("workload: pool_open: %s\n", pmemfile_errormsg());
		return 2;
	}
	cm_init(&m);
	for (unsigned long i = 0; i < ops; i++) {
		struct {
			struct pc_rec h;
			struct cm_rec r;
		} mark = {{PC_MAGIC, PC_MARK, 0, sizeof(struct cm_rec), 0, 0},
			  {0}};
		if (i < PRELUDE)
			prelude_op(i, &mark.r);
		else if (first)
			first_op(i - PRELUDE, &mark.r);
		else if (creates)
			create_op(i - PRELUDE, &mark.r);
		else
			cm_pick(&m, &rng, &mark.r);
		mark.r.seq = i + 1;
		mark.r.kind = CM_INTENT;
		if (write(fd, &mark, sizeof(mark)) != (ssize_t)sizeof(mark))
			return 5;
		if (cm_do_op(pfp, &mark.r)) {
			printf("workload: operation %s (a %d, b %d) failed: "
			       "%s\n",
			       cm_op_names[mark.r.op], mark.r.a, mark.r.b,
			       strerrorname_np(errno));
			return 3;
		}
		mark.r.kind = CM_ACK;
		if (write(fd, &mark, sizeof(mark)) != (ssize_t)sizeof(mark))
			return 5;
		cm_apply(&m, &mark.r);
	}
	pmemfile_pool_close(pfp);
	cm_free(&m);
	return 0;
}

/* Reads the journal back; every record must be whole. */
static void journal_load(void)
{
	int fd = open(journal_path, O_RDONLY);
	struct stat st;
	T_ASSERT(fd >= 0 && fstat(fd, &st) == 0);
	if (journal)
		munmap((void *)journal, journal_size);
	journal_size = (size_t)st.st_size;
	journal = mmap(NULL, journal_size, PROT_READ, MAP_PRIVATE, fd, 0);
	T_ASSERT(journal != MAP_FAILED);
	close(fd);
	free(flushes);
	flushes = NULL;
	nflushes = nvolatile = 0;
	size_t cap = 0;
	for (size_t pos = 0; pos < journal_size;) {
		const struct pc_rec *r = (const void *)(journal + pos);
		if (journal_size - pos < sizeof(*r) || r->magic != PC_MAGIC)
			T_FAIL("journal damaged at %zu", pos);
		if (r->type == PC_FLUSH) {
			if (r->off + r->len > POOL_SIZE ||
			    r->req_off < r->off ||
			    r->req_off + r->req_len > r->off + r->len)
				T_FAIL("flush record out of range at %zu", pos);
			if (nflushes == cap) {
				cap = cap ? 2 * cap : 4096;
				const struct pc_rec **grown =
				    realloc(flushes, cap * sizeof(*flushes));
				T_ASSERT(grown != NULL);
				flushes = grown;
			}
			flushes[nflushes++] = r;
		} else if (r->type == PC_VOLATILE) {
			printf("a persist that is no msync: pmem_persist or "
			       "pmem_flush of %llu bytes at %llu\n",
			       (unsigned long long)r->len,
			       (unsigned long long)r->off);
			nvolatile++;
		}
		pos += sizeof(*r) + (r->type == PC_VOLATILE ? 0 : r->len);
	}
}

/* The bytes [*from, *to) of the file that flush f makes persistent. */
static void flush_range(const struct pc_rec *f, enum cut_way way,
			uint64_t *from, uint64_t *to)
{
	*from = f->off;
	*to = f->off + f->len;
	if (way == CUT_LINE) {
		uint64_t a = f->req_off & ~(LINE - 1);
		uint64_t b = (f->req_off + f->req_len + LINE - 1) & ~(LINE - 1);
		*from = a > *from ? a : *from;
		*to = b < *to ? b : *to;
	}
}

/* Applies flush f to the image the way given; false if nothing changed. */
static bool apply(unsigned char *image, const struct pc_rec *f,
		  enum cut_way way)
{
	const unsigned char *data = (const unsigned char *)(f + 1);
	uint64_t from, to;
	flush_range(f, way, &from, &to);
	if (!memcmp(image + from, data + (from - f->off), to - from))
		return false;
	memcpy(image + from, data + (from - f->off), to - from);
	return true;
}

/* The units (cache lines, or pages) flush f makes persistent. */
static size_t flush_units(const struct pc_rec *f, enum cut_way way)
{
	uint64_t unit = way == CUT_LINE ? LINE : 4096;
	uint64_t from, to;
	flush_range(f, way, &from, &to);
	uint64_t first = from & ~(unit - 1);
	return (size_t)((to - first + unit - 1) / unit);
}

/*
 * A power cut during flush f: some of its units (cache lines, or pages)
 * reached the medium, not all. Applies a random such part of f to the
 * image; returns how many of its *units were applied, 0 if f has one unit.
 */
static size_t apply_torn(unsigned char *image, const struct pc_rec *f,
			 enum cut_way way, unsigned *rng, size_t *units)
{
	const unsigned char *data = (const unsigned char *)(f + 1);
	uint64_t unit = way == CUT_LINE ? LINE : 4096;
	uint64_t from, to;
	flush_range(f, way, &from, &to);
	uint64_t first = from & ~(unit - 1);
	*units = flush_units(f, way);
	if (*units < 2)
		return 0;
	size_t left_out = (size_t)rand_r(rng) % *units, applied = 0;
	for (size_t i = 0; i < *units; i++) {
		size_t u = i;
		if (i == *units - 1 && !applied)
			u = (left_out + 1) % *units; /* never none */
		else if (i == left_out || rand_r(rng) % 2)
			continue;
		uint64_t a = first + u * unit, b = a + unit;
		a = a > from ? a : from;
		b = b < to ? b : to;
		memcpy(image + a, data + (a - f->off), b - a);
		applied++;
	}
	return applied;
}

static void keep_failure(const unsigned char *image)
{
	const char *keep = getenv("POWERCUT_KEEP");
	if (!keep || !*keep)
		return;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/powercut-cut.pool", keep);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd >= 0 && write(fd, image, POOL_SIZE) == (ssize_t)POOL_SIZE)
		printf("the image of the cut is %s\n", path);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "cp '%s' '%s'/powercut.journal",
		 journal_path, keep);
	if (system(path) == 0)
		printf("the journal is %s/powercut.journal\n", keep);
}

/* What a failure report names: the cut being checked. */
static size_t cur_k;
static enum cut_way cur_way;
static int cur_pending;
static struct cm_rec cur_inflight;
static const unsigned char *cur_image;
static size_t cur_torn, cur_units; /* units of the next flush applied */
static size_t ntorn;		   /* cuts checked during a flush */

static void report_failure(void)
{
	const struct pc_rec *f = cur_k ? flushes[cur_k - 1] : NULL;
	printf("FAIL seed %lu: power cut after flush %zu of %zu (%s)\n", seed,
	       cur_k, nflushes, way_names[cur_way]);
	if (f)
		printf("the last flush: %llu bytes at %llu, asked %llu at "
		       "%llu\n",
		       (unsigned long long)f->len, (unsigned long long)f->off,
		       (unsigned long long)f->req_len,
		       (unsigned long long)f->req_off);
	if (cur_torn)
		printf("with %zu of the %zu %s of the next flush (a cut during "
		       "it)\n",
		       cur_torn, cur_units,
		       cur_way == CUT_LINE ? "cache lines" : "pages");
	if (cur_pending)
		printf("in flight: %s a=%d b=%d off=%llu len=%u seq=%llu\n",
		       cm_op_names[cur_inflight.op], cur_inflight.a,
		       cur_inflight.b, (unsigned long long)cur_inflight.off,
		       cur_inflight.len, (unsigned long long)cur_inflight.seq);
	keep_failure(cur_image);
	printf("(rerun: POWERCUT_SEED=%lu)\n", seed);
	fflush(stdout);
}

static void cleanup(void)
{
	unlink(pool_path);
	rmdir(disk_dir);
}

/* The checker or the library may crash on a damaged image: a failure. */
static void on_crash(int sig)
{
	printf("the check died of signal %d\n", sig);
	report_failure();
	cleanup();
	_exit(1);
}

/* `pmemfile check` on the image must say it is consistent. */
static void tool_check(void)
{
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		execl(tool_path, tool_path, "check", cut_path, (char *)NULL);
		_exit(127);
	}
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("pmemfile check failed (status %#x)\n", status);
		report_failure();
		exit(1);
	}
}

/*
 * Checks the pool as a power cut after flush k leaves it (with torn, during
 * the next flush, torn: a part of it applied too): m holds every
 * operation acknowledged by then, *inflight the one marked but not yet
 * acknowledged if pending. The command `pmemfile check` runs the same
 * checker in a process of its own: it checks one cut in 64 too.
 */
static unsigned torn_rng;

static void check_cut(const unsigned char *image, size_t k, enum cut_way way,
		      const struct cm_model *m, int pending,
		      const struct cm_rec *inflight, const struct pc_rec *torn)
{
	static struct cm_model state, tmp;
	static struct cm_actual a;
	static unsigned char *cut, *torn_image;
	if (!cut) {
		cm_init(&state);
		cm_init(&tmp);
		cm_actual_init(&a);
		int fd = open(cut_path, O_CREAT | O_TRUNC | O_RDWR, 0600);
		T_ASSERT(fd >= 0 && ftruncate(fd, POOL_SIZE) == 0);
		cut = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, 0);
		T_ASSERT(cut != MAP_FAILED);
		close(fd);
		signal(SIGSEGV, on_crash);
		signal(SIGBUS, on_crash);
		signal(SIGABRT, on_crash);
	}
	/* the check changed some pages of the last image (its open did) */
	for (size_t p = 0; p < POOL_SIZE; p += 4096)
		if (memcmp(cut + p, image + p, 4096))
			memcpy(cut + p, image + p, 4096);
	cur_k = k;
	cur_way = way;
	cur_pending = pending;
	cur_inflight = *inflight;
	cur_image = image;
	cur_torn = 0;
	if (torn) {
		cur_torn = apply_torn(cut, torn, way, &torn_rng, &cur_units);
		if (!cur_torn)
			return;
		if (!torn_image)
			torn_image = malloc(POOL_SIZE);
		T_ASSERT(torn_image != NULL);
		memcpy(torn_image, cut, POOL_SIZE);
		cur_image = torn_image;
	}
	static unsigned long ncut;
	if (ncut++ % 64 == 0)
		tool_check();
	cm_copy(&state, m);
	const char *why =
	    cm_verify_pool(cut_path, &state, pending, inflight, &tmp, &a);
	if (why) {
		printf("%s\n", why);
		report_failure();
		exit(1);
	}
}

/*
 * Walks the journal once, checking a cut after each flush k for which
 * want[k] is set (want has nflushes + 1 entries), in the way way[k]. A cut
 * whose image and model are those of the last one checked in its way (the
 * flushes between changed no byte of the image, and no operation was
 * marked) is that same state: it counts in *same, unchecked. Where the
 * next flush has several units (cache lines, or pages), one cut in
 * torn_every is also checked during it. Returns the number of cuts
 * checked.
 */
static size_t check_cuts(const unsigned char *base, const bool *want,
			 const enum cut_way *way, size_t *same,
			 unsigned torn_every)
{
	static struct cm_model m;
	unsigned char *img[2];
	bool changed[2] = {true, true};
	struct cm_rec inflight = {0};
	int pending = 0;
	size_t k = 0, checked = 0;
	cm_init(&m);
	for (int w = 0; w < 2; w++) {
		img[w] = malloc(POOL_SIZE);
		T_ASSERT(img[w] != NULL);
		memcpy(img[w], base, POOL_SIZE);
	}
	for (size_t pos = 0;; k++) {
		/* the marks before flush k + 1 */
		while (pos < journal_size) {
			const struct pc_rec *r = (const void *)(journal + pos);
			if (r->type == PC_FLUSH)
				break;
			if (r->type == PC_MARK) {
				struct cm_rec c;
				memcpy(&c, r + 1, sizeof(c));
				if (c.kind == CM_INTENT) {
					inflight = c;
					pending = 1;
				} else {
					cm_apply(&m, &c);
					pending = 0;
				}
				changed[CUT_LINE] = changed[CUT_PAGE] = true;
			}
			pos +=
			    sizeof(*r) + (r->type == PC_VOLATILE ? 0 : r->len);
		}
		const struct pc_rec *f =
		    k < nflushes ? (const void *)(journal + pos) : NULL;
		if (want[k] && changed[way[k]]) {
			check_cut(img[way[k]], k, way[k], &m, pending,
				  &inflight, NULL);
			changed[way[k]] = false;
			checked++;
		} else if (want[k]) {
			(*same)++;
		}
		if (want[k] && f && flush_units(f, way[k]) > 1 &&
		    rand_r(&torn_rng) % torn_every == 0) {
			check_cut(img[way[k]], k, way[k], &m, pending,
				  &inflight, f);
			checked += cur_torn != 0;
			ntorn += cur_torn != 0;
		}
		if (!f)
			break;
		changed[CUT_LINE] |= apply(img[CUT_LINE], f, CUT_LINE);
		changed[CUT_PAGE] |= apply(img[CUT_PAGE], f, CUT_PAGE);
		pos += sizeof(*f) + f->len;
	}
	if (pending)
		T_FAIL("the journal ends with an operation in flight");
	free(img[0]);
	free(img[1]);
	cm_free(&m);
	return checked;
}

/* The pool as created, read back as the base of every image. */
static unsigned char *create_pool(void)
{
	unlink(pool_path);
	PMEMfilepool *pfp = pmemfile_pool_create(pool_path, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	/* libpmemobj's msyncs are what this test cuts between: msync mode,
	 * not the journal mode that is the default on a disk */
	T_EQ(setxattr(pool_path, "user.pmemfile.durability", "msync", 5, 0), 0);
	unsigned char *base = malloc(POOL_SIZE);
	int fd = open(pool_path, O_RDONLY);
	T_ASSERT(base != NULL && fd >= 0);
	T_EQ(read(fd, base, POOL_SIZE), POOL_SIZE);
	close(fd);
	return base;
}

/* The pool lives on a disk: a directory under /var/tmp, else /tmp. */
static void make_disk_dir(void)
{
	const char *tops[] = {"/var/tmp", "/tmp"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(disk_dir, sizeof(disk_dir),
			 "%s/pmemfile-powercut.XXXXXX", tops[i]);
		if (mkdtemp(disk_dir))
			break;
		disk_dir[0] = '\0';
	}
	T_ASSERT(disk_dir[0] != '\0');
	snprintf(pool_path, sizeof(pool_path), "%s/pool", disk_dir);
	atexit(cleanup);
}

/* The number of flushes before operation seq was marked. */
static size_t flushes_before(uint64_t seq)
{
	size_t k = 0;
	for (size_t pos = 0; pos < journal_size;) {
		const struct pc_rec *r = (const void *)(journal + pos);
		if (r->type == PC_FLUSH)
			k++;
		if (r->type == PC_MARK) {
			struct cm_rec c;
			memcpy(&c, r + 1, sizeof(c));
			if (c.seq == seq)
				return k;
		}
		pos += sizeof(*r) + (r->type == PC_VOLATILE ? 0 : r->len);
	}
	T_FAIL("no operation %llu in the journal", (unsigned long long)seq);
}

/*
 * A fixed workload (the first extents or the creates: env names it, of
 * nops operations past the prelude), cut after every flush past its
 * prelude in both ways (and during one flush in two of several units).
 */
static void fixed_workload(const char *exe, unsigned torn_every,
			   const char *env, unsigned long nops,
			   const char *what)
{
	unsigned char *base = create_pool();
	powercut_run(exe, "powercut_recorder.so", journal_path, 0,
		     PRELUDE + nops,
		     (const char *const[]){"POWERCUT_POOL", pool_path,
					   "POWERCUT_JOURNAL", journal_path,
					   env, "1", NULL});
	journal_load();
	bool *want = calloc(nflushes + 1, sizeof(*want));
	enum cut_way *way = calloc(nflushes + 1, sizeof(*way));
	T_ASSERT(want != NULL && way != NULL);
	size_t from = flushes_before(PRELUDE + 1), checked = 0, same = 0;
	for (int w = CUT_LINE; w <= CUT_PAGE; w++) {
		for (size_t k = from; k <= nflushes; k++) {
			want[k] = true;
			way[k] = (enum cut_way)w;
		}
		checked += check_cuts(base, want, way, &same, torn_every);
	}
	printf("%s: %zu flushes past the prelude, %zu cuts checked (%zu "
	       "during a flush), %zu the state checked before them\n",
	       what, nflushes - from, checked, ntorn, same);
	ntorn = 0;
	free(want);
	free(way);
	free(base);
}

int main(int argc, char *argv[])
{
	if (argc == 4 && !strcmp(argv[1], "workload"))
		return workload((unsigned)strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	/* the checks run on images in memory (/dev/shm) */
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	char exe[PATH_MAX];
	powercut_self(exe);
	/* build/tests/pmemfile/powercut: the tool is build/bin/pmemfile */
	snprintf(tool_path, sizeof(tool_path), "%.*s/../../bin/pmemfile",
		 (int)(strrchr(exe, '/') - exe), exe);
	T_ASSERT(access(tool_path, X_OK) == 0);
	const char *tmp = getenv("TMPDIR");
	tmp = tmp && *tmp ? tmp : "/dev/shm";
	snprintf(journal_path, sizeof(journal_path), "%s/powercut.journal",
		 tmp);
	snprintf(cut_path, sizeof(cut_path), "%s/powercut-cut.pool", tmp);
	make_disk_dir();

	bool stress = env_ul("STRESS", 0) != 0;
	seed = env_ul("POWERCUT_SEED", (unsigned long)time(NULL));
	unsigned long rounds = stress ? 10 : 1;
	unsigned long ops =
	    env_ul("POWERCUT_OPS", stress ? 1000 : 60) + PRELUDE;
	printf("powercut: seed %lu, %lu workload(s) of %lu operations, %s\n",
	       seed, rounds, ops,
	       stress ? "random cut points" : "a cut after every flush");
	const char *ways = getenv("POWERCUT_WAY");
	ways = ways && *ways ? ways : "alternate";
	unsigned rng = (unsigned)seed;
	unsigned torn_every = 2;
	torn_rng = (unsigned)seed ^ 0x746f726eu;
	fixed_workload(exe, torn_every, "POWERCUT_FIRST", FIRST_OPS,
		       "first extents");
	fixed_workload(exe, torn_every, "POWERCUT_CREATES", CREATE_OPS,
		       "creates");
	for (unsigned long round = 0; round < rounds; round++) {
		unsigned char *base = create_pool();
		powercut_run(exe, "powercut_recorder.so", journal_path,
			     rand_r(&rng), ops,
			     (const char *const[]){"POWERCUT_POOL", pool_path,
						   "POWERCUT_JOURNAL",
						   journal_path, NULL});
		journal_load();
		if (nflushes < ops)
			T_FAIL("%zu flushes recorded for %lu operations: the "
			       "pool's persists are not msyncs",
			       nflushes, ops);
		if (nvolatile)
			T_FAIL("%zu persists of the pool that are no msync: "
			       "lost on a pool in a file",
			       nvolatile);
		bool *want = calloc(nflushes + 1, sizeof(*want));
		enum cut_way *way = calloc(nflushes + 1, sizeof(*way));
		T_ASSERT(want != NULL && way != NULL);
		size_t checked = 0, same = 0;
		if (stress) {
			for (int i = 0; i < 1000; i++) {
				size_t k =
				    (size_t)rand_r(&rng) % (nflushes + 1);
				want[k] = true;
				way[k] = rand_r(&rng) % 2 ? CUT_LINE : CUT_PAGE;
			}
			checked =
			    check_cuts(base, want, way, &same, torn_every);
		} else {
			/* one way for every cut, or the two in turn */
			for (int w = CUT_LINE; w <= CUT_PAGE; w++) {
				if (!strcmp(ways, way_names[w]) ||
				    !strcmp(ways, "both")) {
					for (size_t k = 0; k <= nflushes; k++) {
						want[k] = true;
						way[k] = (enum cut_way)w;
					}
					checked += check_cuts(
					    base, want, way, &same, torn_every);
				}
			}
			if (!strcmp(ways, "alternate")) {
				for (size_t k = 0; k <= nflushes; k++) {
					want[k] = true;
					way[k] = k % 2 ? CUT_PAGE : CUT_LINE;
				}
				checked += check_cuts(base, want, way, &same,
						      torn_every);
			}
		}
		printf("workload %lu: %zu flushes (%zu bytes journaled), %zu "
		       "cuts checked (%zu during a flush), %zu the state "
		       "checked before them\n",
		       round, nflushes, journal_size, checked, ntorn, same);
		ntorn = 0;
		free(want);
		free(way);
		free(base);
	}
	unlink(cut_path);
	unlink(journal_path);
	printf("every cut consistent\n");
	return 0;
}
