/*
 * preload_bench_ops -- the workloads of utils/bench/preload_bench.sh that
 * no stock program measures precisely. Run once under the shim on a mount
 * and once natively on /dev/shm; each prints "name value unit" lines.
 *
 *   meta DIR COUNT    creates, stats and unlinks COUNT files in DIR (ops/s)
 *   append FILE MIB   appends MIB MiB in 4 KiB writes to a new FILE (MiB/s)
 *   calls FILE COUNT  getppid and a 64-byte pread of FILE (a kernel file),
 *                     COUNT times each, best of 5 rounds (ns per call)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "preload_bench_ops: %s %s: %s\n", what, path,
		strerror(errno));
	return 1;
}

static void file_name(char *buf, size_t size, const char *dir, unsigned i)
{
	snprintf(buf, size, "%s/f%07u", dir, i);
}

static int bench_meta(const char *dir, unsigned count)
{
	char path[4096];
	struct stat st;
	double t0, t1, t2, t3;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return fail("mkdir", dir);
	t0 = now();
	for (unsigned i = 0; i < count; i++) {
		file_name(path, sizeof(path), dir, i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			return fail("create", path);
		close(fd);
	}
	t1 = now();
	for (unsigned i = 0; i < count; i++) {
		file_name(path, sizeof(path), dir, i);
		if (stat(path, &st))
			return fail("stat", path);
	}
	t2 = now();
	for (unsigned i = 0; i < count; i++) {
		file_name(path, sizeof(path), dir, i);
		if (unlink(path))
			return fail("unlink", path);
	}
	t3 = now();
	if (rmdir(dir))
		return fail("rmdir", dir);
	printf("creates %.0f ops/s\n", count / (t1 - t0));
	printf("stats %.0f ops/s\n", count / (t2 - t1));
	printf("unlinks %.0f ops/s\n", count / (t3 - t2));
	return 0;
}

static int bench_append(const char *path, unsigned mib)
{
	static char buf[4096];
	unsigned writes = mib * 256;

	memset(buf, 0x5a, sizeof(buf));
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
	if (fd < 0)
		return fail("open", path);
	double t0 = now();
	for (unsigned i = 0; i < writes; i++) {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return fail("write", path);
	}
	double t1 = now();
	close(fd);
	if (unlink(path))
		return fail("unlink", path);
	printf("appends %.1f MiB/s\n", mib / (t1 - t0));
	return 0;
}

static double time_getppid(unsigned count)
{
	double t0 = now();
	for (unsigned i = 0; i < count; i++)
		getppid();
	return (now() - t0) / count * 1e9;
}

static double time_pread(int fd, unsigned count)
{
	char buf[64];
	double t0 = now();
	for (unsigned i = 0; i < count; i++) {
		if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			return -1;
	}
	return (now() - t0) / count * 1e9;
}

static int bench_calls(const char *path, unsigned count)
{
	double best_ppid = 1e30, best_read = 1e30;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	for (int round = 0; round < 5; round++) {
		double p = time_getppid(count);
		double r = time_pread(fd, count);
		if (r < 0)
			return fail("pread", path);
		best_ppid = p < best_ppid ? p : best_ppid;
		best_read = r < best_read ? r : best_read;
	}
	close(fd);
	printf("getppid %.1f ns\n", best_ppid);
	printf("pread %.1f ns\n", best_read);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc == 4) {
		unsigned n = (unsigned)strtoul(argv[3], NULL, 10);
		if (!strcmp(argv[1], "meta"))
			return bench_meta(argv[2], n);
		if (!strcmp(argv[1], "append"))
			return bench_append(argv[2], n);
		if (!strcmp(argv[1], "calls"))
			return bench_calls(argv[2], n);
	}
	fprintf(stderr,
		"usage: %s meta DIR COUNT | append FILE MIB | "
		"calls FILE COUNT\n",
		argv[0]);
	return 2;
}
