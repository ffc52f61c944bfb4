// SPDX-License-Identifier: BSD-3-Clause
/*
 * pathfuzz ROOT OUTSIDE SEED COUNT -- random path operations under ROOT,
 * one line of result each (the value or the errno's name, and for stat
 * the type, mode and size of files), for shim_pathfuzz to compare between
 * a kernel directory and a mount. Paths are made of a few names, ".",
 * "..", empty components and trailing slashes, absolute or relative to the
 * cwd or to a directory descriptor; symlinks point within ROOT (names
 * only) or out of it into OUTSIDE (a kernel directory of the same contents
 * in both runs, deep enough that no path climbs out of what the runs
 * share); some calls get a bad pointer or a path longer than PATH_MAX. No
 * path climbs above ROOT by its text, so that both runs see the same tree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root, *outside;
static uint64_t rng;
static int dirfds[4] = {-1, -1, -1, -1};
static int cwd_depth; /* of the cwd below ROOT */

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const names[] = {"a", "b", "c", "l", "m"};

/*
 * A relative path of up to depth components below a directory at depth
 * base (its ".." never above ROOT); sometimes with "." or an empty
 * component inside, or a trailing slash.
 */
static void rel_path(char *out, size_t size, int base)
{
	int n = 1 + (int)pick(3), depth = base;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *c;
		unsigned k = pick(10);
		if (k == 0)
			c = ".";
		else if (k == 1 && depth > 0)
			c = "..";
		else
			c = names[pick(5)];
		depth += strcmp(c, "..") == 0 ? -1 : strcmp(c, ".") != 0;
		if (i > 0)
			strncat(out, pick(8) == 0 ? "//" : "/",
				size - strlen(out) - 1);
		strncat(out, c, size - strlen(out) - 1);
	}
	if (pick(8) == 0)
		strncat(out, "/", size - strlen(out) - 1);
}

/* A path for a call: where it starts (dirfd) and its text. */
struct where {
	int dirfd;
	char path[PATH_MAX + 64];
	const char *p;	/* what the call gets */
	char shown[80]; /* for the output: the same in both runs */
};

static void any_path(struct where *w)
{
	char rel[PATH_MAX];
	unsigned k = pick(10);
	w->dirfd = AT_FDCWD;
	w->p = w->path;
	if (k == 0) {
		w->p = (const char *)1; /* a bad pointer */
		strcpy(w->shown, "(bad)");
		return;
	}
	if (k == 1) {
		/* longer than PATH_MAX */
		size_t at = 0;
		while (at + 2 < sizeof(w->path) - 1) {
			memcpy(w->path + at, "./", 2);
			at += 2;
		}
		w->path[at] = '\0';
		strcpy(w->shown, "(long)");
		return;
	}
	if (k <= 4) {
		rel_path(rel, sizeof(rel), 0);
		snprintf(w->path, sizeof(w->path), "%s/%s", root, rel);
		snprintf(w->shown, sizeof(w->shown), "R/%.70s", rel);
		return;
	}
	if (k <= 6) {
		int d = (int)pick(4);
		if (dirfds[d] >= 0) {
			/* dirfds are opened at ROOT's top level: depth 1 */
			rel_path(w->path, sizeof(w->path), 1);
			w->dirfd = dirfds[d];
			snprintf(w->shown, sizeof(w->shown), "fd%d:%.70s", d,
				 w->path);
			return;
		}
	}
	rel_path(w->path, sizeof(w->path), cwd_depth);
	snprintf(w->shown, sizeof(w->shown), "%.70s", w->path);
}

static void result(const char *op, long r)
{
	if (r < 0)
		printf("%s -> %s\n", op, strerrorname_np(errno));
	else
		printf("%s -> %ld\n", op, r);
}

static void show_stat(const char *op, int r, const struct stat *st)
{
	if (r < 0) {
		result(op, r);
		return;
	}
	const char *t = S_ISREG(st->st_mode)   ? "file"
			: S_ISDIR(st->st_mode) ? "dir"
			: S_ISLNK(st->st_mode) ? "link"
					       : "other";
	/* a link's size is its target's length, which names ROOT */
	if (S_ISREG(st->st_mode))
		printf("%s -> %s %o %lld nlink %ld\n", op, t,
		       st->st_mode & 07777, (long long)st->st_size,
		       (long)st->st_nlink);
	else
		printf("%s -> %s %o\n", op, t, st->st_mode & 07777);
}

/* A symlink target: names within ROOT (never ".."), or into OUTSIDE. */
static void link_target(char *out, size_t size)
{
	if (pick(4) == 0) {
		snprintf(out, size, "%s/%s", outside, names[pick(3)]);
		return;
	}
	snprintf(out, size, "%s", names[pick(5)]);
	if (pick(2))
		snprintf(out + strlen(out), size - strlen(out), "/%s",
			 names[pick(5)]);
}

static void one(int i)
{
	struct where a, b;
	char op[256], buf[256], target[PATH_MAX];
	struct stat st;
	long r;
	unsigned k = pick(16);
	any_path(&a);
	errno = 0;
	switch (k) {
	case 0:
		snprintf(op, sizeof(op), "%d mkdir %s", i, a.shown);
		r = mkdirat(a.dirfd, a.p, 0755);
		break;
	case 1:
		snprintf(op, sizeof(op), "%d rmdir %s", i, a.shown);
		r = unlinkat(a.dirfd, a.p, AT_REMOVEDIR);
		break;
	case 2:
	case 3: {
		int flags = O_CREAT | O_WRONLY | (pick(3) == 0 ? O_EXCL : 0) |
			    (pick(3) == 0 ? O_TRUNC : O_APPEND);
		snprintf(op, sizeof(op), "%d create %x %s", i, flags, a.shown);
		int fd = openat(a.dirfd, a.p, flags, 0644);
		r = fd;
		if (fd >= 0) {
			size_t n = pick(40);
			memset(buf, 'x', n);
			r = write(fd, buf, n) == (ssize_t)n ? 0 : -1;
			close(fd);
		}
		break;
	}
	case 4:
		snprintf(op, sizeof(op), "%d unlink %s", i, a.shown);
		r = unlinkat(a.dirfd, a.p, 0);
		break;
	case 5:
		any_path(&b);
		snprintf(op, sizeof(op), "%d rename %s %s", i, a.shown,
			 b.shown);
		r = renameat(a.dirfd, a.p, b.dirfd, b.p);
		break;
	case 6:
		any_path(&b);
		snprintf(op, sizeof(op), "%d link %s %s", i, a.shown, b.shown);
		r = linkat(a.dirfd, a.p, b.dirfd, b.p, 0);
		break;
	case 7:
		link_target(target, sizeof(target));
		snprintf(op, sizeof(op), "%d symlink %s %s", i,
			 target[0] == '/' ? "OUT" : target, a.shown);
		r = symlinkat(target, a.dirfd, a.p);
		break;
	case 8: {
		snprintf(op, sizeof(op), "%d readlink %s", i, a.shown);
		ssize_t n = readlinkat(a.dirfd, a.p, buf, sizeof(buf));
		r = n < 0 ? -1 : 0; /* targets name ROOT or OUTSIDE */
		break;
	}
	case 9:
	case 10:
		snprintf(op, sizeof(op), "%d stat %s", i, a.shown);
		show_stat(op, fstatat(a.dirfd, a.p, &st, 0), &st);
		return;
	case 11:
		snprintf(op, sizeof(op), "%d lstat %s", i, a.shown);
		show_stat(op, fstatat(a.dirfd, a.p, &st, AT_SYMLINK_NOFOLLOW),
			  &st);
		return;
	case 12:
		snprintf(op, sizeof(op), "%d access %s", i, a.shown);
		r = faccessat(a.dirfd, a.p, R_OK | W_OK, 0);
		break;
	case 13: {
		/* a directory descriptor at ROOT's top level */
		int d = (int)pick(4);
		snprintf(op, sizeof(op), "%d dirfd %d", i, d);
		snprintf(a.path, sizeof(a.path), "%s/%s", root, names[pick(5)]);
		if (dirfds[d] >= 0)
			close(dirfds[d]);
		dirfds[d] = open(a.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		r = dirfds[d] < 0 ? -1 : 0;
		break;
	}
	case 14: {
		/* into a directory (no link) at ROOT's top level, or ROOT */
		snprintf(op, sizeof(op), "%d chdir", i);
		if (pick(3) == 0) {
			r = chdir(root);
			if (r == 0)
				cwd_depth = 0;
			break;
		}
		snprintf(a.path, sizeof(a.path), "%s/%s", root, names[pick(5)]);
		int fd = open(a.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		r = fd < 0 ? -1 : fchdir(fd);
		if (fd >= 0)
			close(fd);
		if (r == 0)
			cwd_depth = 1;
		break;
	}
	default: {
		snprintf(op, sizeof(op), "%d list %s", i, a.shown);
		int fd = openat(a.dirfd, a.p, O_RDONLY | O_DIRECTORY);
		r = fd;
		if (fd >= 0) {
			DIR *dir = fdopendir(fd);
			int entries = 0;
			while (dir && readdir(dir))
				entries++;
			if (dir)
				closedir(dir);
			r = entries;
		}
		break;
	}
	}
	result(op, r);
}

int main(int argc, char *argv[])
{
	if (argc != 5) {
		fprintf(stderr, "usage: pathfuzz ROOT OUTSIDE SEED COUNT\n");
		return 2;
	}
	root = argv[1];
	outside = argv[2];
	rng = strtoull(argv[3], NULL, 0) * 2654435761ULL + 1;
	int count = atoi(argv[4]);
	if (chdir(root))
		return 2;
	for (int i = 0; i < count; i++)
		one(i);
	return 0;
}
