/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemfile-posix.h -- the public interface of libpmemfile-posix, a
 * POSIX-like file system kept entirely in a libpmemobj pool.
 *
 * Every function mirrors the system call of the same name, with the pool as
 * its first argument and PMEMfile handles in place of file descriptors.
 * Failures return -1 (or NULL) and set errno to the value the kernel would
 * give for the same call; pmemfile_errormsg() may say more.
 *
 * Names, argument orders and PMEMFILE_* constants are those of the
 * discontinued pmem/pmemfile project, so code written for it compiles
 * unchanged. The constants have the values of Linux on x86_64.
 */
#ifndef LIBPMEMFILE_POSIX_H
#define LIBPMEMFILE_POSIX_H 1

#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <utime.h>

#define PMEMFILE_PATH_MAX 4096

#define PMEMFILE_O_RDONLY 00
#define PMEMFILE_O_WRONLY 01
#define PMEMFILE_O_RDWR 02
#define PMEMFILE_O_ACCMODE 0003
#define PMEMFILE_O_CREAT 0100
#define PMEMFILE_O_EXCL 0200
#define PMEMFILE_O_NOCTTY 0400
#define PMEMFILE_O_TRUNC 01000
#define PMEMFILE_O_APPEND 02000
#define PMEMFILE_O_NONBLOCK 04000
#define PMEMFILE_O_NDELAY PMEMFILE_O_NONBLOCK
#define PMEMFILE_O_DSYNC 010000
#define PMEMFILE_O_ASYNC 020000
#define PMEMFILE_O_DIRECT 040000
#define PMEMFILE_O_LARGEFILE 0
#define PMEMFILE_O_DIRECTORY 0200000
#define PMEMFILE_O_NOFOLLOW 0400000
#define PMEMFILE_O_NOATIME 01000000
#define PMEMFILE_O_CLOEXEC 02000000
#define PMEMFILE_O_SYNC 04010000
#define PMEMFILE_O_PATH 010000000
#define PMEMFILE_O_TMPFILE (020000000 | PMEMFILE_O_DIRECTORY)

#define PMEMFILE_S_IFMT 0170000
#define PMEMFILE_S_IFDIR 0040000
#define PMEMFILE_S_IFCHR 0020000
#define PMEMFILE_S_IFBLK 0060000
#define PMEMFILE_S_IFREG 0100000
#define PMEMFILE_S_IFIFO 0010000
#define PMEMFILE_S_IFLNK 0120000
#define PMEMFILE_S_IFSOCK 0140000

#define PMEMFILE_S_ISTYPE(mode, mask) (((mode)&PMEMFILE_S_IFMT) == (mask))
#define PMEMFILE_S_ISDIR(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFDIR)
#define PMEMFILE_S_ISCHR(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFCHR)
#define PMEMFILE_S_ISBLK(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFBLK)
#define PMEMFILE_S_ISREG(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFREG)
#define PMEMFILE_S_ISFIFO(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFIFO)
#define PMEMFILE_S_ISLNK(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFLNK)
#define PMEMFILE_S_ISSOCK(mode) PMEMFILE_S_ISTYPE((mode), PMEMFILE_S_IFSOCK)

#define PMEMFILE_S_ISUID 04000
#define PMEMFILE_S_ISGID 02000
#define PMEMFILE_S_ISVTX 01000
#define PMEMFILE_S_IRWXU 0700
#define PMEMFILE_S_IRUSR 0400
#define PMEMFILE_S_IWUSR 0200
#define PMEMFILE_S_IXUSR 0100
#define PMEMFILE_S_IRWXG 070
#define PMEMFILE_S_IRGRP 040
#define PMEMFILE_S_IWGRP 020
#define PMEMFILE_S_IXGRP 010
#define PMEMFILE_S_IRWXO 07
#define PMEMFILE_S_IROTH 04
#define PMEMFILE_S_IWOTH 02
#define PMEMFILE_S_IXOTH 01
#define PMEMFILE_ACCESSPERMS 0777
#define PMEMFILE_ALLPERMS 07777

#define PMEMFILE_AT_SYMLINK_NOFOLLOW 0x100
#define PMEMFILE_AT_REMOVEDIR 0x200
#define PMEMFILE_AT_EACCESS 0x200
#define PMEMFILE_AT_SYMLINK_FOLLOW 0x400
#define PMEMFILE_AT_NO_AUTOMOUNT 0x800
#define PMEMFILE_AT_EMPTY_PATH 0x1000

#define PMEMFILE_F_DUPFD 0
#define PMEMFILE_F_GETFD 1
#define PMEMFILE_F_SETFD 2
#define PMEMFILE_F_GETFL 3
#define PMEMFILE_F_SETFL 4
#define PMEMFILE_F_GETLK 5
#define PMEMFILE_F_SETLK 6
#define PMEMFILE_F_SETLKW 7
#define PMEMFILE_F_DUPFD_CLOEXEC 1030

#define PMEMFILE_F_RDLCK 0
#define PMEMFILE_F_WRLCK 1
#define PMEMFILE_F_UNLCK 2

#define PMEMFILE_FD_CLOEXEC 1

#define PMEMFILE_LOCK_SH 1
#define PMEMFILE_LOCK_EX 2
#define PMEMFILE_LOCK_NB 4
#define PMEMFILE_LOCK_UN 8

#define PMEMFILE_SEEK_SET 0
#define PMEMFILE_SEEK_CUR 1
#define PMEMFILE_SEEK_END 2
#define PMEMFILE_SEEK_DATA 3
#define PMEMFILE_SEEK_HOLE 4

#define PMEMFILE_DT_UNKNOWN 0
#define PMEMFILE_DT_FIFO 1
#define PMEMFILE_DT_CHR 2
#define PMEMFILE_DT_DIR 4
#define PMEMFILE_DT_BLK 6
#define PMEMFILE_DT_REG 8
#define PMEMFILE_DT_LNK 10
#define PMEMFILE_DT_SOCK 12
#define PMEMFILE_DT_WHT 14

#define PMEMFILE_F_OK 0
#define PMEMFILE_X_OK 1
#define PMEMFILE_W_OK 2
#define PMEMFILE_R_OK 4

#define PMEMFILE_FL_KEEP_SIZE 0x01
#define PMEMFILE_FL_PUNCH_HOLE 0x02
#define PMEMFILE_FL_COLLAPSE_RANGE 0x08
#define PMEMFILE_FL_ZERO_RANGE 0x10
#define PMEMFILE_FL_INSERT_RANGE 0x20

/* The same flags under the names of the discontinued library. */
#define PMEMFILE_FALLOC_FL_KEEP_SIZE PMEMFILE_FL_KEEP_SIZE
#define PMEMFILE_FALLOC_FL_PUNCH_HOLE PMEMFILE_FL_PUNCH_HOLE
#define PMEMFILE_FALLOC_FL_COLLAPSE_RANGE PMEMFILE_FL_COLLAPSE_RANGE
#define PMEMFILE_FALLOC_FL_ZERO_RANGE PMEMFILE_FL_ZERO_RANGE
#define PMEMFILE_FALLOC_FL_INSERT_RANGE PMEMFILE_FL_INSERT_RANGE

/* tv_nsec of pmemfile_utimensat and pmemfile_futimens: the time of the
 * call, or no change (the kernel's UTIME_NOW and UTIME_OMIT). */
#define PMEMFILE_UTIME_NOW ((1l << 30) - 1l)
#define PMEMFILE_UTIME_OMIT ((1l << 30) - 2l)

/* f_flags bits of pmemfile_statfs (the kernel's ST_* mount flags). */
#define PMEMFILE_ST_RDONLY 1
#define PMEMFILE_ST_NOSUID 2
#define PMEMFILE_ST_NODEV 4
#define PMEMFILE_ST_NOEXEC 8
#define PMEMFILE_ST_SYNCHRONOUS 16
#define PMEMFILE_ST_MANDLOCK 64
#define PMEMFILE_ST_WRITE 128
#define PMEMFILE_ST_APPEND 256
#define PMEMFILE_ST_IMMUTABLE 512
#define PMEMFILE_ST_NOATIME 1024
#define PMEMFILE_ST_NODIRATIME 2048
#define PMEMFILE_ST_RELATIME 4096

#define PMEMFILE_RENAME_NOREPLACE (1 << 0)
#define PMEMFILE_RENAME_EXCHANGE (1 << 1)
#define PMEMFILE_RENAME_WHITEOUT (1 << 2)

#define PMEMFILE_CAP_CHOWN 0
#define PMEMFILE_CAP_DAC_OVERRIDE 1
#define PMEMFILE_CAP_DAC_READ_SEARCH 2
#define PMEMFILE_CAP_FOWNER 3
#define PMEMFILE_CAP_FSETID 4

#define PMEMFILE_OPEN_PARENT_STOP_AT_ROOT (1 << 0)
#define PMEMFILE_OPEN_PARENT_SYMLINK_FOLLOW (1 << 1)
#define PMEMFILE_OPEN_PARENT_USE_FACCESS (0 << 2)
#define PMEMFILE_OPEN_PARENT_USE_EACCESS (1 << 2)
#define PMEMFILE_OPEN_PARENT_USE_RACCESS (2 << 2)
#define PMEMFILE_OPEN_PARENT_ACCESS_MASK (3 << 2)

#define PMEMFILE_MAP_FAILED ((void *)-1)

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __off64_t_defined
#error \
    "libpmemfile-posix.h needs off64_t: define _GNU_SOURCE or _LARGEFILE64_SOURCE"
#endif

/* Opaque handles. */
typedef struct pmemfilepool PMEMfilepool;
typedef struct pmemfile_file PMEMfile;

typedef mode_t pmemfile_mode_t;
typedef uid_t pmemfile_uid_t;
typedef gid_t pmemfile_gid_t;
typedef ssize_t pmemfile_ssize_t;
typedef off64_t pmemfile_off_t;
typedef nlink_t pmemfile_nlink_t;
typedef blksize_t pmemfile_blksize_t;
typedef blkcnt64_t pmemfile_blkcnt_t;
typedef dev_t pmemfile_dev_t;
typedef ino64_t pmemfile_ino_t;
typedef struct iovec pmemfile_iovec_t;
typedef struct timespec pmemfile_timespec_t;
typedef struct timeval pmemfile_timeval_t;
typedef struct utimbuf pmemfile_utimbuf_t;
typedef struct stat pmemfile_stat_t;
typedef struct statfs pmemfile_statfs_t;
typedef struct flock pmemfile_flock_t;

/* The "directory" argument of the *at functions meaning the current one. */
#define PMEMFILE_AT_CWD ((PMEMfile *)-1L)

/* Pools */
PMEMfilepool *pmemfile_pool_create(const char *pathname, size_t poolsize,
				   pmemfile_mode_t mode);
PMEMfilepool *pmemfile_mkfs(const char *pathname, size_t poolsize,
			    pmemfile_mode_t mode);
PMEMfilepool *pmemfile_pool_open(const char *pathname);
void pmemfile_pool_close(PMEMfilepool *pfp);
void pmemfile_pool_set_device(PMEMfilepool *pfp, pmemfile_dev_t dev);
unsigned pmemfile_pool_root_count(PMEMfilepool *pfp);

/*
 * Kept for programs written for the discontinued library, which closed the
 * pool between them so that another process could open it: here the pool
 * stays open (several processes share a pool through libpmemfile.so).
 * pmemfile_pool_suspend returns 0, or -1 with EINVAL when the pool is
 * suspended already; pmemfile_pool_resume returns 0 when pathname names
 * the pool file of pfp, else -1 with errno (EINVAL: not suspended, or
 * another file; the errno of stat(2) for a path it cannot look up).
 */
int pmemfile_pool_suspend(PMEMfilepool *pfp);
int pmemfile_pool_resume(PMEMfilepool *pfp, const char *pathname);
const char *pmemfile_errormsg(void);

struct pmemfile_stats {
	unsigned inodes;
	unsigned dirs;
	unsigned block_arrays;
	unsigned inode_arrays;
	unsigned blocks;
};
void pmemfile_stats(PMEMfilepool *pfp, struct pmemfile_stats *stats);
int pmemfile_statfs(PMEMfilepool *pfp, pmemfile_statfs_t *buf);

/* Opening and closing */
PMEMfile *pmemfile_open(PMEMfilepool *pfp, const char *pathname, int flags,
			...);
PMEMfile *pmemfile_openat(PMEMfilepool *pfp, PMEMfile *dir,
			  const char *pathname, int flags, ...);
PMEMfile *pmemfile_open_root(PMEMfilepool *pfp, unsigned index, int flags);
PMEMfile *pmemfile_create(PMEMfilepool *pfp, const char *pathname,
			  pmemfile_mode_t mode);
PMEMfile *pmemfile_open_parent(PMEMfilepool *pfp, PMEMfile *at, char *path,
			       size_t path_size, int flags);
char *pmemfile_get_dir_path(PMEMfilepool *pfp, PMEMfile *dir, char *buf,
			    size_t size);
void pmemfile_close(PMEMfilepool *pfp, PMEMfile *file);
PMEMfile *pmemfile_dup(PMEMfilepool *pfp, PMEMfile *file);
PMEMfile *pmemfile_dup2(PMEMfilepool *pfp, PMEMfile *file, PMEMfile *file2);

/* Data */
pmemfile_ssize_t pmemfile_read(PMEMfilepool *pfp, PMEMfile *file, void *buf,
			       size_t count);
pmemfile_ssize_t pmemfile_pread(PMEMfilepool *pfp, PMEMfile *file, void *buf,
				size_t count, pmemfile_off_t offset);
pmemfile_ssize_t pmemfile_readv(PMEMfilepool *pfp, PMEMfile *file,
				const pmemfile_iovec_t *iov, int iovcnt);
pmemfile_ssize_t pmemfile_preadv(PMEMfilepool *pfp, PMEMfile *file,
				 const pmemfile_iovec_t *iov, int iovcnt,
				 pmemfile_off_t offset);
pmemfile_ssize_t pmemfile_write(PMEMfilepool *pfp, PMEMfile *file,
				const void *buf, size_t count);
pmemfile_ssize_t pmemfile_pwrite(PMEMfilepool *pfp, PMEMfile *file,
				 const void *buf, size_t count,
				 pmemfile_off_t offset);
pmemfile_ssize_t pmemfile_writev(PMEMfilepool *pfp, PMEMfile *file,
				 const pmemfile_iovec_t *iov, int iovcnt);
pmemfile_ssize_t pmemfile_pwritev(PMEMfilepool *pfp, PMEMfile *file,
				  const pmemfile_iovec_t *iov, int iovcnt,
				  pmemfile_off_t offset);
pmemfile_off_t pmemfile_lseek(PMEMfilepool *pfp, PMEMfile *file,
			      pmemfile_off_t offset, int whence);
int pmemfile_truncate(PMEMfilepool *pfp, const char *path,
		      pmemfile_off_t length);
int pmemfile_ftruncate(PMEMfilepool *pfp, PMEMfile *file,
		       pmemfile_off_t length);
int pmemfile_fallocate(PMEMfilepool *pfp, PMEMfile *file, int mode,
		       pmemfile_off_t offset, pmemfile_off_t length);
int pmemfile_posix_fallocate(PMEMfilepool *pfp, PMEMfile *file,
			     pmemfile_off_t offset, pmemfile_off_t length);

/*
 * A call's stores are durable when it returns (as durable as the pool's
 * medium allows); these make durable the stores this process made through
 * shared maps of the file (pmemfile_fsync, pmemfile_fdatasync) or of any
 * file of the pool (pmemfile_syncfs), as fsync(2) covers a file's mapped
 * pages.
 */
int pmemfile_fsync(PMEMfilepool *pfp, PMEMfile *file);
int pmemfile_fdatasync(PMEMfilepool *pfp, PMEMfile *file);
int pmemfile_syncfs(PMEMfilepool *pfp);
pmemfile_ssize_t pmemfile_copy_file_range(PMEMfilepool *pfp, PMEMfile *file_in,
					  pmemfile_off_t *off_in,
					  PMEMfile *file_out,
					  pmemfile_off_t *off_out, size_t len,
					  unsigned flags);

/* Metadata */
int pmemfile_stat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf);
int pmemfile_lstat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf);
int pmemfile_fstat(PMEMfilepool *pfp, PMEMfile *file, pmemfile_stat_t *buf);
int pmemfile_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_stat_t *buf, int flags);
int pmemfile_fcntl(PMEMfilepool *pfp, PMEMfile *file, int cmd, ...);
int pmemfile_flock(PMEMfilepool *pfp, PMEMfile *file, int operation);

/* Directories */
struct linux_dirent;
struct linux_dirent64;
int pmemfile_getdents(PMEMfilepool *pfp, PMEMfile *file,
		      struct linux_dirent *dirp, unsigned count);
int pmemfile_getdents64(PMEMfilepool *pfp, PMEMfile *file,
			struct linux_dirent64 *dirp, unsigned count);
int pmemfile_mkdir(PMEMfilepool *pfp, const char *path, pmemfile_mode_t mode);
int pmemfile_mkdirat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_mode_t mode);
int pmemfile_rmdir(PMEMfilepool *pfp, const char *path);
int pmemfile_chdir(PMEMfilepool *pfp, const char *path);
int pmemfile_fchdir(PMEMfilepool *pfp, PMEMfile *dir);
char *pmemfile_getcwd(PMEMfilepool *pfp, char *buf, size_t size);
int pmemfile_mknodat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_mode_t mode, pmemfile_dev_t dev);

/* Names */
int pmemfile_link(PMEMfilepool *pfp, const char *oldpath, const char *newpath);
int pmemfile_linkat(PMEMfilepool *pfp, PMEMfile *olddir, const char *oldpath,
		    PMEMfile *newdir, const char *newpath, int flags);
int pmemfile_unlink(PMEMfilepool *pfp, const char *pathname);
int pmemfile_unlinkat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      int flags);
int pmemfile_rename(PMEMfilepool *pfp, const char *old_path,
		    const char *new_path);
int pmemfile_renameat(PMEMfilepool *pfp, PMEMfile *old_at, const char *old_path,
		      PMEMfile *new_at, const char *new_path);
int pmemfile_renameat2(PMEMfilepool *pfp, PMEMfile *old_at,
		       const char *old_path, PMEMfile *new_at,
		       const char *new_path, unsigned flags);
int pmemfile_symlink(PMEMfilepool *pfp, const char *path1, const char *path2);
int pmemfile_symlinkat(PMEMfilepool *pfp, const char *path1, PMEMfile *at,
		       const char *path2);
pmemfile_ssize_t pmemfile_readlink(PMEMfilepool *pfp, const char *path,
				   char *buf, size_t buf_len);
pmemfile_ssize_t pmemfile_readlinkat(PMEMfilepool *pfp, PMEMfile *dir,
				     const char *pathname, char *buf,
				     size_t bufsiz);

/* Permissions, owners and times */
int pmemfile_chmod(PMEMfilepool *pfp, const char *path, pmemfile_mode_t mode);
int pmemfile_fchmod(PMEMfilepool *pfp, PMEMfile *file, pmemfile_mode_t mode);
int pmemfile_fchmodat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      pmemfile_mode_t mode, int flags);
int pmemfile_chown(PMEMfilepool *pfp, const char *pathname,
		   pmemfile_uid_t owner, pmemfile_gid_t group);
int pmemfile_fchown(PMEMfilepool *pfp, PMEMfile *file, pmemfile_uid_t owner,
		    pmemfile_gid_t group);
int pmemfile_lchown(PMEMfilepool *pfp, const char *pathname,
		    pmemfile_uid_t owner, pmemfile_gid_t group);
int pmemfile_fchownat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      pmemfile_uid_t owner, pmemfile_gid_t group, int flags);
int pmemfile_access(PMEMfilepool *pfp, const char *path, int mode);
int pmemfile_euidaccess(PMEMfilepool *pfp, const char *pathname, int mode);
int pmemfile_faccessat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       int mode, int flags);
int pmemfile_utime(PMEMfilepool *pfp, const char *filename,
		   const pmemfile_utimbuf_t *times);
int pmemfile_utimes(PMEMfilepool *pfp, const char *filename,
		    const pmemfile_timeval_t times[2]);
int pmemfile_futimes(PMEMfilepool *pfp, PMEMfile *file,
		     const pmemfile_timeval_t tv[2]);
int pmemfile_futimesat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       const pmemfile_timeval_t tv[2]);
int pmemfile_lutimes(PMEMfilepool *pfp, const char *filename,
		     const pmemfile_timeval_t tv[2]);
int pmemfile_utimensat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       const pmemfile_timespec_t times[2], int flags);
int pmemfile_futimens(PMEMfilepool *pfp, PMEMfile *file,
		      const pmemfile_timespec_t times[2]);
pmemfile_mode_t pmemfile_umask(PMEMfilepool *pfp, pmemfile_mode_t mask);

/* Credentials: the identity the pool checks permissions against. */
int pmemfile_setreuid(PMEMfilepool *pfp, pmemfile_uid_t ruid,
		      pmemfile_uid_t euid);
int pmemfile_setregid(PMEMfilepool *pfp, pmemfile_gid_t rgid,
		      pmemfile_gid_t egid);
int pmemfile_setuid(PMEMfilepool *pfp, pmemfile_uid_t uid);
int pmemfile_setgid(PMEMfilepool *pfp, pmemfile_gid_t gid);
pmemfile_uid_t pmemfile_getuid(PMEMfilepool *pfp);
pmemfile_gid_t pmemfile_getgid(PMEMfilepool *pfp);
int pmemfile_seteuid(PMEMfilepool *pfp, pmemfile_uid_t uid);
int pmemfile_setegid(PMEMfilepool *pfp, pmemfile_gid_t gid);
pmemfile_uid_t pmemfile_geteuid(PMEMfilepool *pfp);
pmemfile_gid_t pmemfile_getegid(PMEMfilepool *pfp);
int pmemfile_setfsuid(PMEMfilepool *pfp, pmemfile_uid_t fsuid);
int pmemfile_setfsgid(PMEMfilepool *pfp, pmemfile_uid_t fsgid);
int pmemfile_getgroups(PMEMfilepool *pfp, int size, pmemfile_gid_t list[]);
int pmemfile_setgroups(PMEMfilepool *pfp, size_t size,
		       const pmemfile_gid_t *list);
int pmemfile_setcap(PMEMfilepool *pfp, int cap);
int pmemfile_clrcap(PMEMfilepool *pfp, int cap);

/*
 * Extension (not in the upstream API): a file's pages mapped in place.
 * pmemfile_pin_pages fills pool_offsets[i] with the byte offset, in the
 * pool file, of the page at offset + i * 4096 of file, for each of the
 * length / 4096 pages (offset and length multiples of 4096), giving
 * storage to holes below the file's size and zeroing the last page past
 * the size; a page at or past the size rounded up to 4096 gets 0. Until
 * pmemfile_unpin_pages, those pages stay where they are: shrinking the
 * file and punching a hole in it fail with EBUSY, and an unlinked file
 * lives on. Returns the pin, or NULL with errno set (EACCES: file not
 * open for reading; ENODEV: not a regular file; ENOSPC: no storage for a
 * hole).
 */
typedef struct pmemfile_pin PMEMfilepin;
PMEMfilepin *pmemfile_pin_pages(PMEMfilepool *pfp, PMEMfile *file,
				pmemfile_off_t offset, size_t length,
				uint64_t *pool_offsets);
void pmemfile_unpin_pages(PMEMfilepool *pfp, PMEMfilepin *pin);

/*
 * Several processes on one pool (additions; libpmemfile-posix(3), SEVERAL
 * PROCESSES). Any number of processes may open a pool at once: one holds
 * it, the others' calls are run by the holder. A handle a process got
 * from pmemfile_open is valid in its fork children too.
 */

/* Opens the pool and serves other processes until none refers to it. */
int pmemfile_pool_keep(const char *pathname);
/*
 * The calling thread now runs the child of a vfork (or posix_spawn) whose
 * pid is child, sharing its parent's memory; 0: back in the parent.
 */
void pmemfile_process_vfork(pid_t child);
/* In the child of a fork made without the C library's fork(). */
void pmemfile_process_forked(void);
/*
 * Before the process exits: lets go of every pool it has (without the
 * cost of closing them); a keeper process goes on holding a pool whose
 * files other processes still use.
 */
void pmemfile_process_exit(void);
/*
 * Before execve: a holder makes sure the pool stays held (by a keeper
 * process) while the new image may refer to this process's files.
 */
int pmemfile_pool_handover(PMEMfilepool *pfp);
/*
 * The descriptors the library keeps open for pfp (the lock on the pool's
 * shared segment, the pool file it reads through; in journal mode also the
 * pool file's lock, the journal and the tracking of written pages), all
 * numbered high: up to nfds of them
 * into fds. Returns how many there are, or -1 with errno set. A program
 * that closes every descriptor it did not open itself leaves these.
 */
int pmemfile_pool_own_fds(PMEMfilepool *pfp, int *fds, int nfds);
/*
 * An id for file that the image this process execs next can turn back
 * into a handle of the same open file description (0 on failure).
 */
uint64_t pmemfile_file_pass(PMEMfilepool *pfp, PMEMfile *file);
PMEMfile *pmemfile_file_adopt(PMEMfilepool *pfp, uint64_t id);
/* After adopting: what the previous image referred to and passed not, goes. */
void pmemfile_adopt_done(PMEMfilepool *pfp);
/*
 * Across a socket (SCM_RIGHTS): an id for file that keeps its description
 * alive until a process receives it (0 on failure), and the receiver's
 * handle of the same description.
 */
uint64_t pmemfile_file_send(PMEMfilepool *pfp, PMEMfile *file);
PMEMfile *pmemfile_file_receive(PMEMfilepool *pfp, uint64_t id);

#include "libpmemfile-posix-stubs.h"

#ifdef __cplusplus
}
#endif

#endif
