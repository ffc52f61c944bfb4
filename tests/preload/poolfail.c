// SPDX-License-Identifier: BSD-3-Clause
/*
 * poolfail MODE ARGS -- calls under a mount whose pool cannot be
 * opened, printed as shim_ops prints (see ops.h), for shim_poolfail:
 *
 *   calls ROOT       every family of path call on paths under ROOT, the
 *                    mount point itself included, absolute and relative
 *                    (run in ROOT's parent)
 *   open PATH        open(PATH, O_CREAT | O_RDWR), as the old shim's config
 *                    tests did
 *   cwd              calls relative to the cwd, started inside the mount
 *   repeat ROOT N    N opens under ROOT; prints how many gave EIO
 *   retry ROOT CMD   an open under ROOT, again a second later, then CMD
 *                    (which makes the pool) and an open a second later
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ops.h"

static long opendir_result(const char *path)
{
	DIR *d = opendir(path);

	if (d == NULL)
		return -1;
	closedir(d);
	return 0;
}

static void mode_calls(void)
{
	struct stat st;
	struct statfs sfs;
	char buf[256];
	const char *kfile = "poolfail.kernel";
	int fd = creat(kfile, 0644);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	char rel[256];

	if (fd < 0 || dir < 0)
		exit(2);
	close(fd);
	/* the mount's name, relative to the cwd (its parent) and to dir */
	snprintf(rel, sizeof(rel), "%s/f", strrchr(root, '/') + 1);
	T(open(rel, O_CREAT | O_WRONLY, 0644));
	T(openat(dir, rel, O_CREAT | O_WRONLY, 0644));
	T(mkdirat(dir, rel, 0755));
	T(stat(root, &st));
	T(lstat(root, &st));
	T(stat(in("f"), &st));
	T(access(in(""), F_OK));
	T(open(in("f"), O_CREAT | O_WRONLY, 0644));
	T(open(in("f"), O_RDONLY));
	T(open(in(""), O_RDONLY | O_DIRECTORY));
	T(creat(in("f"), 0644));
	T(openat(AT_FDCWD, in("f"), O_CREAT | O_WRONLY, 0644));
	T(mkdir(in("d"), 0755));
	T(mkdir(in("d/e/f"), 0755));
	T(rmdir(in("d")));
	T(unlink(in("f")));
	T(rename(kfile, in("f")));
	T(rename(in("f"), "poolfail.out"));
	T(link(kfile, in("f")));
	T(symlink(kfile, in("s")));
	T(readlink(in("s"), buf, sizeof(buf)));
	T(truncate(in("f"), 0));
	T(chmod(in(""), 0777));
	T(chown(in("f"), 0, 0));
	T(utimes(in("f"), NULL));
	T(mknod(in("p"), S_IFIFO | 0644, 0));
	T(statfs(in(""), &sfs));
	T(setxattr(in("f"), "user.a", "b", 1, 0));
	T(getxattr(in("f"), "user.a", buf, sizeof(buf)));
	T(opendir_result(in("")));
	T(chdir(in("")));
	T(chdir(in("d")));
	T(execl(in("f"), "f", (char *)NULL));
	T(unlink(kfile));
	close(dir);
}

/* Run with the cwd in the mount: nothing relative may reach the kernel. */
static void mode_cwd(void)
{
	struct stat st;
	char buf[4096];

	T(getcwd(buf, sizeof(buf)) == NULL ? -1 : 0);
	T(stat(".", &st));
	T(open("f", O_CREAT | O_WRONLY, 0644));
	T(mkdir("d", 0755));
	T(opendir_result("."));
	T(access("f", F_OK));
}

static void mode_repeat(int n)
{
	int eio = 0;

	for (int i = 0; i < n; i++) {
		if (open(in("f"), O_CREAT | O_RDWR, 0644) < 0 && errno == EIO)
			eio++;
	}
	printf("%d of %d opens gave EIO\n", eio, n);
}

static void mode_retry(const char *cmd)
{
	T(open(in("f"), O_CREAT | O_RDWR, 0644));
	sleep(1);
	usleep(100000);
	/* the pool file did not change: no new attempt */
	T(open(in("f"), O_CREAT | O_RDWR, 0644));
	T(system(cmd));
	sleep(1);
	usleep(100000);
	int fd = (int)T(open(in("f"), O_CREAT | O_RDWR, 0644));
	T(write(fd, "made\n", 5));
	T(close(fd));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	root = argc > 2 ? argv[2] : ".";
	if (strcmp(argv[1], "calls") == 0 && argc == 3)
		mode_calls();
	else if (strcmp(argv[1], "open") == 0 && argc == 3)
		T(open(argv[2], O_CREAT | O_RDWR, 0666));
	else if (strcmp(argv[1], "cwd") == 0)
		mode_cwd();
	else if (strcmp(argv[1], "repeat") == 0 && argc == 4)
		mode_repeat(atoi(argv[3]));
	else if (strcmp(argv[1], "retry") == 0 && argc == 4)
		mode_retry(argv[3]);
	else
		return 2;
	return 0;
}
