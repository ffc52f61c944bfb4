/* SPDX-License-Identifier: BSD-3-Clause */
/* commands.h -- the subcommands of `pmemfile`, each defined in its own file. */
#ifndef PMEMFILE_TOOL_COMMANDS_H
#define PMEMFILE_TOOL_COMMANDS_H 1

#include "tool.h"

extern const struct tool_command cmd_create;
extern const struct tool_command cmd_run;
extern const struct tool_command cmd_ls;
extern const struct tool_command cmd_stat;
extern const struct tool_command cmd_cat;
extern const struct tool_command cmd_get;
extern const struct tool_command cmd_put;
extern const struct tool_command cmd_mkdir;
extern const struct tool_command cmd_rm;
extern const struct tool_command cmd_df;
extern const struct tool_command cmd_check;
extern const struct tool_command cmd_cp;
extern const struct tool_command cmd_mv;
extern const struct tool_command cmd_ln;
extern const struct tool_command cmd_chmod;
extern const struct tool_command cmd_chown;
extern const struct tool_command cmd_info;
extern const struct tool_command cmd_salvage;
extern const struct tool_command cmd_durability;

/*
 * check --repair of a pool libpmemobj refuses: what can be read of it is
 * copied into POOL.salvage.XXXXXX beside it, which is checked, then put in
 * its place, the damaged file kept as POOL.damaged (or .damaged.N). Each
 * step is printed. 0, or -1 with the reason printed and the pool file
 * left as it was.
 */
int salvage_in_place(const char *path);

#endif
