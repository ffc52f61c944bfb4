// SPDX-License-Identifier: BSD-3-Clause
/*
 * closerange.c -- run under the shim by shim_closerange.sh: a program that
 * closes every descriptor it did not open (close_range from 3, then close
 * of each number) goes on using the mount, and keeps its share in the
 * pool's segment: another process that comes and leaves meanwhile must not
 * remove the segment's file, as it does once nobody else holds it.
 *
 * With "dup2" as a third argument: a program that puts a file of its own
 * at the number of the shim's lock (dup2) owns that number: close of it
 * works, and a fork child's own lock on the segment goes elsewhere.
 *
 * usage: closerange POOL MOUNT [dup2]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tfail.h"

static char segment[256];
static const char *mnt;

/*
 * Another process, started afresh (no shell between: its lock would
 * hide the loss of ours), reads the mount's file f.
 */
static void other_process_reads(const char *want)
{
	char path[512], got[64] = "";
	int pipefd[2];
	snprintf(path, sizeof(path), "%s/f", mnt);
	CHECK(pipe(pipefd) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execl("/bin/cat", "cat", path, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	ssize_t n, have = 0;
	while ((n = read(pipefd[0], got + have,
			 sizeof(got) - 1 - (size_t)have)) > 0)
		have += n;
	close(pipefd[0]);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		  WEXITSTATUS(st) == 0,
	      "cat %s exits with 0", path);
	got[have] = '\0';
	CHECK(strcmp(got, want) == 0,
	      "another process reads \"%s\", "
	      "expected \"%s\"",
	      got, want);
	struct stat sb;
	CHECK(stat(segment, &sb) == 0,
	      "the segment %s is still there after the other process left",
	      segment);
}

static void append(const char *what)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/f", mnt);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	CHECK(fd >= 0, "open %s", path);
	CHECK(write(fd, what, strlen(what)) == (ssize_t)strlen(what),
	      "write %s", what);
	CHECK(close(fd) == 0, "close");
}

/* The descriptor of the segment's file (the shim's lock), or -1. */
static int segment_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1;
	while (d && (e = readdir(d)) != NULL) {
		char link[300], target[256];
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, segment) == 0)
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

static bool is_dev_null(int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
	       a.st_rdev == b.st_rdev && S_ISCHR(a.st_mode);
}

static int dup2_mode(void)
{
	append("x");
	int n = segment_fd();
	CHECK(n >= 3, "the shim holds the segment %s open", segment);
	int k = open("/dev/null", O_RDONLY);
	CHECK(dup2(k, n) == n, "dup2 onto %d", n);
	CHECK(close(n) == 0, "close of the program's own %d", n);
	CHECK(dup2(k, n) == n, "dup2 onto %d again", n);
	pid_t pid = fork();
	if (pid == 0) {
		/* a pool call in the child: its own lock on the segment */
		append("y");
		_exit(is_dev_null(n) ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		  WEXITSTATUS(st) == 0,
	      "the fork child's %d is still the program's /dev/null", n);
	CHECK(is_dev_null(n), "the parent's %d is still /dev/null", n);
	other_process_reads("xy");
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}

int main(int argc, char *argv[])
{
	if (argc != 3 && !(argc == 4 && strcmp(argv[3], "dup2") == 0)) {
		fprintf(stderr, "usage: %s POOL MOUNT [dup2]\n", argv[0]);
		return 2;
	}
	mnt = argv[2];
	struct stat pool;
	if (stat(argv[1], &pool) != 0) {
		perror(argv[1]);
		return 2;
	}
	snprintf(segment, sizeof(segment), "/dev/shm/pmemfile.%llx.%llx",
		 (unsigned long long)pool.st_dev,
		 (unsigned long long)pool.st_ino);
	if (argc == 4)
		return dup2_mode();

	append("abc");
	struct stat sb;
	CHECK(stat(segment, &sb) == 0, "the segment %s exists", segment);
	int k = open("/dev/null", O_RDONLY);
	char path[512];
	snprintf(path, sizeof(path), "%s/f", mnt);
	int p = open(path, O_RDONLY);
	CHECK(k >= 3 && p >= 3, "open /dev/null and %s", path);

	/* every descriptor from 3 up, as a daemon or a spawn helper does */
	long r = syscall(SYS_close_range, 3U, ~0U, 0U);
	CHECK(r == 0, "close_range(3, ~0U, 0) = %ld", r);
	CHECK(fcntl(k, F_GETFD) == -1 && errno == EBADF,
	      "the kernel descriptor %d is closed", k);
	CHECK(fcntl(p, F_GETFD) == -1 && errno == EBADF,
	      "the pool descriptor %d is closed", p);
	CHECK(close(p) == -1 && errno == EBADF, "close of it again: EBADF");
	other_process_reads("abc");
	append("def");
	other_process_reads("abcdef");

	/* the same by close() of each number */
	append("ghi");
	int closed = 0;
	for (int fd = 3; fd < 4096; ++fd)
		closed += close(fd) == 0;
	CHECK(closed == 0,
	      "close of 3..4095 closed %d descriptors the "
	      "program knew nothing of",
	      closed);
	other_process_reads("abcdefghi");

	/* the kernel's errors stay */
	errno = 0;
	CHECK(syscall(SYS_close_range, 10U, 5U, 0U) == -1 && errno == EINVAL,
	      "close_range(10, 5) gives EINVAL");
	errno = 0;
	CHECK(syscall(SYS_close_range, 3U, 5U, 0x80U) == -1 && errno == EINVAL,
	      "close_range with an unknown flag gives EINVAL");
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
