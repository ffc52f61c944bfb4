/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net.c -- the safety net: a system call made outside the patched sites
 * (code written at run time, inline assembly in an object left unpatched, a
 * site the patcher could not patch) still reaches the hook.
 *
 * Syscall User Dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH, Linux 5.11)
 * makes the kernel turn every system call of a thread into a SIGSYS while
 * the thread's selector byte says BLOCK, except the calls made from one
 * range of addresses: this library's text. Every call of this library is
 * made there (syscall_no_intercept, the entry of the trampolines, the
 * gadgets of entry.S), so the selector stays BLOCK; only the real clone,
 * clone3 and vfork of a trampoline, made in the trampoline, are let through
 * by flipping it to ALLOW around them.
 *
 * The SIGSYS handler asks the hook as a trampoline would (intercept_dispatch)
 * and puts the result in the interrupted context. A site of an object that
 * was left unpatched by choice is then patched, when the process has one
 * thread, and the handler returns into its trampoline, which makes the
 * call: this one and the next take the fast path.
 *
 * The dispatch state is not inherited by new threads or processes and is
 * cleared by execve: each thread or child arms itself (after_clone), the
 * new image of an execve arms again if this library is loaded into it.
 *
 * The kernel forces a dispatch SIGSYS: blocked, it would kill the process.
 * So SIGSYS is never blocked for real: the program's masks reach the kernel
 * without it, and the net remembers whether the program blocked it (a SIGSYS
 * sent then waits until the program unblocks it). The program's SIGSYS
 * action is kept here too: sigaction(SIGSYS) reads and sets that one, and a
 * SIGSYS not from dispatch is handed to it.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "libsyscall_intercept_hook_point.h"
#include "intercept.h"
#include "log.h"
#include "net.h"

#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#define DISPATCH_ALLOW 0
#define DISPATCH_BLOCK 1
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2
#endif
#define KSA_RESTORER 0x04000000UL
#define SIGSYS_BIT (1UL << (SIGSYS - 1))
#define CLONE_VM_FLAG 0x100UL
#define CLONE_VFORK_FLAG 0x4000UL

/* The kernel's struct sigaction (rt_sigaction), 8-byte masks. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

#define TLS __thread __attribute__((tls_model("initial-exec")))

int intercept_net_on;
static uintptr_t net_lo, net_hi;
/*
 * The process the SIGSYS action below belongs to: a child sharing its
 * parent's memory (vfork, posix_spawn) keeps its own (child_sigsys).
 */
static long net_pid;

/*
 * Defined by the object the archive is linked into when it wants that
 * pid too (the preload shim): written with net_pid, so that it needs no
 * getpid of its own.
 */
extern long intercept_net_pid_seen __attribute__((weak, visibility("hidden")));

static void net_learn_pid(void)
{
	net_pid = intercept_syscall_raw(SYS_getpid);
	if (&intercept_net_pid_seen != NULL)
		intercept_net_pid_seen = net_pid;
}

static TLS unsigned char selector;
/* the program blocked SIGSYS; one SIGSYS that came meanwhile */
static TLS int sigsys_blocked;
static TLS int sigsys_pending;
static TLS siginfo_t sigsys_info;

/* The program's SIGSYS action: what it set, not what the kernel has. */
static struct ksigaction program_sigsys;
/*
 * The SIGSYS action of a child sharing this memory (vfork, posix_spawn),
 * which runs on its parent thread's TLS while that thread waits for its
 * execve or exit: its own, so that the parent's stays as it was. The
 * kernel's action stays the net's in the child as well: posix_spawn resets
 * every handled signal before its execve, and a dispatch SIGSYS then (a
 * library loaded at the child's first use of a pool) would kill the child.
 */
static TLS struct ksigaction child_sigsys;
static TLS long child_sigsys_pid;

/* This process's SIGSYS action as the program set it. */
static struct ksigaction *program_action(void)
{
	long pid = intercept_syscall_raw(SYS_getpid);

	if (pid == net_pid)
		return &program_sigsys;
	if (child_sigsys_pid != pid) {
		child_sigsys = program_sigsys; /* the parent's, inherited */
		child_sigsys_pid = pid;
	}
	return &child_sigsys;
}

/*
 * The sites the net caught, for the log (each is logged once) and for the
 * patch after it. When the table is full, the later sites share one
 * descriptor.
 */
#define NET_SITES 256
#define NET_NAME 160

struct net_site {
	uintptr_t addr; /* the syscall instruction, 0 for a free slot */
	int ready;
	struct site_head head; /* its own: no entries, no raw stubs */
	struct patch_site site;
	char name[NET_NAME];
};

#define NET_HEAD                                    \
	((int64_t)offsetof(struct net_site, head) - \
	 (int64_t)offsetof(struct net_site, site))

static struct net_site net_sites[NET_SITES];
static struct net_site net_overflow = {
    .ready = 1,
    .head = {.object = "[more sites]", .how = SITE_CAUGHT_BY_NET},
    .site = {.head = NET_HEAD}};

static long raw_sigprocmask(int how, const unsigned long *set,
			    unsigned long *old)
{
	return intercept_syscall_raw(SYS_rt_sigprocmask, how, set, old, 8);
}

static void log_caught(const struct net_site *s, long nr)
{
	struct log_line l = {0};

	if (intercept_log_fd < 0)
		return;
	log_str(&l, "intercept: ");
	log_str(&l, log_basename(s->head.object));
	log_char(&l, ' ');
	log_hex(&l, s->site.offset);
	log_str(&l, " caught by the net: ");
	log_str(&l, log_syscall_name(nr));
	log_write(&l);
}

/*
 * The descriptor of the site at addr; *fresh set when it was caught for
 * the first time (its caller then logs it and tries to patch it).
 */
static struct net_site *site_at(uintptr_t addr, int *fresh)
{
	size_t h = (addr * 0x9e3779b97f4a7c15ULL) >> 56;

	*fresh = 0;
	for (size_t i = 0; i < NET_SITES; i++) {
		struct net_site *s = &net_sites[(h + i) % NET_SITES];
		uintptr_t seen = __atomic_load_n(&s->addr, __ATOMIC_ACQUIRE);
		uintptr_t base;

		if (seen == addr) {
			while (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE))
				;
			return s;
		}
		if (seen != 0 || !__atomic_compare_exchange_n(
				     &s->addr, &seen, addr, 0, __ATOMIC_ACQ_REL,
				     __ATOMIC_ACQUIRE)) {
			if (seen == addr) {
				while (!__atomic_load_n(&s->ready,
							__ATOMIC_ACQUIRE))
					;
				return s;
			}
			continue;
		}
		base = intercept_object_at(addr, s->name, sizeof(s->name));
		s->head.object = s->name;
		s->head.how = SITE_CAUGHT_BY_NET;
		s->site.head = NET_HEAD;
		s->site.offset = addr - base;
		s->site.return_to = (int64_t)(addr + 2 - (uintptr_t)&s->site);
		__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
		*fresh = 1;
		return s;
	}
	return &net_overflow;
}

/*
 * Another clone, a clone3 or vfork: made again by a gadget of this library's
 * text, which leaves for back in both the caller and the child. The child runs
 * without the net (its dispatch state is not inherited) and without the
 * clone hooks.
 */
static int remake_clone(greg_t *g, uintptr_t back)
{
	for (int i = 0; i < NET_GADGETS; i++) {
		uintptr_t seen =
		    __atomic_load_n(&intercept_net_return[i], __ATOMIC_ACQUIRE);

		if (seen != back &&
		    (seen != 0 || !__atomic_compare_exchange_n(
				      &intercept_net_return[i], &seen, back, 0,
				      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)))
			continue;
		g[REG_RIP] = (greg_t)(intercept_net_gadgets +
				      (size_t)i * NET_GADGET_SIZE);
		return 0;
	}
	return -1;
}

/*
 * A clone that makes a process on a copy of the caller's stack (no
 * CLONE_VM, no new stack), as fork does: made here, like fork through
 * intercept_dispatch, with the hook asked, the child armed and the clone
 * hooks called in both.
 */
static int is_fork_like(long nr, const long args[6])
{
	return nr == SYS_clone && !((unsigned long)args[0] & CLONE_VM_FLAG) &&
	       args[1] == 0;
}

static long net_fork(long nr, const long args[6])
{
	long result;

	if (intercept_hook_point != NULL &&
	    intercept_hook_point(nr, args[0], args[1], args[2], args[3],
				 args[4], args[5], &result) == 0)
		return result;
	result = intercept_syscall_raw(nr, args[0], args[1], args[2], args[3],
				       args[4], args[5]);
	intercept_net_after_clone(nr, (unsigned long)args[0], result);
	intercept_clone_hooks(nr, args, result);
	return result;
}

/* A system call the kernel stopped at: as the hook and the kernel say. */
static void net_caught(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t ip = (uintptr_t)g[REG_RIP];
	long nr = g[REG_RAX];
	struct intercept_regs regs = {.args = {g[REG_RDI], g[REG_RSI],
					       g[REG_RDX], g[REG_R10],
					       g[REG_R8], g[REG_R9]},
				      .rax = nr};
	struct intercept_action act;
	uintptr_t resume = 0;
	int fresh;
	struct net_site *s = site_at(ip - 2, &fresh);

	if (fresh) {
		log_caught(s, nr);
		/* the call made again by the trampoline, as the next ones */
		if (intercept_patch_after_net(ip - 2, &resume) == 1) {
			s->head.how = SITE_PATCHED_AFTER_NET;
			g[REG_RIP] = (greg_t)resume;
			return;
		}
	}
	if (nr == SYS_rt_sigreturn) {
		/* the frame at the stack pointer, from our own syscall */
		g[REG_RIP] = (greg_t)intercept_net_sigreturn;
		return;
	}
	if (is_fork_like(nr, regs.args)) {
		g[REG_RAX] = net_fork(nr, regs.args);
		return;
	}
	if (nr == SYS_clone || nr == 435 /* clone3 */ || nr == SYS_vfork) {
		if (remake_clone(g, ip) != 0) {
			intercept_log_msg("intercept: no gadget left for a "
					  "clone the net caught",
					  NULL);
			g[REG_RAX] = -EAGAIN;
		}
		return;
	}
	regs.site = &s->site;
	act = intercept_dispatch(&regs);
	if (act.raw == 2)
		act.value = intercept_syscall_raw(
		    nr, regs.args[0], regs.args[1], regs.args[2], regs.args[3],
		    regs.args[4], regs.args[5]);
	g[REG_RAX] = act.value;
}

/* A SIGSYS of the program's own, handed to its action. */
static void run_program_action(siginfo_t *si, void *uc)
{
	struct ksigaction *pa = program_action();
	struct ksigaction a = *pa;
	unsigned long mask = a.mask & ~SIGSYS_BIT;
	int was_blocked = sigsys_blocked;

	if (sigsys_blocked) {
		sigsys_info = *si;
		sigsys_pending = 1;
		return;
	}
	if (a.handler == SIG_IGN)
		return;
	if (a.handler == SIG_DFL) {
		/* its default: end the process, with a core */
		struct ksigaction dfl = {.handler = SIG_DFL};

		intercept_syscall_raw(SYS_rt_sigaction, SIGSYS, &dfl, 0L, 8);
		intercept_syscall_raw(
		    SYS_tgkill, intercept_syscall_raw(SYS_getpid),
		    intercept_syscall_raw(SYS_gettid), SIGSYS);
		return;
	}
	if (a.flags & SA_RESETHAND)
		pa->handler = SIG_DFL;
	/* its mask, until it returns (the kernel restores the frame's) */
	raw_sigprocmask(SIG_BLOCK, &mask, NULL);
	if (!(a.flags & SA_NODEFER) || (a.mask & SIGSYS_BIT))
		sigsys_blocked = 1;
	if (a.flags & SA_SIGINFO)
		((void (*)(int, siginfo_t *, void *))a.handler)(SIGSYS, si, uc);
	else
		((void (*)(int))a.handler)(SIGSYS);
	sigsys_blocked = was_blocked;
}

/* A SIGSYS sent while the program blocked it, once it no longer does. */
static void deliver_pending(void)
{
	siginfo_t si;

	if (!sigsys_pending || sigsys_blocked)
		return;
	sigsys_pending = 0;
	si = sigsys_info;
	intercept_syscall_raw(SYS_rt_tgsigqueueinfo,
			      intercept_syscall_raw(SYS_getpid),
			      intercept_syscall_raw(SYS_gettid), SIGSYS, &si);
}

static void net_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;

	(void)sig;
	if (si->si_code == SYS_USER_DISPATCH)
		net_caught(uc);
	else
		run_program_action(si, uc);
	errno = saved_errno;
}

void intercept_net_arm_thread(void)
{
	selector = DISPATCH_BLOCK;
	intercept_syscall_raw(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH,
			      PR_SYS_DISPATCH_ON, net_lo, net_hi - net_lo,
			      &selector);
}

int intercept_net_start(uintptr_t lo, uintptr_t hi)
{
	struct ksigaction ours = {.handler = (void *)net_handler,
				  .flags = SA_SIGINFO | SA_NODEFER |
					   SA_RESTART | KSA_RESTORER,
				  .restorer = (void *)intercept_net_restorer};
	unsigned long unblock = SIGSYS_BIT;
	unsigned long old = 0;
	long r;

	net_lo = lo;
	net_hi = hi;
	net_learn_pid();
	selector = DISPATCH_ALLOW;
	r = intercept_syscall_raw(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH,
				  PR_SYS_DISPATCH_ON, lo, hi - lo, &selector);
	if (r != 0)
		return (int)r;
	intercept_syscall_raw(SYS_rt_sigaction, SIGSYS, &ours, &program_sigsys,
			      8);
	raw_sigprocmask(SIG_UNBLOCK, &unblock, &old);
	sigsys_blocked = (old & SIGSYS_BIT) != 0;
	intercept_net_on = 1;
	selector = DISPATCH_BLOCK;
	return 0;
}

void intercept_net_allow(void)
{
	selector = DISPATCH_ALLOW;
}

void intercept_net_after_clone(long nr, unsigned long flags, long result)
{
	if (result != 0) {
		selector = DISPATCH_BLOCK;
		return;
	}
	/*
	 * The child: a thread with a TLS of its own arms with its own
	 * selector; a vfork child, or a thread sharing its parent's TLS,
	 * shares the parent's byte; a process has a copy of it.
	 */
	(void)nr;
	if (!(flags & CLONE_VM_FLAG))
		net_learn_pid();
	intercept_net_arm_thread();
}

/* A signal mask the kernel is given: the program's, but never SIGSYS. */
static const unsigned long *without_sigsys(const unsigned long *set,
					   unsigned long *copy)
{
	if (set == NULL)
		return NULL;
	*copy = *set & ~SIGSYS_BIT;
	return copy;
}

static long net_sigaction(const long args[6])
{
	const struct ksigaction *act = (const struct ksigaction *)args[1];
	struct ksigaction *old = (struct ksigaction *)args[2];
	struct ksigaction copy = {0};

	if (args[3] != 8)
		return intercept_syscall_raw(SYS_rt_sigaction, args[0], args[1],
					     args[2], args[3]);
	if (args[0] == SIGSYS) {
		struct ksigaction *pa = program_action();
		if (act != NULL)
			copy = *act;
		if (old != NULL)
			*old = *pa;
		if (act != NULL)
			*pa = copy;
		return 0;
	}
	if (act == NULL)
		return intercept_syscall_raw(SYS_rt_sigaction, args[0], 0L, old,
					     8);
	copy = *act;
	copy.mask &= ~SIGSYS_BIT;
	/* the return from the handler, made inside this library's text */
	if (copy.flags & KSA_RESTORER)
		copy.restorer = (void *)intercept_net_restorer;
	return intercept_syscall_raw(SYS_rt_sigaction, args[0], &copy, old, 8);
}

static long net_sigprocmask(const long args[6])
{
	const unsigned long *set = (const unsigned long *)args[1];
	unsigned long *old = (unsigned long *)args[2];
	unsigned long copy = 0;
	int was = sigsys_blocked;
	int now = was;
	long r;

	if (args[3] != 8)
		return intercept_syscall_raw(SYS_rt_sigprocmask, args[0],
					     args[1], args[2], args[3]);
	if (set != NULL) {
		int in = (*set & SIGSYS_BIT) != 0;

		if (args[0] == SIG_BLOCK)
			now = was || in;
		else if (args[0] == SIG_UNBLOCK)
			now = was && !in;
		else if (args[0] == SIG_SETMASK)
			now = in;
	}
	r = intercept_syscall_raw(SYS_rt_sigprocmask, args[0],
				  without_sigsys(set, &copy), old, 8);
	if (r != 0)
		return r;
	if (old != NULL && was)
		*old |= SIGSYS_BIT;
	sigsys_blocked = now;
	deliver_pending();
	return r;
}

long intercept_net_no_intercept(long nr, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
	const long args[6] = {a0, a1, a2, a3, a4, a5};

	if (intercept_net_filtered(nr))
		return intercept_net_syscall(nr, args);
	return intercept_syscall_raw(nr, a0, a1, a2, a3, a4, a5);
}

/*
 * An execve: the new program gets the SIGSYS action and mask the program
 * set (only an ignored SIGSYS survives an execve, as with the kernel), the
 * real ones for the instant of the call, back if it fails. The call is
 * made from this library's text: nothing traps in between.
 */
static long net_execve(long nr, const long args[6])
{
	struct ksigaction ign = {.handler = SIG_IGN};
	struct ksigaction ours;
	unsigned long bit = SIGSYS_BIT;
	int ignored = program_action()->handler == SIG_IGN;
	int blocked = sigsys_blocked;
	long r;

	if (ignored)
		intercept_syscall_raw(SYS_rt_sigaction, SIGSYS, &ign, &ours, 8);
	if (blocked)
		raw_sigprocmask(SIG_BLOCK, &bit, NULL);
	r = intercept_syscall_raw(nr, args[0], args[1], args[2], args[3],
				  args[4], args[5]);
	if (blocked)
		raw_sigprocmask(SIG_UNBLOCK, &bit, NULL);
	if (ignored)
		intercept_syscall_raw(SYS_rt_sigaction, SIGSYS, &ours, 0L, 8);
	return r;
}

long intercept_net_syscall(long nr, const long args[6])
{
	unsigned long copy;
	long a[6];

	memcpy(a, args, sizeof(a));
	switch (nr) {
	case SYS_rt_sigaction:
		return net_sigaction(args);
	case SYS_rt_sigprocmask:
		return net_sigprocmask(args);
	case SYS_execve:
	case SYS_execveat:
		return net_execve(nr, args);
	case SYS_rt_sigsuspend:
		if (a[1] == 8)
			a[0] = (long)without_sigsys(
			    (const unsigned long *)args[0], &copy);
		break;
	case SYS_ppoll:
		if (a[4] == 8)
			a[3] = (long)without_sigsys(
			    (const unsigned long *)args[3], &copy);
		break;
	case SYS_epoll_pwait:
	case 441: /* epoll_pwait2 */
		if (a[5] == 8)
			a[4] = (long)without_sigsys(
			    (const unsigned long *)args[4], &copy);
		break;
	case SYS_pselect6: {
		/* { const sigset_t *ss; size_t ss_len; } */
		const long *pair = (const long *)args[5];
		long pcopy[2];

		if (pair != NULL && pair[1] == 8) {
			pcopy[0] = (long)without_sigsys(
			    (const unsigned long *)pair[0], &copy);
			pcopy[1] = 8;
			return intercept_syscall_raw(nr, a[0], a[1], a[2], a[3],
						     a[4], pcopy);
		}
		break;
	}
	default:
		break;
	}
	return intercept_syscall_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
