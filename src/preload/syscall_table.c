/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syscall_table.c -- the routed system calls: one handler each, indexed by
 * number. A call with no entry goes to the kernel without anything else
 * being looked at. poll, select and epoll need no entry: the placeholder
 * of a pool descriptor is always ready, as a regular file is.
 */
#include <sys/syscall.h>

#include "syscall_table.h"
#include "sys.h"

/* P(i): argument i is a path, for the log. */
#define P(i) (1u << (i))
#define E(nr, fn, paths) [SYS_##nr] = {sys_##fn, #nr, paths}

const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE] = {
    E(open, open, P(0)),
    E(openat, openat, P(1)),
    E(openat2, openat2, P(1)),
    E(creat, creat, P(0)),
    E(close, close, 0),
    E(close_range, close_range, 0),
    E(dup, dup, 0),
    E(dup2, dup2, 0),
    E(dup3, dup3, 0),
    E(fcntl, fcntl, 0),

    E(read, read, 0),
    E(write, write, 0),
    E(pread64, pread64, 0),
    E(pwrite64, pwrite64, 0),
    E(readv, readv, 0),
    E(writev, writev, 0),
    E(preadv, preadv, 0),
    E(pwritev, pwritev, 0),
    E(preadv2, preadv2, 0),
    E(pwritev2, pwritev2, 0),
    E(lseek, lseek, 0),
    E(truncate, truncate, P(0)),
    E(ftruncate, ftruncate, 0),
    E(fallocate, fallocate, 0),
    E(fsync, fsync, 0),
    E(fdatasync, fsync, 0),
    E(syncfs, fsync, 0),
    E(sync_file_range, sync_file_range, 0),
    E(fadvise64, fadvise64, 0),
    E(readahead, readahead, 0),

    E(copy_file_range, copy_file_range, 0),
    E(sendfile, sendfile, 0),
    E(splice, splice, 0),
    E(tee, tee, 0),

    E(stat, stat, P(0)),
    E(lstat, lstat, P(0)),
    E(fstat, fstat, 0),
    E(newfstatat, newfstatat, P(1)),
    E(statx, statx, P(1)),
    E(statfs, statfs, P(0)),
    E(fstatfs, fstatfs, 0),
    E(readlink, readlink, P(0)),
    E(readlinkat, readlinkat, P(1)),

    E(access, access, P(0)),
    E(faccessat, faccessat, P(1)),
    E(faccessat2, faccessat2, P(1)),
    E(chmod, chmod, P(0)),
    E(fchmod, fchmod, 0),
    E(fchmodat, fchmodat, P(1)),
    E(fchmodat2, fchmodat2, P(1)),
    E(chown, chown, P(0)),
    E(lchown, lchown, P(0)),
    E(fchown, fchown, 0),
    E(fchownat, fchownat, P(1)),
    E(utime, utime, P(0)),
    E(utimes, utimes, P(0)),
    E(futimesat, futimesat, P(1)),
    E(utimensat, utimensat, P(1)),

    E(getxattr, getxattr, P(0)),
    E(lgetxattr, lgetxattr, P(0)),
    E(fgetxattr, fgetxattr, 0),
    E(setxattr, setxattr, P(0)),
    E(lsetxattr, lsetxattr, P(0)),
    E(fsetxattr, fsetxattr, 0),
    E(listxattr, listxattr, P(0)),
    E(llistxattr, llistxattr, P(0)),
    E(flistxattr, flistxattr, 0),
    E(removexattr, removexattr, P(0)),
    E(lremovexattr, lremovexattr, P(0)),
    E(fremovexattr, fremovexattr, 0),

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

    E(getdents, getdents, 0),
    E(getdents64, getdents64, 0),
    E(chdir, chdir, P(0)),
    E(fchdir, fchdir, 0),
    E(getcwd, getcwd, 0),

    E(ioctl, ioctl, 0),
    E(mmap, mmap, 0),
    E(flock, flock, 0),
    E(chroot, path_unsupported, P(0)),
    E(acct, path_unsupported, P(0)),
    E(swapon, path_unsupported, P(0)),
    E(inotify_add_watch, inotify_add_watch, P(1)),
    E(name_to_handle_at, name_to_handle_at, P(1)),

    E(wait4, wait, 0),

    E(waitid, wait, 0),

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
