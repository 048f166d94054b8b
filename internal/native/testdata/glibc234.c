/* A shared object that needs GLIBC_2.34: since glibc 2.34 libpthread is part of libc,
 * and pthread_create's default symbol version is GLIBC_2.34. */
#include <pthread.h>

static void *lk_run(void *arg)
{
	return arg;
}

int lk_spawn(void)
{
	pthread_t t;
	if (pthread_create(&t, 0, lk_run, 0) != 0)
		return -1;
	return pthread_join(t, 0);
}
