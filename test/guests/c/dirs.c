/*
 * Directories: path_create_directory, fd_readdir (through readdir and
 * directly, following d_next cookies with small buffers), seekdir/telldir,
 * path_remove_directory, and the errors of opendir/rmdir/mkdir.
 *
 * Entry order from the host is unspecified, so names are sorted before they
 * are printed; the checks on cookies compare what was read, not the order.
 */
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE SANDBOX "/dirs"
#define MANY BASE "/many"
#define FILE_COUNT 40

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *dtype_name(unsigned char t) {
  switch (t) {
  case DT_REG: return "REG";
  case DT_DIR: return "DIR";
  case DT_LNK: return "LNK";
  case DT_UNKNOWN: return "UNKNOWN";
  default: return "OTHER";
  }
}

static void populate(void) {
  report("mkdir " BASE, mkdir(BASE, 0755));
  report("mkdir " MANY, mkdir(MANY, 0755));
  int created = 0;
  for (int i = 0; i < FILE_COUNT; i++) {
    char path[128];
    /* Long names make each entry take more room in fd_readdir's buffer. */
    snprintf(path, sizeof path, MANY "/entry-%02d-with-a-rather-long-name.txt", i);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      created++;
      close(fd);
    }
  }
  say("files created", "%d", created);
  report("mkdir many/sub", mkdir(MANY "/sub", 0755));
  report("symlink many/link", symlink("entry-00-with-a-rather-long-name.txt", MANY "/link"));
}

/* Lists a directory with readdir, sorted, one line per entry with its type. */
static void list_sorted(const char *path, int print_each) {
  DIR *d = opendir(path);
  if (!d) {
    say("opendir", "%s", errno_name(errno));
    return;
  }
  char *names[128];
  unsigned char types[128];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 128) {
    names[n] = strdup(e->d_name);
    types[n] = e->d_type;
    n++;
  }
  closedir(d);

  /* Sort names and carry the types along by sorting "name\0type" pairs. */
  char *pairs[128];
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(names[i]);
    pairs[i] = malloc(len + 2);
    memcpy(pairs[i], names[i], len + 1);
    pairs[i][len + 1] = (char)types[i];
    free(names[i]);
  }
  qsort(pairs, n, sizeof pairs[0], compare_names);

  char label[160];
  snprintf(label, sizeof label, "readdir %s entry count", path);
  say(label, "%zu", n);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(pairs[i]);
    if (print_each) {
      snprintf(label, sizeof label, "entry %s", pairs[i]);
      say(label, "%s", dtype_name((unsigned char)pairs[i][len + 1]));
    }
    free(pairs[i]);
  }
}

/* Reads names with telldir/seekdir and checks the cookies hold their place. */
static void tell_and_seek(void) {
  DIR *d = opendir(MANY);
  char *first = NULL;
  struct dirent *e;
  for (int i = 0; i < 10 && (e = readdir(d)) != NULL; i++)
    if (i == 0)
      first = strdup(e->d_name);
  long loc = telldir(d);
  char *next[5] = {0};
  for (int i = 0; i < 5 && (e = readdir(d)) != NULL; i++)
    next[i] = strdup(e->d_name);
  /* Read on past the saved position so that seekdir has to move back. */
  int rest = 0;
  while (readdir(d) != NULL)
    rest++;
  say("entries after the 15 read", "%d", rest);

  seekdir(d, loc);
  int same = 1;
  for (int i = 0; i < 5; i++) {
    e = readdir(d);
    same &= e != NULL && next[i] != NULL && strcmp(e->d_name, next[i]) == 0;
  }
  say("seekdir to telldir cookie resumes at the same entries", "%s", yes_no(same));

  rewinddir(d);
  e = readdir(d);
  say("rewinddir returns the first entry again", "%s",
      yes_no(e != NULL && first != NULL && strcmp(e->d_name, first) == 0));
  closedir(d);
}

/*
 * Walks the directory with the raw call and a small buffer, restarting at
 * each complete entry's d_next cookie. Every name must come back exactly once
 * and the walk must end; a host that ignores the cookie loops forever.
 */
static void raw_walk(size_t buf_len) {
  int fd = open(MANY, O_RDONLY | O_DIRECTORY);
  static char seen[256][64];
  size_t seen_count = 0;
  int duplicates = 0, rounds = 0;
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  char *buf = malloc(buf_len);
  int finished = 0;

  while (rounds < 500) {
    rounds++;
    __wasi_size_t used = 0;
    __wasi_errno_t err = __wasi_fd_readdir(fd, (uint8_t *)buf, buf_len, cookie, &used);
    if (err) {
      say("fd_readdir during walk", "%s", errno_name(err));
      break;
    }
    size_t pos = 0;
    int progressed = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t ent;
      memcpy(&ent, buf + pos, sizeof ent);
      /* The host may cut the last entry short; it is read again next round. */
      if (pos + sizeof ent + ent.d_namlen > used)
        break;
      char name[64] = {0};
      memcpy(name, buf + pos + sizeof ent, ent.d_namlen < 63 ? ent.d_namlen : 63);
      for (size_t i = 0; i < seen_count; i++)
        if (strcmp(seen[i], name) == 0)
          duplicates++;
      if (seen_count < 256)
        strcpy(seen[seen_count++], name);
      cookie = ent.d_next;
      progressed = 1;
      pos += sizeof ent + ent.d_namlen;
    }
    if (used < buf_len) {
      finished = 1;
      break;
    }
    if (!progressed) {
      say("fd_readdir buffer too small for one entry", "yes");
      break;
    }
  }
  free(buf);
  close(fd);

  char label[96];
  snprintf(label, sizeof label, "fd_readdir walk with %zu-byte buffer ends", buf_len);
  say(label, "%s", yes_no(finished));
  snprintf(label, sizeof label, "fd_readdir walk with %zu-byte buffer names", buf_len);
  say(label, "%zu", seen_count);
  snprintf(label, sizeof label, "fd_readdir walk with %zu-byte buffer duplicates", buf_len);
  say(label, "%d", duplicates);
}

static void raw_edges(void) {
  int fd = open(MANY, O_RDONLY | O_DIRECTORY);
  char buf[16];
  __wasi_size_t used = 0;
  /* A buffer smaller than one entry is filled completely with its start. */
  report_wasi("fd_readdir into 10-byte buffer",
              __wasi_fd_readdir(fd, (uint8_t *)buf, 10, 0, &used));
  say("fd_readdir into 10-byte buffer used", "%u", (unsigned)used);

  /* The cookie of the last entry leads past the end: nothing more to read. */
  static char big[16384];
  __wasi_fd_readdir(fd, (uint8_t *)big, sizeof big, 0, &used);
  size_t pos = 0;
  __wasi_dircookie_t last = 0;
  int entries = 0;
  while (pos + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t ent;
    memcpy(&ent, big + pos, sizeof ent);
    last = ent.d_next;
    entries++;
    pos += sizeof ent + ent.d_namlen;
  }
  say("fd_readdir big buffer entries", "%d", entries);
  say("fd_readdir big buffer used exactly the entries", "%s", yes_no(pos == used));
  __wasi_size_t after = 99;
  report_wasi("fd_readdir from last cookie", __wasi_fd_readdir(fd, (uint8_t *)big, sizeof big, last, &after));
  say("fd_readdir from last cookie used", "%u", (unsigned)after);
  close(fd);

  /*
   * A host may keep fd_readdir on a file descriptor (then ENOTDIR) or drop
   * it as a right that does not apply to files (then ENOTCAPABLE).
   */
  int file = open(MANY "/entry-01-with-a-rather-long-name.txt", O_RDONLY);
  __wasi_errno_t err = __wasi_fd_readdir(file, (uint8_t *)buf, sizeof buf, 0, &used);
  say("fd_readdir on a regular file is refused with ENOTDIR or ENOTCAPABLE", "%s",
      yes_no(err == __WASI_ERRNO_NOTDIR || err == __WASI_ERRNO_NOTCAPABLE));
  close(file);
}

static void errors(void) {
  report("mkdir existing directory", mkdir(MANY, 0755));
  report("mkdir under missing parent", mkdir(BASE "/nope/deeper", 0755));
  report("mkdir where a file is", mkdir(MANY "/entry-02-with-a-rather-long-name.txt", 0755));
  report("rmdir non-empty directory", rmdir(MANY));
  report("rmdir a file", rmdir(MANY "/entry-03-with-a-rather-long-name.txt"));
  report("rmdir missing directory", rmdir(BASE "/nope"));
  errno = 0;
  DIR *d = opendir(MANY "/entry-04-with-a-rather-long-name.txt");
  say("opendir on a file", "%s", d ? "succeeded" : errno_name(errno));
  d = opendir(BASE "/nope");
  say("opendir missing directory", "%s", d ? "succeeded" : errno_name(errno));

  report("mkdir empty", mkdir(BASE "/empty", 0755));
  list_sorted(BASE "/empty", 1);
  struct stat st;
  stat(BASE "/empty", &st);
  say("stat empty is a directory", "%s", yes_no(S_ISDIR(st.st_mode)));
  report("rmdir empty", rmdir(BASE "/empty"));
  report("stat removed directory", stat(BASE "/empty", &st));

  int fd = open(BASE, O_RDONLY | O_DIRECTORY);
  report_wasi("path_create_directory raw", __wasi_path_create_directory(fd, "raw"));
  report_wasi("path_create_directory raw again", __wasi_path_create_directory(fd, "raw"));
  report_wasi("path_remove_directory raw", __wasi_path_remove_directory(fd, "raw"));
  report_wasi("path_remove_directory raw again", __wasi_path_remove_directory(fd, "raw"));
  close(fd);
}

/*
 * d_ino of every entry fd_readdir gives for MANY against the inode a stat
 * reports: path_filestat_get (no follow) for an entry, fd_filestat_get for
 * ".", a stat of BASE for "..". Also listed twice, so a second listing (the
 * host may keep the first) is checked too.
 */
static void inode_numbers(void) {
  static char buf[16384];
  int fd = open(MANY, O_RDONLY | O_DIRECTORY);
  __wasi_filestat_t self, entry;
  struct stat parent;
  if (fd < 0 || __wasi_fd_filestat_get(fd, &self) != 0 || stat(BASE, &parent) != 0) {
    say("d_ino setup", "%s", errno_name(errno));
    return;
  }
  for (int pass = 1; pass <= 2; pass++) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used);
    int entries = 0, matching = 0;
    for (size_t at = 0; e == 0 && at + sizeof(__wasi_dirent_t) <= used;) {
      __wasi_dirent_t d;
      memcpy(&d, buf + at, sizeof d);
      char name[256];
      size_t len = d.d_namlen < sizeof name ? d.d_namlen : sizeof name - 1;
      memcpy(name, buf + at + sizeof d, len);
      name[len] = '\0';
      __wasi_inode_t expected = 0;
      if (strcmp(name, ".") == 0) expected = self.ino;
      else if (strcmp(name, "..") == 0) expected = parent.st_ino;
      else if (__wasi_path_filestat_get(fd, 0, name, &entry) == 0) expected = entry.ino;
      entries++;
      if (expected != 0 && d.d_ino == expected) matching++;
      at += sizeof d + d.d_namlen;
    }
    char label[64];
    snprintf(label, sizeof label, "listing %d: d_ino equals the stat ino", pass);
    say(label, "%d of %d entries", matching, entries);
  }
  close(fd);
}

int main(void) {
  populate();
  list_sorted(MANY, 1);
  tell_and_seek();
  raw_walk(128);
  raw_walk(300);
  raw_walk(4096);
  raw_edges();
  inode_numbers();
  errors();
  return 0;
}
