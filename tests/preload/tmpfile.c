// SPDX-License-Identifier: BSD-3-Clause
/*
 * tmpfile.c -- run by shim_tmpfile.sh on a kernel directory and on a
 * mount, whose outputs must be the same: files without a name (O_TMPFILE,
 * unlinked) reached through their descriptor: /proc/self/fd/N (stat,
 * readlink, an open of it), linkat with AT_EMPTY_PATH and linkat of
 * /proc/self/fd/N with AT_SYMLINK_FOLLOW, in this process and in a fork
 * child; chmod, chown and times through an O_PATH descriptor. Inode
 * numbers are printed as whether they match.
 *
 * usage: tmpfile DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

static const char *in_dir(const char *name)
{
	static char buf[2][4096];
	static int i;
	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static const char *proc_fd(int fd)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	return buf;
}

static void show_stat(const char *what, int r, const struct stat *st)
{
	if (r != 0) {
		result(what, r);
		return;
	}
	printf("%s: mode %o size %lld nlink %lu\n", what, (unsigned)st->st_mode,
	       (long long)st->st_size, (unsigned long)st->st_nlink);
}

/* What /proc/self/fd/N says, with the directory and inode made generic. */
static void show_link(const char *what, int fd, ino_t ino)
{
	char buf[4096];
	ssize_t n = readlink(proc_fd(fd), buf, sizeof(buf) - 1);
	if (n < 0) {
		result(what, -1);
		return;
	}
	buf[n] = '\0';
	size_t d = strlen(dir);
	const char *rest = strncmp(buf, dir, d) == 0 ? buf + d : buf;
	char ino_name[32];
	snprintf(ino_name, sizeof(ino_name), "/#%llu", (unsigned long long)ino);
	if (strncmp(rest, ino_name, strlen(ino_name)) == 0)
		printf("%s: DIR/#INO%s\n", what, rest + strlen(ino_name));
	else
		printf("%s: %s%s\n", what, rest == buf ? "" : "DIR", rest);
}

static void show_file(const char *what, const char *path)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		result(what, -1);
		return;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	printf("%s: %zd '%s'\n", what, n, n > 0 ? buf : "");
}

/* The cases of a fork child: its linkat of a descriptor it inherited. */
static void in_child(int fd, const char *name)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		result("child linkat AT_EMPTY_PATH",
		       linkat(fd, "", AT_FDCWD, in_dir(name), AT_EMPTY_PATH));
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: tmpfile DIR\n");
		return 2;
	}
	dir = argv[1];
	struct stat st, pst;

	/* a file without a name, written, then seen through /proc */
	int fd = open(dir, O_TMPFILE | O_RDWR, 0640);
	result("O_TMPFILE", fd < 0 ? -1 : 0);
	if (fd < 0)
		return 1;
	result("write", write(fd, "hello\n", 6));
	show_stat("fstat", fstat(fd, &st), &st);
	int r = stat(proc_fd(fd), &pst);
	show_stat("stat /proc/self/fd", r, &pst);
	printf("same inode: %d\n", r == 0 && pst.st_ino == st.st_ino);
	show_link("readlink", fd, st.st_ino);
	show_file("open /proc/self/fd", proc_fd(fd));
	int again = open(proc_fd(fd), O_RDWR | O_APPEND);
	result("open /proc/self/fd O_RDWR", again < 0 ? -1 : 0);
	if (again >= 0) {
		result("write through it", write(again, "more\n", 5));
		close(again);
	}
	result("open /proc/self/fd O_DIRECTORY",
	       open(proc_fd(fd), O_RDONLY | O_DIRECTORY));
	in_child(fd, "from_child");

	/* names for it: by AT_EMPTY_PATH, then by /proc/self/fd */
	result("linkat AT_EMPTY_PATH",
	       linkat(fd, "", AT_FDCWD, in_dir("a"), AT_EMPTY_PATH));
	result("linkat AT_EMPTY_PATH again",
	       linkat(fd, "", AT_FDCWD, in_dir("a"), AT_EMPTY_PATH));
	result("linkat /proc/self/fd", linkat(AT_FDCWD, proc_fd(fd), AT_FDCWD,
					      in_dir("b"), AT_SYMLINK_FOLLOW));
	show_stat("fstat after", fstat(fd, &st), &st);
	show_file("a", in_dir("a"));
	show_file("b", in_dir("b"));
	close(fd);

	/* O_EXCL: it never gets a name */
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	result("O_TMPFILE O_EXCL", fd < 0 ? -1 : 0);
	result("linkat AT_EMPTY_PATH of O_EXCL",
	       linkat(fd, "", AT_FDCWD, in_dir("c"), AT_EMPTY_PATH));
	result("linkat /proc/self/fd of O_EXCL",
	       linkat(AT_FDCWD, proc_fd(fd), AT_FDCWD, in_dir("c"),
		      AT_SYMLINK_FOLLOW));
	close(fd);

	/* a named file unlinked while open */
	fd = open(in_dir("u"), O_CREAT | O_RDWR, 0644);
	result("write u", write(fd, "gone\n", 5));
	result("unlink u", unlink(in_dir("u")));
	fstat(fd, &st);
	show_link("readlink unlinked", fd, st.st_ino);
	show_stat("stat /proc/self/fd unlinked", stat(proc_fd(fd), &pst), &pst);
	result("linkat AT_EMPTY_PATH of unlinked",
	       linkat(fd, "", AT_FDCWD, in_dir("u2"), AT_EMPTY_PATH));
	close(fd);

	/* a named file: AT_EMPTY_PATH gives it a second name */
	fd = open(in_dir("a"), O_RDONLY);
	result("linkat AT_EMPTY_PATH of a named file",
	       linkat(fd, "", AT_FDCWD, in_dir("a2"), AT_EMPTY_PATH));
	show_stat("stat a", stat(in_dir("a"), &st), &st);
	in_child(fd, "a3");
	close(fd);

	/* attributes through an O_PATH descriptor: /proc/self/fd/N (as
	 * glibc's fchmodat with AT_SYMLINK_NOFOLLOW) and AT_EMPTY_PATH */
	fd = open(in_dir("a"), O_PATH);
	result("chmod /proc/self/fd of O_PATH", chmod(proc_fd(fd), 0604));
	result("fchmodat AT_SYMLINK_NOFOLLOW",
	       fchmodat(AT_FDCWD, in_dir("b"), 0620, AT_SYMLINK_NOFOLLOW));
	result("fchownat AT_EMPTY_PATH of O_PATH",
	       fchownat(fd, "", getuid(), getgid(), AT_EMPTY_PATH));
	struct timespec ts[2] = {{1000000000, 0}, {1200000000, 5}};
	result("utimensat AT_EMPTY_PATH of O_PATH",
	       utimensat(fd, "", ts, AT_EMPTY_PATH));
	ts[1].tv_sec = 1300000000;
	result("utimensat /proc/self/fd of O_PATH",
	       utimensat(AT_FDCWD, proc_fd(fd), ts, 0));
	result("fchmod of O_PATH", fchmod(fd, 0600));
	show_stat("stat a", stat(in_dir("a"), &st), &st);
	printf("mtime %lld.%ld\n", (long long)st.st_mtim.tv_sec,
	       st.st_mtim.tv_nsec);
	close(fd);

	/* the wrong ways */
	result("O_TMPFILE O_RDONLY", open(dir, O_TMPFILE | O_RDONLY, 0600));
	result("O_TMPFILE on a file",
	       open(in_dir("a"), O_TMPFILE | O_RDWR, 0600));
	result("linkat AT_EMPTY_PATH without the flag",
	       linkat(AT_FDCWD, "", AT_FDCWD, in_dir("d"), 0));
	return 0;
}
