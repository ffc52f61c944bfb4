// SPDX-License-Identifier: BSD-3-Clause
/*
 * refused MNT KDIR -- the calls a pool cannot serve, run under the shim
 * with MNT a mount and KDIR a kernel directory beside it (the program's
 * cwd at start, so the kernel's cwd while the process's is in MNT).
 *
 * Each call on a path in the mount (absolute, relative to the cwd in the
 * mount, relative to a directory descriptor of the pool) or on a pool
 * descriptor must fail with its documented error; the same call on a
 * kernel path reached from the cwd in the mount ("../KDIR/x") must give
 * the kernel's answer for that file, found first by the absolute path.
 * Prints one line per check; exits 1 if one differed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../src/preload/sysnr.h"

static int failures;

/* r, a system call's result (-1 and errno, or a value), must be want:
 * an errno, or 0 for any success. */
static void check(const char *what, long r, int want)
{
	int got = r < 0 ? errno : 0;

	if (got == want) {
		printf("ok: %s: %s\n", what,
		       want ? strerrorname_np(want) : "succeeds");
		return;
	}
	printf("FAIL: %s: %s, not %s\n", what,
	       got ? strerrorname_np(got) : "succeeds",
	       want ? strerrorname_np(want) : "success");
	failures++;
}

/* The kernel's answer for the absolute path, then the call from the cwd
 * in the mount must give the same. */
#define SAME(what, abs_call, rel_call)                               \
	do {                                                         \
		long r_ = (abs_call);                                \
		int want_ = r_ < 0 ? errno : 0;                      \
		check(what " (as the kernel's)", (rel_call), want_); \
	} while (0)

static char kabs[4096]; /* KDIR/kf, absolute */
static char krel[4096]; /* the same from the cwd in the mount */

static void paths(int pooldir, int poolfd)
{
	char buf[256];
	struct {
		struct file_handle h;
		char bytes[MAX_HANDLE_SZ];
	} fh;
	int mnt_id;
	int in = inotify_init1(IN_CLOEXEC);

	fh.h.handle_bytes = MAX_HANDLE_SZ;
	check("inotify_add_watch(\"pf\")",
	      inotify_add_watch(in, "pf", IN_ALL_EVENTS), ENOTSUP);
	check("inotify_add_watch(\"kf\") (not in the kernel's cwd)",
	      inotify_add_watch(in, "kf", IN_ALL_EVENTS), ENOTSUP);
	check("inotify_add_watch(\".\")",
	      inotify_add_watch(in, ".", IN_ALL_EVENTS), ENOTSUP);
	SAME("inotify_add_watch(\"../KDIR/kf\")",
	     inotify_add_watch(in, kabs, IN_ALL_EVENTS),
	     inotify_add_watch(in, krel, IN_ALL_EVENTS));
	check("name_to_handle_at(AT_FDCWD, \"pf\")",
	      syscall(SYS_name_to_handle_at, AT_FDCWD, "pf", &fh.h, &mnt_id, 0),
	      ENOTSUP);
	check("name_to_handle_at(pool dir, \"pf\")",
	      syscall(SYS_name_to_handle_at, pooldir, "pf", &fh.h, &mnt_id, 0),
	      ENOTSUP);
	check("name_to_handle_at(pool fd, \"\", AT_EMPTY_PATH)",
	      syscall(SYS_name_to_handle_at, poolfd, "", &fh.h, &mnt_id,
		      AT_EMPTY_PATH),
	      ENOTSUP);
	SAME("name_to_handle_at(\"../KDIR/kf\")",
	     syscall(SYS_name_to_handle_at, AT_FDCWD, kabs, &fh.h, &mnt_id, 0),
	     syscall(SYS_name_to_handle_at, AT_FDCWD, krel, &fh.h, &mnt_id, 0));
	check("open_by_handle_at(pool fd)",
	      syscall(SYS_open_by_handle_at, poolfd, &fh.h, O_RDONLY), ENOTSUP);

	int fan = (int)syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	if (fan >= 0) {
		check("fanotify_mark(\"pf\")",
		      syscall(SYS_fanotify_mark, fan, FAN_MARK_ADD, FAN_OPEN,
			      AT_FDCWD, "pf"),
		      ENOTSUP);
		check("fanotify_mark(pool dir, NULL)",
		      syscall(SYS_fanotify_mark, fan, FAN_MARK_ADD, FAN_OPEN,
			      pooldir, NULL),
		      ENOTSUP);
		SAME("fanotify_mark(\"../KDIR/kf\")",
		     syscall(SYS_fanotify_mark, fan, FAN_MARK_ADD, FAN_OPEN,
			     AT_FDCWD, kabs),
		     syscall(SYS_fanotify_mark, fan, FAN_MARK_ADD, FAN_OPEN,
			     AT_FDCWD, krel));
		close(fan);
	} else {
		printf("skip: fanotify_init: %s\n", strerrorname_np(errno));
	}

	check("umount2(\"pf\")", syscall(SYS_umount2, "pf", 0), ENOTSUP);
	SAME("umount2(\"../KDIR/kf\")", syscall(SYS_umount2, kabs, 0),
	     syscall(SYS_umount2, krel, 0));
	check("mount(\"none\", \"pd\", \"tmpfs\")",
	      syscall(SYS_mount, "none", "pd", "tmpfs", 0, NULL), ENOTSUP);
	check("mount(\"pd\", KDIR, MS_BIND) (source in the mount)",
	      syscall(SYS_mount, "pd", krel, NULL, MS_BIND, NULL), ENOTSUP);
	check("pivot_root(\"pd\", \"pd\")", syscall(SYS_pivot_root, "pd", "pd"),
	      ENOTSUP);
	check("chroot(\"pd\")", syscall(SYS_chroot, "pd"), ENOTSUP);
	check("acct(\"pf\")", syscall(SYS_acct, "pf"), ENOTSUP);
	check("swapon(\"pf\")", syscall(SYS_swapon, "pf", 0), ENOTSUP);
	check("swapoff(\"pf\")", syscall(SYS_swapoff, "pf"), ENOTSUP);
	check("uselib(\"pf\")", syscall(SYS_uselib, "pf"), ENOTSUP);
	check("quotactl(Q_GETINFO, \"pf\")",
	      syscall(SYS_quotactl, QCMD(Q_GETINFO, USRQUOTA), "pf", 0, buf),
	      ENOTSUP);
	check(
	    "quotactl_fd(pool fd)",
	    syscall(SYS_quotactl_fd, poolfd, QCMD(Q_GETINFO, USRQUOTA), 0, buf),
	    ENOTSUP);
	check("open_tree(\"pd\")", syscall(SYS_open_tree, AT_FDCWD, "pd", 0),
	      ENOTSUP);
	check("open_tree(pool dir, \"\", AT_EMPTY_PATH)",
	      syscall(SYS_open_tree, pooldir, "", AT_EMPTY_PATH), ENOTSUP);
	SAME("open_tree(\"../KDIR/kf\")",
	     syscall(SYS_open_tree, AT_FDCWD, kabs, OPEN_TREE_CLOEXEC),
	     syscall(SYS_open_tree, AT_FDCWD, krel, OPEN_TREE_CLOEXEC));
	check("open_tree_attr(\"pd\")",
	      syscall(SYS_open_tree_attr, AT_FDCWD, "pd", 0, NULL, 0), ENOTSUP);
	check("move_mount(\"pd\", KDIR)",
	      syscall(SYS_move_mount, AT_FDCWD, "pd", AT_FDCWD, krel, 0),
	      ENOTSUP);
	check("move_mount(KDIR, \"pd\")",
	      syscall(SYS_move_mount, AT_FDCWD, krel, AT_FDCWD, "pd", 0),
	      ENOTSUP);
	check("fspick(\"pd\")", syscall(SYS_fspick, AT_FDCWD, "pd", 0),
	      ENOTSUP);
	struct mount_attr ma = {0};
	check("mount_setattr(\"pd\")",
	      syscall(SYS_mount_setattr, AT_FDCWD, "pd", 0, &ma, sizeof(ma)),
	      ENOTSUP);
	int fs = (int)syscall(SYS_fsopen, "tmpfs", 0);
	if (fs >= 0) {
		check("fsconfig(FSCONFIG_SET_PATH, \"pd\")",
		      syscall(SYS_fsconfig, fs, FSCONFIG_SET_PATH, "source",
			      "pd", AT_FDCWD),
		      ENOTSUP);
		check("fsconfig(FSCONFIG_SET_FD, pool fd)",
		      syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "source", NULL,
			      poolfd),
		      ENOTSUP);
		close(fs);
	} else {
		printf("skip: fsopen: %s\n", strerrorname_np(errno));
	}
	check("setxattrat(\"pf\")",
	      syscall(SYS_setxattrat, AT_FDCWD, "pf", 0, "user.a", buf, 32),
	      ENOTSUP);
	check("getxattrat(\"pf\")",
	      syscall(SYS_getxattrat, AT_FDCWD, "pf", 0, "user.a", buf, 32),
	      ENOTSUP);
	check("listxattrat(\"pf\")",
	      syscall(SYS_listxattrat, AT_FDCWD, "pf", 0, buf, sizeof(buf)),
	      ENOTSUP);
	check("removexattrat(\"pf\")",
	      syscall(SYS_removexattrat, AT_FDCWD, "pf", 0, "user.a"), ENOTSUP);
	SAME("listxattrat(\"../KDIR/kf\")",
	     syscall(SYS_listxattrat, AT_FDCWD, kabs, 0, buf, sizeof(buf)),
	     syscall(SYS_listxattrat, AT_FDCWD, krel, 0, buf, sizeof(buf)));
	check("file_getattr(\"pf\")",
	      syscall(SYS_file_getattr, AT_FDCWD, "pf", buf, 24, 0), ENOTSUP);
	check("file_setattr(\"pf\")",
	      syscall(SYS_file_setattr, AT_FDCWD, "pf", buf, 24, 0), ENOTSUP);
	check("finit_module(pool fd)", syscall(SYS_finit_module, poolfd, "", 0),
	      ENOTSUP);
	struct landlock_ruleset_attr rs = {.handled_access_fs =
					       LANDLOCK_ACCESS_FS_READ_FILE};
	int ruleset =
	    (int)syscall(SYS_landlock_create_ruleset, &rs, sizeof(rs), 0);
	if (ruleset >= 0) {
		struct landlock_path_beneath_attr pb = {
		    .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
		    .parent_fd = pooldir};
		check("landlock_add_rule(pool dir)",
		      syscall(SYS_landlock_add_rule, ruleset,
			      LANDLOCK_RULE_PATH_BENEATH, &pb, 0),
		      ENOTSUP);
		close(ruleset);
	} else {
		printf("skip: landlock_create_ruleset: %s\n",
		       strerrorname_np(errno));
	}
	struct {
		uint64_t pathname;
		uint32_t bpf_fd, file_flags;
		int32_t path_fd;
	} obj = {.pathname = (uintptr_t) "pf"};
	check("bpf(BPF_OBJ_GET, \"pf\")",
	      syscall(SYS_bpf, 7 /* BPF_OBJ_GET */, &obj, sizeof(obj)),
	      ENOTSUP);
	check("kexec_file_load(pool fd)",
	      syscall(SYS_kexec_file_load, poolfd, -1, 1, "", 2), ENOTSUP);
	check("cachestat(pool fd)",
	      syscall(SYS_cachestat, poolfd, buf, buf + 64, 0), ENOTSUP);
	close(in);
}

static socklen_t unix_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t n = strlen(path);
	if (n >= sizeof(sa->sun_path))
		exit(2);
	memcpy(sa->sun_path, path, n + 1);
	return (socklen_t)sizeof(*sa);
}

/*
 * Unix socket names from a cwd one level down in the mount (pd), where
 * "../../KDIR/ks" names KDIR/ks for the process and nothing for the
 * kernel's cwd (KDIR): bind, connect, sendto and sendmsg reach the
 * kernel's socket, sendto, sendmsg and sendmmsg reach a socket named in
 * the pool.
 */
static void sockets(const char *kname)
{
	struct sockaddr_un sa;
	char rel[256], abs[4096], got[8] = {0};
	struct stat st;
	int s1 = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s2 = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s3 = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s4 = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(rel, sizeof(rel), "../../%s/ks", kname);
	snprintf(abs, sizeof(abs), "%s", kabs);
	strcpy(strrchr(abs, '/'), "/ks");
	if (chdir("pd") != 0)
		exit(2);
	socklen_t n = unix_addr(&sa, rel);
	check("bind(\"../../KDIR/ks\")", bind(s1, (struct sockaddr *)&sa, n),
	      0);
	check("the socket is KDIR/ks",
	      stat(abs, &st) == 0 && S_ISSOCK(st.st_mode) ? 0 : -1, 0);
	check("sendto(\"../../KDIR/ks\")",
	      sendto(s2, "k", 1, 0, (struct sockaddr *)&sa, n), 0);
	check("recv on KDIR/ks", recv(s1, got, sizeof(got), MSG_DONTWAIT), 0);
	check("connect(\"../../KDIR/ks\")",
	      connect(s3, (struct sockaddr *)&sa, n), 0);
	n = unix_addr(&sa, "psock");
	check("bind(\"psock\") in the pool",
	      bind(s4, (struct sockaddr *)&sa, n), 0);
	check("sendto(\"psock\") in the pool",
	      sendto(s2, "p", 1, 0, (struct sockaddr *)&sa, n), 0);
	check("recv on psock", recv(s4, got + 1, sizeof(got) - 1, MSG_DONTWAIT),
	      0);
	struct iovec iov = {.iov_base = "m", .iov_len = 1};
	struct msghdr msg = {.msg_name = &sa, .msg_iov = &iov, .msg_iovlen = 1};
	msg.msg_namelen = unix_addr(&sa, rel);
	check("sendmsg to \"../../KDIR/ks\"", sendmsg(s2, &msg, 0), 0);
	check("recv on KDIR/ks",
	      recv(s1, got + 2, sizeof(got) - 2, MSG_DONTWAIT), 0);
	msg.msg_namelen = unix_addr(&sa, "psock");
	check("sendmsg to \"psock\" in the pool", sendmsg(s2, &msg, 0), 0);
	check("recv on psock", recv(s4, got + 3, sizeof(got) - 3, MSG_DONTWAIT),
	      0);
	struct mmsghdr mm = {.msg_hdr = msg};
	check("sendmmsg to \"psock\" in the pool", sendmmsg(s2, &mm, 1, 0) - 1,
	      0);
	check("recv on psock", recv(s4, got + 4, sizeof(got) - 4, MSG_DONTWAIT),
	      0);
	printf("%s: the datagrams: \"%s\"\n",
	       strcmp(got, "kpmmm") ? "FAIL" : "ok", got);
	failures += strcmp(got, "kpmmm") != 0;
	if (chdir("..") != 0)
		exit(2);
	close(s1);
	close(s2);
	close(s3);
	close(s4);
}

/* io_submit: requests before the first on a pool descriptor go */
static void aio(int poolfd, int kfd)
{
	aio_context_t ctx = 0;
	char b1[16], b2[16];
	struct iocb k = {.aio_fildes = (unsigned)kfd,
			 .aio_lio_opcode = IOCB_CMD_PREAD,
			 .aio_buf = (uintptr_t)b1,
			 .aio_nbytes = sizeof(b1)};
	struct iocb p = k;
	struct iocb r = k;
	struct io_event ev[2];

	p.aio_fildes = (unsigned)poolfd;
	p.aio_buf = (uintptr_t)b2;
	r.aio_flags = IOCB_FLAG_RESFD;
	r.aio_resfd = (unsigned)poolfd;
	if (syscall(SYS_io_setup, 8, &ctx) != 0) {
		printf("skip: io_setup: %s\n", strerrorname_np(errno));
		return;
	}
	struct iocb *first[] = {&p, &k};
	check("io_submit(pool fd first)", syscall(SYS_io_submit, ctx, 2, first),
	      EINVAL);
	struct iocb *second[] = {&k, &p};
	long n = syscall(SYS_io_submit, ctx, 2, second);
	printf("%s: io_submit(kernel fd, pool fd) = %ld\n",
	       n == 1 ? "ok" : "FAIL", n);
	failures += n != 1;
	n = syscall(SYS_io_getevents, ctx, 1, 2, ev, NULL);
	printf("%s: the kernel file's request completed: %ld event, res %lld\n",
	       n == 1 && ev[0].res == 5 ? "ok" : "FAIL", n,
	       n == 1 ? (long long)ev[0].res : 0LL);
	failures += !(n == 1 && ev[0].res == 5);
	struct iocb *resfd[] = {&r};
	check("io_submit(resfd a pool fd)",
	      syscall(SYS_io_submit, ctx, 1, resfd), EINVAL);
	syscall(SYS_io_destroy, ctx);
}

struct ring {
	int fd;
	unsigned *head, *tail, *mask, *array;
	struct io_uring_sqe *sqes;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(SYS_io_uring_setup, 8, &p);
	if (r->fd < 0)
		return -1;
	size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_size =
	    p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->head = (unsigned *)(sq + p.sq_off.head);
	r->tail = (unsigned *)(sq + p.sq_off.tail);
	r->mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits one request and returns its completion's result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->tail;
	unsigned i = tail & *r->mask;

	r->sqes[i] = *sqe;
	r->array[i] = i;
	__atomic_store_n(r->tail, tail + 1, __ATOMIC_RELEASE);
	long n = syscall(SYS_io_uring_enter, r->fd, 1, 1,
			 IORING_ENTER_GETEVENTS, NULL, 0);
	if (n < 0)
		return -1000 - errno;
	unsigned h = *r->cq_head;
	if (h == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -2000;
	int res = r->cqes[h & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, h + 1, __ATOMIC_RELEASE);
	return res;
}

static void check_cqe(const char *what, int res, int want)
{
	bool ok = want ? res == -want : res >= 0;

	printf("%s: %s: completion %d\n", ok ? "ok" : "FAIL", what, res);
	failures += !ok;
}

static void uring(int poolfd, int kfd)
{
	struct ring r;
	char buf[16];

	if (ring_init(&r)) {
		printf("skip: io_uring: %s\n", strerrorname_np(errno));
		return;
	}
	struct io_uring_sqe rd = {.opcode = IORING_OP_READ,
				  .fd = kfd,
				  .addr = (uintptr_t)buf,
				  .len = sizeof(buf)};
	check_cqe("IORING_OP_READ on a kernel fd", ring_run(&r, &rd), 0);
	rd.fd = poolfd;
	check_cqe("IORING_OP_READ on a pool fd", ring_run(&r, &rd), EBADF);
	struct io_uring_sqe op = {.opcode = IORING_OP_OPENAT,
				  .fd = AT_FDCWD,
				  .addr = (uintptr_t) "pnew",
				  .open_flags = O_CREAT | O_WRONLY,
				  .len = 0644};
	check_cqe("IORING_OP_OPENAT of \"pnew\" (cwd in the mount)",
		  ring_run(&r, &op), EINVAL);
	op.addr = (uintptr_t)kabs;
	op.open_flags = O_RDONLY;
	check_cqe("IORING_OP_OPENAT of KDIR/kf", ring_run(&r, &op), 0);
	struct io_uring_sqe mk = {.opcode = IORING_OP_MKDIRAT,
				  .fd = AT_FDCWD,
				  .addr = (uintptr_t) "pdir",
				  .len = 0755};
	check_cqe("IORING_OP_MKDIRAT of \"pdir\" (cwd in the mount)",
		  ring_run(&r, &mk), EINVAL);
	int pipefd[2];
	if (pipe(pipefd) != 0)
		exit(2);
	struct io_uring_sqe sp = {.opcode = IORING_OP_SPLICE,
				  .fd = pipefd[1],
				  .splice_fd_in = poolfd,
				  .off = (uint64_t)-1,
				  .splice_off_in = 0,
				  .len = 4};
	check_cqe("IORING_OP_SPLICE from a pool fd", ring_run(&r, &sp), EBADF);
	close(pipefd[0]);
	close(pipefd[1]);
	check("io_uring_register(IORING_REGISTER_FILES, pool fd)",
	      syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES,
		      &poolfd, 1),
	      EBADF);
	check("io_uring_register(IORING_REGISTER_EVENTFD, pool fd)",
	      syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_EVENTFD,
		      &poolfd, 1),
	      EINVAL);
	check("io_uring_register(IORING_REGISTER_FILES, kernel fd)",
	      syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, &kfd,
		      1),
	      0);
	struct io_uring_files_update up = {.offset = 0,
					   .fds = (uintptr_t)&poolfd};
	check("io_uring_register(IORING_REGISTER_FILES_UPDATE, pool fd)",
	      syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES_UPDATE,
		      &up, 1),
	      EBADF);
	struct io_uring_sqe fu = {.opcode = IORING_OP_FILES_UPDATE,
				  .fd = -1,
				  .addr = (uintptr_t)&poolfd,
				  .len = 1};
	check_cqe("IORING_OP_FILES_UPDATE with a pool fd", ring_run(&r, &fu),
		  EINVAL);
	close(r.fd);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	/* a request that reached a placeholder may wait for ever */
	alarm(60);
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *mnt = argv[1], *kdir = argv[2];
	char kname[256];
	snprintf(kabs, sizeof(kabs), "%s/kf", kdir);
	snprintf(kname, sizeof(kname), "%s", strrchr(kdir, '/') + 1);
	snprintf(krel, sizeof(krel), "../%s/kf", kname);
	int kfd = open(kabs, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (kfd < 0 || write(kfd, "kern\n", 5) != 5 || chdir(mnt) != 0 ||
	    mkdir("pd", 0755) != 0)
		return 2;
	int poolfd = open("pf", O_CREAT | O_RDWR, 0644);
	int pooldir = open("pd", O_RDONLY | O_DIRECTORY);
	if (poolfd < 0 || pooldir < 0 || write(poolfd, "pool\n", 5) != 5)
		return 2;
	/* the mount's parent must be KDIR's parent */
	paths(pooldir, poolfd);
	sockets(kname);
	lseek(kfd, 0, SEEK_SET);
	aio(poolfd, kfd);
	lseek(kfd, 0, SEEK_SET);
	uring(poolfd, kfd);
	return failures ? 1 : 0;
}
