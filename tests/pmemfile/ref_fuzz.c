// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_fuzz -- random sequences of operations on names, run on the kernel
 * and on a pool and compared as every ref_* case is (see ref.h): paths
 * with ".", "..", "//", trailing slashes, symlinks (dangling, looping,
 * through directories), names of 255 bytes (longer ones meet the known
 * bug of ref_rename's long-name-order), and the calls that
 * create, remove, rename, link, open, read, write, truncate, stat and
 * change directory on them. Each case is named after its seed, so that a
 * difference is run again alone with REF_CASE="seed N". 40 cases by
 * default, 2,000 with STRESS=1, REF_FUZZ_CASES=n for n; REF_FUZZ_SHOW=n
 * prints the operations of case n.
 */
#include "ref.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPS 40

static const char *const paths[] = {
    "a",	 "b",	    "a/b",  "a/c",   "b/a",    "a/./b",
    "a/b/..",	 "a/../b",  "..",   ".",     "/",      "a/",
    "s",	 "s/b",	    "s/",   "t",     "a/b/c",  "",
    "/a/../a/b", "a//b",    "s/..", "loop",  "loop/x", "a/b/./",
    "d/e",	 "../../a", "a/s",  "a/s/b", NULL, /* 255 bytes */
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static const char *const targets[] = {"a",  "b", "a/b",	 "/a", "loop",
				      "..", "/", "none", "s/b"};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static uint64_t rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state >> 11) % n;
}

static const char *path(void)
{
	static char n255[256];
	if (!n255[0])
		memset(n255, 'n', 255);
	unsigned i = rnd(NPATHS);
	return paths[i] ? paths[i] : n255;
}

static struct ref_op random_op(int line)
{
	struct ref_op op = {.line = line, .h = REF_CWD, .h2 = REF_CWD};
	int slot = 1 + (int)rnd(3);
	switch (rnd(17)) {
	case 0:
		op.code = REF_OPEN;
		op.out = slot;
		op.p = path();
		op.a = (long[]){O_RDONLY,
				O_CREAT | O_WRONLY,
				O_CREAT | O_EXCL | O_RDWR,
				O_RDONLY | O_DIRECTORY,
				O_WRONLY | O_TRUNC,
				O_RDWR | O_NOFOLLOW}[rnd(6)];
		op.b = 0644;
		break;
	case 1:
		op.code = REF_CLOSE;
		op.h = slot;
		break;
	case 2:
		op.code = REF_WRITE;
		op.h = slot;
		op.a = 1 + rnd(9000);
		break;
	case 3:
		op.code = REF_PREAD;
		op.h = slot;
		op.a = 100;
		op.c = rnd(10000);
		break;
	case 4:
		op.code = REF_MKDIR;
		op.p = path();
		op.b = 0755;
		break;
	case 5:
		op.code = REF_UNLINK;
		op.p = path();
		op.a = rnd(2) ? AT_REMOVEDIR : 0;
		break;
	case 6:
		op.code = REF_RMDIR;
		op.p = path();
		break;
	case 7:
		op.code = REF_LINK;
		op.p = path();
		op.p2 = path();
		op.a = rnd(2) ? AT_SYMLINK_FOLLOW : 0;
		break;
	case 8:
		op.code = REF_SYMLINK;
		op.p = targets[rnd(NTARGETS)];
		op.p2 = path();
		break;
	case 9:
		op.code = REF_READLINK;
		op.p = path();
		op.a = 64;
		break;
	case 10:
	case 11:
		op.code = REF_RENAME;
		op.p = path();
		op.p2 = path();
		op.a =
		    (long[]){0, 0, RENAME_NOREPLACE, RENAME_EXCHANGE}[rnd(4)];
		break;
	case 12:
		op.code = REF_STAT;
		op.p = path();
		op.a = rnd(2) ? AT_SYMLINK_NOFOLLOW : 0;
		break;
	case 13:
		op.code = REF_CHDIR;
		op.p = path();
		break;
	case 14:
		op.code = REF_GETCWD;
		op.a = 256;
		break;
	case 15:
		op.code = REF_TRUNCATE;
		op.p = path();
		op.c = rnd(3) * 5000;
		break;
	default:
		/* read from its start: names made after a handle read to
		 * its end may or may not show (POSIX leaves it open) */
		op.code = REF_DIRLIST;
		op.h = 4;
		op.a = 4096;
		break;
	}
	return op;
}

/* The operations at o (room for 3): one, or a directory listed. */
static int random_ops(struct ref_op *o, int line)
{
	o[0] = random_op(line);
	if (o[0].code != REF_DIRLIST)
		return 1;
	o[1] = o[0];
	o[0] = (struct ref_op){.code = REF_OPEN,
			       .line = line,
			       .h = REF_CWD,
			       .out = 4,
			       .p = path(),
			       .a = O_RDONLY | O_DIRECTORY};
	o[2] = (struct ref_op){.code = REF_CLOSE, .line = line, .h = 4};
	return 3;
}

static const char *const code_names[REF_CODES] = {
    [REF_OPEN] = "open",	 [REF_CLOSE] = "close",
    [REF_WRITE] = "write",	 [REF_PREAD] = "pread",
    [REF_MKDIR] = "mkdir",	 [REF_UNLINK] = "unlink",
    [REF_RMDIR] = "rmdir",	 [REF_LINK] = "link",
    [REF_SYMLINK] = "symlink",	 [REF_READLINK] = "readlink",
    [REF_RENAME] = "rename",	 [REF_STAT] = "stat",
    [REF_CHDIR] = "chdir",	 [REF_GETCWD] = "getcwd",
    [REF_TRUNCATE] = "truncate", [REF_DIRLIST] = "dirlist",
};

/* REF_FUZZ_SHOW=n: the operations of case n, one a line. */
static void show(const struct ref_op *o)
{
	for (; o->code != REF_END; o++)
		printf("%d %s h=%d out=%d p=%s p2=%s a=%ld b=%ld c=%ld\n",
		       o->line, code_names[o->code], o->h, o->out,
		       o->p ? o->p : "-", o->p2 ? o->p2 : "-", o->a, o->b,
		       o->c);
}

int main(void)
{
	size_t ncases = getenv("STRESS") ? 2000
			: getenv("REF_FUZZ_CASES")
			    ? strtoul(getenv("REF_FUZZ_CASES"), NULL, 10)
			    : 40;
	struct ref_case *cases = calloc(ncases, sizeof(*cases));
	struct ref_op *ops = calloc(ncases * (OPS + 3), sizeof(*ops));
	char *names = calloc(ncases, 32);
	if (!cases || !ops || !names)
		return 1;
	for (size_t i = 0; i < ncases; i++) {
		unsigned seed = (unsigned)i + 1;
		rnd_state = 0x9e3779b97f4a7c15ULL * seed;
		struct ref_op *o = &ops[i * (OPS + 3)];
		int k = 0;
		for (int line = 1; k < OPS; line++)
			k += random_ops(o + k, line);
		o[k].code = REF_END;
		snprintf(names + 32 * i, 32, "seed %u", seed);
		cases[i].name = names + 32 * i;
		cases[i].ops = o;
	}
	const char *shown = getenv("REF_FUZZ_SHOW");
	if (shown && strtoul(shown, NULL, 10) - 1 < ncases) {
		show(cases[strtoul(shown, NULL, 10) - 1].ops);
		return 0;
	}
	return ref_main("ref_fuzz", cases, ncases);
}
