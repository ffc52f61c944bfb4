/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * late_load.h -- patching the objects the loader maps after start-up, from
 * the loader's own calls (see late_load.c).
 */
#ifndef INTERCEPT_LATE_LOAD_H
#define INTERCEPT_LATE_LOAD_H

/* Does a call of this number from the loader matter here? */
int late_load_watched(long nr);

/* A watched call of the loader, before it is made (close: patch). */
void late_load_before(long nr, const long args[6]);

/* The same call once made, with its result (by the kernel or the hook). */
void late_load_after(long nr, const long args[6], long result);

#endif
