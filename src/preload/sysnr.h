/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sysnr.h -- numbers of system calls newer than some C libraries' headers
 * (the shim's table and tests/preload/refused.c use them).
 */
#ifndef PRELOAD_SYSNR_H
#define PRELOAD_SYSNR_H

#include <sys/syscall.h>

/* Linux 6.6; the C library of the build may not name it yet. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
/* Linux 6.5 to 6.17: the calls sys_refused.c refuses on pool paths */
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#define SYS_getxattrat 464
#define SYS_listxattrat 465
#define SYS_removexattrat 466
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr 468
#define SYS_file_setattr 469
#endif

#endif
