// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_run.c -- runs the operations of a case on one backend and records what
 * each returned in a form both backends can be compared in: handles become
 * 0, directory listings are sorted, stat buffers become the fields asked for.
 */
#include "ref_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct run_state {
	const struct ref_backend *be;
	ref_handle slot[REF_SLOTS];
	int used[REF_SLOTS];
};

struct dirent_linux {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

struct dirent_linux64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The bytes a write of op puts in a file: fixed by its line and position. */
void ref_pattern(char *buf, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] =
		    (char)('a' + ((size_t)seed * 7 + i * 13 + i / 26) % 26);
}

static void set_ret(struct ref_result *r, long ret)
{
	if (ret < 0) {
		r->ret = -1;
		r->err = (int)-ret;
	} else {
		r->ret = ret;
		r->err = 0;
	}
}

static void out_printf(struct ref_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(struct ref_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = sizeof(r->out) - r->len;
	int n = vsnprintf(r->out + r->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < room ? (size_t)n : room - 1;
}

static int handle(struct run_state *s, int h, ref_handle *out)
{
	if (h == REF_CWD) {
		*out = s->be->at_cwd;
		return 0;
	}
	if (h < 0 || h >= REF_SLOTS || !s->used[h])
		return -EBADF;
	*out = s->slot[h];
	return 0;
}

static void put_handle(struct run_state *s, int slot, ref_handle h)
{
	if (slot < 0 || slot >= REF_SLOTS) {
		fprintf(stderr, "bad slot %d in a case\n", slot);
		abort();
	}
	s->slot[slot] = h;
	s->used[slot] = 1;
}

static void format_stat(struct ref_result *r, const struct stat *st, long f)
{
	if (!f)
		f = REF_ST_BASE;
	if (f & REF_ST_MODE)
		out_printf(r, "mode=0%o ", st->st_mode);
	/* A directory's size is a file system's own choice. */
	if ((f & REF_ST_SIZE) && !S_ISDIR(st->st_mode))
		out_printf(r, "size=%lld ", (long long)st->st_size);
	if (f & REF_ST_NLINK)
		out_printf(r, "nlink=%lu ", (unsigned long)st->st_nlink);
	if (f & REF_ST_OWNER)
		out_printf(r, "uid=%u gid=%u ", st->st_uid, st->st_gid);
	/*
	 * How many blocks back a file is the allocator's choice (extents may
	 * be preallocated); whether any do is not.
	 */
	if (f & REF_ST_BLOCKS)
		out_printf(r, "blocks%s ", st->st_blocks ? ">0" : "=0");
	if (f & REF_ST_MTIME)
		out_printf(r, "mtime %s ",
			   st->st_mtim.tv_sec == REF_TIME_MARK ? "kept"
							       : "changed");
	if (f & REF_ST_TIMES)
		out_printf(r, "atime=%ld.%09ld mtime=%ld.%09ld ",
			   st->st_atim.tv_sec, st->st_atim.tv_nsec,
			   st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Reads a whole directory with a buffer of bufsize bytes and lists
 * "name type" sorted. Returns 0 or -errno; -EPROTO for a malformed record.
 */
static long list_dir(const struct ref_backend *be, ref_handle h,
		     unsigned bufsize, int use64, struct ref_result *r)
{
	char *buf = malloc(bufsize ? bufsize : 1);
	size_t n = 0, cap = 64;
	char **names = malloc(cap * sizeof(*names));
	long ret = 0;

	for (;;) {
		long got = use64 ? be->getdents64(h, buf, bufsize)
				 : be->getdents(h, buf, bufsize);
		if (got <= 0) {
			ret = got;
			break;
		}
		for (long pos = 0; pos < got;) {
			const char *name;
			unsigned type;
			unsigned short reclen;
			if (use64) {
				struct dirent_linux64 *d = (void *)(buf + pos);
				name = d->d_name;
				type = d->d_type;
				reclen = d->d_reclen;
			} else {
				struct dirent_linux *d = (void *)(buf + pos);
				name = d->d_name;
				reclen = d->d_reclen;
				type = 0;
			}
			if (reclen == 0 || pos + reclen > got) {
				ret = -EPROTO;
				goto out;
			}
			/* the old format keeps the type in the last byte */
			if (!use64)
				type = (unsigned char)buf[pos + reclen - 1];
			if (n == cap) {
				char **more =
				    realloc(names, (cap *= 2) * sizeof(*names));
				if (!more)
					abort();
				names = more;
			}
			if (asprintf(&names[n++], "%s %u", name, type) < 0)
				abort();
			pos += reclen;
		}
	}
out:
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		/* Which names came before an error depends on the order. */
		if (ret == 0)
			out_printf(r, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	free(buf);
	return ret;
}

static void iov_setup(struct iovec *iov, char *buf, const struct ref_op *op,
		      int *cnt)
{
	long len[3] = {op->a, op->b, op->d};
	*cnt = 0;
	for (int i = 0; i < 3; i++) {
		if (len[i] <= 0)
			continue;
		iov[*cnt].iov_base = buf;
		iov[*cnt].iov_len = (size_t)len[i];
		buf += len[i];
		(*cnt)++;
	}
}

static long run_data(struct run_state *s, const struct ref_op *op, ref_handle h,
		     struct ref_result *r)
{
	const struct ref_backend *be = s->be;
	size_t n = op->buf ? strlen(op->buf) : (size_t)(op->a + op->b + op->d);
	char *buf = calloc(1, n + 1);
	struct iovec iov[3];
	int cnt;
	long ret;

	if (n > sizeof(r->out)) {
		fprintf(stderr,
			"line %d: %zu bytes is more than a result holds\n",
			op->line, n);
		abort();
	}
	if (op->buf)
		memcpy(buf, op->buf, n);
	else
		ref_pattern(buf, n, op->line);
	iov_setup(iov, buf, op, &cnt);

	switch (op->code) {
	case REF_READ:
		ret = be->read(h, buf, n);
		break;
	case REF_WRITE:
		ret = be->write(h, buf, n);
		break;
	case REF_PREAD:
		ret = be->pread(h, buf, n, op->c);
		break;
	case REF_PWRITE:
		ret = be->pwrite(h, buf, n, op->c);
		break;
	case REF_READV:
		ret = be->readv(h, iov, cnt);
		break;
	case REF_WRITEV:
		ret = be->writev(h, iov, cnt);
		break;
	case REF_PREADV:
		ret = be->preadv(h, iov, cnt, op->c);
		break;
	default:
		ret = be->pwritev(h, iov, cnt, op->c);
		break;
	}
	int is_read = op->code == REF_READ || op->code == REF_PREAD ||
		      op->code == REF_READV || op->code == REF_PREADV;
	if (is_read && ret > 0) {
		memcpy(r->out, buf, (size_t)ret);
		r->len = (size_t)ret;
	}
	free(buf);
	return ret;
}

static long run_times(struct run_state *s, const struct ref_op *op,
		      ref_handle h)
{
	struct timespec ts[2];
	long t[2] = {op->c, op->d};
	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = t[i] < 0 ? 0 : t[i];
		ts[i].tv_nsec = t[i] == REF_TIME_NOW	? UTIME_NOW
				: t[i] == REF_TIME_OMIT ? UTIME_OMIT
							: 0;
	}
	if (op->code == REF_FUTIMENS)
		return s->be->futimens(h, ts);
	return s->be->utimensat(h, op->p, ts, (int)op->a);
}

static long run_creds(struct run_state *s, const struct ref_op *op)
{
	gid_t groups[2];
	int n = 0;
	for (int i = 0; i < REF_SLOTS; i++) {
		if (s->used[i]) {
			fprintf(stderr,
				"line %d: identity change with slot %d open\n",
				op->line, i);
			abort();
		}
	}
	if (op->a > 0)
		groups[n++] = (gid_t)op->a;
	if (op->b > 0)
		groups[n++] = (gid_t)op->b;
	uid_t euid = op->e ? (uid_t)(op->e - 1) : (uid_t)op->c;
	return s->be->creds((uid_t)op->c, euid, (gid_t)op->d, n, groups);
}

static long run_stat(struct run_state *s, const struct ref_op *op, ref_handle h,
		     ref_handle h2, struct ref_result *r)
{
	struct stat st, st2;
	long ret;
	if (op->code == REF_FSTAT)
		ret = s->be->fstat(h, &st);
	else
		ret = s->be->fstatat(h, op->p, &st, (int)op->a);
	if (ret < 0 || op->code != REF_SAME_INODE) {
		if (ret == 0)
			format_stat(r, &st, op->d);
		return ret;
	}
	ret = s->be->fstatat(h2, op->p2, &st2, (int)op->a);
	if (ret < 0)
		return ret;
	return st.st_ino == st2.st_ino && st.st_dev == st2.st_dev;
}

static long run_dir(struct run_state *s, const struct ref_op *op, ref_handle h,
		    struct ref_result *r)
{
	const struct ref_backend *be = s->be;
	if (op->code == REF_DIRLIST)
		return list_dir(be, h, (unsigned)op->a, 1, r);
	char *buf = malloc((size_t)op->a + 1);
	long ret = op->b ? be->getdents64(h, buf, (unsigned)op->a)
			 : be->getdents(h, buf, (unsigned)op->a);
	free(buf);
	/* How many entries fit depends on the order, which is free. */
	return ret > 0 ? 1 : ret;
}

static long run_names(struct run_state *s, const struct ref_op *op,
		      ref_handle h, ref_handle h2, struct ref_result *r)
{
	const struct ref_backend *be = s->be;
	long ret;
	switch (op->code) {
	case REF_MKDIR:
		return be->mkdirat(h, op->p, (mode_t)op->b);
	case REF_UNLINK:
		return be->unlinkat(h, op->p, (int)op->a);
	case REF_RMDIR:
		return be->rmdir(op->p);
	case REF_LINK:
		return be->linkat(h, op->p, h2, op->p2, (int)op->a);
	case REF_SYMLINK:
		return be->symlinkat(op->p, h2, op->p2);
	case REF_READLINK:
		ret = be->readlinkat(h, op->p, r->out, (size_t)op->a);
		if (ret > 0)
			r->len = (size_t)ret;
		return ret;
	default:
		return be->renameat2(h, op->p, h2, op->p2, (unsigned)op->a);
	}
}

static long run_other(struct run_state *s, const struct ref_op *op,
		      ref_handle h, struct ref_result *r)
{
	const struct ref_backend *be = s->be;
	ref_handle nh;
	long ret;
	switch (op->code) {
	case REF_CHDIR:
		return be->chdir(op->p);
	case REF_FCHDIR:
		return be->fchdir(h);
	case REF_GETCWD:
		ret = be->getcwd(r->out, (size_t)op->a);
		if (ret < 0)
			return ret;
		r->len = (size_t)ret;
		return 0;
	case REF_TRUNCATE:
		return be->truncate(op->p, op->c);
	case REF_FTRUNCATE:
		return be->ftruncate(h, op->c);
	case REF_FALLOCATE:
		return be->fallocate(h, (int)op->a, op->c, op->d);
	case REF_POSIX_FALLOCATE:
		return be->posix_fallocate(h, op->c, op->d);
	case REF_FCNTL:
		ret = be->fcntl(h, (int)op->a, op->b, &nh);
		if (ret == 0 && (op->a == F_DUPFD || op->a == F_DUPFD_CLOEXEC))
			put_handle(s, op->out, nh);
		return ret;
	case REF_UMASK:
		return be->umask((mode_t)op->b);
	case REF_CHMOD:
		return be->fchmodat(h, op->p, (mode_t)op->b, (int)op->a);
	case REF_FCHMOD:
		return be->fchmod(h, (mode_t)op->b);
	case REF_CHOWN:
		return be->fchownat(h, op->p, (uid_t)op->c, (gid_t)op->d,
				    (int)op->a);
	case REF_FCHOWN:
		return be->fchown(h, (uid_t)op->c, (gid_t)op->d);
	case REF_ACCESS:
		return be->faccessat(h, op->p, (int)op->b, (int)op->a);
	case REF_UTIMENS:
	case REF_FUTIMENS:
		return run_times(s, op, h);
	case REF_CREDS:
		return run_creds(s, op);
	default:
		fprintf(stderr, "line %d: unknown operation %d\n", op->line,
			op->code);
		abort();
	}
}

static int uses_handle(enum ref_code c)
{
	return c != REF_RMDIR && c != REF_CHDIR && c != REF_GETCWD &&
	       c != REF_TRUNCATE && c != REF_UMASK && c != REF_CREDS &&
	       c != REF_SYMLINK;
}

static long run_op(struct run_state *s, const struct ref_op *op,
		   struct ref_result *r)
{
	const struct ref_backend *be = s->be;
	ref_handle h = 0, h2 = 0, nh;
	long ret;

	if (uses_handle(op->code) && handle(s, op->h, &h))
		return -EBADF;
	if ((op->code == REF_LINK || op->code == REF_RENAME ||
	     op->code == REF_SYMLINK || op->code == REF_SAME_INODE) &&
	    handle(s, op->h2, &h2))
		return -EBADF;

	switch (op->code) {
	case REF_OPEN:
		ret = be->openat(h, op->p, (int)op->a, (mode_t)op->b, &nh);
		if (ret == 0)
			put_handle(s, op->out, nh);
		return ret;
	case REF_CLOSE:
		if (op->h < 0)
			return -EBADF;
		s->used[op->h] = 0;
		return be->close(h);
	case REF_DUP:
		ret = be->dup(h, &nh);
		if (ret == 0)
			put_handle(s, op->out, nh);
		return ret;
	case REF_READ:
	case REF_WRITE:
	case REF_PREAD:
	case REF_PWRITE:
	case REF_READV:
	case REF_WRITEV:
	case REF_PREADV:
	case REF_PWRITEV:
		return run_data(s, op, h, r);
	case REF_LSEEK:
		return be->lseek(h, op->c, (int)op->a);
	case REF_STAT:
	case REF_FSTAT:
	case REF_SAME_INODE:
		return run_stat(s, op, h, h2, r);
	case REF_GETDENTS:
	case REF_DIRLIST:
		return run_dir(s, op, h, r);
	case REF_MKDIR:
	case REF_UNLINK:
	case REF_RMDIR:
	case REF_LINK:
	case REF_SYMLINK:
	case REF_READLINK:
	case REF_RENAME:
		return run_names(s, op, h, h2, r);
	default:
		return run_other(s, op, h, r);
	}
}

static uint64_t fnv1a(uint64_t hash, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hash = (hash ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return hash;
}

/* Hashes up to len bytes from off; returns the hash, or 0 on an error. */
static uint64_t hash_range(const struct ref_backend *be, ref_handle h,
			   uint64_t hash, off_t off, off_t len)
{
	static char buf[65536];
	while (len > 0) {
		long got = be->pread(
		    h, buf,
		    len < (off_t)sizeof(buf) ? (size_t)len : sizeof(buf), off);
		if (got < 0)
			return 0;
		if (got == 0)
			break;
		hash = fnv1a(hash, buf, (size_t)got);
		off += got;
		len -= got;
	}
	return hash;
}

/*
 * A digest of a file's bytes: all of them for a file up to 16 MiB, its
 * first and last MiB for a larger (sparse) one.
 */
static void walk_file(const struct ref_backend *be, const char *path,
		      off_t size, struct ref_result *r)
{
	ref_handle h;
	uint64_t hash = 0xcbf29ce484222325ULL;
	const off_t whole = 16 << 20, part = 1 << 20;
	if (be->openat(be->at_cwd, path, O_RDONLY | O_NOFOLLOW, 0, &h)) {
		out_printf(r, "unreadable ");
		return;
	}
	if (size <= whole) {
		hash = hash_range(be, h, hash, 0, whole);
	} else {
		hash = hash_range(be, h, hash, 0, part);
		if (hash)
			hash = hash_range(be, h, hash, size - part, part);
	}
	be->close(h);
	out_printf(r, "data=%016llx%s ", (unsigned long long)hash,
		   hash ? "" : " (read error)");
}

/* Lists path and everything under it, one line per name, sorted. */
static void walk(const struct ref_backend *be, const char *path,
		 struct ref_result *r)
{
	struct stat st;
	if (be->fstatat(be->at_cwd, path, &st, AT_SYMLINK_NOFOLLOW)) {
		out_printf(r, "%s: lstat failed\n", path);
		return;
	}
	out_printf(r, "%s ", path);
	/* The root's permissions are set when the file system is made. */
	format_stat(r, &st,
		    strcmp(path, "/") ? REF_ST_BASE
				      : REF_ST_NLINK | REF_ST_OWNER);
	if (S_ISREG(st.st_mode))
		walk_file(be, path, st.st_size, r);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		long n = be->readlinkat(be->at_cwd, path, target,
					sizeof(target) - 1);
		out_printf(r, "-> %.*s", (int)(n > 0 ? n : 0), target);
	}
	out_printf(r, "\n");
	if (!S_ISDIR(st.st_mode))
		return;

	struct ref_result *names = calloc(1, sizeof(*names));
	ref_handle h;
	if (be->openat(be->at_cwd, path, O_RDONLY | O_DIRECTORY, 0, &h)) {
		out_printf(r, "%s: cannot open\n", path);
		free(names);
		return;
	}
	if (list_dir(be, h, 4096, 1, names))
		out_printf(r, "%s: getdents failed\n", path);
	be->close(h);
	char *save = NULL;
	for (char *line = strtok_r(names->out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char child[4096];
		*strrchr(line, ' ') = '\0';
		if (!strcmp(line, ".") || !strcmp(line, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", line);
		walk(be, child, r);
	}
	free(names);
}

int ref_run_case(const struct ref_backend *be, const struct ref_op *ops,
		 struct ref_result *res, volatile int *progress)
{
	struct run_state s = {.be = be};
	int verbose = getenv("REF_VERBOSE") != NULL;

	for (int i = 0; ops[i].code != REF_END; i++) {
		*progress = i;
		memset(&res[i], 0, offsetof(struct ref_result, out));
		set_ret(&res[i], run_op(&s, &ops[i], &res[i]));
		if (verbose)
			fprintf(stderr, "%s line %d: ret %ld errno %d\n",
				be->name, ops[i].line, res[i].ret, res[i].err);
		if (i + 1 >= REF_MAX_OPS) {
			fprintf(stderr, "too many operations in a case\n");
			abort();
		}
	}
	for (int i = 0; i < REF_SLOTS; i++)
		if (s.used[i])
			be->close(s.slot[i]);
	return 0;
}

void ref_walk(const struct ref_backend *be, struct ref_result *r)
{
	memset(r, 0, offsetof(struct ref_result, out));
	be->creds(0, 0, 0, 0, NULL);
	walk(be, "/", r);
}
