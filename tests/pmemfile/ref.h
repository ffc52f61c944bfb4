/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ref.h -- the reference-comparison harness.
 *
 * A test is a list of cases; a case is a list of operations. Each case runs
 * twice: against the kernel, in a forked child chrooted into a fresh
 * directory on /dev/shm, and against pmemfile, on a fresh pool. The result of
 * every operation (return value, errno, bytes read, selected stat fields,
 * sorted directory listings, paths) is recorded by both backends and compared
 * one by one; after the last operation the whole tree of each is listed and
 * compared too, and the pool must pass pmemfile_check_pool().
 *
 * Handles (descriptors) live in numbered slots, so a case can say "open into
 * slot 1, write to slot 1" without knowing what a backend uses for handles.
 */
#ifndef TESTS_PMEMFILE_REF_H
#define TESTS_PMEMFILE_REF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum ref_code {
	REF_END = 0,
	REF_OPEN,	     /* out = openat(h, p, a, b) */
	REF_CLOSE,	     /* close(h) */
	REF_DUP,	     /* out = dup(h) */
	REF_READ,	     /* read(h, a bytes) */
	REF_WRITE,	     /* write(h, buf or a pattern bytes) */
	REF_PREAD,	     /* pread(h, a bytes, at c) */
	REF_PWRITE,	     /* pwrite(h, buf or a pattern bytes, at c) */
	REF_READV,	     /* readv(h, iovecs of a, b, d bytes) */
	REF_WRITEV,	     /* writev(h, iovecs of a, b, d pattern bytes) */
	REF_PREADV,	     /* preadv(h, a, b, d bytes, at c) */
	REF_PWRITEV,	     /* pwritev(h, a, b, d pattern bytes, at c) */
	REF_LSEEK,	     /* lseek(h, c, a) */
	REF_STAT,	     /* fstatat(h, p, a = AT_* flags), fields d */
	REF_FSTAT,	     /* fstat(h), fields d */
	REF_SAME_INODE,	     /* 1 if fstatat(h, p) and fstatat(h2, p2) agree */
	REF_GETDENTS,	     /* one getdents(h, a bytes); b: 64-bit records */
	REF_DIRLIST,	     /* getdents until 0 with a buffer of a bytes */
	REF_MKDIR,	     /* mkdirat(h, p, b) */
	REF_UNLINK,	     /* unlinkat(h, p, a) */
	REF_RMDIR,	     /* rmdir(p) */
	REF_LINK,	     /* linkat(h, p, h2, p2, a) */
	REF_SYMLINK,	     /* symlinkat(p, h2, p2) */
	REF_READLINK,	     /* readlinkat(h, p, buffer of a bytes) */
	REF_RENAME,	     /* renameat2(h, p, h2, p2, a) */
	REF_CHDIR,	     /* chdir(p) */
	REF_FCHDIR,	     /* fchdir(h) */
	REF_GETCWD,	     /* getcwd(buffer of a bytes) */
	REF_TRUNCATE,	     /* truncate(p, c) */
	REF_FTRUNCATE,	     /* ftruncate(h, c) */
	REF_FALLOCATE,	     /* fallocate(h, a, c, d) */
	REF_POSIX_FALLOCATE, /* posix_fallocate(h, c, d) */
	REF_FCNTL,	     /* fcntl(h, a, b); F_DUPFD* put the copy in out */
	REF_UMASK,	     /* umask(b) */
	REF_CHMOD,	     /* fchmodat(h, p, b, a) */
	REF_FCHMOD,	     /* fchmod(h, b) */
	REF_CHOWN,	     /* fchownat(h, p, c, d, a) */
	REF_FCHOWN,	     /* fchown(h, c, d) */
	REF_ACCESS,	     /* faccessat(h, p, b, a) */
	REF_UTIMENS,	     /* utimensat(h, p, {c, 0}, {d, 0}, a) */
	REF_FUTIMENS,	     /* futimens(h, {c, 0}, {d, 0}) */
	/*
	 * Become uid c, gid d, supplementary groups a, b (0: none). Only while
	 * no handle is open; the cwd becomes / and the umask 022 again.
	 */
	REF_CREDS,
	REF_CODES
};

/* The "handle" meaning the current directory (AT_FDCWD). */
#define REF_CWD (-1)
/* No handle. */
#define REF_NONE (-2)
#define REF_SLOTS 32

/* Stat fields a REF_STAT or REF_FSTAT compares (d); the default is BASE. */
#define REF_ST_MODE 0x01 /* type and permission bits */
#define REF_ST_SIZE 0x02
#define REF_ST_NLINK 0x04
#define REF_ST_OWNER 0x08  /* uid and gid */
#define REF_ST_BLOCKS 0x10 /* whether any block is allocated */
#define REF_ST_TIMES 0x20  /* atime and mtime seconds (when set explicitly) */
/* Whether mtime still holds REF_TIME_MARK (set by UTIMENS) or changed. */
#define REF_ST_MTIME 0x40
#define REF_TIME_MARK 1000000L
#define REF_ST_BASE (REF_ST_MODE | REF_ST_SIZE | REF_ST_NLINK | REF_ST_OWNER)

/* A time value for REF_UTIMENS/REF_FUTIMENS meaning UTIME_NOW/UTIME_OMIT. */
#define REF_TIME_NOW (-1L)
#define REF_TIME_OMIT (-2L)

struct ref_op {
	enum ref_code code;
	int line;
	int h, h2; /* slots of the handles used, REF_CWD or REF_NONE */
	int out;   /* slot for a new handle */
	const char *p, *p2;
	const char *buf; /* bytes written; NULL: a pattern of a bytes */
	long a, b, c, d;
	long e; /* REF_CREDS: effective uid + 1 (0: the same as the real) */
};

struct ref_case {
	const char *name;
	const struct ref_op *ops;
	/*
	 * A case that shows a known library bug: not run unless the
	 * environment has REF_KNOWN_BUGS=1. The text says what differs.
	 */
	const char *bug;
};

/* Runs every case of a test; returns the exit status for main(). */
int ref_main(const char *test, const struct ref_case *cases, size_t ncases);

struct ref_backend;
/* The same with the backends given: ref is the reference. */
int ref_compare(const char *test, const struct ref_case *cases, size_t ncases,
		const struct ref_backend *ref, const struct ref_backend *tst);

#define REF_OP(code_, ...)                                     \
	{                                                      \
		.code = (code_), .line = __LINE__, __VA_ARGS__ \
	}
#define REF_CASE(name_, ...)                                                 \
	{                                                                    \
		.name = (name_),                                             \
		.ops =                                                       \
		    (const struct ref_op[]){__VA_ARGS__, {.code = REF_END}}, \
	}
#define REF_BUG_CASE(name_, bug_, ...)                                       \
	{                                                                    \
		.name = (name_), .bug = (bug_),                              \
		.ops =                                                       \
		    (const struct ref_op[]){__VA_ARGS__, {.code = REF_END}}, \
	}

/* Shorthands, named after the call they make. */
#define OPEN(slot, path, flags, mode)                              \
	REF_OP(REF_OPEN, .h = REF_CWD, .out = (slot), .p = (path), \
	       .a = (flags), .b = (mode))
#define OPENAT(slot, dir, path, flags, mode)                                   \
	REF_OP(REF_OPEN, .h = (dir), .out = (slot), .p = (path), .a = (flags), \
	       .b = (mode))
#define CLOSE(slot) REF_OP(REF_CLOSE, .h = (slot))
#define DUP(slot, copy) REF_OP(REF_DUP, .h = (slot), .out = (copy))
#define READ(slot, n) REF_OP(REF_READ, .h = (slot), .a = (n))
#define WRITE(slot, str) REF_OP(REF_WRITE, .h = (slot), .buf = (str))
#define WRITEN(slot, n) REF_OP(REF_WRITE, .h = (slot), .a = (n))
#define PREAD(slot, n, off) REF_OP(REF_PREAD, .h = (slot), .a = (n), .c = (off))
#define PWRITE(slot, str, off) \
	REF_OP(REF_PWRITE, .h = (slot), .buf = (str), .c = (off))
#define PWRITEN(slot, n, off) \
	REF_OP(REF_PWRITE, .h = (slot), .a = (n), .c = (off))
#define READV(slot, n1, n2, n3) \
	REF_OP(REF_READV, .h = (slot), .a = (n1), .b = (n2), .d = (n3))
#define WRITEV(slot, n1, n2, n3) \
	REF_OP(REF_WRITEV, .h = (slot), .a = (n1), .b = (n2), .d = (n3))
#define PREADV(slot, n1, n2, n3, off)                                    \
	REF_OP(REF_PREADV, .h = (slot), .a = (n1), .b = (n2), .d = (n3), \
	       .c = (off))
#define PWRITEV(slot, n1, n2, n3, off)                                    \
	REF_OP(REF_PWRITEV, .h = (slot), .a = (n1), .b = (n2), .d = (n3), \
	       .c = (off))
#define LSEEK(slot, off, whence) \
	REF_OP(REF_LSEEK, .h = (slot), .c = (off), .a = (whence))
#define STAT(path) REF_OP(REF_STAT, .h = REF_CWD, .p = (path))
#define STATF(path, fields) \
	REF_OP(REF_STAT, .h = REF_CWD, .p = (path), .d = (fields))
#define LSTAT(path) \
	REF_OP(REF_STAT, .h = REF_CWD, .p = (path), .a = AT_SYMLINK_NOFOLLOW)
#define FSTATAT(dir, path, flags) \
	REF_OP(REF_STAT, .h = (dir), .p = (path), .a = (flags))
#define FSTAT(slot) REF_OP(REF_FSTAT, .h = (slot))
#define FSTATF(slot, fields) REF_OP(REF_FSTAT, .h = (slot), .d = (fields))
#define SAME_INODE(path1, path2)                                          \
	REF_OP(REF_SAME_INODE, .h = REF_CWD, .p = (path1), .h2 = REF_CWD, \
	       .p2 = (path2))
#define GETDENTS(slot, size) REF_OP(REF_GETDENTS, .h = (slot), .a = (size))
#define GETDENTS64(slot, size) \
	REF_OP(REF_GETDENTS, .h = (slot), .a = (size), .b = 1)
#define DIRLIST(slot, size) REF_OP(REF_DIRLIST, .h = (slot), .a = (size))
#define MKDIR(path, mode) \
	REF_OP(REF_MKDIR, .h = REF_CWD, .p = (path), .b = (mode))
#define MKDIRAT(dir, path, mode) \
	REF_OP(REF_MKDIR, .h = (dir), .p = (path), .b = (mode))
#define RMDIR(path) REF_OP(REF_RMDIR, .p = (path))
#define UNLINK(path) REF_OP(REF_UNLINK, .h = REF_CWD, .p = (path))
#define UNLINKAT(dir, path, flags) \
	REF_OP(REF_UNLINK, .h = (dir), .p = (path), .a = (flags))
#define LINK(path1, path2)                                          \
	REF_OP(REF_LINK, .h = REF_CWD, .p = (path1), .h2 = REF_CWD, \
	       .p2 = (path2))
#define LINKAT(dir1, path1, dir2, path2, flags)                   \
	REF_OP(REF_LINK, .h = (dir1), .p = (path1), .h2 = (dir2), \
	       .p2 = (path2), .a = (flags))
#define SYMLINK(target, path) \
	REF_OP(REF_SYMLINK, .p = (target), .h2 = REF_CWD, .p2 = (path))
#define SYMLINKAT(target, dir, path) \
	REF_OP(REF_SYMLINK, .p = (target), .h2 = (dir), .p2 = (path))
#define READLINK(path, size) \
	REF_OP(REF_READLINK, .h = REF_CWD, .p = (path), .a = (size))
#define READLINKAT(dir, path, size) \
	REF_OP(REF_READLINK, .h = (dir), .p = (path), .a = (size))
#define RENAME(path1, path2)                                          \
	REF_OP(REF_RENAME, .h = REF_CWD, .p = (path1), .h2 = REF_CWD, \
	       .p2 = (path2))
#define RENAMEAT2(dir1, path1, dir2, path2, flags)                  \
	REF_OP(REF_RENAME, .h = (dir1), .p = (path1), .h2 = (dir2), \
	       .p2 = (path2), .a = (flags))
#define CHDIR(path) REF_OP(REF_CHDIR, .p = (path))
#define FCHDIR(slot) REF_OP(REF_FCHDIR, .h = (slot))
#define GETCWD(size) REF_OP(REF_GETCWD, .a = (size))
#define TRUNCATE(path, len) REF_OP(REF_TRUNCATE, .p = (path), .c = (len))
#define FTRUNCATE(slot, len) REF_OP(REF_FTRUNCATE, .h = (slot), .c = (len))
#define FALLOCATE(slot, mode, off, len) \
	REF_OP(REF_FALLOCATE, .h = (slot), .a = (mode), .c = (off), .d = (len))
#define POSIX_FALLOCATE(slot, off, len) \
	REF_OP(REF_POSIX_FALLOCATE, .h = (slot), .c = (off), .d = (len))
#define FCNTL(slot, cmd, arg) \
	REF_OP(REF_FCNTL, .h = (slot), .a = (cmd), .b = (arg))
#define FCNTL_DUP(slot, cmd, arg, copy) \
	REF_OP(REF_FCNTL, .h = (slot), .a = (cmd), .b = (arg), .out = (copy))
#define UMASK(mask) REF_OP(REF_UMASK, .b = (mask))
#define CHMOD(path, mode) \
	REF_OP(REF_CHMOD, .h = REF_CWD, .p = (path), .b = (mode))
#define FCHMOD(slot, mode) REF_OP(REF_FCHMOD, .h = (slot), .b = (mode))
#define CHOWN(path, uid, gid) \
	REF_OP(REF_CHOWN, .h = REF_CWD, .p = (path), .c = (uid), .d = (gid))
#define LCHOWN(path, uid, gid)                                               \
	REF_OP(REF_CHOWN, .h = REF_CWD, .p = (path), .c = (uid), .d = (gid), \
	       .a = AT_SYMLINK_NOFOLLOW)
#define FCHOWN(slot, uid, gid) \
	REF_OP(REF_FCHOWN, .h = (slot), .c = (uid), .d = (gid))
#define ACCESS(path, mode) \
	REF_OP(REF_ACCESS, .h = REF_CWD, .p = (path), .b = (mode))
#define FACCESSAT(dir, path, mode, flags) \
	REF_OP(REF_ACCESS, .h = (dir), .p = (path), .b = (mode), .a = (flags))
#define UTIMENS(path, atime, mtime, flags)                           \
	REF_OP(REF_UTIMENS, .h = REF_CWD, .p = (path), .c = (atime), \
	       .d = (mtime), .a = (flags))
#define FUTIMENS(slot, atime, mtime) \
	REF_OP(REF_FUTIMENS, .h = (slot), .c = (atime), .d = (mtime))
#define CREDS(uid, gid, group1, group2) \
	REF_OP(REF_CREDS, .c = (uid), .d = (gid), .a = (group1), .b = (group2))
#define AS_ROOT() CREDS(0, 0, 0, 0)
/* Real uid ruid but effective uid euid, gid for both. */
#define CREDS_RE(ruid, euid, gid) \
	REF_OP(REF_CREDS, .c = (ruid), .e = (euid) + 1, .d = (gid))

#endif
