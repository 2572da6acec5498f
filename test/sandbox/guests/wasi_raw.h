/*
 * Direct imports of the wasi_snapshot_preview1 functions the escape guest
 * attacks with, taking every path as an explicit (pointer, length) pair.
 *
 * wasi-libc's own __wasi_* wrappers compute the length with strlen, so they
 * cannot pass a path with a NUL inside or one that is not NUL-terminated, and
 * its POSIX layer (open, stat, ...) resolves paths against the preopens in
 * the guest before the host sees them. The sandbox is the host's job, so the
 * guest must be able to hand the host any bytes it likes.
 */
#ifndef WASI_RAW_H
#define WASI_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <wasi/api.h>

#define RAW_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef uint16_t raw_errno;

raw_errno raw_path_open(uint32_t fd, uint32_t dirflags, const char *path, size_t path_len,
                        uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                        uint32_t fdflags, uint32_t *opened) RAW_IMPORT(path_open);
raw_errno raw_path_filestat_get(uint32_t fd, uint32_t flags, const char *path, size_t path_len,
                                __wasi_filestat_t *stat) RAW_IMPORT(path_filestat_get);
raw_errno raw_path_filestat_set_times(uint32_t fd, uint32_t flags, const char *path,
                                      size_t path_len, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags) RAW_IMPORT(path_filestat_set_times);
raw_errno raw_path_readlink(uint32_t fd, const char *path, size_t path_len, char *buf,
                            size_t buf_len, size_t *used) RAW_IMPORT(path_readlink);
raw_errno raw_path_create_directory(uint32_t fd, const char *path, size_t path_len)
    RAW_IMPORT(path_create_directory);
raw_errno raw_path_remove_directory(uint32_t fd, const char *path, size_t path_len)
    RAW_IMPORT(path_remove_directory);
raw_errno raw_path_unlink_file(uint32_t fd, const char *path, size_t path_len)
    RAW_IMPORT(path_unlink_file);
raw_errno raw_path_rename(uint32_t fd, const char *old_path, size_t old_len, uint32_t new_fd,
                          const char *new_path, size_t new_len) RAW_IMPORT(path_rename);
raw_errno raw_path_link(uint32_t old_fd, uint32_t old_flags, const char *old_path,
                        size_t old_len, uint32_t new_fd, const char *new_path, size_t new_len)
    RAW_IMPORT(path_link);
raw_errno raw_path_symlink(const char *old_path, size_t old_len, uint32_t fd,
                           const char *new_path, size_t new_len) RAW_IMPORT(path_symlink);

#endif
