// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash -- crash consistency. A child runs a random workload (create,
 * pwrite, append, truncate, rename, unlink, link, mkdir, rmdir, rename of a
 * directory, unlink of a file it keeps open and writes) on a pool
 * and logs each operation to a kernel file twice: its intent before the call
 * and its acknowledgement right after the call returns. The parent SIGKILLs
 * it at a random moment, then: the checker must accept the pool, the pool
 * must open, and its whole state must be the model with every acknowledged
 * operation applied, plus the one in flight either applied or not (a write
 * in flight may be partly there: each byte old or new, the size between the
 * old and the new one, never a byte that was not written), and no inode may
 * be left but those with names (orphans freed at the open). Hundreds of kills
 * by default; STRESS=1 runs thousands. CRASH_SEED=n and CRASH_ITERS=n
 * reproduce a run; the seed and iteration are printed on failure.
 */
#include "check.h"
#include "crash_model.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define POOL_SIZE (32 * MiB)

static char pool_path[4096], log_path[4096];
static unsigned long seed, iter;

struct actual {
	int dir[CM_DIRS];
	int exists[CM_SLOTS];
	uint64_t ino[CM_SLOTS];
	uint64_t nlink[CM_SLOTS];
	uint64_t size[CM_SLOTS];
	unsigned char *data[CM_SLOTS];
};

#define C_FAIL(...)                                                  \
	do {                                                         \
		printf("FAIL seed %lu iteration %lu: ", seed, iter); \
		printf(__VA_ARGS__);                                 \
		printf("\n");                                        \
		fail_report();                                       \
		exit(1);                                             \
	} while (0)

static const char *const op_names[] = {
    [CM_CREATE] = "create",
    [CM_PWRITE] = "pwrite",
    [CM_APPEND] = "append",
    [CM_TRUNCATE] = "truncate",
    [CM_RENAME] = "rename",
    [CM_UNLINK] = "unlink",
    [CM_LINK] = "link",
    [CM_MKDIR] = "mkdir",
    [CM_RMDIR] = "rmdir",
    [CM_RENAMEDIR] = "rename-dir",
    [CM_UNLINK_OPEN] = "unlink-open",
};

/*
 * The operations of the failed iteration, from the model state it started
 * with; with CRASH_KEEP=dir the pool and the log are kept there too.
 */
static void fail_report(void)
{
	struct cm_rec r;
	int fd = open(log_path, O_RDONLY);
	printf("operations of this iteration (slot = dir * %d + name):\n",
	       CM_NAMES);
	while (fd >= 0 && read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r))
		printf("  %s %s a=%d b=%d off=%llu len=%u seq=%llu\n",
		       r.kind == CM_ACK ? "done  " : "intent",
		       r.op < sizeof(op_names) / sizeof(op_names[0]) &&
			       op_names[r.op]
			   ? op_names[r.op]
			   : "?",
		       r.a, r.b, (unsigned long long)r.off, r.len,
		       (unsigned long long)r.seq);
	if (fd >= 0)
		close(fd);
	const char *keep = getenv("CRASH_KEEP");
	if (keep && *keep) {
		char cmd[9000];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' '%s'/", pool_path,
			 log_path, keep);
		if (system(cmd) == 0)
			printf("pool and log copied to %s\n", keep);
	}
	printf("(rerun: CRASH_SEED=%lu)\n", seed);
	fflush(stdout);
}

static int do_op(PMEMfilepool *pfp, const struct cm_rec *r)
{
	char a[64], b[64];
	static unsigned char buf[CM_MAX_SIZE];
	PMEMfile *f;
	ssize_t n = 0;

	if (r->op == CM_MKDIR || r->op == CM_RMDIR) {
		snprintf(a, sizeof(a), "/d%d", r->a);
		return r->op == CM_MKDIR ? pmemfile_mkdir(pfp, a, 0755)
					 : pmemfile_rmdir(pfp, a);
	}
	if (r->op == CM_RENAMEDIR) {
		snprintf(a, sizeof(a), "/d%d", r->a);
		snprintf(b, sizeof(b), "/d%d", r->b);
		return pmemfile_rename(pfp, a, b);
	}
	cm_slot_path(r->a, a, sizeof(a));
	if (r->b >= 0)
		cm_slot_path(r->b, b, sizeof(b));
	switch (r->op) {
	case CM_CREATE:
		f = pmemfile_open(pfp, a,
				  PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
				      PMEMFILE_O_WRONLY,
				  0644);
		if (!f)
			return -1;
		pmemfile_close(pfp, f);
		return 0;
	case CM_PWRITE:
	case CM_APPEND:
		f = pmemfile_open(
		    pfp, a,
		    PMEMFILE_O_WRONLY |
			(r->op == CM_APPEND ? PMEMFILE_O_APPEND : 0));
		if (!f)
			return -1;
		cm_data(buf, r->len, r->seq);
		if (r->op == CM_APPEND)
			n = pmemfile_write(pfp, f, buf, r->len);
		else
			n = pmemfile_pwrite(pfp, f, buf, r->len,
					    (pmemfile_off_t)r->off);
		pmemfile_close(pfp, f);
		return n == (ssize_t)r->len ? 0 : -1;
	case CM_TRUNCATE:
		return pmemfile_truncate(pfp, a, (pmemfile_off_t)r->off);
	case CM_RENAME:
		return pmemfile_rename(pfp, a, b);
	case CM_UNLINK:
		return pmemfile_unlink(pfp, a);
	case CM_UNLINK_OPEN:
		/* an orphan while it is written: freed at close, or at the
		 * next open if the kill comes first */
		f = pmemfile_open(pfp, a, PMEMFILE_O_RDWR);
		if (!f || pmemfile_unlink(pfp, a))
			return -1;
		cm_data(buf, r->len, r->seq);
		n = pmemfile_pwrite(pfp, f, buf, r->len, 0);
		pmemfile_close(pfp, f);
		return n == (ssize_t)r->len ? 0 : -1;
	case CM_LINK:
		return pmemfile_link(pfp, a, b);
	}
	return -1;
}

static void log_rec(int fd, struct cm_rec *r, uint32_t kind)
{
	r->kind = kind;
	if (write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		_exit(5);
}

/* The workload; runs until killed (or a few thousand operations). */
static void child(struct cm_model *m, unsigned child_seed, uint64_t seq)
{
	int fd = open(log_path, O_WRONLY | O_APPEND);
	if (fd < 0)
		_exit(4);
	PMEMfilepool *pfp = pmemfile_pool_open(pool_path);
	if (!pfp) {
		printf("child: pool_open: %s\n", pmemfile_errormsg());
		_exit(2);
	}
	for (int i = 0; i < 5000; i++) {
		struct cm_rec r;
		cm_pick(m, &child_seed, &r);
		r.seq = seq + (uint64_t)i;
		log_rec(fd, &r, CM_INTENT);
		if (do_op(pfp, &r)) {
			printf("child: operation %u (a %d, b %d) failed: %s\n",
			       r.op, r.a, r.b, strerrorname_np(errno));
			_exit(3);
		}
		log_rec(fd, &r, CM_ACK);
		cm_apply(m, &r);
	}
	pmemfile_pool_close(pfp);
	_exit(0);
}

static void read_file(PMEMfilepool *pfp, const char *path, struct actual *a,
		      int s)
{
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	if (!f)
		C_FAIL("%s exists but cannot be opened: %s", path,
		       strerrorname_np(errno));
	if (a->size[s] > CM_MAX_SIZE)
		C_FAIL("%s has size %llu, larger than ever written", path,
		       (unsigned long long)a->size[s]);
	ssize_t n = pmemfile_read(pfp, f, a->data[s], CM_MAX_SIZE);
	if (n != (ssize_t)a->size[s])
		C_FAIL("%s: read %zd bytes, size %llu", path, n,
		       (unsigned long long)a->size[s]);
	pmemfile_close(pfp, f);
}

/* Every name in a directory must be one the workload can make. */
static void check_names(PMEMfilepool *pfp, const char *dir, int is_root)
{
	PMEMfile *d = pmemfile_open(pfp, dir, PMEMFILE_O_DIRECTORY);
	char buf[4096];
	int n;
	if (!d)
		C_FAIL("cannot open directory %s", dir);
	while ((n = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			const char *name = buf + pos + 19;
			int ok = !strcmp(name, ".") || !strcmp(name, "..") ||
				 (name[0] == 'f' && name[1] >= '0' &&
				  name[1] < '0' + CM_NAMES && !name[2]) ||
				 (is_root && name[0] == 'd' && name[1] >= '0' &&
				  name[1] < '0' + CM_DIRS && !name[2]);
			if (!ok)
				C_FAIL("unexpected name %s in %s", name, dir);
			if (reclen == 0)
				C_FAIL("zero-length record in %s", dir);
			pos += reclen;
		}
	}
	if (n < 0)
		C_FAIL("getdents64 of %s failed: %s", dir,
		       strerrorname_np(errno));
	pmemfile_close(pfp, d);
}

static void read_actual(PMEMfilepool *pfp, struct actual *a)
{
	char path[64];
	pmemfile_stat_t st;
	check_names(pfp, "/", 1);
	for (int d = 0; d < CM_DIRS; d++) {
		snprintf(path, sizeof(path), "/d%d", d);
		a->dir[d] = pmemfile_lstat(pfp, path, &st) == 0;
		if (a->dir[d] && !PMEMFILE_S_ISDIR(st.st_mode))
			C_FAIL("%s is not a directory", path);
		if (a->dir[d])
			check_names(pfp, path, 0);
	}
	for (int s = 0; s < CM_SLOTS; s++) {
		cm_slot_path(s, path, sizeof(path));
		a->exists[s] = pmemfile_lstat(pfp, path, &st) == 0;
		if (!a->exists[s])
			continue;
		if (!PMEMFILE_S_ISREG(st.st_mode))
			C_FAIL("%s is not a regular file", path);
		a->ino[s] = st.st_ino;
		a->nlink[s] = st.st_nlink;
		a->size[s] = (uint64_t)st.st_size;
		read_file(pfp, path, a, s);
	}
}

/* NULL if the pool's state is m, else what differs. */
static const char *differs(const struct cm_model *m, const struct actual *a,
			   int skip_inode)
{
	static char why[256];
	for (int d = 0; d < CM_DIRS; d++)
		if (a->dir[d] != m->dir[d]) {
			snprintf(why, sizeof(why), "/d%d %s", d,
				 m->dir[d] ? "missing" : "should not exist");
			return why;
		}
	for (int s = 0; s < CM_SLOTS; s++) {
		char p[64];
		cm_slot_path(s, p, sizeof(p));
		int i = m->slot[s];
		if (a->exists[s] != (i >= 0)) {
			snprintf(why, sizeof(why), "%s %s", p,
				 i >= 0 ? "missing" : "should not exist");
			return why;
		}
		if (i < 0)
			continue;
		for (int t = 0; t < s; t++)
			if (m->slot[t] >= 0 &&
			    (m->slot[t] == i) != (a->ino[t] == a->ino[s])) {
				snprintf(why, sizeof(why),
					 "%s and slot %d: hard links differ", p,
					 t);
				return why;
			}
		if (a->nlink[s] != (uint64_t)m->ino[i].nlink) {
			snprintf(why, sizeof(why), "%s nlink %llu, expected %d",
				 p, (unsigned long long)a->nlink[s],
				 m->ino[i].nlink);
			return why;
		}
		if (i == skip_inode)
			continue;
		if (a->size[s] != m->ino[i].size) {
			snprintf(why, sizeof(why), "%s size %llu, expected %zu",
				 p, (unsigned long long)a->size[s],
				 m->ino[i].size);
			return why;
		}
		if (memcmp(a->data[s], m->ino[i].data, m->ino[i].size)) {
			snprintf(why, sizeof(why), "%s data differ", p);
			return why;
		}
	}
	return NULL;
}

/* A write in flight: each byte old or new, the size in between. */
static const char *partial_write(struct cm_model *m, const struct actual *a,
				 const struct cm_rec *r)
{
	static char why[256];
	static unsigned char fresh[CM_MAX_SIZE];
	int i = m->slot[r->a];
	const char *d = differs(m, a, i);
	if (d)
		return d;
	const struct cm_inode *in = &m->ino[i];
	uint64_t off = r->op == CM_APPEND ? in->size : r->off;
	uint64_t end = off + r->len;
	uint64_t newsize = end > in->size ? end : in->size;
	uint64_t size = a->size[r->a];
	const unsigned char *got = a->data[r->a];
	cm_data(fresh, r->len, r->seq);
	if (size < in->size || size > newsize) {
		snprintf(why, sizeof(why), "size %llu outside %zu..%llu",
			 (unsigned long long)size, in->size,
			 (unsigned long long)newsize);
		return why;
	}
	for (uint64_t j = 0; j < size; j++) {
		unsigned char old = j < in->size ? in->data[j] : 0;
		int ok = got[j] == old ||
			 (j >= off && j < end && got[j] == fresh[j - off]);
		if (!ok) {
			snprintf(why, sizeof(why),
				 "byte %llu is neither old nor new data",
				 (unsigned long long)j);
			return why;
		}
	}
	/* The state is legitimate: it becomes the model. */
	m->ino[i].size = size;
	memcpy(m->ino[i].data, got, size);
	return NULL;
}

/*
 * After the open, no inode may remain but the root, the directories and the
 * files with a name: an orphan of the killed child must have been freed.
 */
static void check_inodes(const struct cm_model *m,
			 const struct pmemfile_stats *s)
{
	unsigned want = 1;
	for (int d = 0; d < CM_DIRS; d++)
		want += (unsigned)m->dir[d];
	for (int i = 0; i < CM_INODES; i++)
		want += m->ino[i].nlink > 0;
	if (s->inodes != want)
		C_FAIL("%u inodes in the pool after its open, %u expected "
		       "(an orphan not freed, or a leak)",
		       s->inodes, want);
}

/* First byte where a file's data differs from a model's, or -1. */
static long first_diff(const struct cm_model *m, const struct actual *a, int s)
{
	int i = m->slot[s];
	if (i < 0)
		return -1;
	size_t n = a->size[s] < m->ino[i].size ? a->size[s] : m->ino[i].size;
	for (size_t j = 0; j < n; j++)
		if (a->data[s][j] != m->ino[i].data[j])
			return (long)j;
	return -1;
}

/* Each slot in the model without and with the operation, and the pool. */
static void dump_states(const struct cm_model *without,
			const struct cm_model *with, const struct actual *a)
{
	printf("slot: without (inode size) | with (inode size) | pool (ino "
	       "size nlink first-differing-byte-vs-without)\n");
	for (int s = 0; s < CM_SLOTS; s++) {
		int i = without->slot[s], j = with->slot[s];
		if (i < 0 && j < 0 && !a->exists[s])
			continue;
		printf("  %2d: %2d %7zu | %2d %7zu | %s %llx %llu %llu %ld\n",
		       s, i, i >= 0 ? without->ino[i].size : 0, j,
		       j >= 0 ? with->ino[j].size : 0,
		       a->exists[s] ? "yes" : "no",
		       (unsigned long long)a->ino[s],
		       (unsigned long long)a->size[s],
		       (unsigned long long)a->nlink[s],
		       a->exists[s] ? first_diff(without, a, s) : -1);
	}
}

/* Replays the log into m; returns the operation in flight, if any. */
static int replay(struct cm_model *m, struct cm_rec *inflight)
{
	int fd = open(log_path, O_RDONLY);
	struct cm_rec r;
	int pending = 0;
	T_ASSERT(fd >= 0);
	while (read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		if (r.magic != CM_MAGIC)
			C_FAIL("corrupt log record");
		if (r.kind == CM_INTENT) {
			*inflight = r;
			pending = 1;
		} else {
			cm_apply(m, &r);
			pending = 0;
		}
	}
	close(fd);
	return pending;
}

static void verify(struct cm_model *m, struct actual *a, struct cm_model *tmp)
{
	struct cm_rec r;
	int pending = replay(m, &r);
	PMEMfilepool *pfp;

	if (pmemfile_check_pool(pool_path, stdout))
		C_FAIL("the checker refused the pool after the kill");
	pfp = pmemfile_pool_open(pool_path);
	if (!pfp)
		C_FAIL("the pool does not open: %s", pmemfile_errormsg());
	read_actual(pfp, a);
	struct pmemfile_stats stats;
	pmemfile_stats(pfp, &stats);
	pmemfile_pool_close(pfp);

	const char *d = differs(m, a, -1);
	if (!d) {
		check_inodes(m, &stats);
		return;
	}
	/* differs() reuses its buffer: keep this answer */
	char without[256];
	snprintf(without, sizeof(without), "%s", d);
	if (!pending)
		C_FAIL("%s (no operation in flight)", without);
	cm_copy(tmp, m);
	cm_apply(tmp, &r);
	if (!differs(tmp, a, -1)) {
		cm_copy(m, tmp);
		check_inodes(m, &stats);
		return;
	}
	if (r.op == CM_PWRITE || r.op == CM_APPEND) {
		const char *p = partial_write(m, a, &r);
		if (!p) {
			check_inodes(m, &stats);
			return;
		}
		C_FAIL("write in flight (slot %d, %u bytes): %s", r.a, r.len,
		       p);
	}
	dump_states(m, tmp, a);
	C_FAIL("operation %s in flight (a %d, b %d): without it %s; with it "
	       "%s",
	       op_names[r.op], r.a, r.b, without, differs(tmp, a, -1));
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 0) : def;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *dir = getenv("TMPDIR");
	dir = dir && *dir ? dir : "/dev/shm";
	snprintf(pool_path, sizeof(pool_path), "%s/crash.pool", dir);
	snprintf(log_path, sizeof(log_path), "%s/crash.log", dir);
	seed = env_ul("CRASH_SEED", (unsigned long)time(NULL));
	unsigned long iters =
	    env_ul("CRASH_ITERS", env_ul("STRESS", 0) ? 10000 : 1000);
	printf("crash: seed %lu, %lu kills\n", seed, iters);

	unlink(pool_path);
	PMEMfilepool *pfp = pmemfile_pool_create(pool_path, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);

	static struct cm_model m, tmp;
	static struct actual a;
	cm_init(&m);
	cm_init(&tmp);
	for (int s = 0; s < CM_SLOTS; s++)
		a.data[s] = malloc(CM_MAX_SIZE);
	unsigned rng = (unsigned)seed;
	unsigned long ops = 0;

	for (iter = 0; iter < iters; iter++) {
		int fd = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		T_ASSERT(fd >= 0);
		close(fd);
		unsigned child_seed = (unsigned)(seed * 1000003 + iter);
		fflush(NULL);
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0)
			child(&m, child_seed, (uint64_t)iter << 20);
		/* Some kills land in the pool's open, most in the workload. */
		unsigned delay = rand_r(&rng) % 8 ? 1000 + rand_r(&rng) % 30000
						  : rand_r(&rng) % 3000;
		usleep(delay);
		kill(pid, SIGKILL);
		int status;
		T_EQ(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			C_FAIL("the workload failed (exit %d)",
			       WEXITSTATUS(status));
		struct stat st;
		if (stat(log_path, &st) == 0)
			ops += (unsigned long)st.st_size /
			       (2 * sizeof(struct cm_rec));
		verify(&m, &a, &tmp);
	}
	printf("%lu kills, %lu acknowledged operations, all consistent\n",
	       iters, ops);
	cm_free(&m);
	cm_free(&tmp);
	return 0;
}
