// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_cp.c -- pmemfile cp: files and trees copied into a pool, out of it,
 * or within it. Paths in the pool are written with a leading ':'.
 */
#include "commands.h"
#include "copy.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ":/a/b" is /a/b of the pool; anything else a file of the kernel. */
static bool cp_in_pool(const char *arg)
{
	return arg[0] == ':';
}

static const char *cp_path(const char *arg)
{
	return cp_in_pool(arg) ? (arg[1] ? arg + 1 : "/") : arg;
}

/*
 * Whether the directory src (of the side) is dst's parent directory or one
 * of its ancestors: walks up from that parent by "..", comparing inodes.
 */
static bool cp_into_itself(const struct side *s, const char *src,
			   const char *dst)
{
	struct stat sst, st, root;
	char *base = copy_basename(dst), *p;
	size_t len = strlen(dst);
	bool inside = false;

	if (!base || side_stat(s, src, &sst) != 0 || !S_ISDIR(sst.st_mode) ||
	    side_stat(s, "/", &root) != 0) {
		free(base);
		return false;
	}
	while (len > 1 && dst[len - 1] == '/')
		len--;
	len -= strlen(base) > len ? len : strlen(base);
	free(base);
	if (asprintf(&p, "%.*s.", (int)len, dst) < 0)
		return false;
	for (int depth = 0; depth < 4096; depth++) {
		char *up;

		if (side_stat(s, p, &st) != 0)
			break;
		if (st.st_dev == sst.st_dev && st.st_ino == sst.st_ino) {
			inside = true;
			break;
		}
		if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
			break;
		if (asprintf(&up, "%s/..", p) < 0)
			break;
		free(p);
		p = up;
	}
	free(p);
	return inside;
}

static int cp_one(struct copy *c, const char *src, const char *dst,
		  bool into_dir)
{
	char *base, *target = NULL;
	int ret;

	if (into_dir) {
		base = copy_basename(src);
		target = base ? side_join(dst, base) : NULL;
		free(base);
		if (!target) {
			tool_error("%s", strerror(ENOMEM));
			return -1;
		}
		dst = target;
	}
	if (c->from == c->to && c->recursive &&
	    cp_into_itself(c->from, src, dst)) {
		tool_error("cannot copy the directory '%s' into itself, '%s'",
			   src, dst);
		free(target);
		return -1;
	}
	ret = copy_path(c, src, dst);
	free(target);
	return ret;
}

static int cp_main(const struct tool_command *cmd, int argc, char *argv[])
{
	bool recursive = false, preserve = false, into_dir;
	struct side pool = {NULL}, kernel = {NULL};
	const struct side *from = NULL, *to;
	const char *dst;
	struct stat st;
	struct copy c;
	int ch, ret = TOOL_OK;

	while ((ch = tool_getopt(cmd, argc, argv, "rRa", NULL)) != -1) {
		if (ch == 'r' || ch == 'R')
			recursive = true;
		else if (ch == 'a')
			recursive = preserve = true;
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		return tool_usage_error(cmd, "missing %s",
					argc == 0 ? "POOL, SOURCE and DEST"
						  : "SOURCE or DEST");
	dst = argv[argc - 1];
	for (int i = 1; i < argc - 1; i++) {
		if (from && cp_in_pool(argv[i]) != (from == &pool))
			return tool_usage_error(
			    cmd, "the sources must be all in the pool (':') "
				 "or all outside it");
		from = cp_in_pool(argv[i]) ? &pool : &kernel;
	}
	to = cp_in_pool(dst) ? &pool : &kernel;
	if (from == &kernel && to == &kernel)
		return tool_usage_error(cmd, "no path in the pool (a pool "
					     "path starts with ':')");
	pool.pfp = pool_open(argv[0]);
	if (!pool.pfp)
		return TOOL_FAIL;
	dst = cp_path(dst);
	into_dir = side_stat(to, dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (argc > 3 && !into_dir) {
		tool_error("target '%s' is not a directory", dst);
		pmemfile_pool_close(pool.pfp);
		return TOOL_FAIL;
	}
	copy_init(&c, from, to);
	c.recursive = recursive;
	c.preserve = preserve;
	for (int i = 1; i < argc - 1; i++)
		if (cp_one(&c, cp_path(argv[i]), dst, into_dir) != 0 ||
		    c.failed)
			ret = TOOL_FAIL;
	copy_fini(&c);
	pmemfile_pool_close(pool.pfp);
	return ret;
}

const struct tool_command cmd_cp = {
    .name = "cp",
    .args = "[-r] [-a] POOL SOURCE... DEST",
    .summary = "Copy files and trees into, out of or within the pool.",
    .help = "A path in the pool is written with a leading ':' (':/dir', "
	    "':/'); any other\n"
	    "path is a file of the kernel's file systems (write ./:x for a "
	    "local file\n"
	    "whose name starts with ':'). The sources are all in the pool "
	    "or all outside\n"
	    "it. As cp(1): when DEST is a directory, each SOURCE goes into "
	    "it under its\n"
	    "own name. Each file is written under a temporary name and "
	    "renamed when\n"
	    "complete: a failed copy leaves no partial file.\n"
	    "\n"
	    "  -r, -R         copy directories and everything in them "
	    "(symbolic links\n"
	    "                 as links)\n"
	    "  -a             as -r, and keep modes, owners, times and hard "
	    "links\n" TOOL_HELP_OPTIONS,
    .run = cp_main,
};
