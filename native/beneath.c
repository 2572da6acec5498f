/*
 * Path operations confined beneath a directory descriptor, for the Node host on
 * Linux (loaded by src/impl/node/native-beneath.ts; SECURITY.md has the model).
 * The kernel walks each guest path in one openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS) from the guest's directory descriptor, refusing
 * atomically any step out of it, whatever is swapped concurrently; the last
 * component then goes to an *at call on that parent which does not follow it.
 * Calls take numbers and strings and return one int32: a result >= 0, a
 * negated errno or a CODE_* below; stat results go into the caller's buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#ifndef BENEATH_CORE_ONLY
#include <node_api.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

/* The walk tried to leave the directory (EXDEV from RESOLVE_BENEATH). */
#define CODE_ESCAPE (-5001)
/* Not decided here: the caller's own resolver answers (see native-beneath.ts). */
#define CODE_FALLBACK (-5002)
/* The output buffer is too small: the size needed is in its first four bytes (list). */
#define CODE_TOO_SMALL (-5003)

/* PATH_MAX: longer guest paths are left to the caller's resolver. */
#define PATH_BUFFER 4096
#define RESOLVE_CONFINED (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
/* RESOLVE_BENEATH answers EAGAIN when a rename raced a walk through "..": retry, then let the caller decide. */
#define EAGAIN_RETRIES 16

static int open_beneath(int dirfd, const char *path, int flags, unsigned mode) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (unsigned long long)(flags | O_CLOEXEC);
  /* openat2 refuses a mode without a flag that creates. */
  how.mode = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_CONFINED;
  for (int attempt = 0; attempt < EAGAIN_RETRIES; attempt++) {
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0) return (int)fd;
    if (errno == EXDEV) return CODE_ESCAPE;
    if (errno != EAGAIN) return -errno;
  }
  return CODE_FALLBACK;
}

/*
 * Kept parent directories (SECURITY.md, "Kept parent directories", has the
 * whole argument). The directory a walk reached is kept per (root fd, parent
 * path); the next path below it is one *at call on it with the last name,
 * never followed. Fresh through inotify: the root and every directory of the
 * path but the last are watched for directories deleted or moved in or out,
 * before the next name is looked up in them, and the queue is read (FIONREAD)
 * before a kept fd is used. Only plain names on local file systems are kept.
 */
#define KEPT_COUNT 64
#define KEPT_PATH 256
#define KEPT_DEPTH 16
#define WATCH_COUNT 128
#define WATCH_MASK (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR)
#define XFS_MAGIC 0x58465342
#define UNKEPT_COUNT 8
#define UNKEPT_RETRY 4096
#define FOLD_MOST 8

struct kept_entry {
  int fd; /* -1: free */
  int root;
  size_t length;
  unsigned long used;
  int depth;
  /* The watch on this directory itself, once a longer path was walked from it; -1 until then. */
  int self_watch;
  /* watches[i]: the watch on the directory component i of `path` was looked up in (0: the root). */
  int watches[KEPT_DEPTH];
  char path[KEPT_PATH];
};

/* A parent path that could not be kept; length 0: free. */
struct unkept {
  int root;
  unsigned uses;
  size_t length;
  char path[KEPT_PATH];
};

/* entries and unkept (25 KB) live from the first path with a directory part to kept_close. */
struct kept {
  int inotify; /* -1: not opened (entries and unkept are NULL) */
  int unusable; /* inotify or the memory could not be had: nothing is kept */
  unsigned long clock;
  int watch_count;
  int watches[WATCH_COUNT];
  struct kept_entry *entries; /* KEPT_COUNT of them */
  /* hashes[i]: the hash keepable_depth gave entries[i]'s path when it was filled (stale once it is dropped: its fd says so). */
  uint32_t hashes[KEPT_COUNT];
  int unkept_next;
  struct unkept *unkept; /* UNKEPT_COUNT of them */
};

static void kept_init(struct kept *kept) {
  memset(kept, 0, sizeof *kept);
  kept->inotify = -1;
}

/* Opens the inotify instance and allocates the entries; 0 when either cannot be had. */
static int kept_open(struct kept *kept) {
  kept->entries = malloc(KEPT_COUNT * sizeof *kept->entries);
  kept->unkept = calloc(UNKEPT_COUNT, sizeof *kept->unkept);
  kept->inotify = kept->entries != NULL && kept->unkept != NULL ? inotify_init1(IN_NONBLOCK | IN_CLOEXEC) : -1;
  if (kept->inotify < 0) {
    free(kept->entries);
    free(kept->unkept);
    kept->entries = NULL;
    kept->unkept = NULL;
    return 0;
  }
  for (int i = 0; i < KEPT_COUNT; i++) kept->entries[i].fd = -1;
  kept->unkept_next = 0;
  kept->watch_count = 0;
  return 1;
}

static void drain_events(int inotify) {
  char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  while (read(inotify, buffer, sizeof buffer) > 0) {
  }
}

/* Forgets every kept fd and every watch. */
static void kept_flush(struct kept *kept) {
  if (kept->inotify < 0) return;
  for (int i = 0; i < KEPT_COUNT; i++) {
    if (kept->entries[i].fd >= 0) close(kept->entries[i].fd);
    kept->entries[i].fd = -1;
  }
  for (int i = 0; i < kept->watch_count; i++) inotify_rm_watch(kept->inotify, kept->watches[i]);
  /* The IN_IGNORED events of the removals: nothing is kept any more that they could be about. */
  drain_events(kept->inotify);
  kept->watch_count = 0;
  for (int i = 0; i < UNKEPT_COUNT; i++) kept->unkept[i].length = 0;
}

/*
 * Closing an inotify instance waits while the kernel frees marks just removed
 * (13-18 ms). A short-lived thread closes it, and this waits only until the fd
 * has left the table, which that close does first (microseconds).
 */
static void *close_in_thread(void *fd) {
  close((int)(intptr_t)fd);
  return NULL;
}

static void close_inotify(int fd) {
  pthread_t thread;
  pthread_attr_t attributes;
  sigset_t all, previous;
  sigfillset(&all);
  /* The thread takes no signals: they stay Node's. */
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  int started = pthread_create(&thread, &attributes, close_in_thread, (void *)(intptr_t)fd) == 0;
  pthread_attr_destroy(&attributes);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (!started) close(fd);
  for (int wait = 0; started && wait < 20000 && fcntl(fd, F_GETFD) != -1; wait++) usleep(50);
}

static void kept_close(struct kept *kept) {
  if (kept->inotify < 0) return;
  kept_flush(kept);
  close_inotify(kept->inotify);
  kept->inotify = -1;
  free(kept->entries);
  free(kept->unkept);
  kept->entries = NULL;
  kept->unkept = NULL;
}

static void kept_drop(struct kept_entry *entry) {
  close(entry->fd);
  entry->fd = -1;
}

/* Whether component `index` of the entry's path is `name`. */
static int component_is(const struct kept_entry *entry, int index, const char *name) {
  size_t start = 0;
  for (int i = 0; i < index; i++) start += strcspn(entry->path + start, "/") + 1;
  size_t size = strcspn(entry->path + start, "/");
  return strlen(name) == size && memcmp(entry->path + start, name, size) == 0;
}

/*
 * One event: a directory deleted or moved out of or into a watched directory
 * drops the entries whose path names it there; a watch gone (its directory
 * removed, its file system unmounted) drops the entries that relied on it;
 * events about other files change nothing. Returns 0 when everything must go.
 */
static int kept_apply(struct kept *kept, const struct inotify_event *event) {
  if ((event->mask & (IN_Q_OVERFLOW | IN_UNMOUNT)) != 0) return 0;
  int gone = (event->mask & IN_IGNORED) != 0;
  int moved = (event->mask & IN_ISDIR) != 0 && (event->mask & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)) != 0;
  if (!gone && !moved) return 1;
  if (moved && event->len == 0) return 0;
  for (int i = 0; i < KEPT_COUNT; i++) {
    struct kept_entry *entry = &kept->entries[i];
    if (entry->fd < 0) continue;
    if (gone && entry->self_watch == event->wd) entry->self_watch = -1;
    for (int level = 0; level < entry->depth; level++) {
      if (entry->watches[level] == event->wd && (gone || component_is(entry, level, event->name))) {
        kept_drop(entry);
        break;
      }
    }
  }
  if (gone) {
    for (int i = 0; i < kept->watch_count; i++) {
      if (kept->watches[i] == event->wd) {
        kept->watches[i] = kept->watches[--kept->watch_count];
        break;
      }
    }
  }
  return 1;
}

/* Reads what the watches reported since the last call and drops what it makes stale. */
static void kept_refresh(struct kept *kept) {
  int pending = 0;
  if (ioctl(kept->inotify, FIONREAD, &pending) != 0) {
    kept_flush(kept);
    return;
  }
  if (pending == 0) return;
  char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  int everything = 0;
  ssize_t got;
  /* What FIONREAD counted, not on to EAGAIN. */
  while (pending > 0 && (got = read(kept->inotify, buffer, sizeof buffer)) > 0) {
    pending -= (int)got;
    for (char *at = buffer; at < buffer + got;) {
      const struct inotify_event *event = (const struct inotify_event *)at;
      if (!everything && !kept_apply(kept, event)) everything = 1;
      at += sizeof *event + event->len;
    }
  }
  if (everything) kept_flush(kept);
}

static int is_local_file_system(int fd) {
  struct statfs info;
  if (fstatfs(fd, &info) != 0) return 0;
  switch ((unsigned long)info.f_type) {
    case TMPFS_MAGIC:
    case EXT4_SUPER_MAGIC:
    case XFS_MAGIC:
    case BTRFS_SUPER_MAGIC:
      return 1;
    default:
      return 0;
  }
}

/* The watch on the directory `fd`, added if it was not there: -1 when it cannot be had. */
static int kept_watch(struct kept *kept, int fd) {
  char proc[32];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int watch = inotify_add_watch(kept->inotify, proc, WATCH_MASK);
  if (watch < 0) return -1;
  for (int i = 0; i < kept->watch_count; i++) {
    if (kept->watches[i] == watch) return watch;
  }
  kept->watches[kept->watch_count++] = watch;
  return watch;
}

/* `path` without "." and empty components ("./a//b/." is "a/b") into `out`; its length. */
static size_t plain_path(const char *path, size_t length, char *out) {
  size_t used = 0;
  for (size_t start = 0; start < length;) {
    size_t size = strcspn(path + start, "/");
    if (start + size > length) size = length - start;
    if (size > 0 && !(size == 1 && path[start] == '.')) {
      if (used > 0) out[used++] = '/';
      memcpy(out + used, path + start, size);
      used += size;
    }
    start += size + 1;
  }
  return used;
}

/* The remembered failure for this parent path, or NULL. */
static struct unkept *unkept_find(struct kept *kept, int root, const char *path, size_t length) {
  for (int i = 0; i < UNKEPT_COUNT; i++) {
    struct unkept *entry = &kept->unkept[i];
    if (entry->length == length && entry->root == root && memcmp(entry->path, path, length) == 0) return entry;
  }
  return NULL;
}

/* Remembers that this parent path could not be kept; returns -1 for the caller's walk. */
static int unkept_add(struct kept *kept, struct unkept *known, int root, const char *path, size_t length) {
  if (known == NULL) {
    known = &kept->unkept[kept->unkept_next];
    kept->unkept_next = (kept->unkept_next + 1) % UNKEPT_COUNT;
    known->root = root;
    known->length = length;
    memcpy(known->path, path, length);
  }
  known->uses = 0;
  return -1;
}

static int kept_find(struct kept *kept, int root, const char *path, size_t length, int queue_read);
static int keepable_depth(int root, const char *path, size_t length, uint32_t *hash);
static int kept_lookup(struct kept *kept, int root, const char *path, size_t length, int depth, uint32_t hash, int queue_read);

/*
 * Takes each "x/.." out of the plain `path`, in place, while the directory "x"
 * ends is kept (so fresh, with no symlink on its way): its ".." is then the
 * path's own parent. The new length, or -1 for the walk (a symlink, file or
 * missing name before "..", a leading one, more than FOLD_MOST).
 */
static long fold_parents(struct kept *kept, int root, char *path, size_t length) {
  size_t used = 0;
  int folds = 0;
  for (size_t start = 0; start < length;) {
    size_t size = strcspn(path + start, "/");
    if (start + size > length) size = length - start;
    if (size == 2 && path[start] == '.' && path[start + 1] == '.') {
      if (used == 0 || ++folds > FOLD_MOST || kept_find(kept, root, path, used, 1) < 0) return -1;
      while (used > 0 && path[used - 1] != '/') used--;
      if (used > 0) used--;
    } else {
      if (used > 0) path[used++] = '/';
      memmove(path + used, path + start, size);
      used += size;
    }
    start += size + 1;
  }
  return (long)used;
}

/*
 * A kept fd on the directory `path` (`length` bytes, no NUL needed) beneath
 * `root`, walked and kept now if it was not: -1 when it cannot be kept (the
 * caller walks as usual, which also gives the errno of a path that fails).
 */
/* Whether `path` holds "..": a loop, because memmem's setup costs more than these short paths take to scan. */
static int has_dot_dot(const char *path, size_t length) {
  for (size_t i = 1; i < length; i++) {
    if (path[i] == '.' && path[i - 1] == '.') return 1;
  }
  return 0;
}

static int kept_parent(struct kept *kept, int root, const char *path, size_t length) {
  if (kept == NULL || kept->unusable) return -1;
  char plain[KEPT_PATH];
  int opened_now = kept->inotify < 0;
  if (opened_now && !kept_open(kept)) {
    kept->unusable = 1;
    return -1;
  }
  uint32_t hash;
  /* The common path, plain already: no copy, no folding. */
  int depth = keepable_depth(root, path, length, &hash);
  if (depth > 0) return kept_lookup(kept, root, path, length, depth, hash, opened_now);
  if (length < KEPT_PATH && path[0] != '/') {
    length = plain_path(path, length, plain);
    path = plain;
    if (has_dot_dot(plain, length)) {
      /* Every directory the folding looks up must be fresh: the queue is read first, once. */
      if (!opened_now) kept_refresh(kept);
      long folded = fold_parents(kept, root, plain, length);
      if (folded < 0) return -1;
      if (folded == 0) return root;
      return kept_find(kept, root, plain, (size_t)folded, 1);
    }
    if (length == 0) return root;
  }
  return kept_find(kept, root, path, length, opened_now);
}

/* kept_parent of a plain path with no ".."; `queue_read`: no need to read the inotify queue again. */
static int kept_find(struct kept *kept, int root, const char *path, size_t length, int queue_read) {
  /* Decided before the queue is read: these paths take the walk, which needs no fresh kept fd. */
  uint32_t hash;
  int depth = keepable_depth(root, path, length, &hash);
  if (depth == 0) return -1;
  return kept_lookup(kept, root, path, length, depth, hash, queue_read);
}

/*
 * A parent path that may be kept, in one pass: relative, with no empty, "."
 * or ".." component, at most KEPT_DEPTH deep and shorter than KEPT_PATH. Its
 * depth, and in *hash the FNV-1a of the root fd and the path (what kept_lookup
 * compares before any path); 0 for any other path.
 */
static int keepable_depth(int root, const char *path, size_t length, uint32_t *hash) {
  if (length == 0 || length >= KEPT_PATH) return 0;
  uint32_t h = 2166136261u ^ (uint32_t)root;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= length; i++) {
    if (i < length) {
      h = (h ^ (unsigned char)path[i]) * 16777619u;
      if (path[i] != '/') continue;
    }
    size_t size = i - start;
    if (size == 0 || (path[start] == '.' && (size == 1 || (size == 2 && path[start + 1] == '.')))) return 0;
    if (++depth > KEPT_DEPTH) return 0;
    start = i + 1;
  }
  *hash = h;
  return depth;
}

/* kept_find once the path's depth and hash are known. */
static int kept_lookup(struct kept *kept, int root, const char *path, size_t length, int depth, uint32_t hash, int queue_read) {
  struct unkept *known = unkept_find(kept, root, path, length);
  if (known != NULL && ++known->uses < UNKEPT_RETRY) return -1;
  if (!queue_read) {
    kept_refresh(kept);
    if (known != NULL && known->length == 0) known = NULL;
  }
  /* The common case, a directory kept already: found by its hash, without comparing every path. */
  for (int i = 0; i < KEPT_COUNT; i++) {
    if (kept->hashes[i] != hash) continue;
    struct kept_entry *entry = &kept->entries[i];
    if (entry->fd >= 0 && entry->root == root && entry->length == length && memcmp(entry->path, path, length) == 0) {
      entry->used = ++kept->clock;
      return entry->fd;
    }
  }
  struct kept_entry *oldest = NULL;
  /* The longest kept directory on the way: the walk starts there, with its watches. */
  struct kept_entry *prefix = NULL;
  for (int i = 0; i < KEPT_COUNT; i++) {
    struct kept_entry *entry = &kept->entries[i];
    if (entry->fd < 0) {
      if (oldest == NULL || oldest->fd >= 0) oldest = entry;
      continue;
    }
    if (entry->root == root && entry->length <= length && memcmp(entry->path, path, entry->length) == 0) {
      if (entry->length == length) {
        entry->used = ++kept->clock;
        return entry->fd;
      }
      if (path[entry->length] == '/' && (prefix == NULL || entry->length > prefix->length)) prefix = entry;
    }
    if (oldest == NULL || (oldest->fd >= 0 && entry->used < oldest->used)) oldest = entry;
  }
  if (kept->watch_count + depth + 1 > WATCH_COUNT) {
    kept_flush(kept);
    prefix = NULL;
    known = NULL;
  }
  int watches[KEPT_DEPTH];
  int level = 0;
  int current = root;
  size_t start = 0;
  if (prefix != NULL) {
    if (prefix->self_watch < 0) prefix->self_watch = kept_watch(kept, prefix->fd);
    if (prefix->self_watch < 0) return unkept_add(kept, known, root, path, length);
    memcpy(watches, prefix->watches, sizeof watches);
    level = prefix->depth;
    current = prefix->fd;
    start = prefix->length + 1;
  } else if (!is_local_file_system(root)) {
    return unkept_add(kept, known, root, path, length);
  }
  int opened = 0;
  char name[KEPT_PATH];
  for (size_t i = start; i <= length; i++) {
    if (i < length && path[i] != '/') continue;
    /* Watched before the name is looked up in it: a change after the lookup is reported. */
    int next = -1;
    watches[level] = prefix != NULL && !opened ? prefix->self_watch : kept_watch(kept, current);
    if (watches[level] >= 0) {
      memcpy(name, path + start, i - start);
      name[i - start] = '\0';
      next = open_beneath(current, name, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
    }
    if (opened) close(current);
    if (next < 0) {
      /* A symlink or a file there stays one; a name not there yet does not count. */
      return next == -ELOOP || next == -ENOTDIR ? unkept_add(kept, known, root, path, length) : -1;
    }
    if (!is_local_file_system(next)) {
      close(next);
      return unkept_add(kept, known, root, path, length);
    }
    current = next;
    opened = 1;
    level++;
    start = i + 1;
  }
  if (oldest->fd >= 0) close(oldest->fd);
  oldest->fd = current;
  oldest->root = root;
  oldest->length = length;
  oldest->depth = depth;
  oldest->self_watch = -1;
  memcpy(oldest->watches, watches, sizeof watches);
  memcpy(oldest->path, path, length);
  oldest->path[length] = '\0';
  oldest->used = ++kept->clock;
  kept->hashes[oldest - kept->entries] = hash;
  if (known != NULL) known->length = 0;
  return current;
}

/* Forgets what was kept beneath `root` (its fd is closed, or was just opened on another directory). */
static void kept_forget(struct kept *kept, int root) {
  if (kept->inotify < 0) return;
  for (int i = 0; i < KEPT_COUNT; i++) {
    if (kept->entries[i].fd >= 0 && kept->entries[i].root == root) kept_drop(&kept->entries[i]);
  }
}

/*
 * Where the last component of a path is: its offset, or -1 for a path whose
 * last component is empty (a trailing "/"), "." or "..": their meaning
 * depends on more than the parent and one name.
 */
static long last_component(const char *path, size_t length) {
  if (length == 0 || path[length - 1] == '/') return -1;
  const char *cut = strrchr(path, '/');
  const char *last = cut == NULL ? path : cut + 1;
  if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) return -1;
  return last - path;
}

/*
 * The directory the last component of `path` is in, opened beneath `dirfd`
 * (or `dirfd` itself for a single name, or a kept fd), and that component in
 * `*name`; paths last_component refuses are left to the caller's resolver.
 * The result is closed with close_parent, which `*opened` (set when it was
 * opened here, not `dirfd` or a kept fd) tells to close it.
 */
static int open_parent(struct kept *kept, int dirfd, char *path, size_t length, const char **name, int *opened) {
  *opened = 0;
  long last = last_component(path, length);
  if (last < 0) return CODE_FALLBACK;
  *name = path + last;
  if (last == 0) return dirfd;
  if (last == 1) return CODE_ESCAPE;
  int parent = kept_parent(kept, dirfd, path, (size_t)last - 1);
  if (parent >= 0) return parent;
  path[last - 1] = '\0';
  parent = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0);
  path[last - 1] = '/';
  *opened = parent >= 0;
  return parent;
}

static void close_parent(int parent, int opened) {
  if (opened) close(parent);
}

static int result_of(int status) {
  return status < 0 ? -errno : status;
}

/*
 * The path calls, for both ways JavaScript calls them: this file's Node-API
 * functions below, and the V8 fast calls of native/fast/fast-calls.cc, which
 * compiles this file with BENEATH_CORE_ONLY. `path` is a NUL-terminated copy
 * of `length` bytes that the call may change; `kept` may be NULL. Each
 * answers as the call of its name below does.
 */
#define CORE __attribute__((visibility("hidden")))

/*
 * What keptCreate hands out: an ArrayBuffer holding one of these, which both
 * bindings read (the fast calls could not read a Node-API external, whose
 * layout is Node's). The mark tells it from any other buffer of this size.
 */
struct kept_handle {
  struct kept *kept;
  uint64_t mark;
};
#define KEPT_MARK 0x77697478206b6570ull

/* The kept directories a buffer of `size` bytes at `data` holds, or NULL. */
CORE struct kept *beneath_kept(const void *data, size_t size) {
  const struct kept_handle *handle = data;
  return data != NULL && size == sizeof *handle && handle->mark == KEPT_MARK ? handle->kept : NULL;
}

CORE int beneath_open(struct kept *kept, int dirfd, char *path, size_t length, int flags, unsigned mode) {
  long last = last_component(path, length);
  if (last > 1) {
    int parent = kept_parent(kept, dirfd, path, (size_t)last - 1);
    if (parent >= 0) {
      int fd = openat(parent, path + last, flags | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd >= 0) return fd;
      if ((flags & O_NOFOLLOW) != 0 || (errno != ELOOP && errno != ENOTDIR && errno != EMLINK)) return -errno;
    }
  }
  return open_beneath(dirfd, path, flags, mode);
}

static void fill_stat(int64_t *out, const struct stat *st) {
  out[0] = (int64_t)st->st_dev;
  out[1] = (int64_t)st->st_ino;
  out[2] = (int64_t)st->st_mode;
  out[3] = (int64_t)st->st_nlink;
  out[4] = (int64_t)st->st_size;
  out[5] = (int64_t)st->st_atim.tv_sec * 1000000000 + st->st_atim.tv_nsec;
  out[6] = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  out[7] = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

CORE int beneath_stat(struct kept *kept, int dirfd, char *path, size_t length, int follow, int64_t *out) {
  struct stat st;
  /* One plain name: one call, unless it is a link to follow. */
  if (strchr(path, '/') == NULL && strcmp(path, ".") != 0 && strcmp(path, "..") != 0) {
    if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
    if (!follow || !S_ISLNK(st.st_mode)) {
      fill_stat(out, &st);
      return 0;
    }
  } else {
    /* Below a kept parent: one call, unless it is a link to follow. */
    long last = last_component(path, length);
    int parent = last > 1 ? kept_parent(kept, dirfd, path, (size_t)last - 1) : -1;
    if (parent >= 0) {
      if (fstatat(parent, path + last, &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
      if (!follow || !S_ISLNK(st.st_mode)) {
        fill_stat(out, &st);
        return 0;
      }
    }
  }
  int fd = open_beneath(dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
  if (fd < 0) return fd;
  int status = result_of(fstat(fd, &st));
  close(fd);
  if (status == 0) fill_stat(out, &st);
  return status;
}

CORE int beneath_unlink(struct kept *kept, int dirfd, char *path, size_t length, int directory) {
  const char *name;
  int opened;
  int parent = open_parent(kept, dirfd, path, length, &name, &opened);
  if (parent < 0) return parent;
  int status = result_of(unlinkat(parent, name, directory ? AT_REMOVEDIR : 0));
  close_parent(parent, opened);
  return status;
}

CORE int beneath_mkdir(struct kept *kept, int dirfd, char *path, size_t length) {
  const char *name;
  int opened;
  int parent = open_parent(kept, dirfd, path, length, &name, &opened);
  if (parent < 0) return parent;
  int status = result_of(mkdirat(parent, name, 0777));
  close_parent(parent, opened);
  return status;
}

#ifndef BENEATH_CORE_ONLY
/* A path argument, copied into `buffer`; false when it does not fit or holds a NUL. */
static int get_path(napi_env env, napi_value value, char *buffer, size_t *length) {
  if (napi_get_value_string_utf8(env, value, buffer, PATH_BUFFER, length) != napi_ok) return 0;
  return *length < PATH_BUFFER - 1 && strlen(buffer) == *length;
}

static napi_value int_value(napi_env env, int value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

static int get_int(napi_env env, napi_value value) {
  int32_t number = -1;
  napi_get_value_int32(env, value, &number);
  return number;
}

static struct kept *get_kept(napi_env env, napi_value value) {
  void *data = NULL;
  size_t size = 0;
  bool buffer = false;
  if (napi_is_arraybuffer(env, value, &buffer) != napi_ok || !buffer || napi_get_arraybuffer_info(env, value, &data, &size) != napi_ok) return NULL;
  return beneath_kept(data, size);
}

#define ARGS(count)                                                    \
  size_t argc = count;                                                 \
  napi_value argv[count];                                              \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count) \
    return int_value(env, CODE_FALLBACK)

/* ARGS, and the kept directories (kept_create's object) as an optional argument after them. */
#define ARGS_KEPT(count)                                               \
  size_t argc = count + 1;                                             \
  napi_value argv[count + 1];                                          \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count) \
    return int_value(env, CODE_FALLBACK);                              \
  struct kept *kept = argc > count ? get_kept(env, argv[count]) : NULL

#define PATH_ARG(buffer, length, index)                               \
  char buffer[PATH_BUFFER];                                            \
  size_t length;                                                       \
  if (!get_path(env, argv[index], buffer, &length)) return int_value(env, CODE_FALLBACK)

/* probe(): 0 when openat2 with RESOLVE_BENEATH works here, else the negated errno (ENOSYS on kernels before 5.6). */
static napi_value probe(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = open_beneath(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
  if (fd < 0) return int_value(env, fd == CODE_ESCAPE ? -EXDEV : fd);
  close(fd);
  return int_value(env, 0);
}

/*
 * open(dirfd, path, flags, mode, kept?): the new fd. Flags are Linux's (Node's
 * fs.constants); O_NOFOLLOW is the caller's. Below a kept parent the last name
 * is opened without following; a link there that the caller wants followed
 * takes the walk, which follows it beneath `dirfd`.
 */
static napi_value open_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(4);
  PATH_ARG(path, length, 1);
  return int_value(env, beneath_open(kept, get_int(env, argv[0]), path, length, get_int(env, argv[2]), (unsigned)get_int(env, argv[3])));
}

/* Where a stat goes: an ArrayBuffer (found faster) or a BigInt64Array; NULL if too small. */
static int64_t *get_stat_out(napi_env env, napi_value value) {
  void *data;
  size_t size;
  bool buffer = false;
  if (napi_is_arraybuffer(env, value, &buffer) == napi_ok && buffer)
    return napi_get_arraybuffer_info(env, value, &data, &size) == napi_ok && size >= 64 ? data : NULL;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, &size, &data, NULL, NULL) != napi_ok || type != napi_bigint64_array || size < 8) return NULL;
  return data;
}

/* stat(dirfd, path, follow, out: BigInt64Array(8), kept?): 0, with dev, ino, mode, nlink, size, atim, mtim, ctim in `out`. */
static napi_value stat_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(4);
  PATH_ARG(path, length, 1);
  bool follow = false;
  napi_get_value_bool(env, argv[2], &follow);
  int64_t *data = get_stat_out(env, argv[3]);
  if (data == NULL) return int_value(env, CODE_FALLBACK);
  return int_value(env, beneath_stat(kept, get_int(env, argv[0]), path, length, follow, data));
}

/* statFd(fd, out, parent): as stat, of a host fd the host holds, or with `parent` of its ".." (for fd_readdir). */
static napi_value stat_fd(napi_env env, napi_callback_info info) {
  ARGS(3);
  int fd = get_int(env, argv[0]);
  int64_t *data = get_stat_out(env, argv[1]);
  bool parent = false;
  napi_get_value_bool(env, argv[2], &parent);
  if (data == NULL) return int_value(env, CODE_FALLBACK);
  struct stat st;
  if ((parent ? fstatat(fd, "..", &st, AT_SYMLINK_NOFOLLOW) : fstat(fd, &st)) != 0) return int_value(env, -errno);
  fill_stat(data, &st);
  return int_value(env, 0);
}

/* unlink(dirfd, path, directory, kept?): unlinkat, with AT_REMOVEDIR when `directory`. */
static napi_value unlink_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(3);
  PATH_ARG(path, length, 1);
  bool directory = false;
  napi_get_value_bool(env, argv[2], &directory);
  return int_value(env, beneath_unlink(kept, get_int(env, argv[0]), path, length, directory));
}

/* mkdir(dirfd, path, kept?). */
static napi_value mkdir_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(2);
  PATH_ARG(path, length, 1);
  return int_value(env, beneath_mkdir(kept, get_int(env, argv[0]), path, length));
}

/*
 * rename(dirfd, path, newDirfd, newPath), link(..., follow). A missing source
 * is ENOENT whatever the destination, as the resolver answers; a link's source
 * to follow is the caller's (linkat can only follow it unconfined).
 */
static napi_value two_paths(napi_env env, napi_callback_info info, int linking) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < (size_t)(4 + linking)) return int_value(env, CODE_FALLBACK);
  PATH_ARG(from, from_length, 1);
  PATH_ARG(to, to_length, 3);
  int from_dirfd = get_int(env, argv[0]);
  int to_dirfd = get_int(env, argv[2]);
  bool follow = false;
  if (linking) napi_get_value_bool(env, argv[4], &follow);
  const char *from_name;
  const char *to_name;
  if ((!linking && last_component(from, from_length) < 0) || last_component(to, to_length) < 0) return int_value(env, CODE_FALLBACK);
  int from_opened, to_opened;
  int from_parent = open_parent(NULL, from_dirfd, from, from_length, &from_name, &from_opened);
  if (from_parent < 0) return int_value(env, from_parent);
  struct stat st;
  int status = result_of(fstatat(from_parent, from_name, &st, AT_SYMLINK_NOFOLLOW));
  if (status == 0 && follow && S_ISLNK(st.st_mode)) status = CODE_FALLBACK;
  if (status == 0) {
    int to_parent = open_parent(NULL, to_dirfd, to, to_length, &to_name, &to_opened);
    if (to_parent < 0) {
      status = to_parent;
    } else {
      status = result_of(linking ? linkat(from_parent, from_name, to_parent, to_name, 0) : renameat(from_parent, from_name, to_parent, to_name));
      close_parent(to_parent, to_opened);
    }
  }
  close_parent(from_parent, from_opened);
  return int_value(env, status);
}

static napi_value rename_path(napi_env env, napi_callback_info info) {
  return two_paths(env, info, 0);
}

static napi_value link_path(napi_env env, napi_callback_info info) {
  return two_paths(env, info, 1);
}

/* symlink(target, dirfd, path, kept?): the caller has checked the target (it cannot lead outside). */
static napi_value symlink_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(3);
  PATH_ARG(target, target_length, 0);
  PATH_ARG(path, length, 2);
  (void)target_length;
  int dirfd = get_int(env, argv[1]);
  const char *name;
  int opened;
  int parent = open_parent(kept, dirfd, path, length, &name, &opened);
  if (parent < 0) return int_value(env, parent);
  int status = result_of(symlinkat(target, parent, name));
  close_parent(parent, opened);
  return int_value(env, status);
}

/* readlink(dirfd, path, out: Buffer, kept?): the length of the target copied into `out` (at most its size). */
static napi_value readlink_path(napi_env env, napi_callback_info info) {
  ARGS_KEPT(3);
  PATH_ARG(path, length, 1);
  int dirfd = get_int(env, argv[0]);
  void *out;
  size_t capacity;
  if (napi_get_buffer_info(env, argv[2], &out, &capacity) != napi_ok) return int_value(env, CODE_FALLBACK);
  const char *name;
  int opened;
  int parent = open_parent(kept, dirfd, path, length, &name, &opened);
  if (parent < 0) return int_value(env, parent);
  ssize_t size = readlinkat(parent, name, out, capacity);
  int status = size < 0 ? -errno : (int)size;
  close_parent(parent, opened);
  return int_value(env, status);
}

/* close(fd, kept?): closes a descriptor the host owns; node:fs's closeSync costs more per call than the system call itself. */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  ARGS_KEPT(1);
  int fd = get_int(env, argv[0]);
  if (kept != NULL) kept_forget(kept, fd);
  return int_value(env, result_of(close(fd)));
}

/* The range [offset, offset + length) of a Uint8Array: false when it is none or outside it. */
static int get_bytes(napi_env env, napi_value value, napi_value offset_value, napi_value length_value, char **bytes, size_t *size) {
  napi_typedarray_type type;
  size_t count;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &count, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  int64_t offset = -1;
  int64_t length = -1;
  napi_get_value_int64(env, offset_value, &offset);
  napi_get_value_int64(env, length_value, &length);
  if (offset < 0 || length < 0 || (uint64_t)offset > count || (uint64_t)length > count - (uint64_t)offset) return 0;
  *bytes = (char *)data + offset;
  *size = (size_t)length;
  return 1;
}

/*
 * read/write(fd, bytes: Uint8Array, offset, length, position): at `position`
 * (>= 0) or the OS offset (-1); the count or a negated errno. Only write is
 * retried on EINTR, as libuv does.
 */
static napi_value transfer(napi_env env, napi_callback_info info, int writing) {
  ARGS(5);
  char *bytes;
  size_t size;
  if (!get_bytes(env, argv[1], argv[2], argv[3], &bytes, &size)) return int_value(env, CODE_FALLBACK);
  int fd = get_int(env, argv[0]);
  int64_t at = -1;
  napi_get_value_int64(env, argv[4], &at);
  ssize_t count;
  do {
    if (writing) count = at >= 0 ? pwrite(fd, bytes, size, (off_t)at) : write(fd, bytes, size);
    else count = at >= 0 ? pread(fd, bytes, size, (off_t)at) : read(fd, bytes, size);
  } while (count < 0 && errno == EINTR && writing);
  return int_value(env, count < 0 ? -errno : (int)count);
}

static napi_value read_fd(napi_env env, napi_callback_info info) {
  return transfer(env, info, 0);
}

static napi_value write_fd(napi_env env, napi_callback_info info) {
  return transfer(env, info, 1);
}

/* One entry as getdents64 returns it. */
struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int compare_names(const void *a, const void *b) {
  return strcmp((*(const struct linux_dirent64 *const *)a)->d_name, (*(const struct linux_dirent64 *const *)b)->d_name);
}

/* The Uint32Array list reads and sets (native-beneath.ts slotIno, ...); u64s in the machine's order. */
enum { SL_INO = 2, SL_PARENT = 8, SL_NOT_ASCII = 10, SL_DIRENT = 11, SL_FILETYPES = 16, SL_COUNT = 32 };

static uint32_t *get_slots(napi_env env, napi_value value) {
  napi_typedarray_type type;
  size_t count;
  uint32_t *s;
  if (napi_get_typedarray_info(env, value, &type, &count, (void **)&s, NULL, NULL) != napi_ok || type != napi_uint32_array || count < SL_COUNT) return NULL;
  static const uint64_t widths[] = {8, 8, 4, 1};
  for (int i = 0; i < 4; i++) {
    if (s[SL_DIRENT + 1 + i] + widths[i] > s[SL_DIRENT]) return NULL;
  }
  return s;
}

static uint64_t get_u64(const uint32_t *slots, int at) {
  uint64_t value;
  memcpy(&value, slots + at, sizeof value);
  return value;
}

static void put_le(unsigned char *at, uint64_t value, int bytes) {
  for (int byte = 0; byte < bytes; byte++) at[byte] = (unsigned char)(value >> (8 * byte));
}

/* One dirent and its name: where the next one goes. */
static unsigned char *put_dirent(unsigned char *at, const uint32_t *slots, uint64_t next, uint64_t ino, unsigned type, const char *name, size_t length) {
  size_t size = slots[SL_DIRENT];
  memset(at, 0, size);
  put_le(at + slots[SL_DIRENT + 1], next, 8);
  put_le(at + slots[SL_DIRENT + 2], ino, 8);
  put_le(at + slots[SL_DIRENT + 3], length, 4);
  at[slots[SL_DIRENT + 4]] = (unsigned char)slots[SL_FILETYPES + (type & 15)];
  memcpy(at + size, name, length);
  return at + size + length;
}

/* The whole directory through getdents64 into `*raw` (malloc'ed): its size, or a negated errno. */
static long read_entries(int fd, char **raw) {
  size_t room = 32768;
  size_t size = 0;
  char *buffer = malloc(room);
  if (buffer == NULL) return -ENOMEM;
  for (;;) {
    if (room - size < 4096) {
      char *larger = realloc(buffer, room * 2);
      if (larger == NULL) {
        free(buffer);
        return -ENOMEM;
      }
      buffer = larger;
      room *= 2;
    }
    long got = syscall(SYS_getdents64, fd, buffer + size, room - size);
    /* A directory removed while open has no entries (ENOENT), as readdir(3) reads it. */
    if (got < 0 && errno == ENOENT) break;
    if (got < 0) {
      int error = errno;
      free(buffer);
      return -error;
    }
    if (got == 0) break;
    size += (size_t)got;
  }
  *raw = buffer;
  return (long)size;
}

/*
 * list(dirfd, out: Buffer, slots): the dirents of ".", ".." and the entries
 * sorted as Node's readdirSync (libuv's scandir) sorts them. The bytes used,
 * CODE_TOO_SMALL (the size needed in out[0..4], u32 LE), CODE_FALLBACK off
 * local file systems, or a negated errno. DT_UNKNOWN entries are stat'ed, as
 * Node does.
 */
static napi_value list_directory(napi_env env, napi_callback_info info) {
  ARGS(3);
  unsigned char *out;
  size_t capacity;
  uint32_t *slots = get_slots(env, argv[2]);
  if (slots == NULL || napi_get_buffer_info(env, argv[1], (void **)&out, &capacity) != napi_ok || capacity < 4) return int_value(env, CODE_FALLBACK);
  /* The host's own fd (opened for reading), rewound: nothing else uses its offset. */
  int fd = get_int(env, argv[0]);
  if (lseek(fd, 0, SEEK_SET) != 0) return int_value(env, -errno);
  if (!is_local_file_system(fd)) return int_value(env, CODE_FALLBACK);
  char *raw = NULL;
  long size = read_entries(fd, &raw);
  if (size < 0) return int_value(env, (int)size);
  /* A record takes at least 24 bytes. */
  struct linux_dirent64 **entries = malloc((size_t)(size / 24 + 1) * sizeof *entries);
  if (entries == NULL) {
    free(raw);
    return int_value(env, -ENOMEM);
  }
  size_t header = slots[SL_DIRENT];
  size_t kept = 0;
  size_t needed = 2 * header + 3;
  int not_ascii = 0;
  for (long at = 0; at < size;) {
    struct linux_dirent64 *entry = (struct linux_dirent64 *)(raw + at);
    at += entry->d_reclen;
    const char *name = entry->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    entries[kept++] = entry;
    for (; *name != '\0'; name++) not_ascii |= (unsigned char)*name >= 0x80;
    needed += header + (size_t)(name - entry->d_name);
  }
  qsort(entries, kept, sizeof *entries, compare_names);
  int status = (int)needed;
  if (needed > capacity || needed > INT32_MAX) {
    put_le(out, needed, 4);
    status = needed > INT32_MAX ? -ENOMEM : CODE_TOO_SMALL;
  } else {
    unsigned char *at = put_dirent(out, slots, 1, get_u64(slots, SL_INO), DT_DIR, ".", 1);
    at = put_dirent(at, slots, 2, get_u64(slots, SL_PARENT), DT_DIR, "..", 2);
    for (size_t i = 0; i < kept; i++) {
      struct linux_dirent64 *entry = entries[i];
      uint64_t ino = entry->d_ino;
      unsigned type = entry->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
          type = IFTODT(st.st_mode);
          ino = (uint64_t)st.st_ino;
        }
      }
      at = put_dirent(at, slots, i + 3, ino, type, entry->d_name, strlen(entry->d_name));
    }
    slots[SL_NOT_ASCII] = not_ascii;
  }
  free(entries);
  free(raw);
  return int_value(env, status);
}

static void finalize_kept(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  kept_close(data);
  free(data);
}

/*
 * keptCreate(): the kept directories of one host, an object to pass to the
 * calls above (a struct kept_handle in an ArrayBuffer). Only one thread uses
 * it. Its fds and inotify instance are closed by keptClose (and when it is
 * collected).
 */
static napi_value kept_create(napi_env env, napi_callback_info info) {
  (void)info;
  struct kept *kept = malloc(sizeof *kept);
  struct kept_handle *handle = NULL;
  napi_value result;
  if (kept != NULL && napi_create_arraybuffer(env, sizeof *handle, (void **)&handle, &result) == napi_ok &&
      napi_add_finalizer(env, result, kept, finalize_kept, NULL, NULL) == napi_ok) {
    kept_init(kept);
    handle->kept = kept;
    handle->mark = KEPT_MARK;
    return result;
  }
  free(kept);
  napi_get_null(env, &result);
  return result;
}

/* keptClose(kept): closes what it keeps; it keeps again when used again. */
static napi_value kept_close_call(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct kept *kept = get_kept(env, argv[0]);
  if (kept != NULL) kept_close(kept);
  return int_value(env, 0);
}

/* keptForget(kept, dirfd): forgets what was kept beneath `dirfd`, before it is closed or once it is opened. */
static napi_value kept_forget_call(napi_env env, napi_callback_info info) {
  ARGS(2);
  struct kept *kept = get_kept(env, argv[0]);
  if (kept != NULL) kept_forget(kept, get_int(env, argv[1]));
  return int_value(env, 0);
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"probe", NULL, probe, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, open_path, NULL, NULL, NULL, napi_default, NULL},
      {"stat", NULL, stat_path, NULL, NULL, NULL, napi_default, NULL},
      {"statFd", NULL, stat_fd, NULL, NULL, NULL, napi_default, NULL},
      {"unlink", NULL, unlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"mkdir", NULL, mkdir_path, NULL, NULL, NULL, napi_default, NULL},
      {"rename", NULL, rename_path, NULL, NULL, NULL, napi_default, NULL},
      {"link", NULL, link_path, NULL, NULL, NULL, napi_default, NULL},
      {"symlink", NULL, symlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"readlink", NULL, readlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"read", NULL, read_fd, NULL, NULL, NULL, napi_default, NULL},
      {"list", NULL, list_directory, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, write_fd, NULL, NULL, NULL, napi_default, NULL},
      {"keptCreate", NULL, kept_create, NULL, NULL, NULL, napi_default, NULL},
      {"keptClose", NULL, kept_close_call, NULL, NULL, NULL, napi_default, NULL},
      {"keptForget", NULL, kept_forget_call, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
#endif
