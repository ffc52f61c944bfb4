// SPDX-License-Identifier: BSD-3-Clause
/*
 * size_parse.c -- the sizes mkfs.pmemfile accepts, byte for byte, and the
 * ones it refuses; and how sizes are shown.
 */
#include "src/tools/size.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *text;
	int ret;
	uint64_t bytes;
} parses[] = {
    {"0", 0, 0},
    {"4096", 0, 4096},
    {"8388608", 0, 8388608},
    {"64K", 0, 65536},
    {"64k", 0, 65536},
    {"512M", 0, 536870912},
    {"1G", 0, 1073741824},
    {"1g", 0, 1073741824},
    {"1GB", 0, 1073741824},
    {"1GiB", 0, 1073741824},
    {"2T", 0, 2199023255552ULL},
    {"18446744073709551615", 0, 18446744073709551615ULL},
    {"16777215T", 0, 16777215ULL << 40},
    {"", -EINVAL, 0},
    {"G", -EINVAL, 0},
    {"abc", -EINVAL, 0},
    {"1X", -EINVAL, 0},
    {"1GX", -EINVAL, 0},
    {"1GiBs", -EINVAL, 0},
    {"-5", -EINVAL, 0},
    {"+5", -EINVAL, 0},
    {"1.5G", -EINVAL, 0},
    {" 1G", -EINVAL, 0},
    {"1G ", -EINVAL, 0},
    {"18446744073709551616", -EINVAL, 0},
    {"16777216T", -EINVAL, 0},
    {"17179869184G", -EINVAL, 0},
};

static const struct {
	uint64_t bytes;
	const char *text;
} formats[] = {
    {0, "0B"},		 {1023, "1023B"},      {1024, "1.0K"},
    {1536, "1.5K"},	 {10240, "10K"},       {8388608, "8.0M"},
    {536870912, "512M"}, {1073741824, "1.0G"},
};

int main(void)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		uint64_t bytes = 12345;
		int ret = size_parse(parses[i].text, &bytes);

		if (ret != parses[i].ret ||
		    (ret == 0 && bytes != parses[i].bytes)) {
			printf("size_parse(\"%s\") = %d, %llu; expected %d, "
			       "%llu\n",
			       parses[i].text, ret, (unsigned long long)bytes,
			       parses[i].ret,
			       (unsigned long long)parses[i].bytes);
			failed = 1;
		}
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char buf[16];

		size_format(formats[i].bytes, buf, sizeof(buf));
		if (strcmp(buf, formats[i].text) != 0) {
			printf("size_format(%llu) = \"%s\"; expected \"%s\"\n",
			       (unsigned long long)formats[i].bytes, buf,
			       formats[i].text);
			failed = 1;
		}
	}
	return failed;
}
