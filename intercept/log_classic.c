/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log_classic.c -- INTERCEPT_LOG lines in the form the discontinued
 * pmem/syscall_intercept wrote, which scripts written for it parse:
 *
 *   /full/path/of/object 0xOFFSET -- name(arguments) = ?
 *   /full/path/of/object 0xOFFSET -- name(arguments) = result
 *
 * one line before the call and one after it (none after a call that does
 * not return). A call with no entry below is shown as syscall(NR, six
 * arguments in hex). An error result is shown as -errno, its name and the
 * kernel's description of it: "-2 ENOENT (No such file or directory)".
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "intercept.h"
#include "log.h"

/*
 * Each call's entry: the result's form, then one letter per argument.
 *   result: d decimal, p pointer, x hex, m octal, - no result (no return)
 *   argument: x hex, d decimal (64-bit), i decimal (32-bit), f descriptor
 *   (32-bit), a descriptor of an *at call (AT_FDCWD by name), m mode (octal),
 *   p pointer, s string, I buffer the call reads (its length is the next
 *   argument), O buffer the call fills (its length is the result), F open
 *   flags, c fcntl command, L struct flock, C clone flags, w lseek whence,
 *   2 the two descriptors of pipe, P pipe2 flags, A access mode.
 */
/* arrays of characters: no pointers for the loader to write at start */
static const char classic_formats[][12] = {
    [SYS_read] = "dfOd",
    [SYS_write] = "dfId",
    [SYS_open] = "dsF",
    [SYS_close] = "df",
    [SYS_stat] = "dsp",
    [SYS_fstat] = "dfp",
    [SYS_lstat] = "dsp",
    [SYS_poll] = "dpxx",
    [SYS_lseek] = "dfdw",
    [SYS_mmap] = "ppxxxfx",
    [SYS_mprotect] = "dpxx",
    [SYS_munmap] = "dpx",
    [SYS_brk] = "dd",
    [SYS_rt_sigaction] = "dippd",
    [SYS_rt_sigprocmask] = "dxppd",
    [SYS_rt_sigreturn] = "-",
    [SYS_ioctl] = "dfxp",
    [SYS_pread64] = "dfOdd",
    [SYS_pwrite64] = "dfIdd",
    [SYS_readv] = "dfpd",
    [SYS_writev] = "dfpd",
    [SYS_access] = "dsA",
    [SYS_pipe] = "d2",
    [SYS_select] = "dipppp",
    [SYS_sched_yield] = "d",
    [SYS_mremap] = "ppddix",
    [SYS_msync] = "dpdi",
    [SYS_mincore] = "dpdp",
    [SYS_madvise] = "dpdi",
    [SYS_shmget] = "dxxx",
    [SYS_shmat] = "xxxx",
    [SYS_shmctl] = "dxxx",
    [SYS_dup] = "df",
    [SYS_dup2] = "dff",
    [SYS_pause] = "d",
    [SYS_nanosleep] = "dxx",
    [SYS_getitimer] = "dxx",
    [SYS_alarm] = "dx",
    [SYS_setitimer] = "dxxx",
    [SYS_getpid] = "d",
    [SYS_sendfile] = "dffxx",
    [SYS_socket] = "dxxx",
    [SYS_connect] = "dfxx",
    [SYS_accept] = "dfxx",
    [SYS_sendto] = "dfxxx",
    [SYS_recvfrom] = "dfxxxxx",
    [SYS_sendmsg] = "dfxx",
    [SYS_recvmsg] = "dfxx",
    [SYS_shutdown] = "dfx",
    [SYS_bind] = "dfxx",
    [SYS_listen] = "dfx",
    [SYS_getsockname] = "dfxx",
    [SYS_getpeername] = "dfxx",
    [SYS_socketpair] = "dxxxx",
    [SYS_setsockopt] = "dfxxxx",
    [SYS_getsockopt] = "dfxxxx",
    [SYS_clone] = "dCpppx",
    [SYS_fork] = "d",
    [SYS_vfork] = "d",
    [SYS_execve] = "dxxx",
    [SYS_exit] = "-x",
    [SYS_wait4] = "dixxx",
    [SYS_kill] = "dxx",
    [SYS_uname] = "dx",
    [SYS_semget] = "dxxx",
    [SYS_semop] = "dxxx",
    [SYS_semctl] = "dxxxxxx",
    [SYS_shmdt] = "dx",
    [SYS_msgget] = "dxx",
    [SYS_msgsnd] = "dxxxx",
    [SYS_msgrcv] = "dxxxxx",
    [SYS_msgctl] = "dxxx",
    [SYS_fcntl] = "dfcx",
    [SYS_flock] = "dfx",
    [SYS_fsync] = "df",
    [SYS_fdatasync] = "df",
    [SYS_truncate] = "dsx",
    [SYS_ftruncate] = "dfx",
    [SYS_getdents] = "dfxx",
    [SYS_getcwd] = "dxx",
    [SYS_chdir] = "ds",
    [SYS_fchdir] = "df",
    [SYS_rename] = "dss",
    [SYS_mkdir] = "dsm",
    [SYS_rmdir] = "ds",
    [SYS_creat] = "dsm",
    [SYS_link] = "dss",
    [SYS_unlink] = "ds",
    [SYS_symlink] = "dss",
    [SYS_readlink] = "dsOd",
    [SYS_chmod] = "dsm",
    [SYS_fchmod] = "dfm",
    [SYS_chown] = "dsxx",
    [SYS_fchown] = "dfxx",
    [SYS_lchown] = "dsxx",
    [SYS_umask] = "mm",
    [SYS_gettimeofday] = "dxx",
    [SYS_getrlimit] = "dxx",
    [SYS_getrusage] = "dxx",
    [SYS_sysinfo] = "dxx",
    [SYS_times] = "dx",
    [SYS_ptrace] = "xxxxx",
    [SYS_getuid] = "d",
    [SYS_syslog] = "dxxx",
    [SYS_getgid] = "d",
    [SYS_setuid] = "dx",
    [SYS_setgid] = "dx",
    [SYS_geteuid] = "d",
    [SYS_getegid] = "d",
    [SYS_setpgid] = "d",
    [SYS_getpgrp] = "d",
    [SYS_setsid] = "d",
    [SYS_setreuid] = "dxx",
    [SYS_setregid] = "dxx",
    [SYS_getgroups] = "dxx",
    [SYS_setgroups] = "dxx",
    [SYS_setresuid] = "dxxx",
    [SYS_getresuid] = "dxxx",
    [SYS_setresgid] = "dxxx",
    [SYS_getresgid] = "dxxx",
    [SYS_getpgid] = "dx",
    [SYS_setfsuid] = "dx",
    [SYS_setfsgid] = "dx",
    [SYS_getsid] = "dx",
    [SYS_capget] = "dxx",
    [SYS_capset] = "dxx",
    [SYS_rt_sigpending] = "dx",
    [SYS_rt_sigtimedwait] = "dxxxx",
    [SYS_rt_sigqueueinfo] = "dxxx",
    [SYS_rt_sigsuspend] = "dxx",
    [SYS_sigaltstack] = "dxx",
    [SYS_utime] = "dsx",
    [SYS_mknod] = "dsxx",
    [SYS_uselib] = "ds",
    [SYS_personality] = "dx",
    [SYS_ustat] = "dxx",
    [SYS_statfs] = "dsx",
    [SYS_fstatfs] = "dfx",
    [SYS_sysfs] = "dxxx",
    [SYS_getpriority] = "dxx",
    [SYS_setpriority] = "dxxx",
    [SYS_sched_setparam] = "dxx",
    [SYS_sched_getparam] = "dxx",
    [SYS_sched_setscheduler] = "dxxx",
    [SYS_sched_getscheduler] = "dx",
    [SYS_sched_get_priority_max] = "dx",
    [SYS_sched_get_priority_min] = "dx",
    [SYS_sched_rr_get_interval] = "dxx",
    [SYS_mlock] = "dxx",
    [SYS_munlock] = "dxx",
    [SYS_mlockall] = "dx",
    [SYS_munlockall] = "d",
    [SYS_vhangup] = "d",
    [SYS_modify_ldt] = "dxxx",
    [SYS_pivot_root] = "dsx",
    [SYS__sysctl] = "dx",
    [SYS_prctl] = "dxxxxx",
    [SYS_arch_prctl] = "dxxx",
    [SYS_adjtimex] = "dx",
    [SYS_setrlimit] = "dxx",
    [SYS_chroot] = "ds",
    [SYS_sync] = "d",
    [SYS_acct] = "ds",
    [SYS_settimeofday] = "dxx",
    [SYS_mount] = "dssxxx",
    [SYS_umount2] = "dsx",
    [SYS_swapon] = "dsx",
    [SYS_swapoff] = "ds",
    [SYS_reboot] = "dxxxx",
    [SYS_sethostname] = "dxx",
    [SYS_setdomainname] = "dxx",
    [SYS_iopl] = "dx",
    [SYS_ioperm] = "dxxx",
    [SYS_gettid] = "d",
    [SYS_readahead] = "dfdd",
    [SYS_setxattr] = "dssIdx",
    [SYS_lsetxattr] = "dssIdx",
    [SYS_fsetxattr] = "dfsIdx",
    [SYS_getxattr] = "dssdx",
    [SYS_lgetxattr] = "dssdx",
    [SYS_fgetxattr] = "dfsdx",
    [SYS_listxattr] = "dspd",
    [SYS_llistxattr] = "dspd",
    [SYS_flistxattr] = "dfpd",
    [SYS_removexattr] = "dss",
    [SYS_lremovexattr] = "dss",
    [SYS_fremovexattr] = "dfs",
    [SYS_tkill] = "dxx",
    [SYS_time] = "dx",
    [SYS_futex] = "dxxxxxx",
    [SYS_sched_setaffinity] = "dxxx",
    [SYS_sched_getaffinity] = "dxxx",
    [SYS_set_thread_area] = "dx",
    [SYS_io_setup] = "dxx",
    [SYS_io_destroy] = "dx",
    [SYS_io_getevents] = "dxxxxx",
    [SYS_io_submit] = "dxxx",
    [SYS_io_cancel] = "dxxx",
    [SYS_get_thread_area] = "dx",
    [SYS_lookup_dcookie] = "dxxx",
    [SYS_epoll_create] = "dx",
    [SYS_getdents64] = "dfxx",
    [SYS_set_tid_address] = "dx",
    [SYS_semtimedop] = "dxxxx",
    [SYS_fadvise64] = "dfxxx",
    [SYS_timer_create] = "dxxx",
    [SYS_timer_settime] = "dxxxx",
    [SYS_timer_gettime] = "dxx",
    [SYS_timer_getoverrun] = "dx",
    [SYS_timer_delete] = "dx",
    [SYS_clock_settime] = "dxx",
    [SYS_clock_gettime] = "dxx",
    [SYS_clock_getres] = "dxx",
    [SYS_clock_nanosleep] = "dxxxx",
    [SYS_exit_group] = "-x",
    [SYS_epoll_wait] = "dfxxx",
    [SYS_epoll_ctl] = "dfxfx",
    [SYS_tgkill] = "dxxx",
    [SYS_utimes] = "dsx",
    [SYS_mbind] = "dxxxxx",
    [SYS_set_mempolicy] = "dxxx",
    [SYS_get_mempolicy] = "dxxxxx",
    [SYS_mq_open] = "dsxxxx",
    [SYS_mq_unlink] = "ds",
    [SYS_mq_timedsend] = "dxxxxx",
    [SYS_mq_timedreceive] = "dxxxxx",
    [SYS_mq_notify] = "dxx",
    [SYS_mq_getsetattr] = "dxxx",
    [SYS_kexec_load] = "dxxxx",
    [SYS_waitid] = "dxxxx",
    [SYS_add_key] = "dxxxxx",
    [SYS_request_key] = "dxxxx",
    [SYS_keyctl] = "dxxxxx",
    [SYS_ioprio_set] = "dxxx",
    [SYS_ioprio_get] = "dxx",
    [SYS_inotify_init] = "d",
    [SYS_inotify_add_watch] = "dfsx",
    [SYS_inotify_rm_watch] = "dfx",
    [SYS_migrate_pages] = "dxxxx",
    [SYS_openat] = "dasF",
    [SYS_mkdirat] = "dasm",
    [SYS_mknodat] = "dasmx",
    [SYS_fchownat] = "dasxxx",
    [SYS_futimesat] = "dasx",
    [SYS_newfstatat] = "dasxx",
    [SYS_unlinkat] = "dasx",
    [SYS_renameat] = "dasas",
    [SYS_linkat] = "dasasx",
    [SYS_symlinkat] = "dsas",
    [SYS_readlinkat] = "dasOd",
    [SYS_fchmodat] = "dasm",
    [SYS_faccessat] = "dasm",
    [SYS_pselect6] = "dxxxxxx",
    [SYS_ppoll] = "dxxxxx",
    [SYS_unshare] = "dx",
    [SYS_set_robust_list] = "dxx",
    [SYS_get_robust_list] = "dxxx",
    [SYS_splice] = "dfxfxxx",
    [SYS_tee] = "dffxx",
    [SYS_sync_file_range] = "dfxxx",
    [SYS_vmsplice] = "dfxxx",
    [SYS_move_pages] = "dxxxxxx",
    [SYS_utimensat] = "dasxx",
    [SYS_epoll_pwait] = "dfxxxxx",
    [SYS_signalfd] = "dfxx",
    [SYS_timerfd_create] = "dxx",
    [SYS_eventfd] = "dx",
    [SYS_fallocate] = "dfxxx",
    [SYS_timerfd_settime] = "dfxxx",
    [SYS_timerfd_gettime] = "dfx",
    [SYS_accept4] = "dfxxxx",
    [SYS_signalfd4] = "dfxxxx",
    [SYS_eventfd2] = "dxx",
    [SYS_epoll_create1] = "dx",
    [SYS_dup3] = "dffx",
    [SYS_pipe2] = "d2P",
    [SYS_inotify_init1] = "dx",
    [SYS_preadv] = "dfxxx",
    [SYS_pwritev] = "dfxxx",
    [SYS_rt_tgsigqueueinfo] = "dxxxx",
    [SYS_perf_event_open] = "dxxxxx",
    [SYS_recvmmsg] = "dfxxxx",
    [SYS_fanotify_init] = "dxx",
    [SYS_fanotify_mark] = "dxxxxx",
    [SYS_prlimit64] = "dxxxx",
    [SYS_name_to_handle_at] = "dasxxx",
    [SYS_open_by_handle_at] = "dfpi",
    [SYS_clock_adjtime] = "dxx",
    [SYS_syncfs] = "df",
    [SYS_sendmmsg] = "dfxxx",
    [SYS_setns] = "dfx",
    [SYS_getcpu] = "dxxx",
    [SYS_process_vm_readv] = "dxxxxxx",
    [SYS_process_vm_writev] = "dxxxxxx",
    [SYS_kcmp] = "dxxxxx",
    [SYS_finit_module] = "dfxx",
    [SYS_sched_setattr] = "dxxx",
    [SYS_sched_getattr] = "dxxxx",
    [SYS_renameat2] = "dasasx",
    [SYS_seccomp] = "dxxx",
    [SYS_getrandom] = "dxxx",
    [SYS_memfd_create] = "dsx",
    [SYS_kexec_file_load] = "dxxxxx",
    [SYS_bpf] = "dxxx",
    [SYS_execveat] = "dasxxx",
    [SYS_userfaultfd] = "dx",
    [SYS_membarrier] = "dxx",
    [SYS_mlock2] = "dxxx",
    [SYS_copy_file_range] = "dfxfxxx",
    [SYS_preadv2] = "dfxxxx",
    [SYS_pwritev2] = "dfxxxx",
    [SYS_pkey_mprotect] = "dxxxx",
    [SYS_pkey_alloc] = "dxx",
    [SYS_pkey_free] = "dx",
};

/* Errors by number: "ENAME (description)", from the kernel's headers. */
static const char classic_errors[][96] = {
#include "errno_names.inc"
};

/*
 * The tables of names hold the characters, not pointers: a table of
 * pointers is relocated, a page of the library each process writes at its
 * start, for a log most never open.
 */
struct classic_flag {
	long value;
	char name[24];
};

/* The order is the order they are shown in. */
static const struct classic_flag clone_flags[] = {
    {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
    {CLONE_FILES, "CLONE_FILES"},
    {CLONE_FS, "CLONE_FS"},
    {CLONE_IO, "CLONE_IO"},
    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
    {CLONE_NEWIPC, "CLONE_NEWIPC"},
    {CLONE_NEWNET, "CLONE_NEWNET"},
    {CLONE_NEWNS, "CLONE_NEWNS"},
    {CLONE_NEWPID, "CLONE_NEWPID"},
    {CLONE_NEWUSER, "CLONE_NEWUSER"},
    {CLONE_NEWUTS, "CLONE_NEWUTS"},
    {CLONE_PARENT, "CLONE_PARENT"},
    {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {CLONE_PTRACE, "CLONE_PTRACE"},
    {CLONE_SETTLS, "CLONE_SETTLS"},
    {CLONE_SIGHAND, "CLONE_SIGHAND"},
    {CLONE_SYSVSEM, "CLONE_SYSVSEM"},
    {CLONE_THREAD, "CLONE_THREAD"},
    {CLONE_UNTRACED, "CLONE_UNTRACED"},
    {CLONE_VFORK, "CLONE_VFORK"},
    {CLONE_VM, "CLONE_VM"},
    {0, ""},
};

/* O_SYNC holds O_DSYNC's bit: a synchronous open shows both names. */
static const struct classic_flag open_flags[] = {
    {O_APPEND, "O_APPEND"},
    {O_CLOEXEC, "O_CLOEXEC"},
    {O_CREAT, "O_CREAT"},
    {O_DIRECTORY, "O_DIRECTORY"},
    {O_DSYNC, "O_DSYNC"},
    {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},
    {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NONBLOCK, "O_NONBLOCK"},
    {O_RSYNC, "O_RSYNC"},
    {O_SYNC, "O_SYNC"},
    {O_TRUNC, "O_TRUNC"},
    {0, ""},
};

static const struct classic_flag pipe2_flags[] = {
    {O_CLOEXEC, "O_CLOEXEC"},
    {O_DIRECT, "O_DIRECT"},
    {O_NONBLOCK, "O_NONBLOCK"},
    {0, ""},
};

static const struct classic_flag access_modes[] = {
    {R_OK, "R_OK"},
    {W_OK, "W_OK"},
    {X_OK, "X_OK"},
    {0, ""},
};

/* F_RDLCK is 0: a read lock shows as "0". */
static const struct classic_flag lock_types[] = {
    {F_RDLCK, "F_RDLCK"},
    {F_WRLCK, "F_WRLCK"},
    {F_UNLCK, "F_UNLCK"},
    {0, ""},
};

static const struct classic_flag fcntl_commands[] = {
    {F_DUPFD, "F_DUPFD"},	    {F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"},
    {F_GETFD, "F_GETFD"},	    {F_SETFD, "F_SETFD"},
    {F_GETFL, "F_GETFL"},	    {F_SETFL, "F_SETFL"},
    {F_SETLK, "F_SETLK"},	    {F_SETLKW, "F_SETLKW"},
    {F_GETLK, "F_GETLK"},	    {F_OFD_SETLK, "F_OFD_SETLK"},
    {F_OFD_SETLKW, "F_OFD_SETLKW"}, {F_OFD_GETLK, "F_OFD_GETLK"},
    {F_GETOWN, "F_GETOWN"},	    {F_SETOWN, "F_SETOWN"},
    {F_GETOWN_EX, "F_GETOWN_EX"},   {F_SETOWN_EX, "F_SETOWN_EX"},
    {F_GETSIG, "F_GETSIG"},	    {F_SETSIG, "F_SETSIG"},
    {F_SETLEASE, "F_SETLEASE"},	    {F_GETLEASE, "F_GETLEASE"},
    {F_NOTIFY, "F_NOTIFY"},	    {F_SETPIPE_SZ, "F_SETPIPE_SZ"},
    {F_GETPIPE_SZ, "F_GETPIPE_SZ"}, {F_ADD_SEALS, "F_ADD_SEALS"},
    {F_GET_SEALS, "F_GET_SEALS"},   {0, ""},
};

/*
 * The names of the flags set in v, in the table's order, each taking its
 * bits away, joined by " | "; what no name took, in hex; "0" for nothing.
 */
static void classic_flags(struct log_line *l, long v,
			  const struct classic_flag *names, int shown)
{
	for (; v != 0 && names->name[0] != '\0'; names++) {
		if ((v & names->value) == 0)
			continue;
		if (shown++)
			log_str(l, " | ");
		log_str(l, names->name);
		v &= ~names->value;
	}
	if (v != 0) {
		if (shown++)
			log_str(l, " | ");
		log_hex(l, (unsigned long)v);
	}
	if (!shown)
		log_char(l, '0');
}

static void classic_pointer(struct log_line *l, long v)
{
	static const char hex[] = "0123456789abcdef";

	if (v == 0) {
		log_str(l, "(null)");
		return;
	}
	log_str(l, "0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		log_char(l, hex[((unsigned long)v >> shift) & 0xf]);
}

static void classic_octal(struct log_line *l, unsigned long v)
{
	char digits[24];
	int n = 0;

	log_char(l, '0');
	do {
		digits[n++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v != 0);
	while (n > 0)
		log_char(l, digits[--n]);
}

static void classic_byte(struct log_line *l, unsigned char c)
{
	static const char escapes[] = "\n\t\r\a\b\f\v";
	static const char letters[] = "ntrabfv";

	if (c == '"' || c == '\\') {
		log_char(l, '\\');
		log_char(l, (char)c);
		return;
	}
	if (c >= 0x20 && c < 0x7f) {
		log_char(l, (char)c);
		return;
	}
	log_char(l, '\\');
	if (c == '\0') {
		log_char(l, '0');
		return;
	}
	for (int i = 0; escapes[i] != '\0'; i++) {
		if (escapes[i] == (char)c) {
			log_char(l, letters[i]);
			return;
		}
	}
	log_char(l, 'x');
	log_char(l, "0123456789abcdef"[c >> 4]);
	log_char(l, "0123456789abcdef"[c & 0xf]);
}

/*
 * A string (len < 0: up to its NUL) or a buffer, quoted and escaped. The
 * text inside the quotes stops once it reaches 122 characters, escapes
 * counted as written; "..." marks what was left out.
 */
static void classic_quoted(struct log_line *l, const char *s, long len)
{
	size_t end = l->len + 0x80 - 5;
	long i = 0;

	log_char(l, '"');
	while (l->len < end && (len < 0 ? s[i] != '\0' : i < len))
		classic_byte(l, (unsigned char)s[i++]);
	if (len < 0 ? s[i] != '\0' : i < len)
		log_str(l, "...");
	log_char(l, '"');
}

static void classic_open_flags(struct log_line *l, long flags)
{
	static const char access[][9] = {"O_RDONLY", "O_WRONLY", "O_RDWR", ""};
	int shown = 0;

	flags = (int)flags;
	if (flags == 0) {
		log_str(l, "O_RDONLY");
		return;
	}
	if (access[flags & O_ACCMODE][0] != '\0') {
		log_str(l, access[flags & O_ACCMODE]);
		shown = 1;
	}
	flags &= ~(long)O_ACCMODE;
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		/* O_TMPFILE holds O_DIRECTORY's bit, not shown apart */
		if (shown++)
			log_str(l, " | ");
		log_str(l, "O_TMPFILE");
		flags &= ~(long)O_TMPFILE;
	}
	classic_flags(l, flags, open_flags, shown);
}

static void classic_fcntl_command(struct log_line *l, long cmd)
{
	const struct classic_flag *c = fcntl_commands;

	log_dec(l, (int)cmd);
	log_str(l, " (");
	while (c->name[0] != '\0' && c->value != (int)cmd)
		c++;
	log_str(l, c->name[0] != '\0' ? c->name : "unknown");
	log_char(l, ')');
}

static void classic_whence(struct log_line *l, int whence)
{
	static const char names[][10] = {"SEEK_SET", "SEEK_CUR", "SEEK_END",
					 "SEEK_DATA", "SEEK_HOLE"};

	if (whence >= 0 && whence <= SEEK_HOLE)
		log_str(l, names[whence]);
	else
		log_hex(l, (unsigned long)(long)whence);
}

static void classic_flock(struct log_line *l, long v)
{
	const struct flock *fl = (const struct flock *)v;

	classic_pointer(l, v);
	if (fl == NULL)
		return;
	log_str(l, " ({.l_type = ");
	log_dec(l, fl->l_type);
	log_str(l, " (");
	classic_flags(l, fl->l_type, lock_types, 0);
	log_str(l, "), .l_whence = ");
	log_dec(l, fl->l_whence);
	log_str(l, " (");
	classic_whence(l, fl->l_whence);
	log_str(l, "), .l_start = ");
	log_dec(l, fl->l_start);
	log_str(l, ", .l_len = ");
	log_dec(l, fl->l_len);
	log_str(l, ", .l_pid = ");
	log_dec(l, fl->l_pid);
	log_str(l, "})");
}

/* known: the call returned result (0: the line before the call). */
static void classic_arg(struct log_line *l, char kind, const long *arg,
			int known, long result)
{
	long v = arg[0];
	int failed = !known || (result < 0 && result >= -4095);

	switch (kind) {
	case 'd':
		log_dec(l, v);
		break;
	case 'i':
	case 'f':
		log_dec(l, (int)v);
		break;
	case 'a':
		if ((int)v == AT_FDCWD)
			log_str(l, "AT_FDCWD");
		else
			log_dec(l, (int)v);
		break;
	case 'm':
		classic_octal(l, (unsigned long)v);
		break;
	case 'p':
		classic_pointer(l, v);
		break;
	case 's':
		if (v == 0)
			classic_pointer(l, v);
		else
			classic_quoted(l, (const char *)v, -1);
		break;
	case 'I':
		if (v == 0)
			classic_pointer(l, v);
		else
			classic_quoted(l, (const char *)v, arg[1]);
		break;
	case 'O':
		if (v == 0 || failed)
			classic_pointer(l, v);
		else
			classic_quoted(l, (const char *)v, result);
		break;
	case 'F':
		classic_open_flags(l, v);
		break;
	case 'c':
		classic_fcntl_command(l, v);
		break;
	case 'L':
		classic_flock(l, v);
		break;
	case 'C':
		classic_flags(l, v, clone_flags, 0);
		break;
	case 'w':
		classic_whence(l, (int)v);
		break;
	case '2':
		if (v == 0 || failed) {
			classic_pointer(l, v);
		} else {
			log_char(l, '[');
			log_dec(l, ((const int *)v)[0]);
			log_str(l, ", ");
			log_dec(l, ((const int *)v)[1]);
			log_char(l, ']');
		}
		break;
	case 'P':
		classic_flags(l, v, pipe2_flags, 0);
		break;
	case 'A':
		if ((int)v == F_OK)
			log_str(l, "F_OK");
		else
			classic_flags(l, (int)v, access_modes, 0);
		break;
	default:
		log_hex(l, (unsigned long)v);
		break;
	}
}

static int classic_has_mode(long flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static int classic_fcntl_locks(long cmd)
{
	switch ((int)cmd) {
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return 1;
	default:
		return 0;
	}
}

/* The entry of the call, with the arguments its flags say it has. */
static const char *classic_format(long nr, const long args[6])
{
	long count =
	    (long)(sizeof(classic_formats) / sizeof(classic_formats[0]));

	if (nr < 0 || nr >= count || classic_formats[nr][0] == '\0')
		return NULL;
	if (nr == SYS_open && classic_has_mode(args[1]))
		return "dsFm";
	if (nr == SYS_openat && classic_has_mode(args[2]))
		return "dasFm";
	if (nr == SYS_fcntl && classic_fcntl_locks(args[1]))
		return "dfcL";
	return classic_formats[nr];
}

static void classic_result(struct log_line *l, char kind, long result)
{
	if (result < 0 && result > -4096) {
		long count =
		    (long)(sizeof(classic_errors) / sizeof(classic_errors[0]));

		log_dec(l, result);
		log_char(l, ' ');
		if (-result < count && classic_errors[-result][0] != '\0')
			log_str(l, classic_errors[-result]);
		else
			log_str(l, "Unknown error");
		return;
	}
	switch (kind) {
	case 'p':
		classic_pointer(l, result);
		break;
	case 'x':
		log_hex(l, (unsigned long)result);
		break;
	case 'm':
		classic_octal(l, (unsigned long)result);
		break;
	default:
		log_dec(l, result);
		break;
	}
}

void intercept_log_classic(const struct patch_site *site, long nr,
			   const long args[6], long result, int known)
{
	struct log_line l = {0};
	const char *format = classic_format(nr, args);
	const char *arg;

	if (known && format != NULL && format[0] == '-')
		return;
	log_str(&l, site_object(site));
	log_char(&l, ' ');
	log_hex(&l, site->offset);
	log_str(&l, " -- ");
	if (format != NULL) {
		log_str(&l, log_syscall_name(nr));
		log_char(&l, '(');
		arg = format + 1;
	} else {
		log_str(&l, "syscall(");
		log_dec(&l, nr);
		log_str(&l, ", ");
		arg = "xxxxxx";
	}
	for (int i = 0; arg[i] != '\0'; i++) {
		if (i > 0)
			log_str(&l, ", ");
		classic_arg(&l, arg[i], &args[i], known, result);
	}
	log_char(&l, ')');
	if (format != NULL && format[0] == '-') {
		log_write(&l);
		return;
	}
	log_str(&l, " = ");
	if (known)
		classic_result(&l, format != NULL ? format[0] : 'd', result);
	else
		log_char(&l, '?');
	log_write(&l);
}
