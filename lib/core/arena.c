#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (16 * 1024)

typedef struct chunk {
	struct chunk *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
} chunk;

struct promote__arena {
	chunk *head;
};

promote__arena *promote__arena_new(void)
{
	return calloc(1, sizeof(promote__arena));
}

void promote__arena_free(promote__arena *arena)
{
	if (!arena)
		return;
	for (chunk *c = arena->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

void *promote__arena_alloc(promote__arena *arena, size_t size)
{
	const size_t align = alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	chunk *c = arena->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		c = malloc(sizeof(chunk) + want);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = want;
		c->next = arena->head;
		arena->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *promote__arena_strndup(promote__arena *arena, const char *s, size_t len)
{
	char *out = promote__arena_alloc(arena, len + 1);
	if (out && len)
		memcpy(out, s, len);
	return out;
}

char *promote__arena_strdup(promote__arena *arena, const char *s)
{
	return s ? promote__arena_strndup(arena, s, strlen(s)) : NULL;
}

void *promote__arena_memdup(promote__arena *arena, const void *src, size_t count, size_t size)
{
	if (count == 0)
		return NULL;
	void *out = promote__arena_alloc(arena, count * size);
	if (out)
		memcpy(out, src, count * size);
	return out;
}
