/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fd_pass.c -- pool descriptors sent to another process (SCM_RIGHTS).
 *
 * A placeholder would arrive as an eventfd that reads as nothing of the
 * file. The sender puts a token in its place: a memfd named
 * "pmemfile-desc" holding the mount and the description's id in the
 * pool's segment, which keeps the description alive while the message
 * travels (pmemfile_file_send). The receiver's recvmsg turns each token
 * back into a pool descriptor at the number the kernel gave it, of the
 * same open file description (pmemfile_file_receive).
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "sys.h"

#define TOKEN_NAME "pmemfile-desc"
#define TOKEN_MAGIC "PFDESC1"
#define PASS_CONTROL_MAX 4096

struct fd_token {
	char magic[8];
	int32_t mount;
	int32_t flags;
	uint64_t id;
	int32_t is_dir;
	char path[PMEMFILE_PATH_MAX];
};

/* Takes back the reference a token that was not sent held. */
static void token_unsend(struct preload_mount *m, uint64_t id)
{
	PMEMfilepool *pfp;
	if (pool_acquire(m, &pfp) != 0)
		return;
	PMEMfile *back = pmemfile_file_receive(pfp, id);
	if (back)
		pmemfile_close(pfp, back);
}

/* A token for pool descriptor fd (its mount and id in *m, *id), -errno. */
static long token_make(int fd, struct preload_mount **m, uint64_t *id)
{
	struct preload_file *f = fd_get(fd);
	PMEMfilepool *pfp;
	struct fd_token t = {.magic = TOKEN_MAGIC};

	if (f == NULL)
		return -EBADF;
	long ret = pool_acquire(f->mnt, &pfp);
	if (ret == 0) {
		t.id = pmemfile_file_send(pfp, f->file);
		ret = t.id ? 0 : -EIO;
	}
	t.mount = (int32_t)(f->mnt - mount_table);
	t.flags = f->flags;
	t.is_dir = f->is_dir;
	memcpy(t.path, f->path, sizeof(t.path));
	*m = f->mnt;
	*id = t.id;
	fd_put(f);
	if (ret)
		return ret;
	long mfd =
	    syscall_no_intercept(SYS_memfd_create, TOKEN_NAME, MFD_CLOEXEC);
	if (mfd >= 0 && syscall_no_intercept(SYS_write, mfd, &t, sizeof(t)) !=
			    (long)sizeof(t)) {
		syscall_no_intercept(SYS_close, mfd);
		mfd = -EIO;
	}
	if (mfd < 0) /* nobody will receive it */
		token_unsend(*m, t.id);
	return mfd;
}

/* The SCM_RIGHTS descriptors of msg, a callback each. */
static void for_each_passed(struct msghdr *msg, void (*fn)(int *fd, void *),
			    void *arg)
{
	if (msg == NULL || msg->msg_control == NULL ||
	    msg->msg_controllen < sizeof(struct cmsghdr))
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < n; i++)
			fn(&fds[i], arg);
	}
}

struct pass_state {
	long err;
	int ntokens;
	int tokens[PASS_CONTROL_MAX / sizeof(int)];
	struct preload_mount *mnt[PASS_CONTROL_MAX / sizeof(int)];
	uint64_t ids[PASS_CONTROL_MAX / sizeof(int)];
};

static void pass_one(int *fd, void *arg)
{
	struct pass_state *st = arg;
	if (st->err || !fd_is_pool(*fd))
		return;
	int i = st->ntokens;
	long t = token_make(*fd, &st->mnt[i], &st->ids[i]);
	if (t < 0) {
		st->err = t;
		return;
	}
	st->tokens[i] = (int)t;
	st->ntokens++;
	*fd = (int)t;
}

long fd_pass_sendmsg(int sock, const struct msghdr *msg, int flags)
{
	if (msg->msg_controllen > PASS_CONTROL_MAX)
		return preload_not_supported("SCM_RIGHTS of a pool descriptor "
					     "in more than 4 KiB of control "
					     "data");
	char control[PASS_CONTROL_MAX] __attribute__((aligned(8)));
	struct msghdr copy = *msg;
	struct pass_state st = {0};
	memcpy(control, msg->msg_control, msg->msg_controllen);
	copy.msg_control = control;
	for_each_passed(&copy, pass_one, &st);
	long ret = st.err
		       ? st.err
		       : syscall_no_intercept(SYS_sendmsg, sock, &copy, flags);
	for (int i = 0; i < st.ntokens; ++i) {
		syscall_no_intercept(SYS_close, st.tokens[i]);
		/* a message that was not sent holds no reference */
		if (ret < 0)
			token_unsend(st.mnt[i], st.ids[i]);
	}
	return ret;
}

/* Whether fd is a token (a memfd of that name): its contents in t. */
static bool token_read(int fd, struct fd_token *t)
{
	char link[64], name[64];
	struct stat st;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	long n =
	    syscall_no_intercept(SYS_readlink, link, name, sizeof(name) - 1);
	if (n <= 0)
		return false;
	name[n] = '\0';
	if (strncmp(name, "/memfd:" TOKEN_NAME,
		    sizeof("/memfd:" TOKEN_NAME) - 1) != 0 ||
	    syscall_no_intercept(SYS_fstat, fd, &st) != 0 ||
	    st.st_size != (off_t)sizeof(*t))
		return false;
	return syscall_no_intercept(SYS_pread64, fd, t, sizeof(*t), 0L) ==
		   (long)sizeof(*t) &&
	       memcmp(t->magic, TOKEN_MAGIC, sizeof(TOKEN_MAGIC)) == 0 &&
	       t->mount >= 0 && t->mount < mount_count;
}

static void receive_one(int *fd, void *arg)
{
	int cloexec = *(int *)arg;
	struct fd_token t;
	PMEMfilepool *pfp;

	if (!token_read(*fd, &t))
		return;
	struct preload_mount *m = &mount_table[t.mount];
	if (pool_acquire(m, &pfp) != 0)
		return;
	PMEMfile *pf = pmemfile_file_receive(pfp, t.id);
	bool attached = false;
	long ev = pf ? fd_placeholder(cloexec) : -EIO;
	if (ev >= 0 && syscall_no_intercept(SYS_dup3, ev, *fd,
					    cloexec ? O_CLOEXEC : 0) == *fd) {
		t.path[sizeof(t.path) - 1] = '\0';
		attached =
		    fd_attach(*fd, m, pf, t.flags, t.is_dir, t.path) == 0;
	}
	if (ev >= 0)
		syscall_no_intercept(SYS_close, ev);
	if (pf != NULL && !attached)
		pmemfile_close(pfp, pf);
	if (log_enabled())
		log_printf("descriptor %d received: %s", *fd,
			   attached ? "a pool file" : "lost");
}

void fd_pass_received(struct msghdr *msg, int flags)
{
	int cloexec = (flags & MSG_CMSG_CLOEXEC) != 0;
	for_each_passed(msg, receive_one, &cloexec);
}
