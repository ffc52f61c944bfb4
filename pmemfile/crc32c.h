/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crc32c.h -- CRC32C (Castagnoli), the checksum of the pool's metadata.
 */
#ifndef PMEMFILE_CRC32C_H
#define PMEMFILE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * The CRC32C of len bytes at buf continued from crc, the CRC of what came
 * before (0 for none): crc32c(crc32c(0, a, n), b, m) is the CRC of a
 * followed by b. With the SSE4.2 crc32 instruction where the CPU has it,
 * else by a table.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

/*
 * The CRC32C of a followed by b from the CRC32C of a (crc1, from any start
 * value) and that of b from 0 (crc2) and b's length: crc32c(crc1, b, len2)
 * without b's bytes, in some 64 multiplications of polynomials.
 */
uint32_t crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

/* The table's computation alone (for the tests of both ways). */
uint32_t crc32c_table(uint32_t crc, const void *buf, size_t len);

/*
 * Which one byte of a message of len bytes, changed, would change its
 * CRC32C by diff (the CRC it should have xor the CRC it has): 1 with its
 * index in *pos and the bits changed in *bits when exactly one byte would,
 * 0 when none would, -1 when more than one would. Whatever the message and
 * the start value, as the CRC is linear.
 */
int crc32c_locate_byte(uint32_t diff, size_t len, size_t *pos, uint8_t *bits);

#endif
