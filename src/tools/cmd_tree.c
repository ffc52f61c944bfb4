// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_tree.c -- changing names and attributes in a pool: mv, ln, chmod,
 * chown, as the kernel's commands of those names do.
 */
#include "commands.h"
#include "copy.h"
#include "pool.h"
#include "side.h"
#include "tool.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How deep -R goes: a bound for a damaged pool's directory cycle. */
#define TREE_MAX_DEPTH 4096

/* DEST, or DEST/NAME of src when DEST is a directory (followed). */
static char *tree_target(const char *src, const char *dst, bool into_dir)
{
	char *base, *path;

	if (!into_dir)
		return strdup(dst);
	base = copy_basename(src);
	path = base ? side_join(dst, base) : NULL;
	free(base);
	return path;
}

static bool tree_is_dir(PMEMfilepool *pfp, const char *path)
{
	struct stat st;

	return pmemfile_stat(pfp, path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The operands of mv and ln: POOL SOURCE... DEST; with several sources
 * DEST must be a directory. Opens the pool; 0, or an exit status.
 */
static int tree_operands(const struct tool_command *cmd, int argc, char *argv[],
			 PMEMfilepool **pfp, bool *into_dir)
{
	if (argc < 3)
		return tool_usage_error(
		    cmd, "missing %s", argc == 0 ? "POOL and paths" : "a path");
	*pfp = pool_open(argv[0]);
	if (!*pfp)
		return TOOL_FAIL;
	*into_dir = tree_is_dir(*pfp, argv[argc - 1]);
	if (argc > 3 && !*into_dir) {
		tool_error("target '%s' is not a directory", argv[argc - 1]);
		pmemfile_pool_close(*pfp);
		return TOOL_FAIL;
	}
	return 0;
}

static int mv_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	bool into_dir;
	int ret;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	ret = tree_operands(cmd, argc, argv, &pfp, &into_dir);
	if (ret)
		return ret;
	for (int i = 1; i < argc - 1; i++) {
		char *to = tree_target(argv[i], argv[argc - 1], into_dir);

		if (!to || pmemfile_rename(pfp, argv[i], to) != 0) {
			tool_error("cannot move '%s' to '%s': %s", argv[i],
				   to ? to : argv[argc - 1],
				   strerror(to ? errno : ENOMEM));
			ret = TOOL_FAIL;
		}
		free(to);
	}
	pmemfile_pool_close(pfp);
	return ret;
}

static int ln_main(const struct tool_command *cmd, int argc, char *argv[])
{
	bool symbolic = false, force = false, into_dir;
	PMEMfilepool *pfp;
	struct stat st;
	int c, ret;

	while ((c = tool_getopt(cmd, argc, argv, "sf", NULL)) != -1) {
		if (c == 's')
			symbolic = true;
		else if (c == 'f')
			force = true;
	}
	argc -= optind;
	argv += optind;
	ret = tree_operands(cmd, argc, argv, &pfp, &into_dir);
	if (ret)
		return ret;
	for (int i = 1; i < argc - 1; i++) {
		char *to = tree_target(argv[i], argv[argc - 1], into_dir);
		int r = -1;

		if (to && force && pmemfile_lstat(pfp, to, &st) == 0 &&
		    !S_ISDIR(st.st_mode))
			pmemfile_unlink(pfp, to);
		if (to)
			r = symbolic ? pmemfile_symlink(pfp, argv[i], to)
				     : pmemfile_link(pfp, argv[i], to);
		if (r != 0) {
			tool_error("cannot create %s '%s' to '%s': %s",
				   symbolic ? "symbolic link" : "hard link",
				   to ? to : argv[argc - 1], argv[i],
				   strerror(to ? errno : ENOMEM));
			ret = TOOL_FAIL;
		}
		free(to);
	}
	pmemfile_pool_close(pfp);
	return ret;
}

/* What chmod and chown do to one file, and how they walk with -R. */
struct tree_change {
	PMEMfilepool *pfp;
	int (*apply)(struct tree_change *t, const char *path,
		     const struct stat *st, bool operand);
	bool recursive;
	/* a symbolic link named as an operand is followed (never in -R) */
	bool follow;
	const char *mode;
	mode_t umask;
	uid_t uid;
	gid_t gid;
	int failed;
};

static void tree_walk(struct tree_change *t, const char *path, bool operand,
		      unsigned depth);

/* A directory's entry, walked one level deeper (never an operand). */
struct tree_child {
	struct tree_change *t;
	unsigned depth;
};

static void tree_child(void *arg, const char *child)
{
	struct tree_child *c = arg;
	tree_walk(c->t, child, false, c->depth);
}

static void tree_walk(struct tree_change *t, const char *path, bool operand,
		      unsigned depth)
{
	struct side s = {t->pfp};
	struct stat st;
	int ret;

	if (depth > TREE_MAX_DEPTH) {
		tool_error("%s: %s", path, strerror(ELOOP));
		t->failed = 1;
		return;
	}
	ret = operand && t->follow ? side_stat(&s, path, &st)
				   : side_lstat(&s, path, &st);
	if (ret) {
		tool_error("cannot access '%s': %s", path, strerror(-ret));
		t->failed = 1;
		return;
	}
	if (t->apply(t, path, &st, operand) != 0)
		t->failed = 1;
	if (!t->recursive || !S_ISDIR(st.st_mode))
		return;
	struct tree_child c = {t, depth + 1};
	if (side_each_child(&s, path, tree_child, &c))
		t->failed = 1;
}

static int tree_change_main(struct tree_change *t, int argc, char *argv[])
{
	t->pfp = pool_open(argv[0]);
	if (!t->pfp)
		return TOOL_FAIL;
	t->umask = pmemfile_umask(t->pfp, 0);
	pmemfile_umask(t->pfp, t->umask);
	for (int i = 2; i < argc; i++)
		tree_walk(t, argv[i], true, 0);
	pmemfile_pool_close(t->pfp);
	return t->failed ? TOOL_FAIL : TOOL_OK;
}

/* Bits of the classes named by who ("ugoa"), with their special bits. */
static mode_t mode_who_bits(char who)
{
	switch (who) {
	case 'u':
		return S_ISUID | S_IRWXU;
	case 'g':
		return S_ISGID | S_IRWXG;
	case 'o':
		return S_ISVTX | S_IRWXO;
	default:
		return 07777;
	}
}

/* The permissions of class c of mode, copied to every class. */
static mode_t mode_copy(char c, mode_t mode)
{
	unsigned shift = c == 'u' ? 6 : c == 'g' ? 3 : 0;

	return ((mode >> shift) & 7) * 0111;
}

/* One clause of a symbolic mode: [ugoa]*([-+=]([rwxXst]*|[ugo]))+ */
static int mode_clause(const char **p, mode_t *mode, bool dir, mode_t umask)
{
	mode_t who = 0;
	bool any = false;

	for (; strchr("ugoa", **p) && **p; (*p)++)
		who |= mode_who_bits(**p);
	if (!strchr("+-=", **p) || !**p)
		return -1;
	while (**p && strchr("+-=", **p)) {
		char op = *(*p)++;
		mode_t mask = who ? who : 07777 & ~umask;
		mode_t bits = 0;

		if (**p && strchr("ugo", **p)) {
			bits = mode_copy(*(*p)++, *mode);
		} else {
			for (; **p && strchr("rwxXst", **p); (*p)++) {
				char c = **p;

				bits |= c == 'r'   ? 0444
					: c == 'w' ? 0222
					: c == 'x' ? 0111
					: c == 's' ? S_ISUID | S_ISGID
					: c == 't' ? S_ISVTX
					: (dir || (*mode & 0111)) ? 0111
								  : 0;
			}
		}
		bits &= mask;
		if (op == '+')
			*mode |= bits;
		else if (op == '-')
			*mode &= ~bits;
		else
			*mode = (*mode & ~(who ? who : 07777 & ~umask)) | bits;
		any = true;
	}
	return any ? 0 : -1;
}

/*
 * The new permissions from spec (octal, or symbolic as chmod(1) takes
 * them) and the old mode; -1 for a malformed spec.
 */
static int mode_apply(const char *spec, mode_t old, mode_t umask, mode_t *mode)
{
	bool dir = S_ISDIR(old);
	char *end;

	*mode = old & 07777;
	if (spec[0] >= '0' && spec[0] <= '7') {
		unsigned long v = strtoul(spec, &end, 8);

		if (*end || v > 07777)
			return -1;
		*mode = (mode_t)v;
		/* as chmod(1): a directory keeps its set-ID bits unless
		 * five digits say otherwise */
		if (dir && strlen(spec) < 5)
			*mode |= old & (S_ISUID | S_ISGID);
		return 0;
	}
	for (const char *p = spec;;) {
		if (mode_clause(&p, mode, dir, umask) != 0)
			return -1;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

static int chmod_apply(struct tree_change *t, const char *path,
		       const struct stat *st, bool operand)
{
	mode_t mode;

	(void)operand;
	/* a link met in a walk is left: its own mode means nothing */
	if (S_ISLNK(st->st_mode))
		return 0;
	mode_apply(t->mode, st->st_mode, t->umask, &mode);
	if (mode == (st->st_mode & 07777))
		return 0;
	if (pmemfile_chmod(t->pfp, path, mode) != 0) {
		tool_error("changing permissions of '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	return 0;
}

static int chmod_main(const struct tool_command *cmd, int argc, char *argv[])
{
	struct tree_change t = {.apply = chmod_apply, .follow = true};
	mode_t dummy;
	int c;

	while ((c = tool_getopt(cmd, argc, argv, "R", NULL)) != -1)
		t.recursive = true;
	argc -= optind;
	argv += optind;
	if (argc < 3)
		return tool_usage_error(cmd, "missing %s",
					argc == 0   ? "POOL, MODE and PATH"
					: argc == 1 ? "MODE and PATH"
						    : "PATH");
	t.mode = argv[1];
	if (mode_apply(t.mode, S_IFREG, 0, &dummy) != 0)
		return tool_usage_error(cmd, "invalid mode '%s'", t.mode);
	return tree_change_main(&t, argc, argv);
}

static int chown_apply(struct tree_change *t, const char *path,
		       const struct stat *st, bool operand)
{
	/* an operand is followed without -P (tree_walk stat'ed it) */
	bool follow = operand && t->follow;
	int r = follow ? pmemfile_chown(t->pfp, path, t->uid, t->gid)
		       : pmemfile_lchown(t->pfp, path, t->uid, t->gid);

	(void)st;
	if (r != 0) {
		tool_error("changing ownership of '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	return 0;
}

/* A user or group name of this system, or a number. */
static int chown_id(const char *text, bool group, unsigned *id)
{
	char *end;
	unsigned long v;

	if (group) {
		struct group *g = getgrnam(text);

		if (g) {
			*id = g->gr_gid;
			return 0;
		}
	} else {
		struct passwd *p = getpwnam(text);

		if (p) {
			*id = p->pw_uid;
			return 0;
		}
	}
	v = strtoul(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || v >= 0xffffffffUL)
		return -1;
	*id = (unsigned)v;
	return 0;
}

/* OWNER, OWNER:GROUP, :GROUP (either part left as it is when absent). */
static int chown_parse(char *spec, uid_t *uid, gid_t *gid)
{
	char *colon = strchr(spec, ':');
	unsigned id;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (colon)
		*colon = '\0';
	if (spec[0]) {
		if (chown_id(spec, false, &id) != 0)
			return -1;
		*uid = id;
	}
	if (colon && colon[1]) {
		if (chown_id(colon + 1, true, &id) != 0)
			return -1;
		*gid = id;
	}
	return spec[0] || (colon && colon[1]) ? 0 : -1;
}

static int chown_main(const struct tool_command *cmd, int argc, char *argv[])
{
	struct tree_change t = {.apply = chown_apply, .follow = true};
	char *spec;
	int c, ret;

	/* -h is --help for every command: chown's "no dereference" is -P */
	while ((c = tool_getopt(cmd, argc, argv, "RP", NULL)) != -1) {
		if (c == 'R')
			t.recursive = true;
		else if (c == 'P')
			t.follow = false;
	}
	/* as chown -R -P: no link is followed, operands neither */
	if (t.recursive)
		t.follow = false;
	argc -= optind;
	argv += optind;
	if (argc < 3)
		return tool_usage_error(cmd, "missing %s",
					argc == 0   ? "POOL, OWNER and PATH"
					: argc == 1 ? "OWNER and PATH"
						    : "PATH");
	spec = strdup(argv[1]);
	if (!spec || chown_parse(spec, &t.uid, &t.gid) != 0) {
		ret = tool_usage_error(cmd, "invalid owner '%s'", argv[1]);
		free(spec);
		return ret;
	}
	free(spec);
	return tree_change_main(&t, argc, argv);
}

const struct tool_command cmd_mv = {
    .name = "mv",
    .args = "POOL SOURCE... DEST",
    .summary = "Move or rename files and directories in the pool.",
    .help = "As mv(1): when DEST is a directory, each SOURCE goes into it "
	    "under its own\n"
	    "name; a file DEST is replaced.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = mv_main,
};

const struct tool_command cmd_ln = {
    .name = "ln",
    .args = "[-s] [-f] POOL TARGET... LINK",
    .summary = "Make hard or symbolic links in the pool.",
    .help = "As ln(1): when LINK is a directory, each link goes into it "
	    "under the name of\n"
	    "its TARGET. A symbolic link's TARGET is stored as given.\n"
	    "\n"
	    "  -s             make symbolic links\n"
	    "  -f             replace an existing LINK (not a directory)\n"
	    "" TOOL_HELP_OPTIONS,
    .run = ln_main,
};

const struct tool_command cmd_chmod = {
    .name = "chmod",
    .args = "[-R] POOL MODE PATH...",
    .summary = "Change the permissions of files in the pool.",
    .help = "MODE is octal (0755) or symbolic as chmod(1) takes it "
	    "(u+x,go-w, a=rX,\n"
	    "u+s, o+t). A symbolic link named as PATH is followed; one met "
	    "by -R is left.\n"
	    "\n"
	    "  -R             change the trees under directories too\n"
	    "" TOOL_HELP_OPTIONS,
    .run = chmod_main,
};

const struct tool_command cmd_chown = {
    .name = "chown",
    .args = "[-R] [-P] POOL OWNER[:GROUP] PATH...",
    .summary = "Change the owner and group of files in the pool.",
    .help = "OWNER and GROUP are numbers, or names of this system's user "
	    "and group\n"
	    "databases (a pool has none of its own); ':GROUP' changes the "
	    "group only.\n"
	    "A symbolic link named as PATH is followed, unless -P; -R never "
	    "follows one.\n"
	    "\n"
	    "  -R             change the trees under directories too\n"
	    "  -P             change a symbolic link itself (chown -h)\n"
	    "" TOOL_HELP_OPTIONS,
    .run = chown_main,
};
