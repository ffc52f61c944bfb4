// SPDX-License-Identifier: BSD-3-Clause
/*
 * shim_paths FAMILY ROOT OUT -- path arguments the kernel reads its own
 * way, printed as shim_ops prints (see ops.h), for a run on a kernel
 * directory and one on a mount to be compared:
 *
 *   badptr    bad path pointers (unmapped, running into an unmapped page,
 *             4096 bytes without a NUL, on a page unmapped or made
 *             unreadable after a path was read from it) give EFAULT or
 *             ENAMETOOLONG; a path ending at the last byte of a mapping
 *             works
 *   dots      "." and ".." as last components of rmdir, unlink, rename,
 *             mkdir and open with O_CREAT: EINVAL, EBUSY, ENOTEMPTY, EISDIR,
 *             EEXIST, also after a symlink to a directory in OUT
 *   longpath  relative paths of up to PATH_MAX - 1 bytes from a cwd in ROOT
 *   nocaps    run as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
 *             (shim_nocaps): the mode bits of another user's files hold
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "ops.h"

static void fam_badptr(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page + 4096, 4096))
		exit(2);
	memset(page, 'a', 4096);
	/* volatile: the compiler would refuse the calls it can see */
	static const char *volatile bad_v = (const char *)1;
	const char *bad = bad_v;
	const char *unmapped = page + 4096;
	const char *runs_out = page + 100; /* no NUL before the hole */
	const char *no_nul = page;	   /* 4096 bytes, no NUL */
	const char *ok = strdup(in("f"));
	const char *paths[] = {bad, unmapped, runs_out, no_nul};
	const char *names[] = {"bad", "unmapped", "runs_out", "no_nul"};
	struct stat st;
	char buf[64];

	T(close(creat(in("f"), 0644)));
	T(mkdir(in("d"), 0755));
	for (int i = 0; i < 4; i++) {
		const char *p = paths[i];
		printf("-- %s\n", names[i]);
		T(open(p, O_RDONLY));
		T(open(p, O_CREAT | O_WRONLY, 0644));
		T(openat(AT_FDCWD, p, O_RDONLY));
		T(creat(p, 0644));
		T(mkdir(p, 0755));
		T(rmdir(p));
		T(unlink(p));
		T(unlinkat(AT_FDCWD, p, 0));
		T(link(p, in("l")));
		T(link(ok, p));
		T(rename(p, in("r")));
		T(rename(ok, p));
		T(symlink(p, in("s")));
		T(symlink("target", p));
		T(readlink(p, buf, sizeof(buf)));
		T(stat(p, &st));
		T(lstat(p, &st));
		T(fstatat(AT_FDCWD, p, &st, 0));
		T(access(p, F_OK));
		T(chdir(p));
		T(chmod(p, 0600));
		T(chown(p, getuid(), getgid()));
		T(truncate(p, 0));
		T(utimes(p, NULL));
		T(mknod(p, S_IFIFO | 0600, 0));
	}
	printf("-- the names in ROOT are as they were\n");
	T(stat(in("f"), &st));
	T(stat(in("d"), &st));
	T(lstat(in("l"), &st));
	T(lstat(in("r"), &st));
	T(lstat(in("s"), &st));
	/* a path whose NUL is the last byte before the hole */
	size_t n = strlen(ok) + 1;
	char *edge = page + 4096 - n;
	memcpy(edge, ok, n);
	printf("-- a path ending at the hole\n");
	T(stat(edge, &st));
	T(close(open(edge, O_RDONLY)));
	T(rename(edge, in("g")));
	T(rename(in("g"), edge));
	munmap(page, 4096);

	/* pages a path was read from, then unmapped or made unreadable */
	printf("-- a page used, then unmapped or protected\n");
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || q == MAP_FAILED)
		exit(2);
	strcpy(m, ok);
	strcpy(q, ok);
	T(stat(m, &st));
	T(stat(q, &st));
	T(munmap(m, 4096));
	T(mprotect(q, 4096, PROT_NONE));
	T(stat(m, &st));
	T(stat(q, &st));
	T(open(q, O_RDONLY));
	T(mprotect(q, 4096, PROT_READ));
	T(stat(q, &st));
	munmap(q, 4096);
}

/* OUT, a kernel directory out of ROOT and of the mount */
static const char *outside;

static const char *at_out(const char *rel)
{
	static char bufs[4][4096];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, 4096, "%s/%s", outside, rel);
	return b;
}

static void fam_dots(void)
{
	struct stat st;

	T(mkdir(in("d"), 0755));
	T(mkdir(in("d/e"), 0755));
	T(close(creat(in("d/e/f"), 0644)));
	T(rmdir(in("d/e/.")));
	T(rmdir(in("d/e/..")));
	T(rmdir(in("d/e/f/.")));
	T(unlink(in("d/e/.")));
	T(unlink(in("d/e/..")));
	T(rename(in("d/e/."), in("x")));
	T(rename(in("d/e/.."), in("x")));
	T(rename(in("d/e/f"), in("d/e/.")));
	T(rename(in("d/e/f"), in("d/e/..")));
	T(rename(in("d/."), in("x")));
	T(mkdir(in("d/e/."), 0755));
	T(mkdir(in("d/e/.."), 0755));
	T(link(in("d/e/f"), in("d/e/.")));
	T(symlink("t", in("d/e/..")));
	/*
	 * the same through a symlink to a kernel directory (in OUT): the
	 * kernel gets the "." or "..", and an empty directory stays
	 */
	printf("-- through a symlink to a directory in OUT\n");
	T(mkdir(at_out("full"), 0755));
	T(mkdir(at_out("full/g"), 0755));
	T(mkdir(at_out("empty"), 0755));
	T(symlink(at_out("full"), in("d/k")));
	T(symlink(at_out("empty"), in("d/j")));
	T(rmdir(in("d/k/.")));
	T(rmdir(in("d/j/.")));
	T(rmdir(in("d/j//.")));
	T(rmdir(in("d/j/./")));
	T(rmdir(in("d/j/..")));
	T(unlink(in("d/j/.")));
	T(mkdir(in("d/j/."), 0755));
	T(mkdir(in("d/j/.."), 0755));
	T(open(in("d/j/."), O_CREAT | O_WRONLY, 0644) >= 0 ? 0 : -1);
	T(open(in("d/j/./"), O_CREAT | O_EXCL | O_WRONLY, 0644) >= 0 ? 0 : -1);
	T(open(in("d/j/../"), O_CREAT | O_EXCL | O_WRONLY, 0644) >= 0 ? 0 : -1);
	T(rename(at_out("full/g"), in("d/k/.")));
	T(rename(at_out("full/g"), in("d/k/..")));
	T(rename(in("d/k/."), at_out("x")));
	int dfd = open(in("d"), O_RDONLY | O_DIRECTORY);
	T(unlinkat(dfd, "j//.", AT_REMOVEDIR));
	T(unlinkat(dfd, "k/.", AT_REMOVEDIR));
	close(dfd);
	T(stat(at_out("empty"), &st));
	T(stat(at_out("full/g"), &st));
	if (chdir(in("d")))
		exit(2);
	printf("-- relative, from ROOT/d\n");
	T(rmdir("e/."));
	T(rmdir("."));
	T(rmdir(".."));
	T(rename("e/.", "x"));
	T(rename("e/..", "x"));
	T(rename(".", "x"));
	T(unlink("e/."));
	printf("-- nothing moved\n");
	T(stat(in("d/e"), &st));
	T(stat(in("d/e/f"), &st));
	T(stat(in("x"), &st));
	T(stat(in("d/x"), &st));
}

/*
 * Directories of 250-byte names nested from the cwd, then a file: the
 * relative path to it is want bytes long (the last name fills it up).
 */
static char *deep_path(size_t want)
{
	char *p = calloc(1, want + 1);
	if (!p)
		exit(2);
	size_t len = 0;
	while (want - len > 251 + 10) {
		memset(p + len, 'a' + (char)(len / 251 % 26), 250);
		len += 250;
		if (mkdir(p, 0755) && errno != EEXIST)
			exit(3);
		p[len++] = '/';
	}
	memset(p + len, 'z', want - len);
	return p;
}

static void fam_longpath(void)
{
	struct stat st;

	T(mkdir(in("d"), 0755));
	if (chdir(in("d")))
		exit(2);
	/* 4094 and 4095 (PATH_MAX - 1) bytes work; 4096 does not */
	static const size_t lens[] = {4094, 4095, 4096};
	for (int i = 0; i < 3; i++) {
		char *p = deep_path(lens[i]);
		printf("-- %zu bytes\n", strlen(p));
		int fd = creat(p, 0644);
		T(fd);
		if (fd >= 0)
			close(fd);
		T(stat(p, &st));
		T(access(p, F_OK));
		T(truncate(p, 5));
		T(stat(p, &st) == 0 ? st.st_size : -1);
		T(unlink(p));
		free(p);
	}
}

static void fam_nocaps(void)
{
	struct stat st;
	char buf[8];

	/* owned by daemon, as root with the capabilities still there */
	T(close(creat(in("secret"), 0600)));
	T(chown(in("secret"), 1, 1));
	T(mkdir(in("locked"), 0700));
	T(close(creat(in("locked/f"), 0644)));
	T(chown(in("locked"), 1, 1));
	T(mkdir(in("shown"), 0744));
	T(close(creat(in("shown/f"), 0644)));
	T(chown(in("shown"), 1, 1));
	T(close(creat(in("prog"), 0700)));
	T(chown(in("prog"), 1, 1));
	T(open(in("secret"), O_RDONLY));
	T(open(in("secret"), O_WRONLY));
	T(access(in("secret"), R_OK));
	T(access(in("secret"), W_OK));
	T(faccessat(AT_FDCWD, in("secret"), R_OK, AT_EACCESS));
	T(truncate(in("secret"), 0));
	T(stat(in("locked/f"), &st));
	T(open(in("locked"), O_RDONLY | O_DIRECTORY));
	T(creat(in("locked/new"), 0644));
	T(unlink(in("locked/f")));
	T(stat(in("shown/f"), &st));
	T(creat(in("shown/new"), 0644));
	T(access(in("prog"), X_OK));
	T(readlink(in("locked/f"), buf, sizeof(buf)));
	/* CAP_FOWNER and CAP_CHOWN are still there */
	T(chmod(in("secret"), 0644));
	T(open(in("secret"), O_RDONLY) >= 0 ? 0 : -1);
	T(chown(in("secret"), 2, 2));
}

int main(int argc, char *argv[])
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s FAMILY ROOT OUT\n", argv[0]);
		return 2;
	}
	root = argv[2];
	outside = argv[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *f = argv[1];
	if (!strcmp(f, "badptr"))
		fam_badptr();
	else if (!strcmp(f, "dots"))
		fam_dots();
	else if (!strcmp(f, "longpath"))
		fam_longpath();
	else if (!strcmp(f, "nocaps"))
		fam_nocaps();
	else
		return 2;
	return 0;
}
