/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * preload.c -- the shim's entry: reads the environment before main, then
 * sees every system call of the process through the interception hook and
 * sends it to its handler (syscall_table.c) or straight to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

#include "cwd.h"
#include "exec_env.h"
#include "exec_fds.h"
#include "exec_ldso.h"
#include "fd_table.h"
#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "path.h"
#include "preload.h"
#include "../../pmemfile/shim_calls.h"
#include "syscall_table.h"
#include "sys.h"

__thread int preload_guard __attribute__((tls_model("initial-exec")));
__thread int preload_in_vfork __attribute__((tls_model("initial-exec")));
__thread int preload_routed __attribute__((tls_model("initial-exec")));
pid_t preload_pid;
bool preload_exit_on_not_supported;

/*
 * The interceptor's safety net is on by default here: a system call of code
 * written at run time, or of an object left unpatched, on a mount path must
 * reach the mount too (INTERCEPT_EXHAUSTIVE=0 turns it off).
 */
const int intercept_exhaustive_default __attribute__((visibility("hidden"))) =
    1;

long preload_not_supported(const char *what)
{
	preload_routed = 1;
	log_printf("not supported: %s", what);
	if (preload_exit_on_not_supported) {
		static const char msg[] = "libpmemfile: a call is not "
					  "supported on a pool file, "
					  "aborting (PMEMFILE_EXIT_ON_NOT_"
					  "SUPPORTED=1)\n";
		syscall_no_intercept(SYS_write, 2, msg, sizeof(msg) - 1);
		abort();
	}
	return -ENOTSUP;
}

/*
 * Whether a call made while this thread is already inside the shim (from
 * a signal handler) names a pool descriptor or an absolute path under a
 * mount. The pool may be locked by the interrupted code, so such a call
 * fails (EDEADLK) rather than wait for it forever.
 */
/*
 * The descriptor a call names, -1 if none: argument 0, but for the calls
 * whose argument 0 is an address or a number (the library's own mmap of
 * memory, inside the shim, must not be taken for a pool's because fd 0
 * is one).
 */
static int preload_nested_fd(long nr, const long a[6])
{
	switch (nr) {
	case SYS_mmap:
		return (a[3] & MAP_ANONYMOUS) ? -1 : (int)a[4];
	case SYS_munmap:
	case SYS_mremap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_brk:
	case SYS_shmat:
	case SYS_shmdt:
	case SYS_getcwd:
	case SYS_umask:
	case SYS_setuid:
	case SYS_setgid:
	case SYS_setreuid:
	case SYS_setregid:
	case SYS_setresuid:
	case SYS_setresgid:
	case SYS_setfsuid:
	case SYS_setfsgid:
	case SYS_setgroups:
		return -1;
	default:
		return (int)a[0];
	}
}

static bool preload_nested_in_pool(long nr, const struct syscall_entry *e,
				   const long a[6])
{
	int fd = preload_nested_fd(nr, a);
	if (!(e->path_args & 1) && fd >= 0 && fd_is_pool(fd))
		return true;
	for (int i = 0; i < 6; ++i) {
		const char *p = (const char *)a[i];
		if ((e->path_args & (1u << i)) && p && p[0] == '/' &&
		    mount_find_prefix(p))
			return true;
	}
	return false;
}

/*
 * A child sharing its parent's memory (vfork, posix_spawn) may run on a
 * small stack: glibc gives posix_spawn's child 32 KiB and its arguments. A
 * handler there may open a pool for the first time (the segment joined, a
 * keeper process started) and resolves paths in 4 KiB buffers, which
 * overflowed it (SIGSEGV): it runs on a stack of the shim's, one per
 * thread of the parent, kept for the next child (a thread's children take
 * turns: the thread waits for each while it runs).
 */
#define VFORK_STACK_SIZE (512 << 10)
static __thread char *vfork_stack __attribute__((tls_model("initial-exec")));

/* fn(a) with the stack pointer at top (16-byte aligned). */
long preload_on_stack(syscall_handler fn, const long *a, void *top)
    __attribute__((visibility("hidden")));
__asm__(".text\n"
	".globl preload_on_stack\n"
	".hidden preload_on_stack\n"
	".type preload_on_stack, @function\n"
	"preload_on_stack:\n"
	".cfi_startproc\n"
	"	push %rbp\n"
	".cfi_def_cfa_offset 16\n"
	".cfi_offset %rbp, -16\n"
	"	mov %rsp, %rbp\n"
	".cfi_def_cfa_register %rbp\n"
	"	mov %rdx, %rsp\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	call *%rax\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	".cfi_def_cfa %rsp, 8\n"
	"	ret\n"
	".cfi_endproc\n"
	".size preload_on_stack, .-preload_on_stack\n");

/*
 * The regions a thread's vfork children used, its stack here and its
 * directory's page (cwd.c), are unmapped when the thread ends: a program
 * whose threads each start a program and end (a pool of workers that come
 * and go) kept 516 KiB of address space and two or three maps more for
 * each (40 such threads: 38 maps after the first, 135 after the last).
 */
static pthread_key_t vfork_key;
static pthread_once_t vfork_key_once = PTHREAD_ONCE_INIT;
static bool vfork_key_made;
static __thread bool vfork_key_set __attribute__((tls_model("initial-exec")));

static void vfork_regions_free(void *unused)
{
	(void)unused;
	if (vfork_stack != NULL)
		syscall_no_intercept(SYS_munmap, vfork_stack, VFORK_STACK_SIZE);
	vfork_stack = NULL;
	cwd_vfork_free();
}

static void vfork_key_make(void)
{
	vfork_key_made =
	    pthread_key_create(&vfork_key, vfork_regions_free) == 0;
}

/* In the parent, resumed: the thread's regions go with it. */
static void vfork_regions_keep(void)
{
	if (vfork_key_set || (vfork_stack == NULL && !cwd_vfork_mapped()))
		return;
	pthread_once(&vfork_key_once, vfork_key_make);
	vfork_key_set =
	    vfork_key_made && pthread_setspecific(vfork_key, (void *)1) == 0;
}

static long preload_vfork_call(syscall_handler fn, const long *a)
{
	if (vfork_stack == NULL) {
		/* in the parent's memory: its next children use it too */
		void *m = (void *)syscall_no_intercept(
		    SYS_mmap, 0L, VFORK_STACK_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		    0);
		if (syscall_error_code((long)m) != 0)
			return fn(a);
		/* the lowest page a guard */
		syscall_no_intercept(SYS_mprotect, m, 4096, PROT_NONE);
		vfork_stack = m;
	}
	return preload_on_stack(fn, a, vfork_stack + VFORK_STACK_SIZE);
}

/*
 * A vfork, or a clone sharing the memory that the parent waits for
 * (posix_spawn): no fork handler runs for it.
 */
static bool preload_is_vfork(long nr, long a0)
{
	if (nr == SYS_vfork)
		return true;
	if (nr == SYS_clone)
		return (a0 & CLONE_VFORK) != 0;
	if (nr == SYS_clone3 && a0 != 0)
		return (((const struct clone_args *)a0)->flags & CLONE_VFORK) !=
		       0;
	return false;
}

static int preload_hook(long nr, long a0, long a1, long a2, long a3, long a4,
			long a5, long *result)
{
	if (nr == SYS_exit_group && !preload_guard) {
		/* what other processes still use goes to a keeper process */
		preload_guard = 1;
		pmemfile_process_exit();
		return 1;
	}
	if (!preload_guard && preload_is_vfork(nr, a0)) {
		/* the child passes the cwd's path on (fork: cwd_refresh too) */
		preload_guard = 1;
		cwd_refresh();
		preload_guard = 0;
		return 1;
	}
	const struct syscall_entry *e = syscall_entry_of(nr);
	if (e == NULL)
		return 1;
	if (e->fd0 && !fd_is_pool((int)a0))
		return 1;
	const long a[6] = {a0, a1, a2, a3, a4, a5};
	if (preload_guard) {
		if (!preload_nested_in_pool(nr, e, a))
			return 1;
		log_printf("%s from a signal handler inside the shim: EDEADLK",
			   syscall_entry_name(e));
		*result = -EDEADLK;
		return 0;
	}
	preload_guard = 1;
	int saved_errno = errno;
	preload_routed = 0;
	long ret = preload_in_vfork ? preload_vfork_call(e->handler, a)
				    : e->handler(a);
	if (ret != PRELOAD_PASS && preload_routed) {
		map_refresh();
		if (log_enabled())
			log_call(nr, a, ret);
	}
	errno = saved_errno;
	preload_guard = 0;
	if (ret == PRELOAD_PASS)
		return 1;
	*result = ret;
	return 0;
}

/*
 * The pid the interceptor's net learned when it was armed and in each fork
 * child (0 while it is off): the shim's own, without a getpid.
 */
long intercept_net_pid_seen __attribute__((visibility("hidden")));

static void preload_clone_child(unsigned long flags, void *stack, int *ptid,
				int *ctid, long tls)
{
	(void)stack, (void)ptid, (void)ctid, (void)tls;
	if (flags & CLONE_VFORK) {
		preload_in_vfork = 1;
		pmemfile_process_vfork((pid_t)syscall_no_intercept(SYS_getpid));
	} else if (!(flags & CLONE_VM)) {
		/* the net's, unless it is off (0, or still the parent's) */
		long seen = intercept_net_pid_seen;
		preload_pid = seen != 0 && seen != preload_pid
				  ? (pid_t)seen
				  : (pid_t)syscall_no_intercept(SYS_getpid);
		pmemfile_process_forked();
	}
}

static void preload_clone_parent(unsigned long flags, void *stack, int *ptid,
				 int *ctid, long tls, long pid)
{
	(void)stack, (void)ptid, (void)ctid, (void)tls;
	/*
	 * The vfork child ran on this thread's memory: its execve left the
	 * guard set (a successful execve never returns to clear it).
	 */
	if (flags & CLONE_VFORK) {
		preload_in_vfork = 0;
		pmemfile_process_vfork(0);
		preload_guard = 1;
		fd_vfork_done();
		cwd_vfork_done();
		mount_vfork_done();
		exec_vfork_done();
		vfork_regions_keep();
		preload_guard = 0;
	}
	(void)pid;
}

/*
 * PMEMFILE_CD in a mount (what execve passes on): the directory is kept as
 * a path, without the pool. The pool may be held by another process now
 * (the parent, the other side of a pipeline), and a process that stayed in
 * the kernel's directory instead would read other files by their relative
 * names. Each use of the directory goes through the gate, which fails with
 * EIO while the pool cannot be had. The path is made canonical lexically;
 * the shim passes one without symlinks.
 */
static bool preload_start_in_mount(const char *dir)
{
	char canon[PMEMFILE_PATH_MAX];
	size_t n = strlen(dir);

	if (dir[0] != '/' || n >= sizeof(canon))
		return false;
	memcpy(canon, dir, n + 1);
	if (mount_canonical(canon) == 0)
		return false;
	struct preload_mount *m = mount_find_prefix(canon);
	if (m == NULL)
		return false;
	cwd_set(m, canon[m->path_len] ? canon + m->path_len : "/");
	if (log_enabled())
		log_printf("PMEMFILE_CD: %s, the pool opens at its first use",
			   canon);
	return true;
}

/* PMEMFILE_CD: start in that directory (of a mount, or the kernel's). */
static void preload_start_dir(const char *dir)
{
	long a[6] = {(long)dir};

	if (preload_start_in_mount(dir))
		return;
	preload_guard = 1;
	long ret = sys_chdir(a);
	preload_guard = 0;
	if (ret == PRELOAD_PASS)
		ret = syscall_no_intercept(SYS_chdir, dir);
	if (ret < 0) {
		static const char msg[] =
		    "libpmemfile: PMEMFILE_CD: cannot enter the directory\n";
		syscall_no_intercept(SYS_write, 2, msg, sizeof(msg) - 1);
		if (preload_exit_on_not_supported)
			syscall_no_intercept(SYS_exit_group, 1);
	}
}

/*
 * A program started in the kernel's directory behind a mount point (it
 * existed, and the shell went there natively) is in the mount.
 */
static void preload_adopt_kernel_cwd(void)
{
	char cwd[PMEMFILE_PATH_MAX];

	if (syscall_no_intercept(SYS_getcwd, cwd, sizeof(cwd)) < 0)
		return;
	struct preload_mount *m = mount_find_prefix(cwd);
	if (m != NULL)
		cwd_set(m, cwd[m->path_len] ? cwd + m->path_len : "/");
}

static void preload_fork_prepare(void)
{
	cwd_refresh();
	cwd_fork_prepare();
	mount_fork_prepare();
	fd_table_fork_prepare();
}

static void preload_fork_done(void)
{
	fd_table_fork_done();
	mount_fork_done();
	cwd_fork_done();
}

/*
 * PMEMFILE_KEEPER=pool: this process was started to hold the pool for
 * other processes (preload_spawn_keeper); it does that instead of
 * running the program, and exits when no process uses the pool.
 */
static void preload_keeper(const char *pool)
{
	preload_guard = 1;
	pmemfile_pool_keep(pool);
	syscall_no_intercept(SYS_exit_group, 0);
}

/*
 * A copy of a holder that exits goes on as a keeper process (keeper.c):
 * as preload_keeper's, none of its calls is the program's.
 */
void preload_keeper_copy(void)
{
	preload_guard = 1;
}

/* glibc gives an object's constructors the program's argc, argv and envp */
static __attribute__((constructor)) void preload_init(int argc, char **argv,
						      char **envp)
{
	const char *keeper = secure_getenv("PMEMFILE_KEEPER");
	if (keeper != NULL && keeper[0] != '\0')
		preload_keeper(keeper);
	/* a set-user-ID program mounts nothing and logs nowhere for its
	 * caller */
	const char *pools = secure_getenv("PMEMFILE_POOLS");
	const char *exit_env = secure_getenv("PMEMFILE_EXIT_ON_NOT_SUPPORTED");
	const char *log = secure_getenv("PMEMFILE_PRELOAD_LOG");
	const char *cd = secure_getenv("PMEMFILE_CD");

	preload_pid = intercept_net_pid_seen != 0
			  ? (pid_t)intercept_net_pid_seen
			  : (pid_t)syscall_no_intercept(SYS_getpid);
	exec_ldso_adopt();
	if (pools == NULL || pools[0] == '\0')
		return;
	preload_exit_on_not_supported = exit_env && strcmp(exit_env, "1") == 0;
	if (log != NULL && log[0] != '\0')
		log_init(log);
	mount_init(pools);
	if (mount_count == 0)
		return;
	pmemfile_own_fds_watch();
	exec_env_init();
	pthread_atfork(preload_fork_prepare, preload_fork_done,
		       preload_fork_done);
	(void)argc;
	path_note_start_memory(argv, envp);
	intercept_hook_point_clone_child_args = preload_clone_child;
	intercept_hook_point_clone_parent_args = preload_clone_parent;
	intercept_hook_point = preload_hook;
	exec_fds_adopt();
	if (cd != NULL && cd[0] != '\0')
		preload_start_dir(cd);
	else
		preload_adopt_kernel_cwd();
}
