// SPDX-License-Identifier: BSD-3-Clause
/* cmd_df.c -- pmemfile df: how full a pool is, and what it holds. */
#include "commands.h"
#include "pool.h"
#include "size.h"
#include "tool.h"
#include "pmemfile/info.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void df_line(const char *label, uint64_t blocks, uint64_t bsize,
		    const char *extra)
{
	char human[16];

	size_format(blocks * bsize, human, sizeof(human));
	printf("%-11s%-7s (%llu blocks%s)\n", label, human,
	       (unsigned long long)blocks, extra);
}

/*
 * The blocks the pool file takes in its own file system: a pool is sparse,
 * so this is what its use has cost so far, not its size.
 */
static void df_file_line(const char *path, uint64_t bsize)
{
	struct stat fst;

	if (stat(path, &fst) != 0 || !S_ISREG(fst.st_mode) || bsize == 0)
		return;
	df_line(
	    "allocated:", ((uint64_t)fst.st_blocks * 512 + bsize - 1) / bsize,
	    bsize, " of the pool file");
}

static void df_print(PMEMfilepool *pfp, const char *path,
		     const struct statfs *sf, const struct pmemfile_stats *st)
{
	uint64_t bsize = (uint64_t)sf->f_bsize;
	uint64_t used = (uint64_t)(sf->f_blocks - sf->f_bfree);
	unsigned percent = 0;
	char extra[48];
	struct stat fst;

	/* Rounded up, as df does: a pool with anything in it is not 0 %. */
	if (sf->f_blocks)
		percent =
		    (unsigned)((used * 100 + sf->f_blocks - 1) / sf->f_blocks);
	printf("pool:      %s\n", path);
	snprintf(extra, sizeof(extra), " of %llu bytes",
		 (unsigned long long)bsize);
	if (stat(path, &fst) == 0 && S_ISREG(fst.st_mode) && bsize)
		df_line("size:", (uint64_t)fst.st_size / bsize, bsize, extra);
	df_line("usable:", (uint64_t)sf->f_blocks, bsize, " for files");
	snprintf(extra, sizeof(extra), ", %u%%", percent);
	df_line("used:", used, bsize, extra);
	df_line("available:", (uint64_t)sf->f_bavail, bsize, "");
	df_file_line(path, bsize);
	printf("inodes:    %u used", st->inodes);
	if (sf->f_files)
		printf(", %llu free", (unsigned long long)sf->f_ffree);
	printf("\n");
	printf("objects:   %u data blocks, %u block arrays, %u directory "
	       "blocks, %u inode arrays\n",
	       st->blocks, st->block_arrays, st->dirs, st->inode_arrays);
	enum pmemfile_durability d = pmemfile_pool_durability(pfp);
	printf("durability: %s (%s)\n", pmemfile_durability_name(d),
	       pmemfile_durability_text(d));
}

static int df_main(const struct tool_command *cmd, int argc, char *argv[])
{
	struct pmemfile_stats st;
	PMEMfilepool *pfp;
	struct statfs sf;
	int ret = TOOL_OK;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (tool_need_pool(cmd, argc, 1) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	if (pmemfile_statfs(pfp, &sf) != 0) {
		tool_error("%s: statfs: %s", argv[0], strerror(errno));
		ret = TOOL_FAIL;
	} else {
		pmemfile_stats(pfp, &st);
		df_print(pfp, argv[0], &sf, &st);
	}
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_df = {
    .name = "df",
    .args = "POOL",
    .summary = "Show the size, use and contents of the pool, and the "
	       "space its file takes.",
    .help = "Sizes are in powers of 1024 (K, M, G) and in the pool's "
	    "blocks.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = df_main,
};
