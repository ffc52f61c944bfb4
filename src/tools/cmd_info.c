// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_info.c -- pmemfile info: the layout, sizes and counts of a pool:
 * what the superblock says, what pmemfile_stats and pmemfile_statfs count,
 * and a walk of the tree for the files by type.
 */
#include "commands.h"
#include "pool.h"
#include "side.h"
#include "size.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmemfile/info.h"

/* How deep the walk goes: a bound for a damaged pool's directory cycle. */
#define INFO_MAX_DEPTH 4096

struct info_walk {
	struct side side;
	uint64_t dirs, files, links, other, bytes;
	ino_t *multi; /* inodes with several links, counted once */
	size_t nmulti, cap;
	int failed;
};

/* Whether st is a file with several links seen before (else notes it). */
static bool info_seen(struct info_walk *w, const struct stat *st)
{
	if (S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return false;
	for (size_t i = 0; i < w->nmulti; i++)
		if (w->multi[i] == st->st_ino)
			return true;
	if (w->nmulti == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		ino_t *m = realloc(w->multi, cap * sizeof(*m));

		if (!m)
			return false;
		w->multi = m;
		w->cap = cap;
	}
	w->multi[w->nmulti++] = st->st_ino;
	return false;
}

static void info_walk(struct info_walk *w, const char *path, unsigned depth);

/* A directory's entry, walked one level deeper. */
struct info_child {
	struct info_walk *w;
	unsigned depth;
};

static void info_child(void *arg, const char *child)
{
	struct info_child *c = arg;
	info_walk(c->w, child, c->depth);
}

static void info_walk(struct info_walk *w, const char *path, unsigned depth)
{
	struct stat st;
	int ret = side_lstat(&w->side, path, &st);

	if (ret == 0 && depth > INFO_MAX_DEPTH)
		ret = -ELOOP;
	if (ret) {
		tool_error("%s: %s", path, strerror(-ret));
		w->failed = 1;
		return;
	}
	if (info_seen(w, &st))
		return;
	if (S_ISREG(st.st_mode)) {
		w->files++;
		w->bytes += (uint64_t)st.st_size;
	} else if (S_ISLNK(st.st_mode)) {
		w->links++;
	} else if (!S_ISDIR(st.st_mode)) {
		w->other++;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	w->dirs++;
	struct info_child c = {w, depth + 1};
	if (side_each_child(&w->side, path, info_child, &c))
		w->failed = 1;
}

static void info_size(const char *label, uint64_t bytes)
{
	char human[16];

	size_format(bytes, human, sizeof(human));
	printf("%-16s%s (%llu bytes)\n", label, human,
	       (unsigned long long)bytes);
}

static int info_print(PMEMfilepool *pfp, const char *path)
{
	struct info_walk w = {.side = {pfp}};
	struct pmemfile_pool_info pi;
	struct pmemfile_stats st;
	struct statfs sf;
	int pret;

	if (pmemfile_statfs(pfp, &sf) != 0) {
		tool_error("%s: statfs: %s", path, strerror(errno));
		return TOOL_FAIL;
	}
	pmemfile_stats(pfp, &st);
	pret = pmemfile_pool_info(pfp, &pi);
	info_walk(&w, "/", 0);
	free(w.multi);
	printf("%-16s%s\n", "pool:", path);
	if (pret == -ENOTSUP)
		printf("%-16s%s\n", "layout version:",
		       "unknown (the pool is "
		       "held by another "
		       "process)");
	else
		printf("%-16s%llu\n", "layout version:",
		       (unsigned long long)pi.layout_version);
	if (pret == 0)
		info_size("size:", pi.pool_size);
	enum pmemfile_durability d = pmemfile_pool_durability(pfp);
	printf("%-16s%s (%s)\n", "durability:", pmemfile_durability_name(d),
	       pmemfile_durability_text(d));
	info_size("usable:", (uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize);
	info_size("used:",
		  (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize);
	info_size("available:", (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize);
	info_size("file data:", w.bytes);
	printf("%-16s%u used, %llu free\n", "inodes:", st.inodes,
	       (unsigned long long)sf.f_ffree);
	printf("%-16s%llu\n", "directories:", (unsigned long long)w.dirs);
	printf("%-16s%llu\n", "regular files:", (unsigned long long)w.files);
	printf("%-16s%llu\n", "symbolic links:", (unsigned long long)w.links);
	printf("%-16s%llu\n", "other files:", (unsigned long long)w.other);
	printf("%-16s%u\n", "extents:", st.blocks);
	printf("%-16s%u\n", "extent blocks:", st.block_arrays);
	printf("%-16s%u\n", "inode arrays:", st.inode_arrays);
	if (pret == -ENOTSUP)
		printf("%-16s%s\n", "orphans:", "unknown");
	else
		printf("%-16s%llu%s\n",
		       "orphans:", (unsigned long long)pi.orphans,
		       pret == -EIO ? " (the list is damaged)" : "");
	return w.failed || pret == -EIO ? TOOL_FAIL : TOOL_OK;
}

static int info_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	int ret;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (tool_need_pool(cmd, argc, 1) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	ret = info_print(pfp, argv[0]);
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_info = {
    .name = "info",
    .args = "POOL",
    .summary = "Show the layout version, sizes and counts of the pool.",
    .help = "Counts: inodes in use (pmemfile_stats) and free (statfs); "
	    "directories,\n"
	    "regular files, symbolic links and other files reached from "
	    "the root (a file\n"
	    "with several links once); extents and the blocks that hold "
	    "them; inode\n"
	    "arrays; orphans (files with no name that an open descriptor "
	    "kept, freed\n"
	    "at the next open). 'file data' is the sum of the files' "
	    "sizes.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = info_main,
};
