// SPDX-License-Identifier: BSD-3-Clause
/*
 * faults -- every libpmemobj call of the library that can fail (a
 * transaction's add, alloc and free; a reservation and its publish) is
 * made to fail in turn: for each
 * operation family, on a fresh pool, the n-th such call fails, for n = 1,
 * 2, ... until the operation runs to its end without reaching the n-th.
 * After each failure the call returned ENOSPC and changed nothing (the
 * tree, every stat field but atime, the bytes of every file), the pool
 * passes the checker, the tree reads the same after a reopen (the volatile
 * state agreed with the pool), and the operation then succeeds and gives
 * the same tree as on a pool where nothing failed.
 *
 * The failures come from the link: the program wraps the libpmemobj
 * functions (-Wl,--wrap), so the library itself is built as always.
 * STRESS=1 also fails a second call, one of the 8 after the first, in the
 * same operation: the paths that clean up after a failure fail too.
 */
#include "check.h"
#include "tcheck.h"
#include "procid.h"

#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>

#define MiB (1UL << 20)
#define POOL_SIZE (16 * MiB)

static char path[4096];

/* Calls counted since fault_arm, and which ones fail (0: none). */
static long fault_calls;
static long fault_first, fault_second;
static bool fault_fired;

static void fault_arm(long first, long second)
{
	fault_calls = 0;
	fault_first = first;
	fault_second = second;
	fault_fired = false;
}

static bool fault_now(void)
{
	fault_calls++;
	if (fault_calls != fault_first && fault_calls != fault_second)
		return false;
	fault_fired = true;
	return true;
}

int __real_pmemobj_tx_add_range_direct(const void *ptr, size_t size);
PMEMoid __real_pmemobj_tx_xalloc(size_t size, uint64_t type, uint64_t flags);
int __real_pmemobj_tx_free(PMEMoid oid);
PMEMoid __real_pmemobj_xreserve(PMEMobjpool *pop, struct pobj_action *act,
				size_t size, uint64_t type, uint64_t flags);
int __real_pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv,
			   size_t actvcnt);

/* As libpmemobj fails them: the transaction aborts (with the default
 * failure behaviour), or an alloc with NO_ABORT returns OID_NULL. */
int __wrap_pmemobj_tx_add_range_direct(const void *ptr, size_t size)
{
	if (fault_now())
		pmemobj_tx_abort(ENOMEM);
	return __real_pmemobj_tx_add_range_direct(ptr, size);
}

PMEMoid __wrap_pmemobj_tx_xalloc(size_t size, uint64_t type, uint64_t flags)
{
	if (fault_now()) {
		if (flags & POBJ_XALLOC_NO_ABORT) {
			errno = ENOMEM;
			return OID_NULL;
		}
		pmemobj_tx_abort(ENOMEM);
	}
	return __real_pmemobj_tx_xalloc(size, type, flags);
}

int __wrap_pmemobj_tx_free(PMEMoid oid)
{
	if (fault_now())
		pmemobj_tx_abort(ENOMEM);
	return __real_pmemobj_tx_free(oid);
}

/* As libpmemobj fails them: no room for the reservation, no room in the
 * redo log for the publish (its actions left for the caller to cancel). */
PMEMoid __wrap_pmemobj_xreserve(PMEMobjpool *pop, struct pobj_action *act,
				size_t size, uint64_t type, uint64_t flags)
{
	if (fault_now()) {
		errno = ENOMEM;
		return OID_NULL;
	}
	return __real_pmemobj_xreserve(pop, act, size, type, flags);
}

int __wrap_pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv,
			   size_t actvcnt)
{
	if (fault_now()) {
		errno = ENOMEM;
		return -1;
	}
	return __real_pmemobj_publish(pop, actv, actvcnt);
}

/* ------------------------------------------------------------------ */
/* The tree, as text: every name, its stat and its bytes. */

/* What the text has beyond names, modes, owners, links, sizes and bytes. */
#define TREE_BLOCKS 1u
#define TREE_TIMES 2u
#define TREE_ALL (TREE_BLOCKS | TREE_TIMES)

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		T_ASSERT(n >= 0);
		if (t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)n + 4096;
		char *more = realloc(t->s, t->cap);
		T_ASSERT(more != NULL);
		t->s = more;
	}
}

static uint64_t file_hash(PMEMfilepool *pfp, const char *name)
{
	static char buf[65536 + 8];
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n;
	/* a word at a time, the tail bytes zero: the length is in the stat */
	while ((n = pmemfile_read(pfp, f, buf, sizeof(buf) - 8)) > 0) {
		memset(buf + n, 0, (size_t)(-n & 7));
		for (ssize_t i = 0; i < n; i += 8) {
			uint64_t w;
			memcpy(&w, buf + i, 8);
			h = (h ^ w) * 0x100000001b3ULL;
			h ^= h >> 29;
		}
	}
	T_EQ(n, 0);
	pmemfile_close(pfp, f);
	return h;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tree_dir(PMEMfilepool *pfp, const char *dir, struct text *t,
		     unsigned what);

static void tree_entry(PMEMfilepool *pfp, const char *name, struct text *t,
		       unsigned what)
{
	pmemfile_stat_t st;
	T_EQ(pmemfile_lstat(pfp, name, &st), 0);
	text_add(t, "%s mode %o uid %u gid %u nlink %lu size %ld", name,
		 st.st_mode, st.st_uid, st.st_gid, (unsigned long)st.st_nlink,
		 (long)st.st_size);
	if (what & TREE_BLOCKS)
		text_add(t, " blocks %ld", (long)st.st_blocks);
	if (what & TREE_TIMES)
		text_add(t, " mtime %ld.%09ld ctime %ld.%09ld",
			 (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			 (long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	if (S_ISREG(st.st_mode)) {
		text_add(t, " data %016llx\n",
			 (unsigned long long)file_hash(pfp, name));
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n =
		    pmemfile_readlink(pfp, name, target, sizeof(target));
		T_ASSERT(n >= 0);
		text_add(t, " -> %.*s\n", (int)n, target);
	} else {
		text_add(t, "\n");
	}
	if (S_ISDIR(st.st_mode))
		tree_dir(pfp, name, t, what);
}

static void tree_dir(PMEMfilepool *pfp, const char *dir, struct text *t,
		     unsigned what)
{
	PMEMfile *d = pmemfile_open(pfp, dir, PMEMFILE_O_DIRECTORY);
	T_ASSERT(d != NULL);
	char **names = NULL;
	size_t n = 0;
	static char buf[32768];
	int got;
	while ((got = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int off = 0; off < got;) {
			struct dirent64 *e = (void *)(buf + off);
			off += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char **more = realloc(names, (n + 1) * sizeof(*names));
			T_ASSERT(more != NULL);
			names = more;
			T_ASSERT(asprintf(&names[n++], "%s/%s",
					  strcmp(dir, "/") ? dir : "",
					  e->d_name) > 0);
		}
	}
	T_EQ(got, 0);
	pmemfile_close(pfp, d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		tree_entry(pfp, names[i], t, what);
		free(names[i]);
	}
	free(names);
}

static char *tree(PMEMfilepool *pfp, unsigned what)
{
	struct text t = {NULL, 0, 0};
	text_add(&t, "/\n");
	tree_dir(pfp, "/", &t, what);
	return t.s;
}

/* Fails naming the first line where have differs from want. */
static void tree_same(const char *want, const char *have, const char *what,
		      const char *family, long n)
{
	if (strcmp(want, have) == 0)
		return;
	size_t i = 0, line = 0;
	while (want[i] == have[i]) {
		if (want[i] == '\n')
			line = i + 1;
		i++;
	}
	T_FAIL("%s, fault %ld: %s: the tree differs at\n  want: %.*s\n  have: "
	       "%.*s",
	       family, n, what, (int)strcspn(want + line, "\n"), want + line,
	       (int)strcspn(have + line, "\n"), have + line);
}

/* ------------------------------------------------------------------ */
/* The tree each run starts from, and the operation families. */

static void put(PMEMfilepool *pfp, const char *name, size_t len, char fill)
{
	static char buf[1 << 20];
	PMEMfile *f = pmemfile_open(pfp, name,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	memset(buf, fill, sizeof(buf));
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		T_EQ(pmemfile_write(pfp, f, buf, n), n);
		len -= n;
	}
	pmemfile_close(pfp, f);
}

static void setup(PMEMfilepool *pfp)
{
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	T_EQ(pmemfile_mkdir(pfp, "/d/sub", 0755), 0);
	T_EQ(pmemfile_mkdir(pfp, "/d/empty", 0700), 0);
	T_EQ(pmemfile_mkdir(pfp, "/e", 0755), 0);
	put(pfp, "/d/small", 100, 's');
	put(pfp, "/d/other", 5000, 'o');
	put(pfp, "/d/sub/in", 10, 'i');
	/* 4 KiB, 16 KiB, 64 KiB and 256 KiB extents, then extent blocks */
	put(pfp, "/big", 700 * 1024, 'b');
	T_EQ(pmemfile_link(pfp, "/d/small", "/e/small-link"), 0);
	T_EQ(pmemfile_symlink(pfp, "/d/small", "/e/sym"), 0);
	/* /frag: 41 extents, more than one transaction frees */
	static char page[4096];
	memset(page, 'f', sizeof(page));
	PMEMfile *f = pmemfile_open(pfp, "/frag",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_pwrite(pfp, f, page, 1, 2 * MiB), 1);
	for (int i = 0; i < 40; i++)
		T_EQ(pmemfile_pwrite(pfp, f, page, sizeof(page), i * 8192),
		     sizeof(page));
	pmemfile_close(pfp, f);
	/* 7 names: one more grows the hash table of /g (16 entries) */
	char name[64];
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "/g/%d", i);
		if (i == 0)
			T_EQ(pmemfile_mkdir(pfp, "/g", 0755), 0);
		put(pfp, name, 0, 0);
	}
	/* /many: its first block of records is full */
	T_EQ(pmemfile_mkdir(pfp, "/many", 0755), 0);
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof(name), "/many/a-name-of-some-length-%03d",
			 i);
		put(pfp, name, 0, 0);
	}
}

static int write_at(PMEMfilepool *pfp, const char *name, int flags,
		    uint64_t off, size_t len)
{
	static char buf[2 << 20];
	memset(buf, 'w', len);
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_WRONLY | flags);
	T_ASSERT(f != NULL);
	ssize_t n = flags & PMEMFILE_O_APPEND
			? pmemfile_write(pfp, f, buf, len)
			: pmemfile_pwrite(pfp, f, buf, len, (off_t)off);
	int e = errno;
	pmemfile_close(pfp, f);
	errno = e;
	/* a short write gave what it could: the caller sees it as a fault */
	if (n >= 0 && (size_t)n != len)
		T_FAIL("%s: short write %zd of %zu", name, n, len);
	return n < 0 ? -1 : 0;
}

static int op_create(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/d/new",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0640);
	if (!f)
		return -1;
	pmemfile_close(pfp, f);
	return 0;
}

static int op_create_grow(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/g/new",
				    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL, 0600);
	if (!f)
		return -1;
	pmemfile_close(pfp, f);
	return 0;
}

/* a name of 255 bytes: a record of 9 slots, its words in one publish with
 * the inode's mode and the directory's words (create.c) */
static int op_create_long(PMEMfilepool *pfp)
{
	char path[4 + 255];
	memcpy(path, "/d/", 3);
	memset(path + 3, 'n', 255);
	path[3 + 255] = 0;
	PMEMfile *f = pmemfile_open(pfp, path,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0640);
	if (!f)
		return -1;
	pmemfile_close(pfp, f);
	return 0;
}

static int op_create_block(PMEMfilepool *pfp)
{
	return pmemfile_mkdir(pfp, "/many/one-more-name-for-a-new-block", 0755);
}

static int op_open_trunc(PMEMfilepool *pfp)
{
	PMEMfile *f =
	    pmemfile_open(pfp, "/big", PMEMFILE_O_WRONLY | PMEMFILE_O_TRUNC);
	if (!f)
		return -1;
	pmemfile_close(pfp, f);
	return 0;
}

static int op_write_in(PMEMfilepool *pfp)
{
	return write_at(pfp, "/d/other", 0, 1000, 200);
}

/* the first extent of a file: reserved and published (extent.c) */
static int op_write_first(PMEMfilepool *pfp)
{
	return write_at(pfp, "/g/0", 0, 0, 4096);
}

static int op_write_grow(PMEMfilepool *pfp)
{
	return write_at(pfp, "/d/small", 0, 50, 300 * 1024);
}

static int op_append(PMEMfilepool *pfp)
{
	return write_at(pfp, "/big", PMEMFILE_O_APPEND, 0, 1200 * 1024);
}

static int op_write_hole(PMEMfilepool *pfp)
{
	return write_at(pfp, "/d/other", 0, 3 * MiB, 70000);
}

static int op_truncate_down(PMEMfilepool *pfp)
{
	return pmemfile_truncate(pfp, "/big", 5000);
}

static int op_truncate_up(PMEMfilepool *pfp)
{
	return pmemfile_truncate(pfp, "/d/small", 3 * MiB);
}

static int fallocate_on(PMEMfilepool *pfp, const char *name, int mode,
			off_t off, off_t len)
{
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDWR);
	T_ASSERT(f != NULL);
	int r = pmemfile_fallocate(pfp, f, mode, off, len);
	int e = errno;
	pmemfile_close(pfp, f);
	errno = e;
	return r;
}

static int op_fallocate(PMEMfilepool *pfp)
{
	return fallocate_on(pfp, "/d/other", 0, 4096, 2 * MiB);
}

static int op_fallocate_keep(PMEMfilepool *pfp)
{
	return fallocate_on(pfp, "/d/small", PMEMFILE_FL_KEEP_SIZE, 0,
			    600 * 1024);
}

static int op_punch(PMEMfilepool *pfp)
{
	return fallocate_on(pfp, "/big",
			    PMEMFILE_FL_PUNCH_HOLE | PMEMFILE_FL_KEEP_SIZE,
			    6000, 400 * 1024);
}

static int op_unlink(PMEMfilepool *pfp)
{
	return pmemfile_unlink(pfp, "/big");
}

static int op_unlink_link(PMEMfilepool *pfp)
{
	return pmemfile_unlink(pfp, "/e/small-link");
}

static int op_unlink_open(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/d/other", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	int r = pmemfile_unlink(pfp, "/d/other");
	int e = errno;
	pmemfile_close(pfp, f);
	errno = e;
	return r;
}

static int op_unlink_frag(PMEMfilepool *pfp)
{
	return pmemfile_unlink(pfp, "/frag");
}

static int op_unlink_frag_open(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/frag", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	int r = pmemfile_unlink(pfp, "/frag");
	int e = errno;
	pmemfile_close(pfp, f);
	errno = e;
	return r;
}

static int op_rename_over_frag(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/small", "/frag");
}

static int op_truncate_frag(PMEMfilepool *pfp)
{
	return pmemfile_truncate(pfp, "/frag", 4096);
}

static int op_rename(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/small", "/d/renamed");
}

static int op_rename_cross(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/other", "/g/other");
}

static int op_rename_replace(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/other", "/big");
}

static int op_rename_dir(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/sub", "/e/sub");
}

static int op_rename_over_dir(PMEMfilepool *pfp)
{
	return pmemfile_rename(pfp, "/d/sub", "/d/empty");
}

static int op_rename_exchange(PMEMfilepool *pfp)
{
	return pmemfile_renameat2(pfp, PMEMFILE_AT_CWD, "/d/sub",
				  PMEMFILE_AT_CWD, "/e/sym",
				  PMEMFILE_RENAME_EXCHANGE);
}

static int op_rename_noreplace(PMEMfilepool *pfp)
{
	return pmemfile_renameat2(pfp, PMEMFILE_AT_CWD, "/big", PMEMFILE_AT_CWD,
				  "/many/big", PMEMFILE_RENAME_NOREPLACE);
}

static int op_link(PMEMfilepool *pfp)
{
	return pmemfile_link(pfp, "/d/other", "/g/other-link");
}

static int op_symlink(PMEMfilepool *pfp)
{
	return pmemfile_symlink(pfp, "/d/other", "/e/sym2");
}

static int op_symlink_long(PMEMfilepool *pfp)
{
	char target[300];
	memset(target, 'x', sizeof(target) - 1);
	target[sizeof(target) - 1] = 0;
	return pmemfile_symlink(pfp, target, "/e/long");
}

static int op_mkdir(PMEMfilepool *pfp)
{
	return pmemfile_mkdir(pfp, "/d/sub/newdir", 0750);
}

static int op_rmdir(PMEMfilepool *pfp)
{
	return pmemfile_rmdir(pfp, "/d/empty");
}

static int op_mknod(PMEMfilepool *pfp)
{
	return pmemfile_mknodat(pfp, PMEMFILE_AT_CWD, "/e/fifo",
				PMEMFILE_S_IFIFO | 0600, 0);
}

static int op_chmod(PMEMfilepool *pfp)
{
	return pmemfile_chmod(pfp, "/d/small", 0604);
}

static int op_chown(PMEMfilepool *pfp)
{
	return pmemfile_chown(pfp, "/d/small", 1234, 5678);
}

static int op_utimes(PMEMfilepool *pfp)
{
	struct timeval tv[2] = {{1000, 5}, {2000, 7}};
	return pmemfile_utimes(pfp, "/d/other", tv);
}

struct family {
	const char *name;
	int (*op)(PMEMfilepool *pfp);
};

static const struct family families[] = {
    {"create", op_create},
    {"create (the table grows)", op_create_grow},
    {"create, a name of 255 bytes", op_create_long},
    {"mkdir (a new record block)", op_create_block},
    {"open O_TRUNC", op_open_trunc},
    {"write inside", op_write_in},
    {"first write of an empty file", op_write_first},
    {"write growing", op_write_grow},
    {"append across extent sizes", op_append},
    {"write past a hole", op_write_hole},
    {"truncate down", op_truncate_down},
    {"truncate up", op_truncate_up},
    {"fallocate", op_fallocate},
    {"fallocate KEEP_SIZE", op_fallocate_keep},
    {"punch", op_punch},
    {"unlink", op_unlink},
    {"unlink a link", op_unlink_link},
    {"unlink an open file", op_unlink_open},
    {"unlink a fragmented file", op_unlink_frag},
    {"unlink an open fragmented file", op_unlink_frag_open},
    {"rename over a fragmented file", op_rename_over_frag},
    {"truncate a fragmented file", op_truncate_frag},
    {"rename", op_rename},
    {"rename across", op_rename_cross},
    {"rename over a file", op_rename_replace},
    {"rename a directory", op_rename_dir},
    {"rename over a directory", op_rename_over_dir},
    {"rename exchange", op_rename_exchange},
    {"rename noreplace", op_rename_noreplace},
    {"link", op_link},
    {"symlink", op_symlink},
    {"symlink long", op_symlink_long},
    {"mkdir", op_mkdir},
    {"rmdir", op_rmdir},
    {"mknod", op_mknod},
    {"chmod", op_chmod},
    {"chown", op_chown},
    {"utimes", op_utimes},
};

/* ------------------------------------------------------------------ */

/* The pool every run starts from, made once. */
static char template[4200];

static void make_template(void)
{
	unlink(template);
	PMEMfilepool *pfp = pmemfile_pool_create(template, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	/* as this process (root, for chown) */
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	setup(pfp);
	pmemfile_pool_close(pfp);
}

static const char *const dirs[] = {"/", "/d", "/d/sub", "/e", "/g", "/many"};
#define NDIRS (sizeof(dirs) / sizeof(dirs[0]))

/* A name made and removed in every directory (of those that exist). */
static void probe(PMEMfilepool *pfp, const char *family, long n)
{
	char name[64];
	for (size_t i = 0; i < NDIRS; i++) {
		pmemfile_stat_t st;
		if (pmemfile_stat(pfp, dirs[i], &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(name, sizeof(name), "%s/probe-with-a-long-name",
			 strcmp(dirs[i], "/") ? dirs[i] : "");
		if (pmemfile_mkdir(pfp, name, 0755) ||
		    pmemfile_rmdir(pfp, name))
			T_FAIL("%s, fault %ld: mkdir and rmdir %s: errno %s",
			       family, n, name, strerrorname_np(errno));
	}
}

static PMEMfilepool *fresh_pool(void)
{
	int in = open(template, O_RDONLY);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	T_ASSERT(in >= 0 && out >= 0);
	ssize_t n;
	while ((n = copy_file_range(in, NULL, out, NULL, POOL_SIZE, 0)) > 0)
		;
	T_EQ(n, 0);
	close(in);
	close(out);
	PMEMfilepool *pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	/* the volatile state of every directory exists before the call */
	probe(pfp, "setup", 0);
	return pfp;
}

static void check_pool(const char *family, long n)
{
	char *report = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&report, &len);
	T_ASSERT(out != NULL);
	int r = pmemfile_check_pool(path, out);
	fclose(out);
	if (r != 0)
		T_FAIL("%s, fault %ld: the checker found %d problems:\n%s",
		       family, n, r, report);
	free(report);
}

/*
 * What follows each operation: a name made in every directory that it may
 * have changed, where a damaged volatile map of free record slots (or of
 * anything else) would show.
 */
static void after_op(PMEMfilepool *pfp, const char *family, long n)
{
	char name[64];
	for (size_t i = 0; i < NDIRS; i++) {
		pmemfile_stat_t st;
		if (pmemfile_stat(pfp, dirs[i], &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(name, sizeof(name), "%s/after-%zu",
			 strcmp(dirs[i], "/") ? dirs[i] : "", i);
		PMEMfile *f = pmemfile_open(
		    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL, 0600);
		if (!f)
			T_FAIL("%s, fault %ld: create %s after it: errno %s",
			       family, n, name, strerrorname_np(errno));
		pmemfile_close(pfp, f);
	}
}

/* The tree after the operation where nothing failed, and the names after
 * it: without times, with and without blocks. */
struct want {
	char *blocks, *plain;
};

static struct want clean_run(const struct family *fm, long *calls)
{
	PMEMfilepool *pfp = fresh_pool();
	fault_arm(0, 0);
	if (fm->op(pfp))
		T_FAIL("%s: fails with nothing injected (errno %s)", fm->name,
		       strerrorname_np(errno));
	*calls = fault_calls;
	after_op(pfp, fm->name, 0);
	struct want want = {tree(pfp, TREE_BLOCKS), tree(pfp, 0)};
	pmemfile_pool_close(pfp);
	check_pool(fm->name, 0);
	return want;
}

/*
 * One run: the call numbered first (and second) fails; then, on the same
 * pool still open, the names after it and the operation again; then the
 * checker and a reopen. Returns whether a fault was injected.
 */
static bool faulty_run(const struct family *fm, const struct want *want,
		       long first, long second)
{
	PMEMfilepool *pfp = fresh_pool();
	char *before = tree(pfp, TREE_ALL);
	char *before_blocks = tree(pfp, TREE_BLOCKS);
	fault_arm(first, second);
	errno = 0;
	int r = fm->op(pfp);
	int e = errno;
	bool fired = fault_fired;
	fault_arm(0, 0);
	if (r == 0) {
		/*
		 * A fault the library worked around: a smaller table, or
		 * storage past a shrinking truncate kept by the file until
		 * it shrinks or goes (its blocks are still counted).
		 */
		after_op(pfp, fm->name, first);
		char *plain = tree(pfp, 0);
		tree_same(want->plain, plain, "succeeded despite it", fm->name,
			  first);
		free(plain);
	} else {
		if (!fired)
			T_FAIL("%s: fails with nothing injected (errno %s)",
			       fm->name, strerrorname_np(e));
		if (e != ENOSPC)
			T_FAIL("%s, fault %ld: errno %s, expected ENOSPC",
			       fm->name, first, strerrorname_np(e));
		char *after = tree(pfp, TREE_ALL);
		tree_same(before, after, "the failed call changed", fm->name,
			  first);
		free(after);
		/*
		 * A name made and removed in each directory: made on a
		 * live record (a free-slot map the abort left wrong), it
		 * takes a name away.
		 */
		probe(pfp, fm->name, first);
		char *probed = tree(pfp, TREE_BLOCKS);
		tree_same(before_blocks, probed, "a name made and removed",
			  fm->name, first);
		free(probed);
		if (fm->op(pfp))
			T_FAIL("%s, fault %ld: fails again after the fault "
			       "(errno %s)",
			       fm->name, first, strerrorname_np(errno));
		after_op(pfp, fm->name, first);
		char *plain = tree(pfp, TREE_BLOCKS);
		tree_same(want->blocks, plain, "the call repeated", fm->name,
			  first);
		free(plain);
	}
	char *last = tree(pfp, TREE_ALL);
	pmemfile_pool_close(pfp);
	check_pool(fm->name, first);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	char *reopened = tree(pfp, TREE_ALL);
	tree_same(last, reopened, "after a reopen", fm->name, first);
	pmemfile_pool_close(pfp);
	free(before);
	free(before_blocks);
	free(last);
	free(reopened);
	return fired;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	snprintf(template, sizeof(template), "%s.template", path);
	make_template();
	bool stress = getenv("STRESS") != NULL;
	const char *only = getenv("FAULTS_FAMILY");
	long runs = 0;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *fm = &families[i];
		if (only && strcmp(only, fm->name))
			continue;
		long calls;
		struct want want = clean_run(fm, &calls);
		long n;
		for (n = 1; faulty_run(fm, &want, n, 0); n++) {
			runs++;
			for (long m = n + 1; stress && m <= n + 8; m++)
				runs += faulty_run(fm, &want, n, m);
		}
		if (n <= calls)
			T_FAIL("%s: %ld calls, but no fault at %ld", fm->name,
			       calls, n);
		free(want.blocks);
		free(want.plain);
	}
	unlink(path);
	unlink(template);
	printf("PASS faults: %ld runs\n", runs);
	return 0;
}
