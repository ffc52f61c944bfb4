// SPDX-License-Identifier: BSD-3-Clause
/*
 * heap_used.c -- prints, first thing in main, the memory malloc holds
 * ("heap <bytes>": 0 when nothing in the process called malloc before),
 * then its own mappings, for core_text_image_malloc.sh.
 */
#include <malloc.h>
#include <stdio.h>

int main(void)
{
	struct mallinfo2 m = mallinfo2();
	char line[512];
	FILE *maps;

	printf("heap %zu\n", m.arena + m.hblkhd);
	maps = fopen("/proc/self/maps", "r");
	if (maps == NULL)
		return 1;
	while (fgets(line, sizeof(line), maps) != NULL)
		fputs(line, stdout);
	fclose(maps);
	return 0;
}
