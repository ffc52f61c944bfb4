/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syscall_table.c -- the routed system calls: one handler each, indexed by
 * number. A call with no entry goes to the kernel without anything else
 * being looked at. poll and select need no entry: the placeholder of a
 * pool descriptor is always ready, as a regular file is.
 */
#include <sys/syscall.h>

#include "syscall_table.h"
#include "sys.h"

/* P(i): argument i is a path, for the log. */
#define P(i) (1u << (i))
#define E(nr, fn, paths) [SYS_##nr] = {sys_##fn, #nr, paths, false}
/* F: a call on the descriptor in argument 0, and nothing else */
#define F(nr, fn) [SYS_##nr] = {sys_##fn, #nr, 0, true}

const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE] = {
    E(open, open, P(0)),
    E(openat, openat, P(1)),
    E(openat2, openat2, P(1)),
    E(creat, creat, P(0)),
    E(close, close, 0),
    E(close_range, close_range, 0),
    F(dup, dup),
    E(dup2, dup2, 0),
    E(dup3, dup3, 0),
    F(fcntl, fcntl),

    F(read, read),
    F(write, write),
    F(pread64, pread64),
    F(pwrite64, pwrite64),
    F(readv, readv),
    F(writev, writev),
    F(preadv, preadv),
    F(pwritev, pwritev),
    F(preadv2, preadv2),
    F(pwritev2, pwritev2),
    F(lseek, lseek),
    E(truncate, truncate, P(0)),
    F(ftruncate, ftruncate),
    F(fallocate, fallocate),
    F(fsync, fsync),
    F(fdatasync, fsync),
    F(syncfs, fsync),
    F(sync_file_range, sync_file_range),
    F(fadvise64, fadvise64),
    F(readahead, readahead),

    E(copy_file_range, copy_file_range, 0),
    E(sendfile, sendfile, 0),
    E(splice, splice, 0),
    E(tee, tee, 0),

    E(stat, stat, P(0)),
    E(lstat, lstat, P(0)),
    F(fstat, fstat),
    E(newfstatat, newfstatat, P(1)),
    E(statx, statx, P(1)),
    E(statfs, statfs, P(0)),
    F(fstatfs, fstatfs),
    E(readlink, readlink, P(0)),
    E(readlinkat, readlinkat, P(1)),

    E(access, access, P(0)),
    E(faccessat, faccessat, P(1)),
    E(faccessat2, faccessat2, P(1)),
    E(chmod, chmod, P(0)),
    F(fchmod, fchmod),
    E(fchmodat, fchmodat, P(1)),
    E(fchmodat2, fchmodat2, P(1)),
    E(chown, chown, P(0)),
    E(lchown, lchown, P(0)),
    F(fchown, fchown),
    E(fchownat, fchownat, P(1)),
    E(utime, utime, P(0)),
    E(utimes, utimes, P(0)),
    E(futimesat, futimesat, P(1)),
    E(utimensat, utimensat, P(1)),

    E(getxattr, getxattr, P(0)),
    E(lgetxattr, lgetxattr, P(0)),
    F(fgetxattr, fgetxattr),
    E(setxattr, setxattr, P(0)),
    E(lsetxattr, lsetxattr, P(0)),
    F(fsetxattr, fsetxattr),
    E(listxattr, listxattr, P(0)),
    E(llistxattr, llistxattr, P(0)),
    F(flistxattr, flistxattr),
    E(removexattr, removexattr, P(0)),
    E(lremovexattr, lremovexattr, P(0)),
    F(fremovexattr, fremovexattr),

    E(mkdir, mkdir, P(0)),
    E(mkdirat, mkdirat, P(1)),
    E(rmdir, rmdir, P(0)),
    E(unlink, unlink, P(0)),
    E(unlinkat, unlinkat, P(1)),
    E(rename, rename, P(0) | P(1)),
    E(renameat, renameat, P(1) | P(3)),
    E(renameat2, renameat2, P(1) | P(3)),
    E(link, link, P(0) | P(1)),
    E(linkat, linkat, P(1) | P(3)),
    E(symlink, symlink, P(0) | P(1)),
    E(symlinkat, symlinkat, P(0) | P(2)),
    E(mknod, mknod, P(0)),
    E(mknodat, mknodat, P(1)),

    F(getdents, getdents),
    F(getdents64, getdents64),
    E(chdir, chdir, P(0)),
    E(fchdir, fchdir, 0),
    E(getcwd, getcwd, 0),

    F(ioctl, ioctl),
    E(mmap, mmap, 0),
    E(munmap, munmap, 0),
    E(mremap, mremap, 0),
    E(mprotect, maps_change, 0),
    E(pkey_mprotect, maps_change, 0),
    E(brk, maps_change, 0),
    E(shmat, maps_change, 0),
    E(shmdt, maps_change, 0),
    E(epoll_ctl, epoll_ctl, 0),
    F(flock, flock),
    E(chroot, path_unsupported, P(0)),
    E(acct, path_unsupported, P(0)),
    E(swapon, path_unsupported, P(0)),
    E(inotify_add_watch, inotify_add_watch, P(1)),
    E(name_to_handle_at, name_to_handle_at, P(1)),
    E(bind, bind, 0),
    E(connect, connect, 0),
    E(sendto, sendto, 0),
    E(sendmsg, sendmsg, 0),
    E(recvmsg, recvmsg, 0),
    E(sendmmsg, sendmmsg, 0),
    E(recvmmsg, recvmmsg, 0),

    E(execve, execve, P(0)),
    E(execveat, execveat, P(1)),

    E(setuid, setuid, 0),
    E(setgid, setgid, 0),
    E(setreuid, setreuid, 0),
    E(setregid, setregid, 0),
    E(setresuid, setresuid, 0),
    E(setresgid, setresgid, 0),
    E(setfsuid, setfsuid, 0),
    E(setfsgid, setfsgid, 0),
    E(setgroups, setgroups, 0),
    E(umask, umask, 0),
};
