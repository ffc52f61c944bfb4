// SPDX-License-Identifier: BSD-3-Clause
/*
 * mapshared DIR -- shared maps of files in DIR: stores through a map and
 * writes through the descriptor meet, the page holding the end of the file
 * shows zeros past it, a page wholly past it raises SIGBUS, partial
 * munmap, read-only descriptors and maps, a map that outlives its
 * descriptor and its name, and what a map wrote is in the file afterwards.
 * Prints each result; shim_mmapshared runs it on a kernel directory and on
 * a mount and compares.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ops.h"

static sigjmp_buf bus_jmp;

static void show(const char *what, const char *p, int n)
{
	printf("%s: \"%.*s\"\n", what, n, p);
}

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Whether reading p raises SIGBUS. */
static const char *touch(const volatile char *p)
{
	struct sigaction sa = {.sa_handler = on_bus}, old;
	const char *what = "readable";

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		(void)*p;
	else
		what = "SIGBUS";
	sigaction(SIGBUS, &old, NULL);
	return what;
}

static void meet(int fd)
{
	char buf[16] = "";
	char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		report("mmap 16384 shared", -1);
		return;
	}
	show("map", p, 10);
	memcpy(p + 100, "via the map", 11);
	memcpy(p + 9000, "third page", 10);
	int n = (int)pread(fd, buf, 11, 100);
	show("pread after map stores", buf, n);
	n = (int)pread(fd, buf, 10, 9000);
	show("pread of the third page", buf, n);
	T(pwrite(fd, "WRITTEN", 7, 5000));
	show("map after pwrite", p + 5000, 7);
	printf("past the size in its last page: %d %d\n", p[10000], p[12287]);
	printf("a page wholly past the size: %s\n", touch(p + 12288));
	T(msync(p, 12288, MS_SYNC));
	T(munmap(p + 4096, 4096));
	show("first page after a partial munmap", p + 100, 11);
	show("third page after a partial munmap", p + 9000, 10);
	T(munmap(p, 16384));
}

static void read_only(int fd)
{
	int ro = (int)T(open(in("f"), O_RDONLY));
	void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("writable shared map of O_RDONLY: %s\n",
	       q == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	if (r == MAP_FAILED) {
		report("read-only shared map", -1);
		return;
	}
	T(pwrite(fd, "LATER", 5, 0));
	show("read-only map after a later pwrite", r, 10);
	T(mprotect(r, 4096, PROT_READ | PROT_WRITE));
	T(munmap(r, 4096));
	T(close(ro));
	int ap = (int)T(open(in("f"), O_RDWR | O_APPEND));
	q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	printf("writable shared map of O_APPEND: %s\n",
	       q == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	T(close(ap));
}

static void outlive(void)
{
	int fd = (int)T(open(in("g"), O_CREAT | O_RDWR, 0644));
	T(ftruncate(fd, 20));
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		report("mmap g", -1);
		return;
	}
	T(close(fd));
	memcpy(p, "stored after close", 18);
	T(munmap(p, 4096));
	char buf[32] = "";
	fd = (int)T(open(in("g"), O_RDONLY));
	int n = (int)read(fd, buf, sizeof(buf));
	show("g read back", buf, n);
	T(close(fd));

	fd = (int)T(open(in("h"), O_CREAT | O_RDWR, 0644));
	T(write(fd, "unlinked", 8));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	T(close(fd));
	T(unlink(in("h")));
	memcpy(p, "UNLINKED", 8);
	show("map of an unlinked file", p, 8);
	T(munmap(p, 4096));
}

/* A map longer than its file shows the file's growth, by write and
 * truncate, as it happens; pages past the end raise SIGBUS meanwhile. */
static void grow(void)
{
	int fd = (int)T(open(in("grow"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	T(write(fd, "small", 5));
	char *r = mmap(NULL, 16384, PROT_READ, MAP_SHARED, fd, 0);
	char *w = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED || w == MAP_FAILED) {
		report("mmap grow", -1);
		return;
	}
	printf("second page before growth: %s\n", touch(r + 4096));
	T(pwrite(fd, "grown", 5, 9000));
	show("read map after a pwrite past the end", r + 9000, 5);
	printf("between: %d, last page: %s\n", r[5000], touch(r + 12288));
	/* (a store past the end in the last page is left out: whether an
	 * extension keeps it differs between kernel file systems) */
	memcpy(w + 8990, "inside", 6);
	show("read map after a store", r + 8990, 6);
	T(munmap(w + 12288, 4096));
	T(ftruncate(fd, 16384));
	printf("last page after ftruncate: %s %d\n", touch(r + 12288),
	       r[16383]);
	char buf[32] = "";
	int n = (int)pread(fd, buf, 26, 8990);
	for (int i = 0; i < n; i++)
		buf[i] = buf[i] ? buf[i] : '.';
	show("pread of what the map stored", buf, n);
	T(munmap(r, 16384));
	T(munmap(w, 12288));
	T(close(fd));
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mapshared DIR\n");
		return 2;
	}
	root = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	int fd = (int)T(open(in("f"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	T(ftruncate(fd, 10000));
	T(pwrite(fd, "file bytes", 10, 0));
	meet(fd);
	read_only(fd);
	T(close(fd));
	outlive();
	grow();
	return 0;
}
