// SPDX-License-Identifier: BSD-3-Clause
/* size.c -- sizes as people write them and as they read them. */
#include "size.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <strings.h>

static int size_shift(const char *suffix, unsigned *shift)
{
	static const char units[] = "KMGT";

	if (suffix[0] == '\0') {
		*shift = 0;
		return 0;
	}
	for (unsigned i = 0; units[i]; i++) {
		if (toupper((unsigned char)suffix[0]) != units[i])
			continue;
		/* "1G", "1GB" and "1GiB" all mean 2^30 bytes. */
		if (suffix[1] == '\0' || strcasecmp(suffix + 1, "B") == 0 ||
		    strcasecmp(suffix + 1, "iB") == 0) {
			*shift = 10 * (i + 1);
			return 0;
		}
	}
	return -EINVAL;
}

int size_parse(const char *text, uint64_t *bytes)
{
	uint64_t value = 0;
	const char *p = text;
	unsigned shift;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (value > (UINT64_MAX - digit) / 10)
			return -EINVAL;
		value = value * 10 + digit;
	}
	if (size_shift(p, &shift) != 0)
		return -EINVAL;
	if (shift && value > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = value << shift;
	return 0;
}

void size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double value = (double)bytes;
	unsigned unit = 0;

	while (value >= 1024 && units[unit + 1]) {
		value /= 1024;
		unit++;
	}
	if (unit == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	else if (value < 10)
		snprintf(buf, len, "%.1f%c", value, units[unit]);
	else
		snprintf(buf, len, "%.0f%c", value, units[unit]);
}
