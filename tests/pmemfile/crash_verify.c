// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash_verify.c -- the crash model's operations run on a pool, and the
 * state of a pool after a crash compared with the model.
 */
#include "crash_verify.h"
#include "check.h"
#include "layout.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cm_op_names[] = {
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
    [CM_SYMLINK] = "symlink",
};

static char why[512];

static const char *because(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return why;
}

int cm_do_op(PMEMfilepool *pfp, const struct cm_rec *r)
{
	char a[CM_PATH_MAX], b[CM_PATH_MAX];
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
		 * next open if the crash comes first */
		f = pmemfile_open(pfp, a, PMEMFILE_O_RDWR);
		if (!f || pmemfile_unlink(pfp, a))
			return -1;
		cm_data(buf, r->len, r->seq);
		n = pmemfile_pwrite(pfp, f, buf, r->len, 0);
		pmemfile_close(pfp, f);
		return n == (ssize_t)r->len ? 0 : -1;
	case CM_LINK:
		return pmemfile_link(pfp, a, b);
	case CM_SYMLINK: {
		char target[CM_MAX_TARGET + 1];
		cm_target(target, r->len, r->seq);
		return pmemfile_symlink(pfp, target, a);
	}
	}
	return -1;
}

void cm_actual_init(struct cm_actual *a)
{
	memset(a, 0, sizeof(*a));
	for (int s = 0; s < CM_SLOTS; s++)
		a->data[s] = malloc(CM_MAX_SIZE);
}

void cm_actual_free(struct cm_actual *a)
{
	for (int s = 0; s < CM_SLOTS; s++)
		free(a->data[s]);
}

static const char *read_file(PMEMfilepool *pfp, const char *path,
			     struct cm_actual *a, int s)
{
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	if (!f)
		return because("%s exists but cannot be opened: %s", path,
			       strerrorname_np(errno));
	if (a->size[s] > CM_MAX_SIZE) {
		pmemfile_close(pfp, f);
		return because("%s has size %llu, larger than ever written",
			       path, (unsigned long long)a->size[s]);
	}
	ssize_t n = pmemfile_read(pfp, f, a->data[s], CM_MAX_SIZE);
	pmemfile_close(pfp, f);
	if (n != (ssize_t)a->size[s])
		return because("%s: read %zd bytes, size %llu", path, n,
			       (unsigned long long)a->size[s]);
	return NULL;
}

/* Every name in a directory must be one the workload can make. */
static const char *check_names(PMEMfilepool *pfp, const char *dir, int is_root)
{
	PMEMfile *d = pmemfile_open(pfp, dir, PMEMFILE_O_DIRECTORY);
	char buf[4096];
	int n;
	if (!d)
		return because("cannot open directory %s", dir);
	while ((n = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			const char *name = buf + pos + 19;
			int ok = !strcmp(name, ".") || !strcmp(name, "..") ||
				 cm_name_valid(name) ||
				 (is_root && name[0] == 'd' && name[1] >= '0' &&
				  name[1] < '0' + CM_DIRS && !name[2]);
			if (!ok) {
				pmemfile_close(pfp, d);
				return because("unexpected name %s in %s", name,
					       dir);
			}
			if (reclen == 0) {
				pmemfile_close(pfp, d);
				return because("zero-length record in %s", dir);
			}
			pos += reclen;
		}
	}
	pmemfile_close(pfp, d);
	if (n < 0)
		return because("getdents64 of %s failed: %s", dir,
			       strerrorname_np(errno));
	return NULL;
}

static const char *read_actual(PMEMfilepool *pfp, struct cm_actual *a)
{
	char path[CM_PATH_MAX];
	pmemfile_stat_t st;
	const char *e = check_names(pfp, "/", 1);
	if (e)
		return e;
	for (int d = 0; d < CM_DIRS; d++) {
		snprintf(path, sizeof(path), "/d%d", d);
		a->dir[d] = pmemfile_lstat(pfp, path, &st) == 0;
		if (a->dir[d] && !PMEMFILE_S_ISDIR(st.st_mode))
			return because("%s is not a directory", path);
		if (a->dir[d] && (e = check_names(pfp, path, 0)))
			return e;
	}
	for (int s = 0; s < CM_SLOTS; s++) {
		cm_slot_path(s, path, sizeof(path));
		a->exists[s] = pmemfile_lstat(pfp, path, &st) == 0;
		if (!a->exists[s])
			continue;
		a->ino[s] = st.st_ino;
		a->nlink[s] = st.st_nlink;
		a->size[s] = (uint64_t)st.st_size;
		a->symlink[s] = PMEMFILE_S_ISLNK(st.st_mode);
		if (a->symlink[s]) {
			pmemfile_ssize_t n = pmemfile_readlink(
			    pfp, path, (char *)a->data[s], CM_MAX_SIZE);
			if (n != (pmemfile_ssize_t)a->size[s])
				return because("%s: readlink gave %zd bytes, "
					       "size %llu",
					       path, n,
					       (unsigned long long)a->size[s]);
			continue;
		}
		if (!PMEMFILE_S_ISREG(st.st_mode))
			return because("%s is neither a regular file nor a "
				       "symlink",
				       path);
		if ((e = read_file(pfp, path, a, s)))
			return e;
	}
	return NULL;
}

/* NULL if the pool's state is m, else what differs. */
static const char *differs(const struct cm_model *m, const struct cm_actual *a,
			   int skip_inode)
{
	for (int d = 0; d < CM_DIRS; d++)
		if (a->dir[d] != m->dir[d])
			return because("/d%d %s", d,
				       m->dir[d] ? "missing"
						 : "should not exist");
	for (int s = 0; s < CM_SLOTS; s++) {
		char p[CM_PATH_MAX];
		cm_slot_path(s, p, sizeof(p));
		int i = m->slot[s];
		if (a->exists[s] != (i >= 0))
			return because("%s %s", p,
				       i >= 0 ? "missing" : "should not exist");
		if (i < 0)
			continue;
		for (int t = 0; t < s; t++)
			if (m->slot[t] >= 0 &&
			    (m->slot[t] == i) != (a->ino[t] == a->ino[s]))
				return because(
				    "%s and slot %d: hard links differ", p, t);
		if (a->symlink[s] != m->ino[i].symlink)
			return because("%s %s a symlink", p,
				       a->symlink[s] ? "is" : "is not");
		if (a->nlink[s] != (uint64_t)m->ino[i].nlink)
			return because("%s nlink %llu, expected %d", p,
				       (unsigned long long)a->nlink[s],
				       m->ino[i].nlink);
		if (i == skip_inode)
			continue;
		if (a->size[s] != m->ino[i].size)
			return because("%s size %llu, expected %zu", p,
				       (unsigned long long)a->size[s],
				       m->ino[i].size);
		if (memcmp(a->data[s], m->ino[i].data, m->ino[i].size))
			return because("%s data differ", p);
	}
	return NULL;
}

/* A write in flight: each byte old or new, the size in between. */
static const char *partial_write(struct cm_model *m, const struct cm_actual *a,
				 const struct cm_rec *r)
{
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
	if (size < in->size || size > newsize)
		return because("size %llu outside %zu..%llu",
			       (unsigned long long)size, in->size,
			       (unsigned long long)newsize);
	for (uint64_t j = 0; j < size; j++) {
		unsigned char old = j < in->size ? in->data[j] : 0;
		int ok = got[j] == old ||
			 (j >= off && j < end && got[j] == fresh[j - off]);
		if (!ok)
			return because("byte %llu is neither old nor new data",
				       (unsigned long long)j);
	}
	/* The state is legitimate: it becomes the model. */
	m->ino[i].size = size;
	memcpy(m->ino[i].data, got, size);
	return NULL;
}

/*
 * After the open, no inode may remain but the roots, the directories and
 * the files with a name: an orphan of the crashed process must have been
 * freed.
 */
static const char *check_inodes(const struct cm_model *m,
				const struct pmemfile_stats *s)
{
	unsigned want = 1 + PMEMFILE_EXTRA_ROOTS;
	for (int d = 0; d < CM_DIRS; d++)
		want += (unsigned)m->dir[d];
	for (int i = 0; i < CM_INODES; i++)
		want += m->ino[i].nlink > 0;
	if (s->inodes != want)
		return because("%u inodes in the pool after its open, %u "
			       "expected (an orphan not freed, or a leak)",
			       s->inodes, want);
	return NULL;
}

/* First byte where a file's data differs from a model's, or -1. */
static long first_diff(const struct cm_model *m, const struct cm_actual *a,
		       int s)
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
			const struct cm_model *with, const struct cm_actual *a)
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

const char *cm_verify_pool(const char *path, struct cm_model *m, int pending,
			   const struct cm_rec *r, struct cm_model *tmp,
			   struct cm_actual *a)
{
	if (pmemfile_check_pool(path, stdout))
		return because("the checker refused the pool");
	PMEMfilepool *pfp = pmemfile_pool_open(path);
	if (!pfp)
		return because("the pool does not open: %s",
			       pmemfile_errormsg());
	const char *e = read_actual(pfp, a);
	struct pmemfile_stats stats;
	pmemfile_stats(pfp, &stats);
	pmemfile_pool_close(pfp);
	if (e)
		return e;

	const char *d = differs(m, a, -1);
	if (!d)
		return check_inodes(m, &stats);
	/* differs() reuses the buffer: keep this answer */
	char without[256];
	snprintf(without, sizeof(without), "%s", d);
	if (!pending)
		return because("%s (no operation in flight)", without);
	cm_copy(tmp, m);
	cm_apply(tmp, r);
	if (!differs(tmp, a, -1)) {
		cm_copy(m, tmp);
		return check_inodes(m, &stats);
	}
	if (r->op == CM_PWRITE || r->op == CM_APPEND) {
		const char *p = partial_write(m, a, r);
		if (!p)
			return check_inodes(m, &stats);
		char part[256];
		snprintf(part, sizeof(part), "%s", p);
		return because("write in flight (slot %d, %u bytes): %s", r->a,
			       r->len, part);
	}
	dump_states(m, tmp, a);
	char with[256];
	snprintf(with, sizeof(with), "%s", differs(tmp, a, -1));
	return because("operation %s in flight (a %d, b %d): without it %s; "
		       "with it %s",
		       cm_op_names[r->op], r->a, r->b, without, with);
}
