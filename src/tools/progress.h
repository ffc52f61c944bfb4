/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * progress.h -- one line of progress on standard error for work that runs
 * over a second (a check, a copy), when standard error is a terminal: the
 * line is rewritten in place (\r) and cleared at the end. Nothing is
 * written when standard error is no terminal.
 */
#ifndef PMEMFILE_TOOL_PROGRESS_H
#define PMEMFILE_TOOL_PROGRESS_H 1

#include <stdint.h>

/* Starts the clock of the work named what ("checking", "copying"). */
void progress_start(const char *what);

/*
 * done of total units of the work (total 0: not known); unit names them
 * ("inodes", "bytes": bytes are shown in MiB). Shown from the second
 * second on (PMEMFILE_PROGRESS_DELAY seconds if set), at most ten times a
 * second.
 */
void progress_show(uint64_t done, uint64_t total, const char *unit);

/* Clears the line if one was shown. */
void progress_end(void);

/* Clears a line another process may have left (it stopped), if standard
 * error is a terminal. */
void progress_clear(void);

#endif
