/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * data.h -- file contents: reads, writes and size changes of regular files.
 */
#ifndef PMEMFILE_DATA_H
#define PMEMFILE_DATA_H

#include "vinode.h"

/* Largest file size and offset. */
#define DATA_MAX_SIZE ((uint64_t)INT64_MAX)

/*
 * Under the inode's exclusive lock, after its data up to size is stored:
 * publishes size and, unless now is NULL, mtime and ctime = *now, all
 * persistent on return. The data is drained before a new size is stored.
 * One flush when the size is small before and after, else a transaction
 * (its word is then under the inode's checksum, layout.h); 0 or -errno.
 */
int data_publish(PMEMfilepool *pfp, struct pmemfile_inode *in, uint64_t size,
		 const struct pmemfile_time *now);

/* Under v's exclusive lock: sets the size, freeing or zeroing data. */
int data_truncate(PMEMfilepool *pfp, struct vinode *v, uint64_t len);

/* Under v's shared lock: copies up to count bytes at off into buf. */
int64_t data_read(PMEMfilepool *pfp, struct vinode *v, void *buf, size_t count,
		  uint64_t off);

/* Under v's exclusive lock: writes count bytes at off, persistently. */
int64_t data_write(PMEMfilepool *pfp, struct vinode *v, const void *buf,
		   size_t count, uint64_t off);

#endif
