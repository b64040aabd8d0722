/* Internal definitions every library source includes first. */
#ifndef PROMOTE_CORE_COMMON_H
#define PROMOTE_CORE_COMMON_H

#ifndef PROMOTE_COMPILATION
#define PROMOTE_COMPILATION
#endif

#include <promote.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define PROMOTE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define PROMOTE_UNUSED __attribute__((unused))
/* The result says whether the call worked: ignoring it is a bug. */
#define PROMOTE_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define PROMOTE_PRINTF(fmt, args)
#define PROMOTE_UNUSED
#define PROMOTE_WARN_UNUSED
#endif

#define PROMOTE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The body of every public *_name(value): the table's entry, "unknown" out of range. */
#define PROMOTE__NAME_OF(table, value) \
	((value) >= 0 && (size_t)(value) < PROMOTE_ARRAY_SIZE(table) ? (table)[value] : "unknown")

#endif
