// SPDX-License-Identifier: BSD-3-Clause
/*
 * getdents_stable -- directory offsets stay valid while the directory
 * changes. A listing is read in small pieces while names are added and
 * removed between the calls: every name present throughout is returned
 * exactly once, no name twice, and a name added meanwhile at most once.
 * Seeking back to a d_off returned earlier continues the listing with the
 * same entries as the first time when nothing changed. Run on the kernel
 * (which satisfies it) and on a pool, through the harness's backends.
 */
#include "ref_backend.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NFILES 300
#define NADDED 150

struct dent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int failures;

#define CHECK(cond, ...)                               \
	do {                                           \
		if (!(cond)) {                         \
			printf("FAIL %s: ", be->name); \
			printf(__VA_ARGS__);           \
			printf("\n");                  \
			failures++;                    \
		}                                      \
	} while (0)

static void make(const struct ref_backend *be, const char *prefix, int i)
{
	char path[64];
	ref_handle h;
	snprintf(path, sizeof(path), "/d/%s%04d", prefix, i);
	if (be->openat(be->at_cwd, path, O_CREAT | O_WRONLY, 0644, &h) == 0)
		be->close(h);
	else
		CHECK(0, "cannot create %s", path);
}

/* Names of one getdents64 call, counted into seen; returns bytes or <0. */
static long read_some(const struct ref_backend *be, ref_handle dir,
		      unsigned size, int *orig, int *added, long long *last)
{
	char buf[4096];
	long n = be->getdents64(dir, buf, size);
	for (long pos = 0; pos < n;) {
		struct dent64 *d = (void *)(buf + pos);
		int i;
		if (sscanf(d->d_name, "f%d", &i) == 1 && i < NFILES)
			orig[i]++;
		else if (sscanf(d->d_name, "n%d", &i) == 1 && i < NADDED)
			added[i]++;
		*last = d->d_off;
		if (d->d_reclen == 0)
			return -1;
		pos += d->d_reclen;
	}
	return n;
}

static void changing_listing(const struct ref_backend *be)
{
	int orig[NFILES] = {0}, added[NADDED] = {0}, removed[NFILES] = {0};
	ref_handle dir;
	long long last = 0;
	long n;
	int calls = 0;

	for (int i = 0; i < NFILES; i++)
		make(be, "f", i);
	CHECK(be->openat(be->at_cwd, "/d", O_RDONLY | O_DIRECTORY, 0, &dir) ==
		  0,
	      "cannot open /d");
	while ((n = read_some(be, dir, 512, orig, added, &last)) > 0) {
		/* between calls: add two names and remove one of the f's */
		if (calls < NADDED / 2) {
			make(be, "n", 2 * calls);
			make(be, "n", 2 * calls + 1);
			int victim = (calls * 7919) % NFILES;
			char path[64];
			snprintf(path, sizeof(path), "/d/f%04d", victim);
			if (!removed[victim] &&
			    be->unlinkat(be->at_cwd, path, 0) == 0)
				removed[victim] = 1;
		}
		calls++;
	}
	CHECK(n == 0, "getdents64 ended with %ld", n);
	CHECK(calls > 10, "only %d calls: the buffer was not small", calls);
	for (int i = 0; i < NFILES; i++) {
		if (removed[i])
			CHECK(orig[i] <= 1, "removed f%04d listed %d times", i,
			      orig[i]);
		else
			CHECK(orig[i] == 1, "f%04d listed %d times", i,
			      orig[i]);
	}
	for (int i = 0; i < NADDED; i++)
		CHECK(added[i] <= 1, "added n%04d listed %d times", i,
		      added[i]);
	be->close(dir);
}

/* Seeking to a d_off continues exactly where the first listing went on. */
static void seek_back(const struct ref_backend *be)
{
	ref_handle dir;
	char first[4096], again[4096];
	CHECK(be->openat(be->at_cwd, "/d", O_RDONLY | O_DIRECTORY, 0, &dir) ==
		  0,
	      "cannot open /d");
	long n = be->getdents64(dir, first, 256);
	CHECK(n > 0, "first getdents64: %ld", n);
	if (n <= 0)
		return;
	long long off = 0; /* after the last entry of the first call */
	for (long pos = 0; pos < n;) {
		struct dent64 *d = (void *)(first + pos);
		off = d->d_off;
		pos += d->d_reclen;
	}
	/* padding after a name is not written: start from equal buffers */
	memset(first, 0, sizeof(first));
	memset(again, 0, sizeof(again));
	long rest = be->getdents64(dir, first, sizeof(first));
	CHECK(be->lseek(dir, off, SEEK_SET) == off, "lseek to d_off %lld", off);
	long rest2 = be->getdents64(dir, again, sizeof(again));
	CHECK(rest == rest2 && rest > 0 && !memcmp(first, again, (size_t)rest),
	      "after lseek to d_off the listing differs (%ld vs %ld bytes)",
	      rest, rest2);
	be->close(dir);
}

static int run(const struct ref_backend *be, unsigned n)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (be->setup(n) || be->mkdirat(be->at_cwd, "/d", 0755)) {
			printf("FAIL %s: setup\n", be->name);
			_exit(1);
		}
		changing_listing(be);
		seek_back(be);
		if (be->teardown(n))
			failures++;
		_exit(failures ? 1 : 0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("%s: failed (status 0x%x)\n", be->name, status);
		return 1;
	}
	printf("%s: offsets stable\n", be->name);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0) {
		printf("the kernel reference needs root (chroot)\n");
		return 77;
	}
	int bad = run(&ref_kernel, 0);
	bad |= run(&ref_pmemfile, 1);
	return bad;
}
