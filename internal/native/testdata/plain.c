/* A small shared object that needs only old glibc symbols (memcpy, strlen). */
#include <string.h>

int lk_copy(char *dst, const char *src)
{
	size_t n = strlen(src);
	memcpy(dst, src, n + 1);
	return (int)n;
}
