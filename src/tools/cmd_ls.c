// SPDX-License-Identifier: BSD-3-Clause
/* cmd_ls.c -- pmemfile ls: lists a directory of a pool, or names a file. */
#include "commands.h"
#include "dirlist.h"
#include "fmt.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ls_entry {
	const char *name;
	struct stat st;
	char target[PMEMFILE_PATH_MAX]; /* of a symbolic link */
};

struct ls_widths {
	int nlink, uid, gid, size;
};

static int ls_digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void ls_widen(struct ls_widths *w, const struct stat *st)
{
	int n;

	if ((n = ls_digits(st->st_nlink)) > w->nlink)
		w->nlink = n;
	if ((n = ls_digits(st->st_uid)) > w->uid)
		w->uid = n;
	if ((n = ls_digits(st->st_gid)) > w->gid)
		w->gid = n;
	if ((n = ls_digits((unsigned long long)st->st_size)) > w->size)
		w->size = n;
}

static void ls_print_long(const struct ls_entry *e, const struct ls_widths *w)
{
	char mode[FMT_MODE_LEN], when[32];

	fmt_mode(e->st.st_mode, mode);
	fmt_time(&e->st.st_mtim, false, when, sizeof(when));
	printf("%s %*llu %*u %*u %*lld %s %s", mode, w->nlink,
	       (unsigned long long)e->st.st_nlink, w->uid, e->st.st_uid, w->gid,
	       e->st.st_gid, w->size, (long long)e->st.st_size, when, e->name);
	if (S_ISLNK(e->st.st_mode))
		printf(" -> %s", e->target);
	printf("\n");
}

/* The entry's name is relative to dir, or a whole path if dir is NULL. */
static int ls_stat_entry(PMEMfilepool *pfp, PMEMfile *dir, struct ls_entry *e)
{
	ssize_t n;
	int ret;

	ret = dir ? pmemfile_fstatat(pfp, dir, e->name, &e->st,
				     PMEMFILE_AT_SYMLINK_NOFOLLOW)
		  : pmemfile_lstat(pfp, e->name, &e->st);
	if (ret != 0)
		return -errno;
	e->target[0] = '\0';
	if (!S_ISLNK(e->st.st_mode))
		return 0;
	n = dir ? pmemfile_readlinkat(pfp, dir, e->name, e->target,
				      sizeof(e->target) - 1)
		: pmemfile_readlink(pfp, e->name, e->target,
				    sizeof(e->target) - 1);
	if (n < 0)
		return -errno;
	e->target[n] = '\0';
	return 0;
}

/* What joins a directory's path and a name in it. */
static const char *ls_separator(const char *dir)
{
	size_t len = strlen(dir);

	return len == 0 || dir[len - 1] == '/' ? "" : "/";
}

static int ls_long(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		   char **names, size_t count)
{
	struct ls_entry *e = calloc(count ? count : 1, sizeof(*e));
	struct ls_widths w = {1, 1, 1, 1};
	int ret = TOOL_OK, err;

	if (!e) {
		tool_error("%s", strerror(ENOMEM));
		return TOOL_FAIL;
	}
	for (size_t i = 0; i < count; i++) {
		e[i].name = names[i];
		err = ls_stat_entry(pfp, dir, &e[i]);
		if (err) {
			tool_error("cannot access '%s%s%s': %s", path,
				   ls_separator(path), names[i],
				   strerror(-err));
			e[i].name = NULL;
			ret = TOOL_FAIL;
			continue;
		}
		ls_widen(&w, &e[i].st);
	}
	for (size_t i = 0; i < count; i++)
		if (e[i].name)
			ls_print_long(&e[i], &w);
	free(e);
	return ret;
}

static int ls_dir(PMEMfilepool *pfp, const char *path, bool all, bool lng)
{
	PMEMfile *dir =
	    pmemfile_open(pfp, path, PMEMFILE_O_RDONLY | PMEMFILE_O_DIRECTORY);
	struct dirlist list;
	size_t kept = 0;
	int err, ret = TOOL_OK;

	if (!dir) {
		tool_error("cannot open directory '%s': %s", path,
			   strerror(errno));
		return TOOL_FAIL;
	}
	err = dirlist_read(pfp, dir, &list);
	if (err) {
		tool_error("reading directory '%s': %s", path, strerror(-err));
		pmemfile_close(pfp, dir);
		return TOOL_FAIL;
	}
	for (size_t i = 0; i < list.count; i++)
		if (all || list.names[i][0] != '.')
			list.names[kept++] = list.names[i];
		else
			free(list.names[i]);
	list.count = kept;
	if (lng)
		ret = ls_long(pfp, dir, path, list.names, list.count);
	else
		for (size_t i = 0; i < list.count; i++)
			printf("%s\n", list.names[i]);
	dirlist_free(&list);
	pmemfile_close(pfp, dir);
	return ret;
}

static int ls_path(PMEMfilepool *pfp, const char *path, bool all, bool lng)
{
	struct stat st;
	char *name;
	int ret;

	/* As ls: a symbolic link to a directory named alone is followed. */
	if (pmemfile_stat(pfp, path, &st) != 0 &&
	    pmemfile_lstat(pfp, path, &st) != 0) {
		tool_error("cannot access '%s': %s", path, strerror(errno));
		return TOOL_FAIL;
	}
	if (S_ISDIR(st.st_mode))
		return ls_dir(pfp, path, all, lng);
	if (!lng) {
		printf("%s\n", path);
		return TOOL_OK;
	}
	name = strdup(path);
	if (!name) {
		tool_error("%s", strerror(ENOMEM));
		return TOOL_FAIL;
	}
	ret = ls_long(pfp, NULL, "", &name, 1);
	free(name);
	return ret;
}

static int ls_main(const struct tool_command *cmd, int argc, char *argv[])
{
	bool all = false, lng = false;
	PMEMfilepool *pfp;
	int c, ret;

	while ((c = tool_getopt(cmd, argc, argv, "al", NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'l')
			lng = true;
	}
	argc -= optind;
	argv += optind;
	if (tool_need_pool(cmd, argc, 2) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	ret = ls_path(pfp, argc == 2 ? argv[1] : "/", all, lng);
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_ls = {
    .name = "ls",
    .args = "[-l] [-a] POOL [PATH]",
    .summary = "List a directory of the pool (default /).",
    .help =
	"Names are sorted bytewise. Owners are shown as numbers, "
	"times as local time.\n"
	"\n"
	"  -l             long format: mode, links, uid, gid, size, "
	"mtime, name\n"
	"  -a             include names starting with '.'\n" TOOL_HELP_OPTIONS,
    .run = ls_main,
};
