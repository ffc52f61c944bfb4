// SPDX-License-Identifier: BSD-3-Clause
/*
 * damage_fuzz -- damaged pools never take a program down. A populated pool
 * (nested directories, files of several sizes, one with a chain of extent
 * blocks, short and long symbolic links, a hard link, a directory of 300
 * names) is copied; each copy gets random bit flips and byte writes, in
 * the pool's metadata (our inodes, directory blocks and tables, extent
 * blocks, inode arrays, superblock; libpmemobj's lanes and heap headers)
 * or anywhere. On each copy, each in a child process with a time limit:
 *
 *   - `pmemfile check -t 20`: exits 0 ("consistent") or 4 ("damaged"),
 *     or 8 (not a pool: a damaged libpmemobj header), its checker neither
 *     crashes nor runs out of time;
 *   - `pmemfile check --repair -t 20` on another copy: neither crashes nor
 *     runs out of time; then either the pool is clean (`check` exits 0)
 *     or the repair exited 4 naming what it left; and the pool is no
 *     worse: a C API walk reads at least as many of the original files
 *     intact (bytes, size and type, wherever they are, /lost+found too)
 *     as before the repair, and a pool that opened still opens;
 *   - the C API: the pool is opened or refused (errno set), every
 *     directory listed, every name lstat'ed, every file read to its end,
 *     every link read; a file made, written and removed, a directory made
 *     and removed; each call succeeds or fails with an errno;
 *   - the C API's statfs and pmemfile_stats (they walk the inode arrays);
 *   - the pmemfile command: info, df, ls, stat, cat, cp -a out of the pool,
 *     mkdir, ln, mv, chmod -R, rm -r;
 *   - the shim: find, every file read (its first 64 MiB: a flipped size
 *     makes a sparse file of terabytes, which is no damage to detect),
 *     ls -lR, du, stat -f, df, tar c, a file made and removed, under sh.
 *
 * A failure is a death by a signal (of any program, also one that another
 * ran) or a time limit reached; the seed of the copy is printed
 * (DAMAGE_SEED=seed replays one copy, DAMAGE_KEEP=1 keeps its pool as
 * damaged).
 * Seeds that once made a program crash are run every time as well
 * (regress[]), but with DAMAGE_SEED.
 *
 * Reported, not asserted: how many copies were refused at open, called
 * damaged by check, and called consistent while a file's bytes, size or a
 * link's target changed (data blocks and most metadata fields carry no
 * checksum, so a flip there goes unnoticed).
 *
 * Reported: how many repairs left a clean pool (how many of them by a
 * salvage into a new pool, its damaged file then removed), how many left
 * damage, how many files the walk read intact before and after.
 *
 * DAMAGE_REPAIR_LOG=FILE appends each repair's output to FILE.
 *
 * DAMAGE_N copies (default 200, about 100 s here; STRESS=1: 2000, with
 * up to 300 changes in each instead of 40); DAMAGE_BASE: the first seed
 * (default 1).
 */
#include <dirent.h>
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "layout.h"
#include "words.h"

#define POOL_SIZE (16ULL << 20)
static int limit_s = 30; /* DAMAGE_LIMIT */
#define MAX_FILES 1024
#define BIG_DIR 300

struct dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* What the original pool holds under each path. */
struct entry {
	char path[512];
	uint32_t mode;
	uint64_t size;
	uint64_t hash; /* of the bytes, or of the link's target */
};

static struct entry orig[MAX_FILES];
static int norig;

/* Ranges of the pool worth damaging. */
struct range {
	uint64_t off, len;
};
static struct range ours[8192], theirs[3];
static int nours, ntheirs;

/* What one copy's C API walk found, shared with the parent. */
struct walk_result {
	int opened, open_errno;
	int eio, other_errors, changed, missing, read_ok;
	/* what changed: the type or mode, the size, the bytes (or target) */
	int changed_mode, changed_size, changed_bytes;
	char first_changed[512];
	char open_msg[256];
};

/* Why copies were refused at open: the messages without offsets. */
static struct {
	char why[128];
	int n;
} reasons[64];

static void count_reason(const char *msg)
{
	char why[128];
	const char *p = strstr(msg, "damaged pool: ");
	snprintf(why, sizeof(why), "%.120s", p ? p + 14 : msg);
	char *at = strstr(why, " at offset");
	if (at)
		*at = 0;
	at = strstr(why, "inode 0x");
	if (at) {
		char *colon = strchr(at, ':');
		memmove(at + 5, colon ? colon : at + 5,
			strlen(colon ? colon : at + 5) + 1);
	}
	for (int i = 0; i < 64; i++) {
		if (!reasons[i].n) {
			snprintf(reasons[i].why, sizeof(reasons[i].why), "%s",
				 why);
		}
		if (!strcmp(reasons[i].why, why)) {
			reasons[i].n++;
			return;
		}
	}
}

static const char *tmp, *build;
static char orig_pool[4096];

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}
#define FNV0 0xcbf29ce484222325ULL

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((i + seed) * 2654435761u >> 11);
}

static void put_file(PMEMfilepool *p, const char *path, size_t size,
		     unsigned seed)
{
	static char buf[1 << 20];
	PMEMfile *f =
	    pmemfile_open(p, path, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	CORE_TRUE(f);
	for (size_t done = 0; done < size;) {
		size_t n =
		    size - done < sizeof(buf) ? size - done : sizeof(buf);
		fill(buf, n, seed + (unsigned)done);
		CORE_EQ(pmemfile_write(p, f, buf, n), n);
		done += n;
	}
	pmemfile_close(p, f);
}

static void make_pool(void)
{
	unlink(orig_pool);
	PMEMfilepool *p = pmemfile_pool_create(orig_pool, POOL_SIZE, 0600);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_mkdir(p, "/a", 0755), 0);
	CORE_EQ(pmemfile_mkdir(p, "/a/b", 0755), 0);
	CORE_EQ(pmemfile_mkdir(p, "/a/b/c", 0700), 0);
	CORE_EQ(pmemfile_mkdir(p, "/big", 0755), 0);
	CORE_EQ(pmemfile_mkdir(p, "/empty", 0755), 0);
	put_file(p, "/zero", 0, 1);
	put_file(p, "/tiny", 10, 2);
	put_file(p, "/a/small", 300, 3);
	put_file(p, "/a/b/page", 4096, 4);
	put_file(p, "/a/b/mid", 70000, 5);
	put_file(p, "/a/b/c/large", 1 << 20, 6);
	/* 12 extents: a chain of extent blocks */
	PMEMfile *f = pmemfile_open(p, "/sparse",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	CORE_TRUE(f);
	for (int i = 0; i < 12; i++)
		CORE_EQ(pmemfile_pwrite(p, f, "sparse", 6, (off_t)i * 65536),
			6);
	pmemfile_close(p, f);
	for (int i = 0; i < BIG_DIR; i++) {
		char name[64];
		snprintf(name, sizeof(name),
			 "/big/entry_with_a_longish_name_%d", i);
		put_file(p, name, (size_t)(i % 7) * 20, 100 + (unsigned)i);
	}
	CORE_EQ(pmemfile_symlink(p, "tiny", "/short_link"), 0);
	char target[300];
	memset(target, 'x', 200);
	target[200] = 0;
	CORE_EQ(pmemfile_symlink(p, target, "/a/long_link"), 0);
	CORE_EQ(pmemfile_link(p, "/a/small", "/a/b/hard"), 0);
	pmemfile_pool_close(p);
}

/* lstat, then the bytes of a file or the target of a link. */
static int describe(PMEMfilepool *p, const char *path, struct entry *e,
		    int *err)
{
	pmemfile_stat_t st;
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (pmemfile_lstat(p, path, &st)) {
		*err = errno;
		return -1;
	}
	e->mode = st.st_mode;
	e->size = (uint64_t)st.st_size;
	e->hash = FNV0;
	if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		pmemfile_ssize_t n =
		    pmemfile_readlink(p, path, buf, sizeof(buf));
		if (n < 0) {
			*err = errno;
			return -1;
		}
		e->hash = fnv(FNV0, buf, (size_t)n);
	} else if (S_ISREG(st.st_mode)) {
		static char buf[65536];
		PMEMfile *f = pmemfile_open(p, path, PMEMFILE_O_RDONLY);
		if (!f) {
			*err = errno;
			return -1;
		}
		pmemfile_ssize_t n;
		uint64_t total = 0;
		while ((n = pmemfile_read(p, f, buf, sizeof(buf))) > 0) {
			e->hash = fnv(e->hash, buf, (size_t)n);
			total += (uint64_t)n;
			if (total > POOL_SIZE * 4) /* a size grown wild */
				break;
		}
		int rerr = errno;
		pmemfile_close(p, f);
		if (n < 0) {
			*err = rerr;
			return -1;
		}
		if (total != e->size)
			e->hash ^= 1; /* fewer bytes than the size says */
	}
	return 0;
}

typedef void (*visit_fn)(PMEMfilepool *p, const char *path, void *arg);

/*
 * Every name under dir, depth first; directories already seen (by inode)
 * are not entered again, as find does.
 */
static void walk(PMEMfilepool *p, const char *dir, visit_fn fn, void *arg,
		 uint64_t *seen, int *nseen, int depth, int *errors)
{
	PMEMfile *d =
	    pmemfile_open(p, dir, PMEMFILE_O_RDONLY | PMEMFILE_O_DIRECTORY);
	if (!d) {
		errors[errno == EIO ? 0 : 1]++;
		return;
	}
	static __thread char buf[8192];
	char names[64][300];
	for (;;) {
		int n = pmemfile_getdents64(p, d, (void *)buf, sizeof(buf));
		if (n < 0)
			errors[errno == EIO ? 0 : 1]++;
		if (n <= 0)
			break;
		int k = 0;
		for (int pos = 0; pos < n;) {
			struct dirent64_ *de = (void *)(buf + pos);
			pos += de->d_reclen;
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			char path[1024];
			snprintf(path, sizeof(path), "%.700s/%.255s",
				 strcmp(dir, "/") ? dir : "", de->d_name);
			fn(p, path, arg);
			if (de->d_type == DT_DIR && k < 64 && depth < 40)
				snprintf(names[k++], sizeof(names[0]), "%s",
					 de->d_name);
		}
		for (int i = 0; i < k; i++) {
			char path[1024];
			pmemfile_stat_t st;
			snprintf(path, sizeof(path), "%.700s/%.255s",
				 strcmp(dir, "/") ? dir : "", names[i]);
			if (pmemfile_lstat(p, path, &st) ||
			    !S_ISDIR(st.st_mode))
				continue;
			bool again = false;
			for (int j = 0; j < *nseen; j++)
				again |= seen[j] == st.st_ino;
			if (again || *nseen >= MAX_FILES)
				continue;
			seen[(*nseen)++] = st.st_ino;
			walk(p, path, fn, arg, seen, nseen, depth + 1, errors);
		}
	}
	pmemfile_close(p, d);
}

static void record(PMEMfilepool *p, const char *path, void *arg)
{
	(void)arg;
	int err = 0;
	CORE_TRUE(norig < MAX_FILES);
	if (describe(p, path, &orig[norig], &err))
		CORE_FAIL("%s of the original pool: errno %d", path, err);
	norig++;
}

static void compare(PMEMfilepool *p, const char *path, void *arg)
{
	struct walk_result *r = arg;
	struct entry e = {.mode = 0};
	int err = 0;
	if (describe(p, path, &e, &err)) {
		if (err == EIO)
			r->eio++;
		else
			r->other_errors++;
		return;
	}
	r->read_ok++;
	for (int i = 0; i < norig; i++) {
		if (strcmp(orig[i].path, path))
			continue;
		if (orig[i].mode != e.mode)
			r->changed_mode++;
		else if (orig[i].size != e.size)
			r->changed_size++;
		else if (orig[i].hash != e.hash)
			r->changed_bytes++;
		if (orig[i].mode != e.mode || orig[i].size != e.size ||
		    orig[i].hash != e.hash) {
			if (!r->changed++)
				snprintf(r->first_changed,
					 sizeof(r->first_changed), "%s", path);
		}
		return;
	}
}

/* Pool offsets of a pool's structures, read from its file. */
static int pool_fd;
static uint64_t rd(uint64_t off)
{
	uint64_t v = 0;
	if (pread(pool_fd, &v, 8, (off_t)off) != 8)
		return 0;
	return v;
}

static void add(struct range *r, int *n, int max, uint64_t off, uint64_t len)
{
	if (off && len && off < POOL_SIZE && len <= POOL_SIZE - off && *n < max)
		r[(*n)++] = (struct range){off, len};
}

static void add_inode(uint64_t ino)
{
	struct pmemfile_inode in;
	add(ours, &nours, 8192, ino, sizeof(in));
	if (pread(pool_fd, &in, sizeof(in), (off_t)ino) != sizeof(in))
		return;
	if (S_ISDIR(in.mode)) {
		add(ours, &nours, 8192, in.dir.htab, in.dir.htab_cap * 8);
		add(ours, &nours, 8192, in.dir.btab, in.dir.btab_cap * 8);
		for (uint64_t i = 0; i < in.dir.nblocks && i < 64; i++)
			add(ours, &nours, 8192, rd(in.dir.btab + 8 * i),
			    PMEMFILE_DIR_BLOCK_SIZE);
	} else if (S_ISREG(in.mode)) {
		for (uint64_t b = in.file.blocks, i = 0; b && i < 16;
		     b = rd(b), i++)
			add(ours, &nours, 8192, b, 4096);
	} else if (S_ISLNK(in.mode) &&
		   size_word_value(in.size_word) >= PMEMFILE_SYMLINK_INLINE) {
		uint64_t t;
		memcpy(&t, in.target, 8);
		add(ours, &nours, 8192, t, size_word_value(in.size_word) + 1);
	}
}

static void find_ranges(void)
{
	pool_fd = open(orig_pool, O_RDONLY);
	CORE_TRUE(pool_fd >= 0);
	/* libpmemobj: the lanes, the heap header and the chunk headers */
	uint64_t lanes = rd(4096 + 1024), heap = rd(4096 + 1040);
	add(theirs, &ntheirs, 3, lanes, heap - lanes);
	add(theirs, &ntheirs, 3, heap, 1024);
	uint64_t zone_chunks = rd(heap + 1024) >> 32;
	add(theirs, &ntheirs, 3, heap + 1024, 64 + 8 * zone_chunks);
	/* ours: the superblock, the inode arrays, each inode and its parts */
	uint64_t super = rd(4096 + 2048);
	add(ours, &nours, 8192, super, sizeof(struct pmemfile_super));
	for (uint64_t
		 a = rd(super + offsetof(struct pmemfile_super, inode_arrays)),
		 i = 0;
	     a && i < 64; a = rd(a), i++)
		add(ours, &nours, 8192, a, 256);
	add_inode(rd(super + offsetof(struct pmemfile_super, root)));
	PMEMfilepool *p = pmemfile_pool_open(orig_pool);
	CORE_TRUE(p);
	for (int i = 0; i < norig; i++) {
		pmemfile_stat_t st;
		CORE_EQ(pmemfile_lstat(p, orig[i].path, &st), 0);
		add_inode(st.st_ino);
	}
	pmemfile_pool_close(p);
	close(pool_fd);
}

/* Changes n places of the pool file at path: bits flipped, bytes written. */
static void damage(const char *path, int n)
{
	int fd = open(path, O_RDWR);
	CORE_TRUE(fd >= 0);
	for (int i = 0; i < n; i++) {
		uint64_t where = rng() % 20, off;
		if (where < 13) {
			struct range *r = &ours[rng() % (uint64_t)nours];
			off = r->off + rng() % r->len;
		} else if (where < 14) {
			struct range *r = &theirs[rng() % (uint64_t)ntheirs];
			off = r->off + rng() % r->len;
		} else {
			off = rng() % POOL_SIZE;
		}
		unsigned char b;
		CORE_EQ(pread(fd, &b, 1, (off_t)off), 1);
		if (rng() % 10 < 7)
			b ^= (unsigned char)(1u << (rng() % 8));
		else
			b = (unsigned char)rng();
		CORE_EQ(pwrite(fd, &b, 1, (off_t)off), 1);
		if (getenv("DAMAGE_VERBOSE"))
			printf("  0x%llx := 0x%02x\n", (unsigned long long)off,
			       b);
	}
	close(fd);
}

/*
 * Runs fn in a child process of its own group, for at most limit_s
 * seconds. Returns its wait status, or -1 when it ran out of time.
 */
static int limited(void (*fn)(const char *, void *), const char *pool,
		   void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	CORE_TRUE(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		fn(pool, arg);
		_exit(0);
	}
	setpgid(pid, pid);
	struct timespec t0, t, nap = {0, 2000000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= limit_s) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
}

/* pmemfile check, its output in the file arg (NULL: none). */
static void run_check(const char *pool, void *arg)
{
	char pf[4096];
	snprintf(pf, sizeof(pf), "%s/bin/pmemfile", build);
	int fd = arg ? open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0600)
		     : open("/dev/null", O_WRONLY);
	dup2(fd, 1);
	dup2(fd, 2);
	execl(pf, pf, "check", "-t", "20", pool, (char *)NULL);
	_exit(127);
}

/* pmemfile check --repair, its output in the file arg. */
static void run_repair(const char *pool, void *arg)
{
	char pf[4096];
	snprintf(pf, sizeof(pf), "%s/bin/pmemfile", build);
	int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	dup2(fd, 2);
	execl(pf, pf, "check", "--repair", "-t", "20", pool, (char *)NULL);
	_exit(127);
}

/* What a walk found intact: original files, wherever they are now. */
struct intact_result {
	int opened, intact;
};

static void count_intact(PMEMfilepool *p, const char *path, void *arg)
{
	/* each walk runs in a child of its own: all false at its start */
	static bool matched[MAX_FILES];
	struct intact_result *r = arg;
	struct entry e = {.mode = 0};
	int err = 0;
	if (describe(p, path, &e, &err) || S_ISDIR(e.mode))
		return;
	for (int i = 0; i < norig; i++) {
		if (!matched[i] && orig[i].mode == e.mode &&
		    orig[i].size == e.size && orig[i].hash == e.hash) {
			matched[i] = true;
			r->intact++;
			return;
		}
	}
}

static void intact_walk(const char *pool, void *arg)
{
	struct intact_result *r = arg;
	PMEMfilepool *p = pmemfile_pool_open(pool);
	if (!p)
		return;
	r->opened = 1;
	uint64_t seen[MAX_FILES];
	int nseen = 0, errors[2] = {0, 0};
	walk(p, "/", count_intact, r, seen, &nseen, 0, errors);
	pmemfile_pool_close(p);
}

/* The lines of file path, and whether one says the checker stopped. */
static int output_lines(const char *path, bool *stopped)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(path, "r");
	*stopped = false;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		n++;
		*stopped |= strstr(line, "the checker stopped on") ||
			    strstr(line, "did not finish");
	}
	fclose(f);
	return n;
}

static void api_walk(const char *pool, void *arg)
{
	struct walk_result *r = arg;
	PMEMfilepool *p = pmemfile_pool_open(pool);
	if (!p) {
		r->open_errno = errno;
		snprintf(r->open_msg, sizeof(r->open_msg), "%s",
			 pmemfile_errormsg());
		return;
	}
	r->opened = 1;
	uint64_t seen[MAX_FILES];
	int nseen = 0, errors[2] = {0, 0};
	walk(p, "/", compare, r, seen, &nseen, 0, errors);
	r->eio += errors[0];
	r->other_errors += errors[1];
	/* statfs reads every inode array: it succeeds or fails with an errno */
	pmemfile_statfs_t sf;
	if (pmemfile_statfs(p, &sf) && !errno)
		_exit(3);
	struct pmemfile_stats stats;
	pmemfile_stats(p, &stats);
	/* writes: each succeeds or fails with an errno */
	PMEMfile *f = pmemfile_open(p, "/a/fuzz_new",
				    PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	if (f) {
		if (pmemfile_write(p, f, "0123456789", 10) < 0 && !errno)
			_exit(3);
		pmemfile_close(p, f);
		if (pmemfile_unlink(p, "/a/fuzz_new") && !errno)
			_exit(3);
	} else if (!errno) {
		_exit(3);
	}
	if (pmemfile_mkdir(p, "/big/fuzz_dir", 0755) == 0)
		(void)pmemfile_rmdir(p, "/big/fuzz_dir");
	else if (!errno)
		_exit(3);
	if (pmemfile_unlink(p, "/big/entry_with_a_longish_name_7") && !errno)
		_exit(3);
	pmemfile_pool_close(p);
}

/*
 * Each command's status is looked at: 128 and more is a death by a signal.
 * A program that another runs is reported by that one: xargs exits 125
 * when a command it ran was killed (find -exec would say only 1). tar
 * writes to a file ($D, outside the mount: an archive of /dev/null is
 * not written, so tar would read no file), limited to 64 MiB with SIGXFSZ
 * ignored: a file whose size a flip made huge ends it with EFBIG.
 */
static const char shim_script[] =
    "bad=0\n"
    "t() { \"$@\" >/dev/null 2>&1; s=$?; "
    "[ $s -lt 128 ] || { echo \"$1 died: $s\" >&2; bad=$s; }; }\n"
    "t find \"$M\"\n"
    "find \"$M\" -type f -print0 2>/dev/null | "
    "xargs -0 -r head -c 64M >/dev/null 2>&1\n"
    "s=$?; [ $s -ne 125 ] && [ $s -lt 128 ] || "
    "{ echo \"head or xargs died: $s\" >&2; bad=$s; }\n"
    "t ls -lR \"$M\"\n"
    "t du -a \"$M\"\n"
    "t stat -f \"$M\"\n"
    "t df \"$M\"\n"
    "t sh -c 'trap \"\" XFSZ; ulimit -f 131072; "
    "exec tar cf \"$D/shim.tar\" \"$M\"'\n"
    "rm -f \"$D/shim.tar\"\n"
    "t sh -c 'echo new > \"$M/a/shim_new\"'\n"
    "t rm -f \"$M/a/shim_new\" \"$M/tiny\"\n"
    "exit $bad\n";

static void run_shim(const char *pool, void *arg)
{
	(void)arg;
	char shim[4096], pools[8192], mnt[4096];
	snprintf(shim, sizeof(shim), "%s/lib/libpmemfile.so", build);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmp);
	snprintf(pools, sizeof(pools), "%s:%s", mnt, pool);
	setenv("LD_PRELOAD", shim, 1);
	setenv("PMEMFILE_POOLS", pools, 1);
	setenv("M", mnt, 1);
	setenv("D", tmp, 1);
	execl("/bin/sh", "sh", "-c", shim_script, (char *)NULL);
	_exit(127);
}

/*
 * The pmemfile command's subcommands on the pool, as the shim's commands:
 * a status of 128 and more is a death by a signal. The command catches
 * SIGSEGV and SIGBUS in the library (tool_catch_faults: a message and
 * status 1): that message is a crash as well. What they write out of the
 * pool goes to files of at most 64 MiB (SIGXFSZ ignored: EFBIG).
 */
static const char tool_script[] =
    "bad=0\n"
    "trap '' XFSZ\n"
    "ulimit -f 131072\n"
    "O=/dev/null\n"
    "t() { \"$PF\" \"$@\" >\"$O\" 2>\"$D/tool.err\"; s=$?; "
    "! grep -q 'system fault\\|file was truncated' \"$D/tool.err\" || s=200; "
    "[ $s -lt 128 ] || { echo \"pmemfile $1 died: $s\" >&2; bad=$s; }; }\n"
    "t info \"$P\"\n"
    "t df \"$P\"\n"
    "t ls -la \"$P\" /\n"
    "t ls -l \"$P\" /big\n"
    "t ls -l \"$P\" /a/b\n"
    "t stat \"$P\" / /a /a/b/mid /sparse /short_link /a/long_link /big\n"
    "O=\"$D/tool.cat\"\n"
    "t cat \"$P\" /tiny /a/small /a/b/page /a/b/mid /sparse /short_link\n"
    "O=/dev/null\n"
    "t cp -a \"$P\" :/ \"$D/tool_out\"\n"
    "rm -rf \"$D/tool.cat\" \"$D/tool_out\"\n"
    "t mkdir -p \"$P\" /new/dir\n"
    "t ln -s \"$P\" /a/small /new/link\n"
    "t ln \"$P\" /tiny /new/hard\n"
    "t mv \"$P\" /a/b/page /new/page\n"
    "t chmod -R \"$P\" 700 /a\n"
    "t rm -r \"$P\" /big /new\n"
    "rm -f \"$D/tool.err\"\n"
    "exit $bad\n";

static void run_tools(const char *pool, void *arg)
{
	(void)arg;
	char pf[4096];
	snprintf(pf, sizeof(pf), "%s/bin/pmemfile", build);
	setenv("PF", pf, 1);
	setenv("P", pool, 1);
	setenv("D", tmp, 1);
	execl("/bin/sh", "sh", "-c", tool_script, (char *)NULL);
	_exit(127);
}

static void copy_file(const char *from, const char *to)
{
	static char buf[1 << 20];
	int in = open(from, O_RDONLY),
	    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CORE_TRUE(in >= 0 && out >= 0);
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CORE_EQ(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static const char *status_str(int st)
{
	static char s[64];
	if (st == -1)
		return "ran out of time";
	if (WIFSIGNALED(st))
		snprintf(s, sizeof(s), "died of %s", strsignal(WTERMSIG(st)));
	else
		snprintf(s, sizeof(s), "exited %d", WEXITSTATUS(st));
	return s;
}

/* What the repairs did, over all copies. */
struct repair_stats {
	int clean, left, refused, salvaged, intact_before, intact_after;
};

/*
 * pmemfile check --repair on the damaged copy, which it changes; a
 * scratch copy measures the files intact before. Returns the failures.
 */
static int repair_copy(uint64_t seed, int flips, const char *copy,
		       struct repair_stats *rs)
{
	char before_copy[4200], out[4200];
	snprintf(before_copy, sizeof(before_copy), "%s.before", copy);
	snprintf(out, sizeof(out), "%s/damage_repair.out", tmp);
	copy_file(copy, before_copy);
	struct intact_result *ir =
	    mmap(NULL, 2 * sizeof(*ir), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CORE_TRUE(ir != MAP_FAILED);
	int fails = 0, ws = limited(intact_walk, before_copy, &ir[0]);
	unlink(before_copy);
	int st = limited(run_repair, copy, out);
	bool stopped;
	int lines = output_lines(out, &stopped);
	int code = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (code == -1 || stopped || (code & ~(1 | 4 | 8))) {
		printf("FAIL seed %llu (%d changes): pmemfile check --repair "
		       "%s%s\n",
		       (unsigned long long)seed, flips, status_str(st),
		       stopped ? " (its checker stopped)" : "");
		fails++;
	} else if (code == 8) {
		rs->refused++;
	} else if (code & 4) {
		/* what it left: lines beside the last */
		if (lines < 2) {
			printf("FAIL seed %llu: the repair left damage "
			       "without naming it\n",
			       (unsigned long long)seed);
			fails++;
		}
		rs->left++;
	} else {
		char cout[4200];
		snprintf(cout, sizeof(cout), "%s/damage_check.out", tmp);
		int cs = limited(run_check, copy, cout);
		(void)output_lines(cout, &stopped);
		unlink(cout);
		if (cs == -1 || !WIFEXITED(cs) || WEXITSTATUS(cs) != 0 ||
		    stopped) {
			printf("FAIL seed %llu (%d changes): repaired, yet "
			       "check %s\n",
			       (unsigned long long)seed, flips, status_str(cs));
			fails++;
		}
		rs->clean++;
	}
	/* a salvage (libpmemobj refused the copy) keeps the damaged file
	 * beside it, which the next copy does not need */
	char kept[4200];
	snprintf(kept, sizeof(kept), "%s.damaged", copy);
	if (unlink(kept) == 0)
		rs->salvaged++;
	int ws2 = limited(intact_walk, copy, &ir[1]);
	if (ws == 0 && ws2 == 0 &&
	    (ir[1].intact < ir[0].intact || ir[1].opened < ir[0].opened)) {
		printf("FAIL seed %llu (%d changes): the repair made the "
		       "pool worse: %d files intact before, %d after%s\n",
		       (unsigned long long)seed, flips, ir[0].intact,
		       ir[1].intact,
		       ir[1].opened < ir[0].opened ? ", no longer opens" : "");
		fails++;
	}
	rs->intact_before += ir[0].intact;
	rs->intact_after += ir[1].intact;
	const char *log = getenv("DAMAGE_REPAIR_LOG");
	if (log) {
		char cmd[8800];
		snprintf(cmd, sizeof(cmd),
			 "{ echo 'seed %llu, status %d:'; cat '%s'; } >> '%s'",
			 (unsigned long long)seed, code, out, log);
		if (system(cmd) != 0)
			printf("cannot append to %s\n", log);
	}
	if (fails && getenv("DAMAGE_VERBOSE")) {
		char cmd[4400];
		snprintf(cmd, sizeof(cmd), "cat '%s'", out);
		if (system(cmd) != 0)
			printf("(no repair output)\n");
	}
	unlink(out);
	munmap(ir, 2 * sizeof(*ir));
	return fails;
}

/* Over all copies. */
static struct walk_result *r;
static char copy[4096];
static int refused, consistent, damaged;
static int consistent_changed, opened_changed, eio_copies;
static int unseen[3]; /* names changed unseen by check: kinds */
static struct repair_stats rs;

/* The copy of seed damaged again, as the first time. */
static void redamage(uint64_t seed, int flips)
{
	copy_file(orig_pool, copy);
	rng_state = seed * 0x9e3779b97f4a7c15ULL | 1;
	(void)rng();
	damage(copy, flips);
}

/*
 * One copy: check, the C API walk, the repair, the pmemfile command and the
 * shim, each on the copy damaged afresh. 1 if any of them failed, else 0.
 */
static int one_copy(uint64_t seed, int maxflips)
{
	rng_state = seed * 0x9e3779b97f4a7c15ULL | 1;
	/* half of the copies with a few changes, half with many */
	int flips = 1 + (int)(rng() % (uint64_t)(seed % 2 ? 8 : maxflips));
	copy_file(orig_pool, copy);
	damage(copy, flips);
	int fails = 0;

	/*
	 * check runs its checker in a child: a death of that child by a
	 * signal, or its time running out, is status 4 with a line saying so
	 */
	char out[4200];
	snprintf(out, sizeof(out), "%s/damage_check.out", tmp);
	int cs = limited(run_check, copy, out);
	bool stopped;
	(void)output_lines(out, &stopped);
	unlink(out);
	if (cs == -1 || !WIFEXITED(cs) || stopped ||
	    (WEXITSTATUS(cs) != 0 && WEXITSTATUS(cs) != 4 &&
	     WEXITSTATUS(cs) != 8)) {
		printf("FAIL seed %llu (%d changes): pmemfile check "
		       "%s%s\n",
		       (unsigned long long)seed, flips, status_str(cs),
		       stopped ? " (its checker stopped)" : "");
		fails++;
	}
	bool said_consistent =
	    cs != -1 && WIFEXITED(cs) && WEXITSTATUS(cs) == 0;
	/* the checker must not have crashed or hung either */
	memset(r, 0, sizeof(*r));
	int ws = limited(api_walk, copy, r);
	if (ws == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		printf("FAIL seed %llu (%d changes): the C API walk "
		       "%s\n",
		       (unsigned long long)seed, flips, status_str(ws));
		fails++;
	}
	if (r->opened && (r->eio || r->other_errors))
		eio_copies++;
	if (!r->opened) {
		refused++;
		count_reason(r->open_msg);
		if (!r->open_errno) {
			printf("FAIL seed %llu: open failed with no "
			       "errno\n",
			       (unsigned long long)seed);
			fails++;
		}
	}
	if (r->changed)
		opened_changed++;
	if (said_consistent) {
		consistent++;
		if (r->changed || !r->opened)
			consistent_changed++;
		unseen[0] += r->changed_mode;
		unseen[1] += r->changed_size;
		unseen[2] += r->changed_bytes;
		if (r->changed && getenv("DAMAGE_VERBOSE"))
			printf("seed %llu: consistent, yet %s "
			       "changed\n",
			       (unsigned long long)seed, r->first_changed);
	} else {
		damaged++;
	}
	/* the copy again: the walk above wrote to it */
	redamage(seed, flips);
	fails += repair_copy(seed, flips, copy, &rs);
	redamage(seed, flips);
	int ts = limited(run_tools, copy, NULL);
	if (ts == -1 || !WIFEXITED(ts) || WEXITSTATUS(ts) != 0) {
		printf("FAIL seed %llu (%d changes): the pmemfile command: "
		       "%s\n",
		       (unsigned long long)seed, flips, status_str(ts));
		fails++;
	}
	redamage(seed, flips);
	int ss = limited(run_shim, copy, NULL);
	if (ss == -1 || !WIFEXITED(ss) || WEXITSTATUS(ss) != 0) {
		printf("FAIL seed %llu (%d changes): the shim's "
		       "commands: %s\n",
		       (unsigned long long)seed, flips, status_str(ss));
		fails++;
	}
	if (fails && getenv("DAMAGE_KEEP")) {
		/* as damaged, before any step changed it */
		char keep[4200];
		snprintf(keep, sizeof(keep), "%s.%llu", copy,
			 (unsigned long long)seed);
		redamage(seed, flips);
		copy_file(copy, keep);
		printf("kept as %s\n", keep);
	}
	return fails != 0;
}

/*
 * Seeds that once crashed a program, with the changes they made to this
 * pool in layout 4: run every time, beside the range of seeds (a later
 * layout puts other bytes under the same seed; core_damage keeps each
 * damage at its place). find died of SIGSEGV in fstatfs: the inode array
 * chain's next link was followed unchecked (39, 262; 1097 with STRESS's 300).
 * pmemfile rm died of SIGFPE in libpmemobj's free of an extent where no
 * block starts (565, 745, 794 with 300). pmemfile check's walk of the
 * objects looped in libpmemobj on a chunk of two header kinds (986 with
 * 300).
 */
static const struct {
	uint64_t seed;
	int maxflips;
} regress[] = {{39, 40},   {262, 40},  {1097, 300}, {565, 300},
	       {745, 300}, {794, 300}, {986, 300}};

int main(void)
{
	int failures = 0;
	tmp = getenv("TMPDIR");
	build = getenv("TEST_BUILD");
	if (!tmp)
		tmp = "/tmp";
	if (!build) {
		printf("TEST_BUILD is not set\n");
		return 77;
	}
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	bool stress = getenv("STRESS") && atoi(getenv("STRESS")) > 0;
	int n = stress ? 2000 : 200, maxflips = stress ? 300 : 40;
	if (getenv("DAMAGE_LIMIT"))
		limit_s = atoi(getenv("DAMAGE_LIMIT"));
	if (getenv("DAMAGE_N"))
		n = atoi(getenv("DAMAGE_N"));
	uint64_t base = getenv("DAMAGE_BASE")
			    ? strtoull(getenv("DAMAGE_BASE"), NULL, 0)
			    : 1;
	if (getenv("DAMAGE_SEED")) {
		base = strtoull(getenv("DAMAGE_SEED"), NULL, 0);
		n = 1;
	}
	char mnt[4096];
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmp);
	mkdir(mnt, 0755);
	snprintf(orig_pool, sizeof(orig_pool), "%s/damage_orig.pool", tmp);
	make_pool();
	{
		PMEMfilepool *p = pmemfile_pool_open(orig_pool);
		CORE_TRUE(p);
		uint64_t seen[MAX_FILES];
		int nseen = 0, errors[2] = {0, 0};
		walk(p, "/", record, NULL, seen, &nseen, 0, errors);
		CORE_EQ(errors[0] + errors[1], 0);
		pmemfile_pool_close(p);
	}
	CORE_TRUE(norig >= BIG_DIR + 10);
	find_ranges();
	printf("original pool: %d names; %d ranges of pmemfile metadata, "
	       "%d of libpmemobj's\n",
	       norig, nours, ntheirs);

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CORE_TRUE(r != MAP_FAILED);
	snprintf(copy, sizeof(copy), "%s/damage_copy.pool", tmp);
	int ncopies = n;
	if (!getenv("DAMAGE_SEED")) {
		for (size_t i = 0; i < sizeof(regress) / sizeof(regress[0]);
		     i++) {
			if (one_copy(regress[i].seed, regress[i].maxflips)) {
				printf("  (a regression case: seed %llu with "
				       "up to %d changes)\n",
				       (unsigned long long)regress[i].seed,
				       regress[i].maxflips);
				failures++;
			}
			ncopies++;
		}
	}
	for (uint64_t seed = base; seed < base + (uint64_t)n; seed++)
		failures += one_copy(seed, maxflips);
	unlink(copy);
	if (!getenv("DAMAGE_KEEP"))
		unlink(orig_pool);
	printf("%d copies (seeds %llu..%llu, up to %d changes each, and the "
	       "regression seeds): "
	       "%d failed; open refused %d; check: %d consistent, %d "
	       "damaged; calls failed (EIO or another errno) on %d opened "
	       "copies; content changed on %d; called consistent while "
	       "changed or unopenable: %d\n",
	       ncopies, (unsigned long long)base,
	       (unsigned long long)(base + (uint64_t)n - 1), maxflips, failures,
	       refused, consistent, damaged, eio_copies, opened_changed,
	       consistent_changed);
	printf("  names changed in copies called consistent: %d in type or "
	       "mode, %d in size, %d in bytes or link target\n",
	       unseen[0], unseen[1], unseen[2]);
	printf("  check --repair: %d clean after it (%d of them salvaged "
	       "into a new pool), %d left damage it named, %d refused (no "
	       "pool); original files read intact: %d before the repairs, "
	       "%d after\n",
	       rs.clean, rs.salvaged, rs.left, rs.refused, rs.intact_before,
	       rs.intact_after);
	for (int i = 0; i < 64 && reasons[i].n; i++)
		printf("  refused %d: %s\n", reasons[i].n, reasons[i].why);
	return failures ? 1 : 0;
}
