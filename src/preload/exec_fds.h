/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_fds.h -- pool descriptors across execve. The new image cannot share
 * this one's pool state, so each pool descriptor that stays open is
 * described in PMEMFILE_FDS (number, flags, offset, mount, path) and opened
 * again by the new image, as soon as it can have the pool.
 */
#ifndef PRELOAD_EXEC_FDS_H
#define PRELOAD_EXEC_FDS_H

#include <stddef.h>

#define EXEC_FDS_MAX 64

/*
 * Before execve: puts an O_PATH descriptor (on which reads and writes fail
 * with EBADF) in place of each pool descriptor that stays open, so that
 * nothing reaches a placeholder. Returns how many (their numbers in
 * hidden); *var gets "PMEMFILE_FDS=..." in pages of its own (size in
 * *var_size) when some can be passed, else NULL.
 */
int exec_fds_hide(int hidden[EXEC_FDS_MAX], char **var, size_t *var_size);

/* After a failed execve: placeholders again, and the pages freed. */
void exec_fds_restore(const int *hidden, int n, char *var, size_t var_size);

/* In the new image, at start: opens again what PMEMFILE_FDS describes. */
void exec_fds_adopt(void);

#endif
