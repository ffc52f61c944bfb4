/*
 * shim_ops FAMILY ROOT OUT -- runs the calls of one family of the shim's
 * tests on the directory ROOT and prints each call with its result
 * (value, or errno name) and what it read. The tests run it natively on a
 * kernel directory and under the shim on a mount, and compare the two
 * outputs; OUT is a kernel directory of each run's own, for the calls
 * that cross between the mount and the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ops.h"

static const char *out;

static const char *outp(const char *rel)
{
	static char bufs[4][4096];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, 4096, "%s/%s", out, rel);
	return b;
}

static void show_buf(const char *what, const char *buf, long n)
{
	printf("%s: \"%.*s\"\n", what, n > 0 ? (int)n : 0, buf);
}

static void show_file(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	const char *base = strrchr(path, '/');

	printf("file %s: ", base ? base + 1 : path);
	if (n < 0)
		printf("(%s)\n", strerrorname_np(errno));
	else
		printf("\"%.*s\"\n", (int)n, buf);
	if (fd >= 0)
		close(fd);
}

static void show_stat(const char *what, const struct stat *st)
{
	printf("%s: mode %o nlink %lu size %ld uid %u gid %u\n", what,
	       st->st_mode, (unsigned long)st->st_nlink, (long)st->st_size,
	       st->st_uid, st->st_gid);
}

static void fam_rw(void)
{
	char buf[64];
	int fd = T(open(in("f"), O_CREAT | O_RDWR | O_EXCL, 0644));
	T(open(in("f"), O_CREAT | O_RDWR | O_EXCL, 0644));
	T(write(fd, "hello world", 11));
	T(lseek(fd, 0, SEEK_CUR));
	T(lseek(fd, 6, SEEK_SET));
	long n = T(read(fd, buf, sizeof(buf)));
	show_buf("read", buf, n);
	T(pwrite(fd, "HELLO", 5, 0));
	n = T(pread(fd, buf, 5, 0));
	show_buf("pread", buf, n);
	T(lseek(fd, 0, SEEK_END));
	T(lseek(fd, 100, SEEK_SET));
	T(write(fd, "x", 1));
	struct stat st;
	T(fstat(fd, &st));
	printf("size %ld\n", (long)st.st_size);
	T(pread(fd, buf, 4, 50));
	printf("hole bytes %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	T(ftruncate(fd, 5));
	struct iovec iov[2] = {{buf, 2}, {buf + 10, 3}};
	T(lseek(fd, 0, SEEK_SET));
	n = T(readv(fd, iov, 2));
	show_buf("readv a", buf, 2);
	show_buf("readv b", buf + 10, 3);
	struct iovec wv[2] = {{"ab", 2}, {"cde", 3}};
	T(pwritev(fd, wv, 2, 5));
	T(preadv2(fd, iov, 2, 3, 0));
	show_buf("preadv2", buf, 2);
	T(writev(fd, wv, 2));
	T(lseek(fd, -3, SEEK_END));
	T(lseek(fd, -100, SEEK_SET));
	T(fsync(fd));
	T(fdatasync(fd));
	T(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
	T(close(fd));
	T(close(fd));
	show_file(in("f"));
	T(read(-5, buf, 1));

	fd = T(open(in("f"), O_WRONLY | O_APPEND));
	T(write(fd, "Z", 1));
	T(lseek(fd, 0, SEEK_CUR));
	T(read(fd, buf, 1));
	T(close(fd));
	fd = T(open(in("f"), O_RDONLY | O_TRUNC));
	T(write(fd, "Z", 1));
	T(close(fd));
	fd = T(open(in("f"), O_RDWR | O_TRUNC));
	T(fstat(fd, &st));
	printf("size %ld\n", (long)st.st_size);
	T(close(fd));
	fd = T(creat(in("g"), 0600));
	T(write(fd, "creat", 5));
	T(read(fd, buf, 1));
	T(close(fd));
	T(truncate(in("g"), 3));
	show_file(in("g"));
	T(open(in("missing"), O_RDONLY));
	T(open(in("f/x"), O_RDONLY));
	T(mkdir(in("d"), 0755));
	fd = T(open(in("d"), O_RDONLY));
	T(read(fd, buf, 1));
	T(write(fd, buf, 1));
	T(close(fd));
	T(open(in("d"), O_WRONLY));
	T(open(in("f"), O_RDONLY | O_DIRECTORY));
	fd = T(open(in("d"), O_RDONLY | O_DIRECTORY));
	T(close(fd));
}

/* Between a pool file and a kernel file, both ways. */
static void fam_copy(void)
{
	char buf[64];
	int k = T(open(outp("k"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	int p = T(open(in("p"), O_CREAT | O_RDWR | O_TRUNC, 0644));

	T(write(k, "kernel bytes", 12));
	T(lseek(k, 0, SEEK_SET));
	T(sendfile(p, k, NULL, 100));
	off_t off = 7;
	T(sendfile(p, k, &off, 3));
	printf("off %ld\n", (long)off);
	T(lseek(p, 0, SEEK_SET));
	long n = T(read(p, buf, sizeof(buf)));
	show_buf("pool", buf, n);
	int k2 = T(open(outp("k2"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	loff_t in_off = 0;
	T(copy_file_range(p, &in_off, k2, NULL, 100, 0));
	printf("in_off %ld\n", (long)in_off);
	T(lseek(k2, 0, SEEK_SET));
	n = T(read(k2, buf, sizeof(buf)));
	show_buf("kernel", buf, n);
	int p2 = T(open(in("p2"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	in_off = 2;
	loff_t out_off = 1;
	T(copy_file_range(p, &in_off, p2, &out_off, 5, 0));
	n = T(pread(p2, buf, sizeof(buf), 0));
	printf("bytes %ld first %d\n", n, buf[0]);
	show_buf("pool2 tail", buf + 1, n - 1);

	int pipefd[2];
	T(pipe(pipefd));
	T(write(pipefd[1], "piped", 5));
	T(splice(pipefd[0], NULL, p2, NULL, 5, 0));
	T(lseek(p2, 0, SEEK_SET));
	T(splice(p2, NULL, pipefd[1], NULL, 3, 0));
	n = T(read(pipefd[0], buf, sizeof(buf)));
	T(tee(p2, pipefd[1], 1, 0));
	/* copy_file_range takes regular files open to read and to write */
	T(copy_file_range(p2, NULL, pipefd[1], NULL, 3, 0));
	T(copy_file_range(pipefd[0], NULL, p2, NULL, 3, 0));
	int dir = T(open(in("."), O_RDONLY | O_DIRECTORY));
	T(copy_file_range(dir, NULL, p2, NULL, 3, 0));
	T(copy_file_range(p2, NULL, dir, NULL, 3, 0));
	T(close(dir));
	int ro = T(open(in("p2"), O_RDONLY));
	int wo = T(open(in("p"), O_WRONLY));
	int ap = T(open(in("p"), O_WRONLY | O_APPEND));
	T(copy_file_range(wo, NULL, ro, NULL, 3, 0));
	T(copy_file_range(ro, NULL, ro, NULL, 3, 0));
	T(copy_file_range(ro, NULL, ap, NULL, 3, 0));
	T(copy_file_range(ro, NULL, wo, NULL, 3, 1));
	T(copy_file_range(ro, NULL, wo, NULL, 3, 0));
	T(close(ro));
	T(close(wo));
	T(close(ap));
	T(close(pipefd[0]));
	T(close(pipefd[1]));
	T(close(p2));
	T(close(p));
	T(close(k));
	T(close(k2));
}

static void fam_fd(const char *self)
{
	char buf[64];
	int fd = T(open(in("f"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	int d = T(dup(fd));
	T(write(d, "abc", 3));
	T(lseek(fd, 0, SEEK_CUR)); /* the offset is shared */
	T(close(fd));
	T(write(d, "def", 3));
	int e = T(fcntl(d, F_DUPFD, 100));
	T(fcntl(e, F_GETFD));
	int c = T(fcntl(d, F_DUPFD_CLOEXEC, 50));
	T(fcntl(c, F_GETFD));
	T(fcntl(c, F_SETFD, 0));
	T(fcntl(c, F_GETFD));
	T(fcntl(d, F_GETFL) & O_ACCMODE);
	T(fcntl(d, F_SETFL, O_APPEND));
	T(fcntl(d, F_GETFL) & O_APPEND);
	T(pwrite(d, "X", 1, 0));
	T(dup2(d, 60));
	T(dup2(d, d));
	T(dup3(d, d, 0));
	T(dup3(d, 61, O_CLOEXEC));
	T(fcntl(61, F_GETFD));
	T(close(60));
	T(close(61));
	T(close(e));
	T(close(c));

	/* dup2 of a kernel descriptor over a pool one */
	int k = T(open("/dev/null", O_RDONLY));
	int p = T(open(in("f"), O_RDONLY));
	T(dup2(k, p));
	T(read(p, buf, 1));
	T(close(p));
	T(close(k));

	/* stdout onto a pool file */
	fflush(stdout);
	int saved = dup(1);
	int o = open(in("stdout"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	dup2(o, 1);
	close(o);
	printf("through stdout\n");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	show_file(in("stdout"));

	/* close_range and O_CLOEXEC across exec */
	int a = T(open(in("f"), O_RDONLY));
	int b = T(open(in("f"), O_RDONLY | O_CLOEXEC));
	int r = T(open(in("f"), O_RDONLY));
	T(close_range(r, r, 0));
	T(read(r, buf, 1));
	T(close_range(a, a, CLOSE_RANGE_CLOEXEC));
	T(fcntl(a, F_GETFD));
	printf("exec\n");
	fflush(stdout);
	char fds[64];
	snprintf(fds, sizeof(fds), "%d,%d,%d", a, b, d);
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "fd-exec", root, out, fds, (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	T(WEXITSTATUS(status));
	T(read(d, buf, 1));
	T(close(a));
	T(close(b));
	T(close(d));
	show_file(in("f"));
}

/* After exec: which descriptors are still open (the kernel's view). */
static void fam_fd_exec(const char *fds)
{
	int a, b, d;

	if (sscanf(fds, "%d,%d,%d", &a, &b, &d) != 3)
		exit(2);
	printf("after exec: cloexec fds %s, plain fd %s\n",
	       fcntl(a, F_GETFD) < 0 && fcntl(b, F_GETFD) < 0 ? "closed"
							      : "open",
	       fcntl(d, F_GETFD) >= 0 ? "open" : "closed");
}

static void fam_stat(void)
{
	struct stat st;
	struct statx sx;

	umask(022);
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0640));
	T(write(fd, "12345", 5));
	T(mkdir(in("d"), 0750));
	T(symlink("f", in("l")));
	T(stat(in("f"), &st));
	show_stat("stat f", &st);
	T(lstat(in("l"), &st));
	show_stat("lstat l", &st);
	T(stat(in("l"), &st));
	show_stat("stat l", &st);
	T(fstat(fd, &st));
	show_stat("fstat", &st);
	T(fstatat(AT_FDCWD, in("d"), &st, 0));
	show_stat("fstatat d", &st);
	T(fstatat(fd, "", &st, AT_EMPTY_PATH));
	show_stat("empty path", &st);
	T(fstatat(fd, "", &st, 0));
	T(statx(AT_FDCWD, in("f"), 0, STATX_BASIC_STATS, &sx));
	printf("statx: mode %o size %llu nlink %u\n", sx.stx_mode,
	       (unsigned long long)sx.stx_size, sx.stx_nlink);
	T(statx(AT_FDCWD, in("l"), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
		&sx));
	printf("statx l: mode %o\n", sx.stx_mode);
	T(statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	printf("statx fd: size %llu\n", (unsigned long long)sx.stx_size);
	T(stat(in("missing"), &st));
	T(stat(in("f/x"), &st));
	T(access(in("f"), R_OK | W_OK));
	T(access(in("f"), X_OK));
	T(faccessat(AT_FDCWD, in("d"), X_OK, AT_EACCESS));
	T(chmod(in("f"), 0600));
	T(fchmod(fd, 0604));
	T(stat(in("f"), &st));
	show_stat("after chmod", &st);
	T(fchmodat(AT_FDCWD, in("d"), 0700, 0));
	T(chown(in("f"), getuid(), getgid()));
	T(fchown(fd, -1, -1));
	T(lchown(in("l"), getuid(), -1));
	struct timespec ts[2] = {{1000000000, 5}, {1200000000, 7}};
	T(utimensat(AT_FDCWD, in("f"), ts, 0));
	T(stat(in("f"), &st));
	printf("times %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timeval tv[2] = {{1300000000, 1}, {1400000000, 2}};
	T(utimes(in("f"), tv));
	T(stat(in("f"), &st));
	printf("times %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	T(futimens(fd, ts));
	T(fstat(fd, &st));
	printf("mtime %ld\n", (long)st.st_mtim.tv_sec);
	char lb[64];
	long n = T(readlink(in("l"), lb, sizeof(lb)));
	show_buf("readlink", lb, n);
	T(readlink(in("f"), lb, sizeof(lb)));
	n = T(readlinkat(AT_FDCWD, in("l"), lb, 1));
	show_buf("readlink short", lb, n);
	int v;
	T(ioctl(fd, FIONREAD, &v));
	T(lseek(fd, 2, SEEK_SET));
	T(ioctl(fd, FIONREAD, &v));
	printf("fionread %d\n", v);
	T(ioctl(fd, TCGETS, lb));
	T(getxattr(in("missing"), "user.x", lb, sizeof(lb)));
	T(close(fd));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	DIR *d = opendir(path);
	char *names[256];
	int n = 0;

	if (d == NULL) {
		printf("opendir: %s\n", strerrorname_np(errno));
		return;
	}
	for (struct dirent *e; (e = readdir(d)) != NULL && n < 256;)
		if (asprintf(&names[n], "%s(%d)", e->d_name, e->d_type) > 0)
			n++;
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	printf("list:");
	for (int i = 0; i < n; ++i) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void fam_names(void)
{
	struct stat st;

	T(mkdir(in("a"), 0755));
	T(mkdir(in("a"), 0755));
	T(mkdir(in("a/b"), 0755));
	T(mkdir(in("nope/b"), 0755));
	T(close(open(in("a/f"), O_CREAT | O_WRONLY, 0644)));
	T(rmdir(in("a")));
	T(rmdir(in("a/f")));
	T(unlink(in("a/b")));
	T(link(in("a/f"), in("a/g")));
	T(stat(in("a/f"), &st));
	printf("nlink %lu\n", (unsigned long)st.st_nlink);
	T(link(in("a/f"), in("a/g")));
	T(rename(in("a/g"), in("a/h")));
	T(rename(in("a/h"), in("a/b")));
	T(renameat2(AT_FDCWD, in("a/h"), AT_FDCWD, in("a/f"),
		    RENAME_NOREPLACE));
	T(renameat2(AT_FDCWD, in("a/h"), AT_FDCWD, in("a/b"), RENAME_EXCHANGE));
	T(stat(in("a/b"), &st));
	printf("b is dir %d\n", S_ISDIR(st.st_mode));
	T(symlink("../x", in("a/s")));
	T(symlink("../x", in("a/s")));
	T(unlink(in("a/s")));
	T(unlink(in("a/s")));
	T(unlinkat(AT_FDCWD, in("a/h"), AT_REMOVEDIR));
	T(unlinkat(AT_FDCWD, in("a/h"), 0));
	T(mknod(in("a/fifo"), S_IFIFO | 0600, 0));
	T(lstat(in("a/fifo"), &st));
	printf("fifo %d\n", S_ISFIFO(st.st_mode));
	list_dir(in("a"));
	list_dir(in(""));
	T(rmdir(in("a/b")));
	T(unlink(in("a/f")));
	T(unlink(in("a/fifo")));
	T(rmdir(in("a")));
	list_dir(in(""));
	/* a file unlinked while open stays readable */
	int fd = T(open(in("tmp"), O_CREAT | O_RDWR, 0644));
	T(write(fd, "still", 5));
	T(unlink(in("tmp")));
	char buf[8];
	long n = T(pread(fd, buf, sizeof(buf), 0));
	show_buf("unlinked", buf, n);
	T(close(fd));
	/* many entries, read in several getdents calls */
	T(mkdir(in("many"), 0755));
	for (int i = 0; i < 200; ++i) {
		char name[32];
		snprintf(name, sizeof(name), "many/entry-%03d", i);
		close(open(in(name), O_CREAT | O_WRONLY, 0644));
	}
	DIR *d = opendir(in("many"));
	int count = 0;
	while (readdir(d) != NULL)
		count++;
	closedir(d);
	printf("many: %d entries\n", count);
}

/* The current directory inside the root, relative paths, and "..". */
static void fam_cwd(void)
{
	char buf[4096];

	T(mkdir(in("d"), 0755));
	T(mkdir(in("d/e"), 0755));
	T(chdir(in("d")));
	char *cwd = getcwd(buf, sizeof(buf));
	printf("getcwd %s\n", cwd && strncmp(cwd, root, strlen(root)) == 0
				  ? cwd + strlen(root)
				  : "(outside)");
	int fd = T(open("rel", O_CREAT | O_WRONLY, 0644));
	T(write(fd, "relative", 8));
	T(close(fd));
	T(chdir("e"));
	show_file("../rel");
	T(chdir(".."));
	T(chdir("rel"));
	T(chdir("missing"));
	int dfd = T(open("e", O_RDONLY | O_DIRECTORY));
	T(fchdir(dfd));
	T(close(dfd));
	cwd = getcwd(buf, sizeof(buf));
	printf("getcwd %s\n", cwd && strncmp(cwd, root, strlen(root)) == 0
				  ? cwd + strlen(root)
				  : "(outside)");
	T(getcwd(buf, 3) == NULL);
	/* up through the root: the kernel's directory holding it */
	T(chdir("../.."));
	show_file("../beside");
	T(chdir(".."));
	show_file("beside");
	T(access(in("d/rel"), F_OK));
	/* relative paths with ".." that go in and out */
	char rel[4096];
	snprintf(rel, sizeof(rel), "%s/d/../d/./rel", strrchr(root, '/') + 1);
	show_file(rel);
	snprintf(rel, sizeof(rel), "%s/d/e/../../../beside",
		 strrchr(root, '/') + 1);
	show_file(rel);
}

/* *at calls with directory descriptors of the root and of the kernel. */
static void fam_at(void)
{
	char buf[64];
	struct stat st;
	int r = T(open(root, O_RDONLY | O_DIRECTORY));
	int o = T(open(out, O_RDONLY | O_DIRECTORY));

	T(mkdirat(r, "d", 0755));
	int fd = T(openat(r, "d/f", O_CREAT | O_RDWR, 0644));
	T(write(fd, "at", 2));
	T(fstatat(r, "d/f", &st, 0));
	show_stat("fstatat", &st);
	T(openat(fd, "x", O_RDONLY));
	T(close(fd));
	T(renameat(r, "d/f", r, "g"));
	T(linkat(r, "g", r, "d/h", 0));
	T(symlinkat("g", r, "s"));
	long n = T(readlinkat(r, "s", buf, sizeof(buf)));
	show_buf("readlinkat", buf, n);
	T(faccessat(r, "s", R_OK, 0));
	T(fchmodat(r, "g", 0600, 0));
	T(fchownat(r, "s", -1, -1, AT_SYMLINK_NOFOLLOW));
	T(utimensat(r, "g", NULL, 0));
	T(unlinkat(r, "d/h", 0));
	T(unlinkat(r, "d", AT_REMOVEDIR));
	/* a kernel dirfd naming the root, and "..": across the boundary */
	fd = T(openat(o, "kfile", O_CREAT | O_WRONLY, 0644));
	T(write(fd, "k", 1));
	T(close(fd));
	int dd = T(openat(r, ".", O_RDONLY | O_DIRECTORY));
	T(fstatat(dd, "g", &st, 0));
	T(close(dd));
	T(close(r));
	T(close(o));
	T(fstatat(r, "g", &st, 0));
	list_dir(in(""));
}

/* Two-path calls between ROOT and OUT: EXDEV when ROOT is a mount. */
static void fam_cross(void)
{
	int r = T(open(root, O_RDONLY | O_DIRECTORY));
	int o = T(open(out, O_RDONLY | O_DIRECTORY));

	T(close(openat(r, "g", O_CREAT | O_WRONLY, 0644)));
	T(close(openat(o, "k", O_CREAT | O_WRONLY, 0644)));
	T(renameat(r, "g", o, "moved"));
	T(linkat(r, "g", o, "linked", 0));
	T(renameat(o, "k", r, "k"));
	T(rename(in("g"), outp("moved")));
	T(link(outp("k"), in("linked")));
	T(renameat2(r, "g", o, "k", RENAME_EXCHANGE));
	/* within each side, and a symlink naming the other side */
	T(renameat(r, "g", r, "h"));
	T(renameat(o, "k", o, "l"));
	T(symlinkat(outp("l"), r, "s"));
	T(close(r));
	T(close(o));
	list_dir(in(""));
	list_dir(outp(""));
}

/* Symlinks out of the root, and into it from the kernel. */
static void fam_links(void)
{
	char target[4096];
	int fd = T(open(outp("kf"), O_CREAT | O_WRONLY | O_TRUNC, 0644));

	T(write(fd, "kernel file", 11));
	T(close(fd));
	fd = T(open(in("f"), O_CREAT | O_WRONLY, 0644));
	T(write(fd, "root file", 9));
	T(close(fd));
	/* absolute, out */
	T(symlink(outp("kf"), in("out")));
	show_file(in("out"));
	/* relative, out through the root's parent */
	snprintf(target, sizeof(target), "../%s/kf", strrchr(out, '/') + 1);
	T(symlink(target, in("rel_out")));
	show_file(in("rel_out"));
	/* a directory symlink out, then a name under it */
	T(symlink(out, in("outdir")));
	show_file(in("outdir/kf"));
	fd = T(open(in("outdir/created"), O_CREAT | O_WRONLY, 0644));
	T(write(fd, "made", 4));
	T(close(fd));
	show_file(outp("created"));
	/* kernel symlinks in */
	T(symlink(in("f"), outp("in")));
	show_file(outp("in"));
	T(symlink(root, outp("indir")));
	show_file(outp("indir/f"));
	struct stat st;
	T(stat(outp("indir/f"), &st));
	printf("size %ld\n", (long)st.st_size);
	/* dangling, loops */
	T(symlink("nowhere", in("dangling")));
	T(open(in("dangling"), O_RDONLY));
	T(symlink("loop", in("loop")));
	T(open(in("loop"), O_RDONLY));
	T(open(in("out"), O_RDONLY | O_NOFOLLOW));
}

/* /proc/self/fd/N of a descriptor opened under ROOT. */
static void fam_procfd(void)
{
	char link[64], buf[4096];
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));

	T(write(fd, "through proc", 12));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	long n = readlink(link, buf, sizeof(buf) - 1);
	printf("readlink %s\n", n > 0 ? "ok" : strerrorname_np(errno));
	if (n > 0) {
		buf[n] = '\0';
		printf("link %s\n", strncmp(buf, root, strlen(root)) == 0
					? buf + strlen(root)
					: buf);
	}
	show_file(link);
	snprintf(link, sizeof(link), "/dev/fd/%d", fd);
	show_file(link);
	T(close(fd));
}

/* poll, select and epoll see a pool file ready, as a regular file. */
static void fam_poll(void)
{
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};

	T(poll(&p, 1, 0));
	printf("revents %#x\n", p.revents);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	struct timeval tv = {0, 0};
	T(select(fd + 1, &r, &w, NULL, &tv));
	printf("isset %d %d\n", FD_ISSET(fd, &r), FD_ISSET(fd, &w));
	T(flock(fd, LOCK_EX));
	T(flock(fd, LOCK_UN));
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	T(fcntl(fd, F_SETLK, &fl));
	T(fcntl(fd, F_GETLK, &fl));
	printf("l_type %d\n", fl.l_type);
	T(close(fd));
}

/*
 * F_GETFL shows what the kernel shows (O_LARGEFILE on a 64-bit kernel, but
 * not for O_PATH); epoll refuses a regular file (EPERM).
 */
static void fam_fdflags(void)
{
	static const int modes[] = {O_RDONLY,
				    O_WRONLY | O_APPEND,
				    O_RDWR | O_NONBLOCK,
				    O_RDONLY | O_DIRECTORY,
				    O_PATH,
				    O_PATH | O_DIRECTORY};
	static const char *const names[] = {"f", "f", "f", "dir", "f", "dir"};
	int ep = T(epoll_create1(EPOLL_CLOEXEC));

	T(close(T(open(in("f"), O_CREAT | O_WRONLY, 0644))));
	T(mkdir(in("dir"), 0755));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); ++i) {
		printf("mode %#o on %s\n", modes[i], names[i]);
		int fd = T(open(in(names[i]), modes[i]));
		long fl = T(fcntl(fd, F_GETFL));
		printf("F_GETFL %#lo\n", fl);
		struct epoll_event ev = {.events = EPOLLIN};
		T(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
		T(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
		T(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
		T(epoll_ctl(-1, EPOLL_CTL_ADD, fd, &ev));
		T(close(fd));
	}
	int fd = T(open(in("f"), O_RDWR));
	T(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	printf("F_GETFL %#lo\n", (long)fcntl(fd, F_GETFL));
	T(fcntl(fd, F_SETFL, 0));
	printf("F_GETFL %#lo\n", (long)fcntl(fd, F_GETFL));
	struct epoll_event ev;
	T(epoll_wait(ep, &ev, 1, 0));
	T(close(fd));
	T(close(ep));
}

/* mmap: private mappings; shared writable ones are refused under shim. */
static void fam_mmap(void)
{
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));

	T(write(fd, "mapped bytes", 12));
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	T(p == MAP_FAILED);
	if (p != MAP_FAILED) {
		show_buf("map", p, 12);
		printf("after eof: %d\n", p[100]);
		munmap(p, 4096);
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p != MAP_FAILED) {
		p[0] = 'M';
		munmap(p, 4096);
	}
	show_file(in("f"));
	T(close(fd));
}

/* A fork child that never touches ROOT, then system() and popen(). */
static void fam_fork(void)
{
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));
	T(write(fd, "parent", 6));
	pid_t pid = fork();
	if (pid == 0) {
		int k = open(outp("child"), O_CREAT | O_WRONLY, 0644);
		_exit(write(k, "child ok", 8) == 8 ? 0 : 1);
	}
	int status;
	T(waitpid(pid, &status, 0) == pid);
	T(WEXITSTATUS(status));
	show_file(outp("child"));
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "echo system > %s", outp("sys"));
	T(system(cmd));
	show_file(outp("sys"));
	FILE *pp = popen("echo popen", "r");
	char buf[64] = "";
	T(fgets(buf, sizeof(buf), pp) != NULL);
	printf("popen: %s", buf);
	T(pclose(pp));
	T(write(fd, " again", 6));
	T(close(fd));
	show_file(in("f"));
}

/*
 * Permissions after the program drops root (run as root): the pool checks
 * the new ids, as the kernel does.
 */
static void fam_setuid(void)
{
	umask(022);
	T(close(open(in("secret"), O_CREAT | O_WRONLY, 0600)));
	T(close(open(in("public"), O_CREAT | O_WRONLY, 0644)));
	T(mkdir(in("closed"), 0700));
	T(close(open(in("closed/x"), O_CREAT | O_WRONLY, 0644)));
	T(mkdir(in("sub"), 0755));
	T(close(open(in("sub/f"), O_CREAT | O_WRONLY, 0644)));
	T(mkdir(in("open"), 0777));
	T(chmod(in("open"), 0777));
	T(setgroups(0, NULL));
	T(setgid(65534));
	T(setuid(65534));
	T(open(in("secret"), O_RDONLY));
	T(close(open(in("public"), O_RDONLY)));
	T(open(in("public"), O_WRONLY));
	T(access(in("closed/x"), F_OK));
	T(access(in("public"), W_OK));
	T(mkdir(in("sub/new"), 0755));
	T(unlink(in("sub/f")));
	T(chmod(in("public"), 0666));
	T(chown(in("public"), 65534, 65534));
	int fd = T(open(in("open/mine"), O_CREAT | O_WRONLY, 0666));
	struct stat st;
	T(fstat(fd, &st));
	printf("owner %u:%u mode %o\n", st.st_uid, st.st_gid, st.st_mode);
	T(fchmod(fd, 0600));
	T(close(fd));
}

/* A fork child reading a descriptor and a path of ROOT while the parent
 * holds the pool: a clear error in the child, the parent unharmed. */
static void fam_touchfork(void)
{
	char buf[64];
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));

	T(write(fd, "parent data", 11));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		long n = T(pread(fd, buf, 4, 0));
		show_buf("child", buf, n);
		/* the offset is the parent's too */
		T(write(fd, " child", 6));
		int g = T(open(in("f"), O_RDONLY));
		T(close(g));
		T(mkdir(in("child"), 0755));
		T(close(fd));
		fflush(stdout);
		_exit(0);
	}
	int status;
	T(waitpid(pid, &status, 0) == pid);
	T(WEXITSTATUS(status));
	long n = T(pread(fd, buf, sizeof(buf), 0));
	show_buf("parent", buf, n);
	T(write(fd, " more", 5));
	T(close(fd));
	show_file(in("f"));
	T(access(in("child"), F_OK));
}

/* sendmsg of fd with SCM_RIGHTS over the socket s. */
static long send_fd(int s, int fd)
{
	char data = 'x';
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(s, &msg, 0);
}

/* Calls a pool cannot serve. */
static void fam_notsup(void)
{
	int fd = T(open(in("f"), O_CREAT | O_RDWR, 0755));

	T(write(fd, "#!/bin/sh\necho hi\n", 18));
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap shared writable: %s\n",
	       p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	/* the pages of a shared map stay where they are while it lasts */
	T(ftruncate(fd, 0));
	/* grown as the kernel's map is, in place or moved */
	char *q = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
	printf("mremap shared: %s\n", q == MAP_FAILED ? strerrorname_np(errno)
				      : q[0] == '#'   ? "grown"
						      : "wrong");
	if (q != MAP_FAILED)
		p = q;
	T(ftruncate(fd, 0));
	T(munmap(p, 8192));
	T(ftruncate(fd, 0));
	/* a descriptor sent to another process: a kernel one goes */
	int sv[2];
	T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	T(send_fd(sv[0], fd));
	T(send_fd(sv[0], sv[1]));
	T(close(sv[0]));
	T(close(sv[1]));
	T(chroot(in("")));
	char *argv[] = {"f", NULL};
	T(execv(in("f"), argv));
	T(fcntl(fd, F_GETPIPE_SZ));
	T(fcntl(fd, F_NOTIFY, 0));
	T(close(fd));
}

struct thread_arg {
	int id;
	int shared_fd;
	int errors;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	char name[32], buf[4096], back[4096];

	snprintf(name, sizeof(name), "t%d", a->id);
	int fd = open(in(name), O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0) {
		a->errors++;
		return NULL;
	}
	for (int i = 0; i < 200; ++i) {
		memset(buf, 'a' + (a->id + i) % 26, sizeof(buf));
		if (pwrite(fd, buf, sizeof(buf), (off_t)i * 4096) != 4096)
			a->errors++;
		if (pread(a->shared_fd, back, 16, 0) != 16 ||
		    memcmp(back, "shared-file-data", 16) != 0)
			a->errors++;
		int d = dup(fd);
		if (d < 0 || close(d) != 0)
			a->errors++;
	}
	for (int i = 0; i < 200; ++i) {
		if (pread(fd, back, sizeof(back), (off_t)i * 4096) != 4096 ||
		    back[0] != 'a' + (a->id + i) % 26 || back[4095] != back[0])
			a->errors++;
	}
	close(fd);
	return NULL;
}

/* Threads writing their own files and reading a shared descriptor. */
static void fam_threads(void)
{
	enum { N = 4 };
	pthread_t t[N];
	struct thread_arg args[N];
	int fd = T(open(in("shared"), O_CREAT | O_RDWR, 0644));

	T(write(fd, "shared-file-data", 16));
	for (int i = 0; i < N; ++i) {
		args[i] = (struct thread_arg){i, fd, 0};
		pthread_create(&t[i], NULL, thread_main, &args[i]);
	}
	int errors = 0;
	for (int i = 0; i < N; ++i) {
		pthread_join(t[i], NULL);
		errors += args[i].errors;
	}
	printf("thread errors: %d\n", errors);
	T(close(fd));
}

static int sig_fd;
static volatile sig_atomic_t sig_calls, sig_ok, sig_deadlk, sig_other;

static void sig_handler(int sig)
{
	(void)sig;
	int saved = errno;
	sig_calls++;
	if (pwrite(sig_fd, "S", 1, 4095) == 1)
		sig_ok++;
	else if (errno == EDEADLK)
		sig_deadlk++;
	else
		sig_other++;
	errno = saved;
}

/*
 * A signal handler writing to a pool file, arriving at any point of the
 * main thread's pool calls: it must never hang; its write either works or
 * fails with EDEADLK (when it interrupted the shim itself).
 */
static void fam_signal(void)
{
	char buf[4096];
	sig_fd = T(open(in("f"), O_CREAT | O_RDWR, 0644));
	struct sigaction sa = {.sa_handler = sig_handler,
			       .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 200}, {0, 200}};
	setitimer(ITIMER_REAL, &it, NULL);
	long failures = 0;
	for (int i = 0; i < 20000 || sig_calls < 50; ++i) {
		memset(buf, 'x', sizeof(buf));
		if (pwrite(sig_fd, buf, 4095, 0) != 4095)
			failures++;
		int fd = open(in("g"), O_CREAT | O_RDWR, 0644);
		if (fd < 0 || close(fd) != 0)
			failures++;
		if (i > 2000000)
			break;
	}
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	printf("main failures: %ld\n", failures);
	printf("handler ran: %s, other errors: %d\n",
	       sig_calls >= 50 ? "yes" : "no", (int)sig_other);
	T(close(sig_fd));
}

int main(int argc, char *argv[])
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s FAMILY ROOT OUT\n", argv[0]);
		return 2;
	}
	root = argv[2];
	out = argv[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *f = argv[1];
	if (!strcmp(f, "rw"))
		fam_rw();
	else if (!strcmp(f, "copy"))
		fam_copy();
	else if (!strcmp(f, "fd"))
		fam_fd(argv[0]);
	else if (!strcmp(f, "fd-exec") && argc > 4)
		fam_fd_exec(argv[4]);
	else if (!strcmp(f, "stat"))
		fam_stat();
	else if (!strcmp(f, "names"))
		fam_names();
	else if (!strcmp(f, "cwd"))
		fam_cwd();
	else if (!strcmp(f, "at"))
		fam_at();
	else if (!strcmp(f, "cross"))
		fam_cross();
	else if (!strcmp(f, "links"))
		fam_links();
	else if (!strcmp(f, "procfd"))
		fam_procfd();
	else if (!strcmp(f, "poll"))
		fam_poll();
	else if (!strcmp(f, "fdflags"))
		fam_fdflags();
	else if (!strcmp(f, "mmap"))
		fam_mmap();
	else if (!strcmp(f, "fork"))
		fam_fork();
	else if (!strcmp(f, "setuid"))
		fam_setuid();
	else if (!strcmp(f, "touchfork"))
		fam_touchfork();
	else if (!strcmp(f, "notsup"))
		fam_notsup();
	else if (!strcmp(f, "threads"))
		fam_threads();
	else if (!strcmp(f, "signal"))
		fam_signal();
	else
		return 2;
	return 0;
}
