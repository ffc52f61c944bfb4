/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_misc.c -- ioctl and flock on pool descriptors, and the calls
 * that have no pool meaning.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "path.h"
#include "sys.h"

/* FIONREAD of a regular file: the bytes between the offset and the end. */
static long ioctl_fionread(struct fd_use *u, int *out)
{
	struct stat st;

	if (pmemfile_fstat(u->pfp, u->f->file, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOTTY;
	pmemfile_off_t pos = pmemfile_lseek(u->pfp, u->f->file, 0, SEEK_CUR);
	if (pos < 0)
		return -errno;
	*out = pos < st.st_size ? (int)(st.st_size - pos) : 0;
	return 0;
}

static long ioctl_nonblock(struct fd_use *u, const int *on)
{
	int fl = pmemfile_fcntl(u->pfp, u->f->file, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = *on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return sys_result(pmemfile_fcntl(u->pfp, u->f->file, F_SETFL, fl));
}

static long ioctl_pool(struct fd_use *u, unsigned long req, long arg)
{
	switch (req) {
	case FIONREAD:
		return ioctl_fionread(u, (int *)arg);
	case FS_IOC_GETFLAGS:
		*(int *)arg = 0;
		return 0;
	case FIONBIO:
		return ioctl_nonblock(u, (const int *)arg);
	case FIGETBSZ:
		*(int *)arg = 4096;
		return 0;
	default:
		return -ENOTTY;
	}
}

SYS_HANDLER(ioctl)
{
	/* these act on the descriptor number: the placeholder serves them */
	if (a[1] == FIOCLEX || a[1] == FIONCLEX)
		return PRELOAD_PASS;
	SYS_ON_POOL_FD(a[0], ioctl_pool(&u, (unsigned long)a[1], a[2]));
}

/*
 * epoll: a regular file cannot be watched (EPERM), and an O_PATH
 * descriptor is no file for it (EBADF), whatever the operation; the
 * placeholder, an eventfd, could be watched, so the call is answered here.
 */
SYS_HANDLER(epoll_ctl)
{
	struct preload_file *f = fd_get((int)a[2]);

	if (f == NULL)
		return PRELOAD_PASS;
	bool path_only = (f->flags & O_PATH) != 0;
	fd_put(f);
	preload_routed = 1;
	/* the kernel looks at the epoll descriptor first */
	if (path_only || syscall_no_intercept(SYS_fcntl, a[0], F_GETFD) < 0)
		return -EBADF;
	return -EPERM;
}

SYS_HANDLER(flock)
{
	SYS_ON_POOL_FD(a[0],
		       sys_result(pmemfile_flock(u.pfp, u.f->file, (int)a[1])));
}

/* Calls on a descriptor that a pool file cannot serve. */
SYS_HANDLER(fd_unsupported)
{
	SYS_ON_POOL_FD(a[0], preload_not_supported("this call on a pool file"));
}

/* A call that a pool cannot serve, on a path relative to dirfd. */
static long path_unsupported(int dirfd, const char *path, int flags)
{
	struct path_res r;
	int kind = path_resolve(dirfd, path, flags, &r);

	if (kind != PATH_POOL)
		return PRELOAD_PASS;
	path_done(&r);
	return preload_not_supported("this call on a path in a mount");
}

/* chroot, acct, swapon...: the path is argument 0 */
SYS_HANDLER(path_unsupported)
{
	return path_unsupported(AT_FDCWD, (const char *)a[0], PATH_FOLLOW);
}

SYS_HANDLER(inotify_add_watch)
{
	return path_unsupported(AT_FDCWD, (const char *)a[1],
				(a[2] & IN_DONT_FOLLOW) ? 0 : PATH_FOLLOW);
}

SYS_HANDLER(name_to_handle_at)
{
	return path_unsupported(a[0], (const char *)a[1],
				((a[4] & AT_SYMLINK_FOLLOW) ? PATH_FOLLOW : 0) |
				    ((a[4] & AT_EMPTY_PATH) ? PATH_EMPTY : 0));
}

/* Whether the control data of msg passes a pool descriptor. */
static bool msg_passes_pool_fd(const struct msghdr *msg)
{
	if (msg == NULL || msg->msg_control == NULL ||
	    msg->msg_controllen < sizeof(struct cmsghdr))
		return false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		const int *fds = (const int *)CMSG_DATA(c);
		for (size_t i = 0; i < n; i++)
			if (fd_is_pool(fds[i]))
				return true;
	}
	return false;
}

/*
 * sendmsg: a pool descriptor goes as a token that the receiver turns back
 * into the same open file description (fd_pass.c); recvmsg turns tokens
 * back.
 */
SYS_HANDLER(sendmsg)
{
	const struct msghdr *msg = (const struct msghdr *)a[1];
	struct msghdr copy;
	struct sockaddr_un to;
	/* a datagram to a socket named in a mount: to its runtime name */
	if (mount_count > 0 && msg != NULL) {
		if (user_copy_in(&copy, msg, sizeof(copy)))
			return -EFAULT;
		long r = sock_peer(copy.msg_name, copy.msg_namelen, &to);
		if (r != PRELOAD_PASS) {
			if (r)
				return r;
			copy.msg_name = &to;
			copy.msg_namelen = sizeof(to);
			msg = &copy;
		}
	}
	if (fd_table_used && msg_passes_pool_fd(msg))
		return fd_pass_sendmsg((int)a[0], msg, (int)a[2]);
	if (msg == (const struct msghdr *)a[1])
		return PRELOAD_PASS;
	return syscall_no_intercept(SYS_sendmsg, a[0], msg, a[2]);
}

SYS_HANDLER(recvmsg)
{
	long ret = syscall_no_intercept(SYS_recvmsg, a[0], a[1], a[2]);
	if (ret >= 0)
		fd_pass_received((struct msghdr *)a[1], (int)a[2]);
	return ret;
}

/*
 * sendmmsg with a pool descriptor in a message: each message is sent by
 * itself as sendmsg sends it, and the count sent is returned as the
 * kernel's sendmmsg does (the first failure ends it; it is the result
 * only when no message went).
 */
SYS_HANDLER(sendmmsg)
{
	struct mmsghdr *v = (struct mmsghdr *)a[1];
	unsigned n = (unsigned)a[2] < UIO_MAXIOV ? (unsigned)a[2] : UIO_MAXIOV;
	bool any = false;

	if (!fd_table_used || v == NULL)
		return PRELOAD_PASS;
	for (unsigned i = 0; i < n && !any; i++)
		any = msg_passes_pool_fd(&v[i].msg_hdr);
	if (!any)
		return PRELOAD_PASS;
	for (unsigned i = 0; i < n; i++) {
		long r =
		    msg_passes_pool_fd(&v[i].msg_hdr)
			? fd_pass_sendmsg((int)a[0], &v[i].msg_hdr, (int)a[3])
			: syscall_no_intercept(SYS_sendmsg, a[0], &v[i].msg_hdr,
					       a[3]);
		if (r < 0)
			return i > 0 ? (long)i : r;
		v[i].msg_len = (unsigned)r;
	}
	return n;
}

/* recvmmsg: the tokens of each message received turned back. */
SYS_HANDLER(recvmmsg)
{
	long ret =
	    syscall_no_intercept(SYS_recvmmsg, a[0], a[1], a[2], a[3], a[4]);
	struct mmsghdr *v = (struct mmsghdr *)a[1];
	for (long i = 0; i < ret; i++)
		fd_pass_received(&v[i].msg_hdr, (int)a[3]);
	return ret;
}
