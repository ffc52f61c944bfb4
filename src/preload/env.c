// SPDX-License-Identifier: BSD-3-Clause
/*
 * env.c -- the process environment, in `environ` itself (env.h).
 */
#include <stdlib.h>
#include <string.h>

#include "env.h"

extern char **environ;

/* The entry of name in environ, NULL if none. */
static char **env_find(const char *name)
{
	size_t n = strlen(name);
	for (char **e = environ; e && *e; ++e)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return e;
	return NULL;
}

const char *env_get(const char *name)
{
	char **e = env_find(name);
	return e ? *e + strlen(name) + 1 : NULL;
}

void env_unset(const char *name)
{
	char **e;
	while ((e = env_find(name)) != NULL)
		do
			e[0] = e[1];
		while (*e++);
}

/*
 * The strings and the arrays made here are never freed: the old ones may
 * still be in use, as with libc's setenv.
 */
int env_set(const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);
	char *entry = malloc(n + v + 2);
	if (!entry)
		return -1;
	memcpy(entry, name, n);
	entry[n] = '=';
	memcpy(entry + n + 1, value, v + 1);
	char **e = env_find(name);
	if (e) {
		*e = entry;
		return 0;
	}
	size_t count = 0;
	while (environ && environ[count])
		count++;
	char **grown = malloc((count + 2) * sizeof(*grown));
	if (!grown) {
		free(entry);
		return -1;
	}
	if (count)
		memcpy(grown, environ, count * sizeof(*grown));
	grown[count] = entry;
	grown[count + 1] = NULL;
	environ = grown;
	return 0;
}
