// SPDX-License-Identifier: BSD-3-Clause
/*
 * exitlate.c -- run under the shim by shim_exitlate.sh: a process that
 * holds a pool ends (exit) while another process comes to use it, after
 * the destructors of the libraries ran (libpmemobj's among them).
 *
 * "holder MOUNT GO": opens and closes a file in the mount (the pool opens,
 * its keeper thread starts), leaves a line in a stream of its own
 * (fopencookie) and returns from main. exit runs the destructors, then
 * flushes the streams: the stream's write makes the file GO and waits 1.5
 * s. The keeper thread, had it been left running, would serve the other
 * process's call then, in a libpmemobj whose destructor ran (the process
 * aborted in pmemobj_tx_begin).
 *
 * "client MOUNT GO": waits for GO (10 s at most), then makes a directory
 * in the mount, which the holder serves or, once it ended, this process.
 * Prints "ok" when the directory is there.
 *
 * usage: exitlate holder|client MOUNT GO
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *go_path;

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The stream's write, at exit's flush: after the destructors. */
static ssize_t late_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	int fd = open(go_path, O_CREAT | O_WRONLY, 0644);

	if (fd >= 0)
		close(fd);
	pause_ms(1500);
	return (ssize_t)size;
}

static int holder(const char *mnt)
{
	char path[4096];
	cookie_io_functions_t io = {.write = late_write};
	FILE *late;
	int fd;

	snprintf(path, sizeof(path), "%s/holder", mnt);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || close(fd) != 0) {
		printf("FAIL: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	late = fopencookie(NULL, "w", io);
	if (late == NULL || fputs("late\n", late) < 0) {
		printf("FAIL: fopencookie: %s\n", strerror(errno));
		return 1;
	}
	printf("holder: leaving\n");
	fflush(stdout);
	return 0; /* the stream is flushed by exit */
}

static int client(const char *mnt)
{
	char path[4096];
	struct stat st;
	int i;

	for (i = 0; i < 1000 && access(go_path, F_OK) != 0; ++i)
		pause_ms(10);
	if (i == 1000) {
		printf("FAIL: %s did not come\n", go_path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/late", mnt);
	if (mkdir(path, 0755) != 0) {
		printf("FAIL: mkdir %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("FAIL: %s is not a directory\n", path);
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc != 4 || (strcmp(argv[1], "holder") != 0 &&
			  strcmp(argv[1], "client") != 0)) {
		fprintf(stderr, "usage: exitlate holder|client MOUNT GO\n");
		return 2;
	}
	go_path = argv[3];
	return strcmp(argv[1], "holder") == 0 ? holder(argv[2])
					      : client(argv[2]);
}
