// SPDX-License-Identifier: BSD-3-Clause
/*
 * mmsg DIR -- descriptors of files in DIR passed to a child process with
 * sendmmsg and received with recvmmsg (SCM_RIGHTS): two messages, each
 * with a descriptor, and a third with none. The child prints what it got
 * (the data, the offset of each description) and writes through each; the
 * parent then prints its offsets and the files. shim_mmsg compares the
 * output on a mount with the kernel's.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 3

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_in(const char *dir, const char *name, const char *data)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		die(name);
	return fd;
}

static void show_file(const char *dir, const char *name)
{
	char path[4096], buf[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		die(name);
	buf[n] = '\0';
	printf("%s: %s\n", name, buf);
	close(fd);
}

union control {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int main(int argc, char *argv[])
{
	static const char *data[N] = {"first", "second", "third"};
	struct mmsghdr m[N];
	struct iovec iov[N];
	union control ctl[N];
	char bufs[N][32];
	int sv[2];

	if (argc != 2)
		return 2;
	int fd[2] = {open_in(argv[1], "a", "data a;"),
		     open_in(argv[1], "b", "data b;")};
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		die("socketpair");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		memset(m, 0, sizeof(m));
		for (int i = 0; i < N; i++) {
			iov[i] = (struct iovec){bufs[i], sizeof(bufs[i]) - 1};
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_control = ctl[i].buf;
			m[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		}
		int got = recvmmsg(sv[1], m, N, MSG_WAITFORONE, NULL);
		int total = got;
		while (got > 0 && total < N) {
			got = recvmmsg(sv[1], m + total, N - total, 0, NULL);
			total += got > 0 ? got : 0;
		}
		printf("received %d messages\n", total);
		for (int i = 0; i < total; i++) {
			bufs[i][m[i].msg_len] = '\0';
			struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr);
			if (c == NULL || c->cmsg_type != SCM_RIGHTS) {
				printf("%s: no descriptor\n", bufs[i]);
				continue;
			}
			int r;
			memcpy(&r, CMSG_DATA(c), sizeof(r));
			printf("%s: a descriptor at offset %ld\n", bufs[i],
			       (long)lseek(r, 0, SEEK_CUR));
			if (write(r, "child;", 6) != 6)
				die("write");
			close(r);
		}
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	memset(m, 0, sizeof(m));
	for (int i = 0; i < N; i++) {
		iov[i] = (struct iovec){(void *)data[i], strlen(data[i])};
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		if (i == N - 1)
			continue;
		m[i].msg_hdr.msg_control = ctl[i].buf;
		m[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd[i], sizeof(int));
	}
	int sent = sendmmsg(sv[0], m, N, 0);
	printf("sent %d messages, lengths %u %u %u\n", sent, m[0].msg_len,
	       m[1].msg_len, m[2].msg_len);
	int status;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		die("child");
	for (int i = 0; i < 2; i++) {
		printf("parent offset %ld\n", (long)lseek(fd[i], 0, SEEK_CUR));
		if (write(fd[i], "parent", 6) != 6)
			die("write");
		close(fd[i]);
	}
	show_file(argv[1], "a");
	show_file(argv[1], "b");
	return 0;
}
