/* SPDX-License-Identifier: BSD-3-Clause */
/* create.h -- making a new pool: mkfs.pmemfile and `pmemfile create`. */
#ifndef PMEMFILE_TOOL_CREATE_H
#define PMEMFILE_TOOL_CREATE_H 1

#include <stdbool.h>

#define CREATE_ARGS "[-s] POOL SIZE"
#define CREATE_HELP                                                           \
	"SIZE is a number of bytes with an optional K, M, G or T suffix\n"    \
	"(powers of 1024). A SIZE of 0 turns an existing empty file into a\n" \
	"pool of its size; otherwise POOL must not exist yet. A pool needs\n" \
	"at least 8M. The file is created with mode 0600.\n"                  \
	"\n"                                                                  \
	"  -s, --sparse  leave the unused part of the pool as holes, so "     \
	"that\n"                                                              \
	"                the file takes only the space it uses\n"             \
	"  -h, --help    show this help\n"

/* Creates a pmemfile pool; prints what it did or why not; exit status. */
int create_pool(const char *path, const char *size_text, bool sparse);

/* The option parsing and operands of both commands. */
struct tool_command;
int create_main(const struct tool_command *cmd, int argc, char *argv[]);

#endif
