/* The typed growable array: growth, overflow checks, typed access. */
#include "helpers.h"

#include "core/array.h"

typedef PROMOTE__ARRAY(int) ints;
typedef struct pair {
	const char *name;
	double value;
	char tag[3];
} pair;
typedef PROMOTE__ARRAY(pair) pairs;

static void test_push_and_grow(void **state)
{
	(void)state;
	ints a = PROMOTE__ARRAY_INIT;
	assert_null(promote__array_last(&a));
	assert_null(promote__array_get(&a, 0));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(promote__array_push(&a, i * 3), 0);
	assert_int_equal(a.size, 1000);
	assert_true(a.alloc >= 1000);
	assert_int_equal(a.alloc, 1024); /* doubling from 8 */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(a.ptr[i], i * 3);
	assert_int_equal(*promote__array_get(&a, 999), 2997);
	assert_null(promote__array_get(&a, 1000));
	assert_int_equal(*promote__array_last(&a), 2997);
	promote__array_free(&a);
	assert_null(a.ptr);
	assert_int_equal(a.size, 0);
	assert_int_equal(a.alloc, 0);
	/* Usable again after free. */
	assert_int_equal(promote__array_push(&a, 7), 0);
	assert_int_equal(a.ptr[0], 7);
	promote__array_free(&a);
}

/* alloc() appends a zeroed element of the element type. */
static void test_alloc_struct(void **state)
{
	(void)state;
	pairs a = PROMOTE__ARRAY_INIT;
	for (int i = 0; i < 20; i++) {
		pair *p = promote__array_alloc(&a);
		assert_non_null(p);
		assert_null(p->name);
		assert_true(p->value == 0.0);
		assert_int_equal(p->tag[0], 0);
		p->name = "x";
		p->value = i;
	}
	assert_int_equal(a.size, 20);
	assert_true(a.ptr[19].value == 19.0);
	pair q = { "q", 1.5, "ab" };
	assert_int_equal(promote__array_push(&a, q), 0);
	assert_string_equal(promote__array_last(&a)->tag, "ab");
	promote__array_free(&a);
}

/* reserve() allocates once; later pushes within it do not move the storage. */
static void test_reserve(void **state)
{
	(void)state;
	ints a = PROMOTE__ARRAY_INIT;
	assert_int_equal(promote__array_reserve(&a, 100), 0);
	assert_int_equal(a.size, 0);
	assert_int_equal(a.alloc, 128);
	int *before = a.ptr;
	for (int i = 0; i < 128; i++)
		assert_int_equal(promote__array_push(&a, i), 0);
	assert_ptr_equal(a.ptr, before);
	promote__array_free(&a);
}

/* Sizes that would overflow are refused before anything is allocated, and
 * the array is left as it was. */
static void test_overflow(void **state)
{
	(void)state;
	ints a = PROMOTE__ARRAY_INIT;
	assert_int_equal(promote__array_push(&a, 1), 0);
	int *before = a.ptr;

	promote_error_clear();
	assert_int_equal(promote__array_reserve(&a, SIZE_MAX), PROMOTE_ENOMEM);
	assert_int_equal(promote_error_last()->code, PROMOTE_ENOMEM);
	assert_non_null(strstr(promote_error_last()->message, "does not fit in memory"));
	/* Elements times their size overflow, though the count alone does not. */
	assert_int_equal(promote__array_reserve(&a, SIZE_MAX / 2), PROMOTE_ENOMEM);
	assert_int_equal(promote__array_reserve(&a, SIZE_MAX / sizeof(int) + 1), PROMOTE_ENOMEM);
	/* Doubling past SIZE_MAX is caught too. */
	size_t alloc = SIZE_MAX / 2 + 2, size = alloc;
	void *none = NULL;
	assert_int_equal(promote__array_grow(&none, &alloc, size, 1, 1), PROMOTE_ENOMEM);
	assert_null(none);
	assert_int_equal(alloc, SIZE_MAX / 2 + 2);

	assert_ptr_equal(a.ptr, before);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.alloc, 8);
	assert_int_equal(a.ptr[0], 1);
	promote__array_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_and_grow),
		cmocka_unit_test(test_alloc_struct),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests_name("array", tests, NULL, NULL);
}
