/*
 * libmicrohttpd's functions, loaded by name when the web view starts (lib/core/dynlib.h), not linked:
 * libmicrohttpd links GnuTLS and its ten libraries, whose mapping and start (GnuTLS's constructor)
 * cost every `promote` process 4 ms although only `watch --listen` serves. The fields keep
 * microhttpd.h's own prototypes.
 */
#ifndef PROMOTE_CLI_WEB_MHD_H
#define PROMOTE_CLI_WEB_MHD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct web_mhd_api {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_get_connection_values) *get_connection_values;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
} web_mhd_api;

/* libmicrohttpd's functions, loaded at the first call (not thread-safe: the watcher's main thread calls
 * it before the server's threads exist). NULL with `why` (n bytes) saying what failed. */
const web_mhd_api *web_mhd(char *why, size_t n);

#endif
