// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref.c -- runs each case on both backends, each in a forked child writing
 * its results into shared memory, and compares them operation by operation.
 */
#include "ref_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const op_names[REF_CODES] = {
    [REF_OPEN] = "open",
    [REF_CLOSE] = "close",
    [REF_DUP] = "dup",
    [REF_READ] = "read",
    [REF_WRITE] = "write",
    [REF_PREAD] = "pread",
    [REF_PWRITE] = "pwrite",
    [REF_READV] = "readv",
    [REF_WRITEV] = "writev",
    [REF_PREADV] = "preadv",
    [REF_PWRITEV] = "pwritev",
    [REF_LSEEK] = "lseek",
    [REF_STAT] = "fstatat",
    [REF_FSTAT] = "fstat",
    [REF_SAME_INODE] = "same-inode",
    [REF_GETDENTS] = "getdents",
    [REF_DIRLIST] = "getdents-all",
    [REF_MKDIR] = "mkdirat",
    [REF_UNLINK] = "unlinkat",
    [REF_RMDIR] = "rmdir",
    [REF_LINK] = "linkat",
    [REF_SYMLINK] = "symlinkat",
    [REF_READLINK] = "readlinkat",
    [REF_RENAME] = "renameat2",
    [REF_CHDIR] = "chdir",
    [REF_FCHDIR] = "fchdir",
    [REF_GETCWD] = "getcwd",
    [REF_TRUNCATE] = "truncate",
    [REF_FTRUNCATE] = "ftruncate",
    [REF_FALLOCATE] = "fallocate",
    [REF_POSIX_FALLOCATE] = "posix_fallocate",
    [REF_FCNTL] = "fcntl",
    [REF_UMASK] = "umask",
    [REF_CHMOD] = "fchmodat",
    [REF_FCHMOD] = "fchmod",
    [REF_CHOWN] = "fchownat",
    [REF_FCHOWN] = "fchown",
    [REF_ACCESS] = "faccessat",
    [REF_UTIMENS] = "utimensat",
    [REF_FUTIMENS] = "futimens",
    [REF_CREDS] = "set credentials",
};

const char *ref_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/dev/shm";
}

struct shared {
	volatile int progress;
	struct ref_result res[];
};

static struct shared *shared_alloc(size_t nres)
{
	size_t size = sizeof(struct shared) + nres * sizeof(struct ref_result);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void shared_free(struct shared *s, size_t nres)
{
	munmap(s, sizeof(struct shared) + nres * sizeof(struct ref_result));
}

/* Runs the case in a child; returns 0 when it completed and left all well. */
static int run_in_child(const struct ref_backend *be, unsigned n,
			const struct ref_case *c, size_t nops,
			struct shared *sh)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		sh->progress = -1;
		int r = be->setup(n);
		if (r) {
			fprintf(stderr, "%s: setup failed: %s\n", be->name,
				strerror(-r));
			_exit(3);
		}
		ref_run_case(be, c->ops, sh->res, &sh->progress);
		sh->progress = (int)nops;
		ref_walk(be, &sh->res[nops]);
		_exit(be->teardown(n) ? 2 : 0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status)) {
		int at = sh->progress;
		printf("FAIL %s: %s died of signal %d %s%d\n", c->name,
		       be->name, WTERMSIG(status),
		       at >= 0 && (size_t)at < nops
			   ? "at the operation of line "
			   : "after operation ",
		       at >= 0 && (size_t)at < nops ? c->ops[at].line : at);
		return -1;
	}
	if (WEXITSTATUS(status)) {
		printf("FAIL %s: %s %s\n", c->name, be->name,
		       WEXITSTATUS(status) == 2
			   ? "left an inconsistent pool (see above)"
			   : "could not run the case");
		return -1;
	}
	return 0;
}

static void print_out(const char *who, const struct ref_result *r)
{
	printf("    %-8s ret=%ld", who, r->ret);
	if (r->ret == -1)
		printf(" errno=%s",
		       strerrorname_np(r->err) ? strerrorname_np(r->err) : "?");
	if (r->len) {
		printf(" out(%zu)=\"", r->len);
		for (size_t i = 0; i < r->len && i < 600; i++) {
			unsigned char ch = (unsigned char)r->out[i];
			if (ch == '\n')
				printf("\\n");
			else if (ch < 32 || ch > 126)
				printf("\\x%02x", ch);
			else
				putchar(ch);
		}
		printf("%s\"", r->len > 600 ? "..." : "");
	}
	printf("\n");
}

static int same(const struct ref_result *a, const struct ref_result *b)
{
	return a->ret == b->ret && a->err == b->err && a->len == b->len &&
	       !memcmp(a->out, b->out, a->len);
}

static int compare(const struct ref_case *c, size_t nops,
		   const struct ref_backend *ref, const struct shared *rs,
		   const struct ref_backend *tst, const struct shared *ts)
{
	int diffs = 0, dump = getenv("REF_DUMP") != NULL;
	for (size_t i = 0; i <= nops; i++) {
		if (dump && i < nops) {
			printf("line %d %s:\n", c->ops[i].line,
			       op_names[c->ops[i].code]);
			print_out(ref->name, &rs->res[i]);
		}
		if (same(&rs->res[i], &ts->res[i]))
			continue;
		if (i < nops)
			printf("FAIL %s: line %d %s(%s%s%s) differs:\n",
			       c->name, c->ops[i].line,
			       op_names[c->ops[i].code],
			       c->ops[i].p ? c->ops[i].p : "",
			       c->ops[i].p2 ? ", " : "",
			       c->ops[i].p2 ? c->ops[i].p2 : "");
		else
			printf("FAIL %s: the trees left differ:\n", c->name);
		print_out(ref->name, &rs->res[i]);
		print_out(tst->name, &ts->res[i]);
		if (++diffs == 5) {
			printf("    (further differences not shown)\n");
			break;
		}
	}
	return diffs;
}

static int run_case(unsigned n, const struct ref_case *c,
		    const struct ref_backend *ref,
		    const struct ref_backend *tst)
{
	size_t nops = 0;
	while (c->ops[nops].code != REF_END)
		nops++;
	struct shared *rs = shared_alloc(nops + 1);
	struct shared *ts = shared_alloc(nops + 1);
	int fail = run_in_child(ref, 2 * n, c, nops, rs) != 0;
	if (!fail)
		fail = run_in_child(tst, 2 * n + 1, c, nops, ts) != 0 ||
		       compare(c, nops, ref, rs, tst, ts) != 0;
	shared_free(rs, nops + 1);
	shared_free(ts, nops + 1);
	return fail;
}

int ref_compare(const char *test, const struct ref_case *cases, size_t ncases,
		const struct ref_backend *ref, const struct ref_backend *tst)
{
	const char *only = getenv("REF_CASE");
	int bugs =
	    getenv("REF_KNOWN_BUGS") && !strcmp(getenv("REF_KNOWN_BUGS"), "1");
	unsigned failed = 0, run = 0;

	for (size_t i = 0; i < ncases; i++) {
		const struct ref_case *c = &cases[i];
		if (only && strcmp(only, c->name))
			continue;
		if (c->bug && !bugs) {
			printf("not run: %s (known library bug: %s)\n", c->name,
			       c->bug);
			continue;
		}
		run++;
		if (run_case((unsigned)i, c, ref, tst))
			failed++;
		else
			printf("ok %s\n", c->name);
	}
	printf("%s: %u of %u cases differ between %s and %s\n", test, failed,
	       run, ref->name, tst->name);
	if (run == 0) {
		printf("no case run\n");
		return 1;
	}
	return failed ? 1 : 0;
}

int ref_main(const char *test, const struct ref_case *cases, size_t ncases)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0) {
		printf("the kernel reference needs root (chroot, setresuid)\n");
		return 77;
	}
	return ref_compare(test, cases, ncases, &ref_kernel, &ref_pmemfile);
}
