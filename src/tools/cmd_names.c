// SPDX-License-Identifier: BSD-3-Clause
/* cmd_names.c -- adding and removing names in a pool: mkdir and rm. */
#include "commands.h"
#include "dirlist.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int mkdir_one(PMEMfilepool *pfp, const char *path, mode_t mode,
		     bool parents)
{
	struct stat st;

	if (pmemfile_mkdir(pfp, path, mode) == 0)
		return 0;
	if (parents && errno == EEXIST && pmemfile_stat(pfp, path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return 0;
	return -errno;
}

/* -p: every missing ancestor first, each with the default mode. */
static int mkdir_parents(PMEMfilepool *pfp, const char *path, mode_t mode)
{
	char *copy = strdup(path);
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && ret == 0; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		ret = mkdir_one(pfp, copy, 0777, true);
		*p = '/';
	}
	free(copy);
	return ret ? ret : mkdir_one(pfp, path, mode, true);
}

static int mkdir_main(const struct tool_command *cmd, int argc, char *argv[])
{
	bool parents = false;
	mode_t mode = 0777;
	PMEMfilepool *pfp;
	char *end;
	int c, err, ret = TOOL_OK;

	while ((c = tool_getopt(cmd, argc, argv, "pm:", NULL)) != -1) {
		if (c == 'p') {
			parents = true;
		} else if (c == 'm') {
			mode = (mode_t)strtoul(optarg, &end, 8);
			if (!optarg[0] || *end || mode > 07777)
				return tool_usage_error(cmd,
							"invalid mode "
							"'%s'",
							optarg);
		}
	}
	argc -= optind;
	argv += optind;
	if (tool_need_pool_and_paths(cmd, argc) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	for (int i = 1; i < argc; i++) {
		err = parents ? mkdir_parents(pfp, argv[i], mode)
			      : mkdir_one(pfp, argv[i], mode, false);
		if (err) {
			tool_error("cannot create directory '%s': %s", argv[i],
				   strerror(-err));
			ret = TOOL_FAIL;
		}
	}
	pmemfile_pool_close(pfp);
	return ret;
}

static int rm_path(PMEMfilepool *pfp, const char *path, bool recursive);

static int rm_children(PMEMfilepool *pfp, const char *path)
{
	PMEMfile *dir =
	    pmemfile_open(pfp, path, PMEMFILE_O_RDONLY | PMEMFILE_O_DIRECTORY);
	struct dirlist list;
	int ret;

	if (!dir)
		return -errno;
	ret = dirlist_read(pfp, dir, &list);
	pmemfile_close(pfp, dir);
	if (ret)
		return ret;
	for (size_t i = 0; i < list.count && ret == 0; i++) {
		char *child;

		if (dirlist_is_dot(list.names[i]))
			continue;
		if (asprintf(&child, "%s%s%s", path,
			     path[strlen(path) - 1] == '/' ? "" : "/",
			     list.names[i]) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = rm_path(pfp, child, true);
		free(child);
	}
	dirlist_free(&list);
	return ret;
}

/* The root stays: "rm -r POOL /" empties the pool. */
static bool rm_is_root(const char *path)
{
	return path[strspn(path, "/")] == '\0';
}

/* Removes path (a tree with recursive); reports the first failure. */
static int rm_path(PMEMfilepool *pfp, const char *path, bool recursive)
{
	struct stat st;
	int ret;

	if (pmemfile_lstat(pfp, path, &st) != 0)
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = pmemfile_unlink(pfp, path) ? -errno : 0;
	else if (!recursive)
		ret = -EISDIR;
	else if ((ret = rm_children(pfp, path)) == 0 && !rm_is_root(path))
		ret = pmemfile_rmdir(pfp, path) ? -errno : 0;
	/* The deepest failure is reported once, by its own path. */
	if (ret && ret != -ECANCELED) {
		tool_error("cannot remove '%s': %s", path, strerror(-ret));
		ret = -ECANCELED;
	}
	return ret;
}

static int rm_main(const struct tool_command *cmd, int argc, char *argv[])
{
	bool recursive = false, force = false;
	PMEMfilepool *pfp;
	struct stat st;
	int c, ret = TOOL_OK;

	while ((c = tool_getopt(cmd, argc, argv, "rRf", NULL)) != -1) {
		if (c == 'r' || c == 'R')
			recursive = true;
		else if (c == 'f')
			force = true;
	}
	argc -= optind;
	argv += optind;
	if (tool_need_pool_and_paths(cmd, argc) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	for (int i = 1; i < argc; i++) {
		if (force && pmemfile_lstat(pfp, argv[i], &st) != 0 &&
		    errno == ENOENT)
			continue;
		if (rm_path(pfp, argv[i], recursive) != 0)
			ret = TOOL_FAIL;
	}
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_mkdir = {
    .name = "mkdir",
    .args = "[-p] [-m MODE] POOL PATH...",
    .summary = "Create directories in the pool.",
    .help = "  -p             create missing parents; no error if PATH "
	    "exists as a directory\n"
	    "  -m MODE        octal permissions (default 0777, less the "
	    "umask)\n" TOOL_HELP_OPTIONS,
    .run = mkdir_main,
};

const struct tool_command cmd_rm = {
    .name = "rm",
    .args = "[-r] [-f] POOL PATH...",
    .summary = "Remove files (and with -r, directory trees) from the pool.",
    .help = "  -r, -R         remove directories and everything in them (of "
	    "/, all but /)\n"
	    "  -f             no error for a PATH that does not "
	    "exist\n" TOOL_HELP_OPTIONS,
    .run = rm_main,
};
