// SPDX-License-Identifier: BSD-3-Clause
/*
 * net_jit.c -- the safety net (INTERCEPT_EXHAUSTIVE): system calls made by
 * code written at run time into an executable mapping, and by a syscall
 * instruction of this program (an object the library leaves unpatched),
 * reach the hook; the program's own SIGSYS handler, its signal masks, an
 * alternate signal stack, fork, vfork, execve and a new thread keep
 * working; INTERCEPT_EXHAUSTIVE=0, and the plain library's default, leave
 * the net off.
 *
 * Without arguments the program runs itself three times: with
 * INTERCEPT_EXHAUSTIVE=1 ("on"), =0 and unset ("off"). "log" makes three
 * calls for net_log.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

/* getppid, answered by the hook with 4242 while answer_getppid is set */
static volatile int answer_getppid;

static int extra(long nr, const long args[6], long *result)
{
	(void)args;
	if (nr == SYS_getppid && answer_getppid) {
		*result = 4242;
		return 0;
	}
	return 1;
}

/*
 * A function written at run time: mov $nr, %eax; mov %rcx, %r10;
 * syscall; ret -- called as long f(a0, a1, a2, a3).
 */
typedef long (*jit_fn)(long, long, long, long);

static jit_fn jit(long nr)
{
	uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t code[] = {0xb8, 0, 0, 0, 0, 0x49, 0x89, 0xca, 0x0f, 0x05, 0xc3};
	int32_t n = (int32_t)nr;

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memcpy(code + 1, &n, 4);
	memcpy(p, code, sizeof(code));
	CHECK(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0, "mprotect: %s",
	      strerror(errno));
	return (jit_fn)(uintptr_t)p;
}

/* A syscall instruction of this program, which only the net can see. */
long own_getppid(void);
extern const uint8_t own_getppid_site[];
__asm__(".text\n"
	".globl own_getppid\n"
	".type own_getppid, @function\n"
	"own_getppid:\n"
	"	movl $110, %eax\n"
	"	movq %rax, %rax\n"
	"	nop\n"
	".globl own_getppid_site\n"
	"own_getppid_site:\n"
	"	syscall\n"
	"	nop\n"
	"	nop\n"
	"	nop\n"
	"	ret\n"
	".size own_getppid, .-own_getppid\n");

static jit_fn jit_getppid;

/* Are the site's bytes still 0f 05? (read anew: patching changes them) */
static int site_unpatched(void)
{
	const volatile uint8_t *at = own_getppid_site;

	return at[0] == 0x0f && at[1] == 0x05;
}

static long real_ppid(void)
{
	return syscall_no_intercept(SYS_getppid);
}

/* One call of the stub: the hook sees it when on is set. */
static void check_one_jit_call(int on, const char *where)
{
	long before = hook_count_calls(SYS_getppid);
	long got = jit_getppid(0, 0, 0, 0);

	CHECK_EQ(got, real_ppid(), where);
	CHECK_EQ(hook_count_calls(SYS_getppid) - before, on ? 1 : 0, where);
}

static volatile int sigsys_seen;
static volatile int sigsys_code = -1;
static volatile int sigsys_pid;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	(void)sig;
	sigsys_seen++;
	sigsys_code = si->si_code;
	sigsys_pid = si->si_pid;
}

static void check_sigsys_handler(void)
{
	struct sigaction sa = {0}, old, now;
	sigset_t block, was;

	CHECK(sigaction(SIGSYS, NULL, &old) == 0, "sigaction");
	CHECK(old.sa_handler == SIG_DFL, "the program's SIGSYS action "
					 "starts as SIG_DFL");
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGSYS, &sa, NULL) == 0, "sigaction");
	CHECK(sigaction(SIGSYS, NULL, &now) == 0, "sigaction");
	CHECK(now.sa_sigaction == on_sigsys, "the program reads its handler");

	CHECK(kill(getpid(), SIGSYS) == 0, "kill");
	CHECK_EQ(sigsys_seen, 1, "SIGSYS from kill reached the handler");
	CHECK_EQ(sigsys_code, SI_USER, "its si_code");
	CHECK_EQ(sigsys_pid, getpid(), "its si_pid");
	/* the net still catches, the handler sees none of it */
	check_one_jit_call(1, "a stub call after sigaction(SIGSYS)");
	CHECK_EQ(sigsys_seen, 1, "dispatch SIGSYS kept from the handler");

	/* blocked by the program: a stub call still works, a kill waits */
	sigfillset(&block);
	CHECK(sigprocmask(SIG_BLOCK, &block, &was) == 0, "sigprocmask");
	CHECK(!sigismember(&was, SIGSYS), "SIGSYS was not blocked");
	check_one_jit_call(1, "a stub call with every signal blocked");
	CHECK(kill(getpid(), SIGSYS) == 0, "kill");
	CHECK_EQ(sigsys_seen, 1, "SIGSYS waits while blocked");
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now.sa_mask) == 0, "mask");
	CHECK(sigismember(&now.sa_mask, SIGSYS), "the program reads SIGSYS "
						 "blocked");
	CHECK(sigprocmask(SIG_SETMASK, &was, NULL) == 0, "sigprocmask");
	CHECK_EQ(sigsys_seen, 2, "SIGSYS delivered once unblocked");

	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	CHECK(sigaction(SIGSYS, &sa, NULL) == 0, "sigaction");
	CHECK(kill(getpid(), SIGSYS) == 0, "kill");
	check_one_jit_call(1, "a stub call with SIGSYS ignored");
	sa.sa_handler = SIG_DFL;
	CHECK(sigaction(SIGSYS, &sa, NULL) == 0, "sigaction");
}

/* No seccomp filter: the net is Syscall User Dispatch alone. */
static void check_no_seccomp(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0, "open /proc/self/status");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0, "read /proc/self/status");
	buf[n] = '\0';
	CHECK(strstr(buf, "\nSeccomp:\t0\n") != NULL, "no seccomp mode");
}

static volatile long altstack_result;
static volatile uintptr_t altstack_where;

static void on_usr1(int sig)
{
	int here;

	(void)sig;
	altstack_where = (uintptr_t)&here;
	altstack_result = jit_getppid(0, 0, 0, 0);
}

static void check_sigaltstack(void)
{
	static char stack[65536];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof(stack)};
	struct sigaction sa = {0};
	long before = hook_count_calls(SYS_getppid);

	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	CHECK(raise(SIGUSR1) == 0, "raise");
	CHECK_EQ(altstack_result, real_ppid(), "a stub call on the altstack");
	CHECK(altstack_where >= (uintptr_t)stack &&
		  altstack_where < (uintptr_t)stack + sizeof(stack),
	      "the handler ran on the alternate stack");
	CHECK_EQ(hook_count_calls(SYS_getppid) - before, 1,
		 "the hook saw the call on the altstack");
}

static void *thread_main(void *arg)
{
	(void)arg;
	check_one_jit_call(1, "a stub call in a new thread");
	return NULL;
}

static int wait_status(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return st;
}

static void check_children(const char *self)
{
	pthread_t t;
	pid_t pid;

	CHECK(pthread_create(&t, NULL, thread_main, NULL) == 0, "thread");
	CHECK(pthread_join(t, NULL) == 0, "join");

	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		check_one_jit_call(1, "a stub call in a fork child");
		_exit(0);
	}
	CHECK_EQ(wait_status(pid), 0, "the fork child's status");

	/* a fork by a clone of run-time code: the child has the net too */
	{
		jit_fn jit_clone = jit(SYS_clone);
		long clones = atomic_load(&hook_count.clone_parent);

		pid = (pid_t)jit_clone(SIGCHLD, 0, 0, 0);
		if (pid == 0) {
			check_one_jit_call(1, "a stub call in a stub's child");
			_exit(0);
		}
		CHECK(pid > 0, "clone by a stub: %ld", (long)pid);
		CHECK_EQ(wait_status(pid), 0, "the stub clone child's status");
		CHECK_EQ(atomic_load(&hook_count.clone_parent) - clones, 1,
			 "clone_parent hook calls for the stub's clone");
	}

	/* the new image arms the net again (the library is linked) */
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		execl(self, self, "child-on", (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(wait_status(pid), 0, "the executed child's status");

	pid = vfork();
	CHECK(pid >= 0, "vfork");
	if (pid == 0) {
		execl(self, self, "child-on", (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(wait_status(pid), 0, "the vfork child's status");
	check_one_jit_call(1, "a stub call after vfork");

	/*
	 * A vfork child that sets SIGSYS to its default, as posix_spawn's
	 * child does before its execve, and then makes a stub call: the net
	 * catches it (the kernel's action stays the net's; the child reads
	 * its own), and the parent's action is the parent's still. Before,
	 * the child's SIG_DFL reached the kernel, and the stub call killed
	 * the child with SIGSYS.
	 */
	{
		struct sigaction before, after;
		struct sigaction ign = {.sa_handler = SIG_IGN};
		struct sigaction dfl = {.sa_handler = SIG_DFL};

		CHECK(sigaction(SIGSYS, NULL, &before) == 0, "sigaction");
		pid = vfork();
		CHECK(pid >= 0, "vfork");
		if (pid == 0) {
			struct sigaction now;
			long calls = hook_count_calls(SYS_getppid);

			if (sigaction(SIGSYS, &ign, NULL) != 0 ||
			    sigaction(SIGSYS, NULL, &now) != 0 ||
			    now.sa_handler != SIG_IGN)
				_exit(2);
			if (sigaction(SIGSYS, &dfl, NULL) != 0)
				_exit(3);
			if (jit_getppid(0, 0, 0, 0) != real_ppid())
				_exit(4);
			_exit(hook_count_calls(SYS_getppid) - calls == 1 ? 0
									 : 5);
		}
		CHECK_EQ(wait_status(pid), 0,
			 "the status of a vfork child that made a stub call "
			 "with SIGSYS at its default");
		CHECK(sigaction(SIGSYS, NULL, &after) == 0, "sigaction");
		CHECK(after.sa_handler == before.sa_handler,
		      "the parent's SIGSYS action after its vfork child set "
		      "its own");
		check_one_jit_call(1, "a stub call after that vfork");
	}

	/* an ignored and blocked SIGSYS passes to the new program */
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct sigaction ign = {.sa_handler = SIG_IGN};
		sigset_t sys;

		sigemptyset(&sys);
		sigaddset(&sys, SIGSYS);
		CHECK(sigaction(SIGSYS, &ign, NULL) == 0, "sigaction");
		CHECK(sigprocmask(SIG_BLOCK, &sys, NULL) == 0, "sigprocmask");
		execl(self, self, "child-inherit", (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(wait_status(pid), 0, "the child given SIGSYS ignored");
}

/* Executed with SIGSYS ignored and blocked: the program sees both. */
static void run_child_inherit(void)
{
	struct sigaction now;
	sigset_t mask;

	CHECK(sigaction(SIGSYS, NULL, &now) == 0, "sigaction");
	CHECK(now.sa_handler == SIG_IGN, "SIGSYS still ignored after execve");
	CHECK(sigprocmask(SIG_SETMASK, NULL, &mask) == 0, "sigprocmask");
	CHECK(sigismember(&mask, SIGSYS), "SIGSYS still blocked");
	check_one_jit_call(1, "a stub call with SIGSYS ignored and blocked");
	CHECK(kill(getpid(), SIGSYS) == 0, "kill");
}

/* The site of this program: caught once, then patched and fast. */
static void check_patch_after_net(void)
{
	long before = hook_count_calls(SYS_getppid);

	CHECK(site_unpatched(), "the program's site starts unpatched");
	CHECK_EQ(own_getppid(), real_ppid(), "first call of the site");
	CHECK(!site_unpatched(), "the site is patched after the net caught it");
	for (int i = 0; i < 3; i++)
		CHECK_EQ(own_getppid(), real_ppid(), "a call of the site");
	CHECK_EQ(hook_count_calls(SYS_getppid) - before, 4,
		 "the hook saw every call of the site");
}

static void run_on(const char *self)
{
	check_one_jit_call(1, "a stub call");
	answer_getppid = 1;
	CHECK_EQ(jit_getppid(0, 0, 0, 0), 4242, "the hook's answer");
	answer_getppid = 0;
	check_no_seccomp();
	check_sigsys_handler();
	check_sigaltstack();
	check_children(self);
	check_patch_after_net();
}

static void run_off(void)
{
	struct sigaction real;
	long before = hook_count_calls(SYS_getppid);

	check_one_jit_call(0, "a stub call with the net off");
	CHECK_EQ(own_getppid(), real_ppid(), "the program's own site");
	CHECK(site_unpatched(), "the program's site stays unpatched");
	CHECK_EQ(hook_count_calls(SYS_getppid), before, "calls seen");
	/* no SIGSYS handler of the library's */
	CHECK(syscall_no_intercept(SYS_rt_sigaction, SIGSYS, 0L, &real, 8) == 0,
	      "rt_sigaction");
	CHECK(real.sa_handler == SIG_DFL, "SIGSYS left alone");
}

static void run_self(const char *self, const char *mode, const char *env)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (env != NULL)
			setenv("INTERCEPT_EXHAUSTIVE", env, 1);
		else
			unsetenv("INTERCEPT_EXHAUSTIVE");
		execl(self, self, mode, (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(wait_status(pid), 0, mode);
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	CHECK(n > 0, "readlink");
	self[n] = '\0';
	hook_count_extra = extra;
	jit_getppid = jit(SYS_getppid);
	if (argc > 1 && strcmp(argv[1], "on") == 0) {
		run_on(self);
	} else if (argc > 1 && strcmp(argv[1], "child-inherit") == 0) {
		run_child_inherit();
	} else if (argc > 1 && strcmp(argv[1], "child-on") == 0) {
		check_one_jit_call(1, "a stub call in the executed image");
	} else if (argc > 1 && strcmp(argv[1], "log") == 0) {
		/* a few calls for net_log.sh: one stub call, two of the site */
		CHECK_EQ(jit_getppid(0, 0, 0, 0), real_ppid(), "a stub call");
		CHECK_EQ(own_getppid(), real_ppid(), "the site's first call");
		CHECK_EQ(own_getppid(), real_ppid(), "the site's second call");
	} else if (argc > 1 && strcmp(argv[1], "off") == 0) {
		run_off();
	} else {
		run_self(self, "on", "1");
		run_self(self, "off", "0");
		run_self(self, "off", NULL);
		printf("the net catches run-time code and keeps signals, "
		       "children and exec working\n");
	}
	return 0;
}
