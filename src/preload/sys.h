/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys.h -- the handlers of the routed system calls (one each, see
 * syscall_table.c) and what they share. A handler gets the six arguments
 * and returns the call's result (-errno on failure) or PRELOAD_PASS.
 */
#ifndef PRELOAD_SYS_H
#define PRELOAD_SYS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "fd_table.h"
#include "mount.h"
#include "preload.h"

#include "sysnr.h"

/*
 * PMEMFILE_AT_CWD, for the *at functions given absolute paths (where the
 * directory does not matter); the header's spelling, arithmetic on a null
 * pointer, is refused by cppcheck.
 */
#define SYS_AT_CWD ((PMEMfile *)~(uintptr_t)0)

/* A pool descriptor in use: its description and its pool, acquired. */
struct fd_use {
	struct preload_file *f;
	PMEMfilepool *pfp;
};

/* 1: fd is a pool descriptor (u filled), 0: it is not, or -errno. */
static inline int fd_use_begin(int fd, struct fd_use *u)
{
	u->f = fd_get(fd);
	if (u->f == NULL)
		return 0;
	int ret = pool_file_acquire(u->f->mnt, &u->pfp);
	if (ret) {
		fd_put(u->f);
		return ret;
	}
	return 1;
}

static inline void fd_use_end(struct fd_use *u)
{
	fd_put(u->f);
}

/* A libpmemfile-posix result (-1 and errno on failure) as the kernel's. */
static inline long sys_result(long ret)
{
	return ret < 0 ? -errno : ret;
}

/*
 * The body of a handler of a call on a descriptor: the kernel runs it
 * unless fd is a pool descriptor; then expr (which may use u.pfp and
 * u.f) is its result.
 */
#define SYS_ON_POOL_FD(fd, expr)                                        \
	do {                                                            \
		struct fd_use u;                                        \
		int is_pool_ = fd_use_begin((fd), &u);                  \
		if (is_pool_ <= 0)                                      \
			return is_pool_ == 0 ? PRELOAD_PASS : is_pool_; \
		long ret_ = (expr);                                     \
		fd_use_end(&u);                                         \
		return ret_;                                            \
	} while (0)

#define SYS_HANDLER(name) long sys_##name(const long a[6])

/* fd_pass.c: pool descriptors across sockets (SCM_RIGHTS) */
struct msghdr;
long fd_pass_sendmsg(int sock, const struct msghdr *msg, int flags);
/* After recvmsg: tokens received become pool descriptors. */
void fd_pass_received(struct msghdr *msg, int flags);
SYS_HANDLER(recvmsg);
SYS_HANDLER(recvmmsg);

/* sys_special.c: FIFOs and Unix sockets named in a mount */
SYS_HANDLER(bind);
SYS_HANDLER(connect);
SYS_HANDLER(sendto);
struct sockaddr_un;
/*
 * The socket address at user (len bytes) when the kernel must get another
 * one: 1 and out filled (the runtime path of a socket named in a pool, or
 * the absolute path of one reached from a cwd in a mount), 0 when the
 * caller's is right, or -errno.
 */
long sock_name_route(const void *user, unsigned len, struct sockaddr_un *out);
struct path_res;
/* An open of a pool name that libpmemfile-posix cannot open (ENXIO). */
long special_open(struct path_res *r, long flags);
/*
 * A FIFO was made at r: a kernel object left in the runtime directory
 * under its inode's number (by a FIFO of that number removed before) goes.
 */
void special_made(struct path_res *r);

/* sys_open.c */
SYS_HANDLER(open);
SYS_HANDLER(openat);
SYS_HANDLER(openat2);
SYS_HANDLER(creat);
SYS_HANDLER(close);
SYS_HANDLER(close_range);
SYS_HANDLER(dup);
SYS_HANDLER(dup2);
SYS_HANDLER(dup3);
SYS_HANDLER(fcntl);

/* sys_data.c */
SYS_HANDLER(read);
SYS_HANDLER(write);
SYS_HANDLER(pread64);
SYS_HANDLER(pwrite64);
SYS_HANDLER(readv);
SYS_HANDLER(writev);
SYS_HANDLER(preadv);
SYS_HANDLER(pwritev);
SYS_HANDLER(preadv2);
SYS_HANDLER(pwritev2);
SYS_HANDLER(lseek);
SYS_HANDLER(truncate);
SYS_HANDLER(ftruncate);
SYS_HANDLER(fallocate);
SYS_HANDLER(fsync);
SYS_HANDLER(fdatasync);
SYS_HANDLER(syncfs);
SYS_HANDLER(sync);
SYS_HANDLER(msync);
SYS_HANDLER(sync_file_range);
SYS_HANDLER(fadvise64);
SYS_HANDLER(readahead);

/* sys_copy.c */
SYS_HANDLER(copy_file_range);
SYS_HANDLER(sendfile);
SYS_HANDLER(splice);
SYS_HANDLER(tee);

/* sys_stat.c */
SYS_HANDLER(stat);
SYS_HANDLER(lstat);
SYS_HANDLER(fstat);
SYS_HANDLER(newfstatat);
SYS_HANDLER(statx);
SYS_HANDLER(statfs);
SYS_HANDLER(fstatfs);
SYS_HANDLER(readlink);
SYS_HANDLER(readlinkat);

/* sys_attr.c */
SYS_HANDLER(access);
SYS_HANDLER(faccessat);
SYS_HANDLER(faccessat2);
SYS_HANDLER(chmod);
SYS_HANDLER(fchmod);
SYS_HANDLER(fchmodat);
SYS_HANDLER(fchmodat2);
SYS_HANDLER(chown);
SYS_HANDLER(lchown);
SYS_HANDLER(fchown);
SYS_HANDLER(fchownat);
SYS_HANDLER(utime);
SYS_HANDLER(utimes);
SYS_HANDLER(futimesat);
SYS_HANDLER(utimensat);

/* sys_xattr.c */
SYS_HANDLER(getxattr);
SYS_HANDLER(lgetxattr);
SYS_HANDLER(fgetxattr);
SYS_HANDLER(setxattr);
SYS_HANDLER(lsetxattr);
SYS_HANDLER(fsetxattr);
SYS_HANDLER(listxattr);
SYS_HANDLER(llistxattr);
SYS_HANDLER(flistxattr);
SYS_HANDLER(removexattr);
SYS_HANDLER(lremovexattr);
SYS_HANDLER(fremovexattr);

/* sys_names.c */
SYS_HANDLER(mkdir);
SYS_HANDLER(mkdirat);
SYS_HANDLER(rmdir);
SYS_HANDLER(unlink);
SYS_HANDLER(unlinkat);
SYS_HANDLER(rename);
SYS_HANDLER(renameat);
SYS_HANDLER(renameat2);
SYS_HANDLER(link);
SYS_HANDLER(linkat);
SYS_HANDLER(symlink);
SYS_HANDLER(symlinkat);
SYS_HANDLER(mknod);
SYS_HANDLER(mknodat);

/* sys_dir.c */
SYS_HANDLER(getdents);
SYS_HANDLER(getdents64);
SYS_HANDLER(chdir);
SYS_HANDLER(fchdir);
SYS_HANDLER(getcwd);

/* sys_misc.c */
SYS_HANDLER(ioctl);
SYS_HANDLER(epoll_ctl);
SYS_HANDLER(flock);
SYS_HANDLER(fd_unsupported);
SYS_HANDLER(sendmsg);
SYS_HANDLER(sendmmsg);

/* sys_misc.c: a wait is where idle pools are released (preload.c) */

/* sys_refused.c: calls a pool cannot serve, refused on its paths */
SYS_HANDLER(chroot);
SYS_HANDLER(acct);
SYS_HANDLER(swapon);
SYS_HANDLER(swapoff);
SYS_HANDLER(uselib);
SYS_HANDLER(open_tree);
SYS_HANDLER(open_tree_attr);
SYS_HANDLER(mount_setattr);
SYS_HANDLER(setxattrat);
SYS_HANDLER(getxattrat);
SYS_HANDLER(listxattrat);
SYS_HANDLER(removexattrat);
SYS_HANDLER(file_getattr);
SYS_HANDLER(file_setattr);
SYS_HANDLER(inotify_add_watch);
SYS_HANDLER(name_to_handle_at);
SYS_HANDLER(fanotify_mark);
SYS_HANDLER(mount);
SYS_HANDLER(umount2);
SYS_HANDLER(pivot_root);
SYS_HANDLER(quotactl);
SYS_HANDLER(move_mount);
SYS_HANDLER(fspick);
SYS_HANDLER(fsconfig);
SYS_HANDLER(landlock_add_rule);
SYS_HANDLER(bpf);
SYS_HANDLER(kexec_file_load);
SYS_HANDLER(io_submit);
SYS_HANDLER(io_uring_register);
SYS_HANDLER(io_uring_setup);
SYS_HANDLER(io_uring_enter);
/* Whether fd is an io_uring ring this process made. */
bool uring_is_ring(int fd);
/* The ring fd was mapped at addr (mmap's offset: which part of it). */
void uring_mapped(int fd, long offset, void *addr);

/* sys_mmap.c */
SYS_HANDLER(mmap);
/* After a routed call: shared maps past the end of a file that grew. */
void map_refresh(void);
SYS_HANDLER(munmap);
SYS_HANDLER(mremap);
SYS_HANDLER(maps_change);

/* sys_exec.c */
SYS_HANDLER(execve);
SYS_HANDLER(execveat);

/* cred.c, through the table */
SYS_HANDLER(setuid);
SYS_HANDLER(setgid);
SYS_HANDLER(setreuid);
SYS_HANDLER(setregid);
SYS_HANDLER(setresuid);
SYS_HANDLER(setresgid);
SYS_HANDLER(setfsuid);
SYS_HANDLER(setfsgid);
SYS_HANDLER(setgroups);
SYS_HANDLER(umask);

#endif
