// SPDX-License-Identifier: BSD-3-Clause
/*
 * small_prog.c -- a small program with a known sequence of system calls,
 * for strace_compare.sh. Its first call in main, getppid, marks where the
 * sequence to compare starts.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	int fds[2];
	struct stat st;
	struct timespec nap = {0, 1000};

	getppid();
	int fd = open("small.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "0123456789", 10) != 10)
		return 1;
	if (lseek(fd, 2, SEEK_SET) != 2 || read(fd, buf, 4) != 4)
		return 1;
	if (fstat(fd, &st) != 0 || st.st_size != 10 || close(fd) != 0)
		return 1;
	if (stat("small.tmp", &st) != 0 || unlink("small.tmp") != 0)
		return 1;
	if (open("small.tmp", O_RDONLY) != -1)
		return 1;
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1 ||
	    read(fds[0], buf, 1) != 1)
		return 1;
	close(fds[0]);
	close(fds[1]);
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || munmap(p, 1 << 20) != 0)
		return 1;
	nanosleep(&nap, NULL);
	printf("%d\n", getpid() > 0);
	return 0;
}
