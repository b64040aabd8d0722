/* A library loaded by name into a table of its functions (dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

bool promote__dynlib_load(const char *soname, const promote__dynlib_symbol *symbols, size_t count, void *table,
	size_t table_size, char *why, size_t n)
{
	memset(table, 0, table_size);
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		snprintf(why, n, "%s", e ? e : "dlopen() failed");
		return false;
	}
	_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers as wide as object pointers");
	for (size_t i = 0; i < count; i++) {
		void *symbol = dlsym(lib, symbols[i].name);
		if (!symbol) {
			snprintf(why, n, "it has no function %s", symbols[i].name);
			memset(table, 0, table_size);
			dlclose(lib); /* nothing of it is used */
			return false;
		}
		/* dlsym()'s object pointer into a function pointer: memcpy, which ISO C allows, not a cast. */
		memcpy((char *)table + symbols[i].offset, &symbol, sizeof symbol);
	}
	return true;
}
