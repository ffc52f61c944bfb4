// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_bench_append -- appends MIB MiB to FILE in 4 KiB writes and prints
 * "start end bytes" (CLOCK_MONOTONIC seconds around the writes), so that
 * several of them started at once give a rate together (multi_bench.sh).
 * A plain program: it runs under the preload shim or natively. With
 * DONE, it then waits until the file DONE exists before it exits (a
 * holder of a pool stays one while the others finish).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char *argv[])
{
	static char block[4096];

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s FILE MIB [DONE]\n", argv[0]);
		return 2;
	}
	unsigned writes = (unsigned)atoi(argv[2]) * 256;
	memset(block, 0x5a, sizeof(block));
	int fd = open(argv[1], O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
	if (fd < 0) {
		fprintf(stderr, "multi_bench_append: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	double t0 = now();
	for (unsigned i = 0; i < writes; i++) {
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			fprintf(stderr, "multi_bench_append: write %s: %s\n",
				argv[1], strerror(errno));
			return 1;
		}
	}
	double t1 = now();
	close(fd);
	printf("%.6f %.6f %llu\n", t0, t1,
	       (unsigned long long)writes * sizeof(block));
	fflush(stdout);
	while (argc == 4 && access(argv[3], F_OK))
		usleep(1000);
	return 0;
}
