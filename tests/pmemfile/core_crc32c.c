// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_crc32c -- the CRC32C of the metadata checksums: the known vectors
 * of RFC 3720 (B.4) and "123456789", by the instruction (where the CPU has
 * it) and by the table; a CRC continued over pieces equals the CRC of the
 * whole; both ways agree on every length and alignment up to 300 bytes.
 */
#include <stdint.h>

#include "core.h"
#include "pmemfile/crc32c.h"

static void vector(const char *what, const void *buf, size_t len, uint32_t want)
{
	uint32_t c = crc32c(0, buf, len);
	uint32_t t = crc32c_table(0, buf, len);
	if (c != want || t != want)
		CORE_FAIL("%s: 0x%08x (table 0x%08x), expected 0x%08x", what, c,
			  t, want);
}

int main(void)
{
	unsigned char b[32];
	vector("no bytes", "", 0, 0);
	vector("\"123456789\"", "123456789", 9, 0xE3069283u);
	memset(b, 0, sizeof(b));
	vector("32 zeros", b, 32, 0x8A9136AAu);
	memset(b, 0xff, sizeof(b));
	vector("32 bytes 0xff", b, 32, 0x62A8AB43u);
	for (int i = 0; i < 32; i++)
		b[i] = (unsigned char)i;
	vector("32 bytes 0..31", b, 32, 0x46DD794Eu);
	for (int i = 0; i < 32; i++)
		b[i] = (unsigned char)(31 - i);
	vector("32 bytes 31..0", b, 32, 0x113FDB5Cu);

	static unsigned char buf[320];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t a = 0; a < 8; a++) {
		for (size_t len = 0; len <= 300; len++) {
			uint32_t c = crc32c(0, buf + a, len);
			uint32_t t = crc32c_table(0, buf + a, len);
			if (c != t)
				CORE_FAIL("%zu bytes at +%zu: 0x%08x, table "
					  "0x%08x",
					  len, a, c, t);
			size_t h = len / 3;
			uint32_t p =
			    crc32c(crc32c(0, buf + a, h), buf + a + h, len - h);
			if (p != c)
				CORE_FAIL("%zu bytes at +%zu in two pieces: "
					  "0x%08x, whole 0x%08x",
					  len, a, p, c);
		}
	}
	printf("crc32c: known vectors, pieces, instruction = table\n");
	return 0;
}
