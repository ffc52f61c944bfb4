/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_refused.c -- the calls a pool cannot serve that name a path, a
 * directory descriptor or a pool descriptor: mounts, watches, handles,
 * quotas, swap, extended attributes by the *xattrat calls, asynchronous
 * I/O.
 *
 * Each fails with ENOTSUP (and a log line; PMEMFILE_EXIT_ON_NOT_SUPPORTED=1
 * stops the program) when a path it names is in a mount, relative to a cwd
 * or a directory descriptor in one, or names a pool descriptor. Otherwise
 * the kernel runs it, with every path that was resolved out of a mount
 * (a relative one from a cwd in a mount, "mnt/..") passed absolute: the
 * kernel's own cwd is not the process's while that is in a mount, so the
 * caller's relative path would name another file.
 */
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "path.h"
#include "sys.h"

/* One path argument: its index, its directory descriptor's (-1: the cwd),
 * and how it is resolved (enum path_flags). */
struct path_arg {
	int di;
	int pi;
	int flags;
};

/*
 * The call nr with n (1 or 2) path arguments: ENOTSUP when one is in a
 * pool; else the kernel's result, each path resolved out of a mount
 * replaced by its absolute path. A NULL path (the directory descriptor
 * itself, for some calls) is refused when that descriptor is a pool's.
 */
static long refuse_paths(long nr, const long a[6], const struct path_arg *p,
			 int n, const char *what)
{
	struct path_res r[2];
	long b[6];

	memcpy(b, a, sizeof(b));
	for (int i = 0; i < n; ++i) {
		int dirfd = p[i].di >= 0 ? (int)a[p[i].di] : AT_FDCWD;
		const char *path = (const char *)a[p[i].pi];
		r[i].mnt = NULL;
		if (path == NULL) {
			if (fd_is_pool(dirfd))
				return preload_not_supported(what);
			continue;
		}
		int kind = path_resolve(dirfd, path, p[i].flags, &r[i]);
		if (kind == PATH_POOL) {
			path_done(&r[i]);
			return preload_not_supported(what);
		}
		if (kind < 0)
			return kind;
		if (kind == PATH_KERNEL) {
			b[p[i].pi] = (long)r[i].path;
			if (p[i].di >= 0)
				b[p[i].di] = AT_FDCWD;
		}
	}
	return syscall_no_intercept(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
}

static long refuse_path(long nr, const long a[6], int di, int pi, int flags,
			const char *what)
{
	const struct path_arg p = {di, pi, flags};

	return refuse_paths(nr, a, &p, 1, what);
}

/* The path flags of an *at call's AT_ flags. */
static int at_flags(long at)
{
	return ((at & AT_SYMLINK_NOFOLLOW) ? 0 : PATH_FOLLOW) |
	       ((at & AT_EMPTY_PATH) ? PATH_EMPTY : 0);
}

/* A call whose only path is argument 0. */
#define REFUSE_PATH0(name)                                            \
	SYS_HANDLER(name)                                             \
	{                                                             \
		return refuse_path(SYS_##name, a, -1, 0, PATH_FOLLOW, \
				   #name " of a path in a mount");    \
	}

REFUSE_PATH0(chroot)
REFUSE_PATH0(acct)
REFUSE_PATH0(swapon)
REFUSE_PATH0(swapoff)
REFUSE_PATH0(uselib)

/* A call on (dirfd, path) with its AT_ flags in argument at. */
#define REFUSE_AT(name, at)                                              \
	SYS_HANDLER(name)                                                \
	{                                                                \
		return refuse_path(SYS_##name, a, 0, 1, at_flags(a[at]), \
				   #name " of a path in a mount");       \
	}

REFUSE_AT(open_tree, 2)
REFUSE_AT(open_tree_attr, 2)
REFUSE_AT(mount_setattr, 2)
REFUSE_AT(setxattrat, 2)
REFUSE_AT(getxattrat, 2)
REFUSE_AT(listxattrat, 2)
REFUSE_AT(removexattrat, 2)
REFUSE_AT(file_getattr, 4)
REFUSE_AT(file_setattr, 4)

SYS_HANDLER(inotify_add_watch)
{
	return refuse_path(SYS_inotify_add_watch, a, -1, 1,
			   (a[2] & IN_DONT_FOLLOW) ? 0 : PATH_FOLLOW,
			   "inotify_add_watch on a path in a mount");
}

SYS_HANDLER(name_to_handle_at)
{
	return refuse_path(SYS_name_to_handle_at, a, 0, 1,
			   ((a[4] & AT_SYMLINK_FOLLOW) ? PATH_FOLLOW : 0) |
			       ((a[4] & AT_EMPTY_PATH) ? PATH_EMPTY : 0),
			   "name_to_handle_at on a path in a mount");
}

SYS_HANDLER(fanotify_mark)
{
	if (a[1] & FAN_MARK_FLUSH)
		return PRELOAD_PASS;
	return refuse_path(SYS_fanotify_mark, a, 3, 4,
			   (a[1] & FAN_MARK_DONT_FOLLOW) ? 0 : PATH_FOLLOW,
			   "fanotify_mark on a path in a mount");
}

SYS_HANDLER(mount)
{
	/* the source is a path only for a bind or a move */
	const struct path_arg p[2] = {{-1, 1, PATH_FOLLOW},
				      {-1, 0, PATH_FOLLOW}};
	int n = (a[3] & (MS_BIND | MS_MOVE)) ? 2 : 1;

	return refuse_paths(SYS_mount, a, p, n, "mount on a path in a mount");
}

SYS_HANDLER(umount2)
{
	return refuse_path(SYS_umount2, a, -1, 0,
			   (a[1] & UMOUNT_NOFOLLOW) ? 0 : PATH_FOLLOW,
			   "umount of a path in a mount");
}

SYS_HANDLER(pivot_root)
{
	const struct path_arg p[2] = {{-1, 0, PATH_FOLLOW},
				      {-1, 1, PATH_FOLLOW}};

	return refuse_paths(SYS_pivot_root, a, p, 2,
			    "pivot_root to a path in a mount");
}

SYS_HANDLER(quotactl)
{
	/* the device, and for Q_QUOTAON the quota file */
	const struct path_arg p[2] = {{-1, 1, PATH_FOLLOW},
				      {-1, 3, PATH_FOLLOW}};
	int n = ((unsigned long)a[0] >> SUBCMDSHIFT) == Q_QUOTAON ? 2 : 1;

	return refuse_paths(SYS_quotactl, a, p, n,
			    "quotactl on a path in a mount");
}

SYS_HANDLER(move_mount)
{
	const struct path_arg p[2] = {
	    {0, 1,
	     ((a[4] & MOVE_MOUNT_F_SYMLINKS) ? PATH_FOLLOW : 0) |
		 ((a[4] & MOVE_MOUNT_F_EMPTY_PATH) ? PATH_EMPTY : 0)},
	    {2, 3,
	     ((a[4] & MOVE_MOUNT_T_SYMLINKS) ? PATH_FOLLOW : 0) |
		 ((a[4] & MOVE_MOUNT_T_EMPTY_PATH) ? PATH_EMPTY : 0)}};

	return refuse_paths(SYS_move_mount, a, p, 2,
			    "move_mount of a path in a mount");
}

SYS_HANDLER(fspick)
{
	return refuse_path(
	    SYS_fspick, a, 0, 1,
	    ((a[2] & FSPICK_SYMLINK_NOFOLLOW) ? 0 : PATH_FOLLOW) |
		((a[2] & FSPICK_EMPTY_PATH) ? PATH_EMPTY : 0),
	    "fspick of a path in a mount");
}

SYS_HANDLER(fsconfig)
{
	switch (a[1]) {
	case FSCONFIG_SET_PATH:
		return refuse_path(SYS_fsconfig, a, 4, 3, PATH_FOLLOW,
				   "fsconfig with a path in a mount");
	case FSCONFIG_SET_PATH_EMPTY:
		return refuse_path(SYS_fsconfig, a, 4, 3,
				   PATH_FOLLOW | PATH_EMPTY,
				   "fsconfig with a path in a mount");
	case FSCONFIG_SET_FD:
		if (fd_is_pool((int)a[4]))
			return preload_not_supported("fsconfig with a pool "
						     "descriptor");
		return PRELOAD_PASS;
	default:
		return PRELOAD_PASS;
	}
}

/*
 * bpf's BPF_OBJ_PIN and BPF_OBJ_GET: the attribute, as Linux 6.5 lays it
 * out (path_fd counts with BPF_F_PATH_FD in file_flags).
 */
struct bpf_obj_attr {
	uint64_t pathname;
	uint32_t bpf_fd;
	uint32_t file_flags;
	int32_t path_fd;
};
#define BPF_CMD_OBJ_PIN 6
#define BPF_CMD_OBJ_GET 7
#define BPF_FLAG_PATH_FD (1U << 14)

/* bpf: a pinned object's path in a mount (the rest has no path) */
SYS_HANDLER(bpf)
{
	union {
		struct bpf_obj_attr obj;
		char bytes[256];
	} attr;
	size_t size = (size_t)a[2];

	if ((a[0] != BPF_CMD_OBJ_PIN && a[0] != BPF_CMD_OBJ_GET) ||
	    size < sizeof(attr.obj) || size > sizeof(attr) ||
	    path_copy_user(&attr, (const void *)a[1], size))
		return PRELOAD_PASS;
	bool at_fd = attr.obj.file_flags & BPF_FLAG_PATH_FD;
	struct path_res r;
	int kind = path_resolve(at_fd ? attr.obj.path_fd : AT_FDCWD,
				(const char *)(uintptr_t)attr.obj.pathname,
				PATH_FOLLOW, &r);
	if (kind == PATH_POOL) {
		path_done(&r);
		return preload_not_supported("bpf of an object pinned in a "
					     "mount");
	}
	if (kind < 0 || kind == PATH_ORIGINAL)
		return kind < 0 ? kind : PRELOAD_PASS;
	/* the path led out of a mount: the kernel gets it absolute */
	attr.obj.pathname = (uint64_t)(uintptr_t)r.path;
	attr.obj.file_flags &= ~BPF_FLAG_PATH_FD;
	attr.obj.path_fd = 0;
	return syscall_no_intercept(SYS_bpf, a[0], &attr, size);
}

/* kexec_file_load: the kernel or the initramfs a pool file */
SYS_HANDLER(kexec_file_load)
{
	if (!fd_table_used ||
	    (!fd_is_pool((int)a[0]) && !fd_is_pool((int)a[1])))
		return PRELOAD_PASS;
	return preload_not_supported("kexec_file_load of a pool file");
}

/* landlock_add_rule: a rule for the tree beneath a pool directory */
SYS_HANDLER(landlock_add_rule)
{
	struct landlock_path_beneath_attr attr;

	if (!fd_table_used || a[1] != LANDLOCK_RULE_PATH_BENEATH ||
	    path_copy_user(&attr, (const void *)a[2], sizeof(attr)) ||
	    !fd_is_pool(attr.parent_fd))
		return PRELOAD_PASS;
	return preload_not_supported("a landlock rule for a pool directory");
}

/*
 * io_submit: a request on a pool descriptor (its file, or its eventfd) is
 * refused as one on a file without asynchronous I/O: the requests before
 * it are submitted and their number returned, or EINVAL when it is the
 * first. The descriptor's placeholder is never read or written.
 */
SYS_HANDLER(io_submit)
{
	const struct iocb *const *v = (const struct iocb *const *)a[2];

	if (!fd_table_used || a[1] <= 0)
		return PRELOAD_PASS;
	for (long i = 0; i < a[1]; i++) {
		const struct iocb *p;
		struct iocb cb;
		/* one the kernel cannot read fails there, as it would */
		if (path_copy_user(&p, &v[i], sizeof(p)) ||
		    path_copy_user(&cb, p, sizeof(cb)))
			return PRELOAD_PASS;
		if (!fd_is_pool((int)cb.aio_fildes) &&
		    !((cb.aio_flags & IOCB_FLAG_RESFD) &&
		      fd_is_pool((int)cb.aio_resfd)))
			continue;
		preload_not_supported("io_submit of a request on a pool "
				      "descriptor");
		if (i == 0)
			return -EINVAL;
		return syscall_no_intercept(SYS_io_submit, a[0], i, a[2]);
	}
	return PRELOAD_PASS;
}

/* Linux 6.3; the build's headers may not name it yet. */
#ifndef IORING_REGISTER_USE_REGISTERED_RING
#define IORING_REGISTER_USE_REGISTERED_RING (1U << 31)
#endif

/* Whether the n descriptors at user address fds hold a pool's. */
static bool fds_have_pool(unsigned long fds, unsigned n)
{
	int buf[64];

	for (unsigned done = 0; done < n;) {
		unsigned k = n - done < 64 ? n - done : 64;
		if (path_copy_user(buf, (const int *)fds + done,
				   k * sizeof(int)))
			return false; /* the kernel says EFAULT */
		for (unsigned i = 0; i < k; i++)
			if (fd_is_pool(buf[i]))
				return true;
		done += k;
	}
	return false;
}

static void uring_registered(const long a[6]);

/*
 * io_uring_register: a pool descriptor is not taken as a registered file
 * (EBADF, as for a descriptor io_uring cannot use) nor as the ring's
 * eventfd (EINVAL, as for a file that is no eventfd). Requests that name
 * one directly are refused by io_uring_enter below.
 */
SYS_HANDLER(io_uring_register)
{
	unsigned op = (unsigned)a[1] & ~IORING_REGISTER_USE_REGISTERED_RING;
	unsigned n = (unsigned)a[3];
	bool pool = false;

	if (op == IORING_REGISTER_RING_FDS) {
		long ret = syscall_no_intercept(SYS_io_uring_register, a[0],
						a[1], a[2], a[3]);
		if (ret > 0)
			uring_registered(a);
		return ret;
	}
	if (!fd_table_used || a[2] == 0)
		return PRELOAD_PASS;
	switch (op) {
	case IORING_REGISTER_FILES:
		pool = fds_have_pool((unsigned long)a[2], n);
		break;
	case IORING_REGISTER_FILES_UPDATE: {
		struct io_uring_files_update up;
		pool =
		    path_copy_user(&up, (const void *)a[2], sizeof(up)) == 0 &&
		    fds_have_pool((unsigned long)up.fds, n);
		break;
	}
	case IORING_REGISTER_FILES2: {
		struct io_uring_rsrc_register r;
		pool = n == sizeof(r) &&
		       path_copy_user(&r, (const void *)a[2], sizeof(r)) == 0 &&
		       fds_have_pool((unsigned long)r.data, r.nr);
		break;
	}
	case IORING_REGISTER_FILES_UPDATE2: {
		struct io_uring_rsrc_update2 r;
		pool = n == sizeof(r) &&
		       path_copy_user(&r, (const void *)a[2], sizeof(r)) == 0 &&
		       fds_have_pool((unsigned long)r.data, r.nr);
		break;
	}
	case IORING_REGISTER_EVENTFD:
	case IORING_REGISTER_EVENTFD_ASYNC:
		if (fds_have_pool((unsigned long)a[2], 1)) {
			preload_not_supported("a pool descriptor as an "
					      "io_uring eventfd");
			return -EINVAL;
		}
		return PRELOAD_PASS;
	default:
		return PRELOAD_PASS;
	}
	if (!pool)
		return PRELOAD_PASS;
	preload_not_supported("a pool descriptor registered with io_uring");
	return -EBADF;
}

/*
 * io_uring. A request (SQE) on a pool descriptor, or on a path that the
 * kernel would take wrongly (in a mount, or relative to a cwd or a
 * directory descriptor in one), is refused when io_uring_enter submits
 * it: one on a descriptor gets fd -1 (its completion: EBADF), one on a
 * path an invalid opcode (EINVAL, and the submission stops there, as for
 * any invalid request). The submission queue is found through the rings
 * this process made (io_uring_setup) and mapped; a ring polled by a kernel
 * thread (IORING_SETUP_SQPOLL) takes requests without io_uring_enter and
 * is not looked at.
 */
#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP (1U << 14)
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif

#define URING_MAX 32
/* no kernel has this many opcodes: io_uring fails the request (EINVAL) */
#define URING_OP_INVALID 0xff

struct uring {
	_Atomic int fd_plus1; /* the ring's descriptor + 1; 0: a free slot */
	int reg_index;	      /* IORING_REGISTER_RING_FDS, or -1 */
	unsigned flags;
	struct io_sqring_offsets sq_off;
	uintptr_t sq_ring;
	uintptr_t sqes;
};

static struct uring urings[URING_MAX];
static _Atomic int uring_count;

static struct uring *uring_find(int fd, bool registered)
{
	int n = atomic_load_explicit(&uring_count, memory_order_acquire);

	for (int i = 0; i < n; i++) {
		struct uring *u = &urings[i];
		int f =
		    atomic_load_explicit(&u->fd_plus1, memory_order_acquire) -
		    1;
		if (f >= 0 && (registered ? u->reg_index == fd : f == fd))
			return u;
	}
	return NULL;
}

SYS_HANDLER(io_uring_setup)
{
	struct io_uring_params p;
	long fd = syscall_no_intercept(SYS_io_uring_setup, a[0], a[1]);

	if (fd < 0 || path_copy_user(&p, (const void *)a[1], sizeof(p)))
		return fd;
	struct uring *u = uring_find((int)fd, false);
	if (u == NULL) {
		int i = atomic_load(&uring_count);
		if (i == URING_MAX) {
			log_printf("io_uring ring %ld not followed: too many",
				   fd);
			return fd;
		}
		u = &urings[i];
		atomic_store(&uring_count, i + 1);
	}
	atomic_store(&u->fd_plus1, 0);
	u->reg_index = -1;
	u->flags = p.flags;
	u->sq_off = p.sq_off;
	u->sq_ring = 0;
	u->sqes = 0;
	if (p.flags & IORING_SETUP_NO_MMAP) {
		/* user_addr (Linux 6.5), where older headers say resv2 */
		uint64_t sq, ring;
		memcpy(&sq, (char *)&p.sq_off + 32, sizeof(sq));
		memcpy(&ring, (char *)&p.cq_off + 32, sizeof(ring));
		u->sqes = (uintptr_t)sq;
		u->sq_ring = (uintptr_t)ring;
	}
	atomic_store_explicit(&u->fd_plus1, (int)fd + 1, memory_order_release);
	return fd;
}

bool uring_is_ring(int fd)
{
	return atomic_load_explicit(&uring_count, memory_order_relaxed) > 0 &&
	       uring_find(fd, false) != NULL;
}

void uring_mapped(int fd, long offset, void *addr)
{
	struct uring *u = uring_find(fd, false);

	if (u == NULL)
		return;
	if (offset == (long)IORING_OFF_SQ_RING)
		u->sq_ring = (uintptr_t)addr;
	else if (offset == (long)IORING_OFF_SQES)
		u->sqes = (uintptr_t)addr;
}

/* The ring descriptors just registered: their indexes. */
static void uring_registered(const long a[6])
{
	struct io_uring_rsrc_update up[16];
	unsigned n = (unsigned)a[3] < 16 ? (unsigned)a[3] : 16;

	if (path_copy_user(up, (const void *)a[2], n * sizeof(up[0])))
		return;
	for (unsigned i = 0; i < n; i++) {
		struct uring *u = uring_find((int)up[i].data, false);
		if (u != NULL)
			u->reg_index = (int)up[i].offset;
	}
}

/* Whether the path of a request, relative to dirfd, must not go to the
 * kernel. */
static bool uring_path_refused(int dirfd, uint64_t user)
{
	struct path_res r;
	const char *path = (const char *)(uintptr_t)user;

	if (path == NULL)
		return false; /* the kernel says EFAULT */
	int kind = path_resolve(dirfd, path, PATH_FOLLOW, &r);
	if (kind == PATH_POOL)
		path_done(&r);
	if (kind == PATH_ORIGINAL)
		return false;
	char first;
	/* one that left a mount is right for the kernel only if absolute */
	if (kind == PATH_KERNEL && path_copy_user(&first, path, 1) == 0 &&
	    first == '/' && !fd_is_pool(dirfd))
		return false;
	return true;
}

/*
 * Whether request sqe must be refused: 1 for a descriptor (made -1), 2 for
 * a path or a table update (made an invalid request).
 */
static int uring_sqe_refused(const struct io_uring_sqe *sqe)
{
	switch (sqe->opcode) {
	case IORING_OP_NOP:
	case IORING_OP_TIMEOUT:
	case IORING_OP_TIMEOUT_REMOVE:
	case IORING_OP_LINK_TIMEOUT:
	case IORING_OP_PROVIDE_BUFFERS:
	case IORING_OP_REMOVE_BUFFERS:
		return 0;
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
	case IORING_OP_STATX:
	case IORING_OP_UNLINKAT:
	case IORING_OP_MKDIRAT:
		return uring_path_refused(sqe->fd, sqe->addr) ? 2 : 0;
	case IORING_OP_RENAMEAT:
	case IORING_OP_LINKAT:
		return uring_path_refused(sqe->fd, sqe->addr) ||
			       uring_path_refused((int)sqe->len, sqe->addr2)
			   ? 2
			   : 0;
	case IORING_OP_SYMLINKAT:
		return uring_path_refused(sqe->fd, sqe->addr2) ? 2 : 0;
	case IORING_OP_SETXATTR:
	case IORING_OP_GETXATTR:
		return uring_path_refused(AT_FDCWD, sqe->addr3) ? 2 : 0;
	case IORING_OP_FILES_UPDATE:
		/* as io_uring_register would: no pool file in the table */
		return fds_have_pool(sqe->addr, sqe->len) ? 2 : 0;
	case IORING_OP_SPLICE:
	case IORING_OP_TEE:
		if (!(sqe->splice_flags & SPLICE_F_FD_IN_FIXED) &&
		    fd_is_pool(sqe->splice_fd_in))
			return 1;
		break;
	default:
		break;
	}
	if (!(sqe->flags & IOSQE_FIXED_FILE) && fd_is_pool(sqe->fd))
		return 1;
	return 0;
}

/* Refuses the requests about to be submitted that it must (see above). */
static void uring_check(struct uring *u, unsigned to_submit)
{
	const struct io_sqring_offsets *o = &u->sq_off;
	unsigned head, tail, mask;
	size_t size = (u->flags & IORING_SETUP_SQE128) ? 128 : 64;

	if (u->sq_ring == 0 || u->sqes == 0 ||
	    path_copy_user(&head, (void *)(u->sq_ring + o->head), 4) ||
	    path_copy_user(&tail, (void *)(u->sq_ring + o->tail), 4) ||
	    path_copy_user(&mask, (void *)(u->sq_ring + o->ring_mask), 4))
		return;
	for (unsigned i = 0; i < to_submit && head + i != tail; i++) {
		unsigned slot = (head + i) & mask;
		if (!(u->flags & IORING_SETUP_NO_SQARRAY) &&
		    path_copy_user(
			&slot, (void *)(u->sq_ring + o->array + 4 * slot), 4))
			return;
		struct io_uring_sqe *sqe =
		    (struct io_uring_sqe *)(u->sqes + size * (slot & mask));
		struct io_uring_sqe copy;
		if (path_copy_user(&copy, sqe, sizeof(copy)))
			return;
		int refused = uring_sqe_refused(&copy);
		if (refused == 0)
			continue;
		preload_not_supported("an io_uring request on a pool "
				      "descriptor or a path in a mount");
		if (refused == 1)
			sqe->fd = -1;
		else
			sqe->opcode = URING_OP_INVALID;
	}
}

SYS_HANDLER(io_uring_enter)
{
	if (a[1] == 0 ||
	    atomic_load_explicit(&uring_count, memory_order_relaxed) == 0)
		return PRELOAD_PASS;
	struct uring *u =
	    uring_find((int)a[0], (a[3] & IORING_ENTER_REGISTERED_RING) != 0);
	if (u == NULL || (u->flags & IORING_SETUP_SQPOLL))
		return PRELOAD_PASS;
	uring_check(u, (unsigned)a[1]);
	return PRELOAD_PASS;
}
