/* SPDX-License-Identifier: BSD-3-Clause */
/* size.h -- sizes as people write them (64K, 512M, 1G) and as they read them.
 */
#ifndef PMEMFILE_TOOL_SIZE_H
#define PMEMFILE_TOOL_SIZE_H 1

#include <stddef.h>
#include <stdint.h>

/* Parses digits with an optional K, M, G or T (powers of 1024); -EINVAL. */
int size_parse(const char *text, uint64_t *bytes);

/* "1.0G", "512M", "4.0K", "100B": short, for tables. */
void size_format(uint64_t bytes, char *buf, size_t len);

#endif
