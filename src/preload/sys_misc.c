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
 * back. A message to a socket named by a path (msg_name) in a mount, or
 * reached from a cwd in one, goes with the address the kernel must get
 * (sock_name_route). PRELOAD_PASS when the message goes as it is.
 */
static long send_one(long sock, const struct msghdr *msg, long flags)
{
	struct msghdr copy;
	struct sockaddr_un sa;

	if (msg != NULL && path_copy_user(&copy, msg, sizeof(copy)) == 0 &&
	    copy.msg_name != NULL) {
		long r = sock_name_route(copy.msg_name, copy.msg_namelen, &sa);
		if (r < 0)
			return r;
		if (r == 1) {
			copy.msg_name = &sa;
			copy.msg_namelen = sizeof(sa);
			msg = &copy;
		}
	}
	if (fd_table_used && msg_passes_pool_fd(msg))
		return fd_pass_sendmsg((int)sock, msg, (int)flags);
	if (msg != &copy)
		return PRELOAD_PASS;
	return syscall_no_intercept(SYS_sendmsg, sock, msg, flags);
}

SYS_HANDLER(sendmsg)
{
	return send_one(a[0], (const struct msghdr *)a[1], a[2]);
}

SYS_HANDLER(recvmsg)
{
	long ret = syscall_no_intercept(SYS_recvmsg, a[0], a[1], a[2]);
	if (ret >= 0)
		fd_pass_received((struct msghdr *)a[1], (int)a[2]);
	return ret;
}

/* Whether a message of sendmmsg cannot go as it is (see send_one). */
static bool send_changes(const struct mmsghdr *m)
{
	struct msghdr h;
	struct sockaddr_un sa;
	if (path_copy_user(&h, &m->msg_hdr, sizeof(h)))
		return false; /* the kernel says EFAULT */
	return (h.msg_name != NULL &&
		sock_name_route(h.msg_name, h.msg_namelen, &sa) != 0) ||
	       (fd_table_used && msg_passes_pool_fd(&h));
}

/*
 * sendmmsg with a message that cannot go as it is: each message is sent
 * by itself as sendmsg sends it, and the count sent is returned as the
 * kernel's sendmmsg does (the first failure ends it; it is the result
 * only when no message went).
 */
SYS_HANDLER(sendmmsg)
{
	struct mmsghdr *v = (struct mmsghdr *)a[1];
	unsigned n = (unsigned)a[2] < UIO_MAXIOV ? (unsigned)a[2] : UIO_MAXIOV;
	bool any = false;

	if (v == NULL || mount_count == 0)
		return PRELOAD_PASS;
	for (unsigned i = 0; i < n && !any; i++)
		any = send_changes(&v[i]);
	if (!any)
		return PRELOAD_PASS;
	for (unsigned i = 0; i < n; i++) {
		long r = send_one(a[0], &v[i].msg_hdr, a[3]);
		if (r == PRELOAD_PASS)
			r = syscall_no_intercept(SYS_sendmsg, a[0],
						 &v[i].msg_hdr, a[3]);
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
