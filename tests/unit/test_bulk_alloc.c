/* Large buffers whose pages are made present in one call (lib/core/bulk_alloc.h). */
#define _DEFAULT_SOURCE /* mincore, MADV_POPULATE_WRITE */
#include "helpers.h"

#include "core/bulk_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* How many of the pages wholly inside [p, p+size) are resident. */
static size_t resident_pages(const void *p, size_t size, size_t *whole)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + size) & ~(page - 1);
	*whole = (to - from) / page;
	unsigned char *vec = malloc(*whole ? *whole : 1);
	assert_non_null(vec);
	assert_int_equal(mincore((void *)from, to - from, vec), 0);
	size_t n = 0;
	for (size_t i = 0; i < *whole; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/* Whether this kernel populates on request (5.14 and later). */
static bool kernel_populates(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	bool yes = madvise(m, page, MADV_POPULATE_WRITE) == 0;
	munmap(m, page);
	return yes;
}

/* A large buffer is there whole before its first write (where the kernel can), and holds what is written. */
static void test_large_buffer_is_present_at_once(void **state)
{
	(void)state;
	size_t size = (size_t)3 << 20, whole;
	unsigned char *p = promote__bulk_alloc(size);
	assert_non_null(p);
	size_t present = resident_pages(p, size, &whole);
	if (kernel_populates())
		assert_int_equal(present, whole);
	memset(p, 0xa5, size);
	assert_int_equal(p[0], 0xa5);
	assert_int_equal(p[size - 1], 0xa5);
	free(p);
}

/* The control that makes the case above mean something: fresh memory is not present before it is
 * written. And below the bound a buffer is malloc()'s alone, usable as any. */
static void test_fresh_memory_is_not_present(void **state)
{
	(void)state;
	size_t size = (size_t)3 << 20, whole;
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(resident_pages(p, size, &whole), 0);
	p[0] = 1;
	assert_int_equal(resident_pages(p, size, &whole), 1);
	munmap(p, size);
	unsigned char *small = promote__bulk_alloc(PROMOTE__BULK_MIN - 1), *none = promote__bulk_alloc(0);
	assert_non_null(small);
	assert_non_null(none);
	memset(small, 1, PROMOTE__BULK_MIN - 1);
	free(small);
	free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_buffer_is_present_at_once),
		cmocka_unit_test(test_fresh_memory_is_not_present),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
