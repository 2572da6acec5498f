/*
 * A small real job, N times over: copy a directory tree (the runner builds
 * about 200 files in about 20 directories), compare every copied file with
 * its original, then delete the copy. It mixes readdir, stat, mkdir, open,
 * read, write, close, unlink and rmdir the way a build tool or installer does.
 * argv: N source-dir copy-dir expected-files expected-dirs
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

#define PATH_LIMIT 512
#define CHUNK 16384

static unsigned char buffer_a[CHUNK];
static unsigned char buffer_b[CHUNK];

struct tally {
    long files;
    long dirs;
    long long bytes;
};

static void join(char *out, const char *dir, const char *name) {
    int written = snprintf(out, PATH_LIMIT, "%s/%s", dir, name);
    if (written < 0 || written >= PATH_LIMIT) bench_fail("path too long");
}

static int is_dot(const char *name) {
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static void copy_file(const char *from, const char *to, struct tally *tally) {
    int in = open(from, O_RDONLY);
    if (in < 0) bench_fail("cannot open a source file");
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (out < 0) bench_fail("cannot create a copied file");
    for (;;) {
        ssize_t got = read(in, buffer_a, CHUNK);
        if (got < 0) bench_fail("read failed");
        if (got == 0) break;
        if (write(out, buffer_a, (size_t)got) != got) bench_fail("short write");
        tally->bytes += got;
    }
    if (close(in) != 0 || close(out) != 0) bench_fail("close failed");
    tally->files++;
}

static void copy_tree(const char *from, const char *to, struct tally *tally) {
    if (mkdir(to, 0755) != 0) bench_fail("mkdir failed");
    tally->dirs++;
    DIR *dir = opendir(from);
    if (dir == NULL) bench_fail("opendir of a source directory failed");
    struct dirent *entry;
    char source[PATH_LIMIT];
    char target[PATH_LIMIT];
    while ((entry = readdir(dir)) != NULL) {
        if (is_dot(entry->d_name)) continue;
        join(source, from, entry->d_name);
        join(target, to, entry->d_name);
        struct stat info;
        if (stat(source, &info) != 0) bench_fail("stat of a source entry failed");
        if (S_ISDIR(info.st_mode)) {
            copy_tree(source, target, tally);
        } else if (S_ISREG(info.st_mode)) {
            copy_file(source, target, tally);
        } else {
            bench_fail("unexpected file type in the source tree");
        }
    }
    if (closedir(dir) != 0) bench_fail("closedir failed");
}

static void compare_files(const char *original, const char *copy, struct tally *tally) {
    int a = open(original, O_RDONLY);
    int b = open(copy, O_RDONLY);
    if (a < 0 || b < 0) bench_fail("cannot open a file to compare");
    for (;;) {
        ssize_t got_a = read(a, buffer_a, CHUNK);
        ssize_t got_b = read(b, buffer_b, CHUNK);
        if (got_a < 0 || got_b < 0) bench_fail("read failed while comparing");
        if (got_a != got_b) bench_fail("copy has a different length");
        if (got_a == 0) break;
        if (memcmp(buffer_a, buffer_b, (size_t)got_a) != 0) bench_fail("copy has different contents");
        tally->bytes += got_a;
    }
    close(a);
    close(b);
    tally->files++;
}

/* Walks the copy, so a file missing from it or an extra file shows up in the tallies. */
static void verify_tree(const char *original, const char *copy, struct tally *tally) {
    tally->dirs++;
    DIR *dir = opendir(copy);
    if (dir == NULL) bench_fail("opendir of a copied directory failed");
    struct dirent *entry;
    char source[PATH_LIMIT];
    char target[PATH_LIMIT];
    while ((entry = readdir(dir)) != NULL) {
        if (is_dot(entry->d_name)) continue;
        join(source, original, entry->d_name);
        join(target, copy, entry->d_name);
        struct stat info;
        if (stat(target, &info) != 0) bench_fail("stat of a copied entry failed");
        if (S_ISDIR(info.st_mode)) {
            verify_tree(source, target, tally);
        } else {
            compare_files(source, target, tally);
        }
    }
    closedir(dir);
}

static void delete_tree(const char *path) {
    DIR *dir = opendir(path);
    if (dir == NULL) bench_fail("opendir of a directory to delete failed");
    struct dirent *entry;
    char child[PATH_LIMIT];
    while ((entry = readdir(dir)) != NULL) {
        if (is_dot(entry->d_name)) continue;
        join(child, path, entry->d_name);
        struct stat info;
        if (stat(child, &info) != 0) bench_fail("stat of an entry to delete failed");
        if (S_ISDIR(info.st_mode)) {
            delete_tree(child);
        } else if (unlink(child) != 0) {
            bench_fail("unlink failed");
        }
    }
    closedir(dir);
    if (rmdir(path) != 0) bench_fail("rmdir failed");
}

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *source = bench_arg_text(argc, argv, 2);
    const char *copy = bench_arg_text(argc, argv, 3);
    long expected_files = bench_arg_count(argc, argv, 4);
    long expected_dirs = bench_arg_count(argc, argv, 5);
    long long first_bytes = -1;
    for (long i = 0; i < n; i++) {
        struct tally copied = {0, 0, 0};
        struct tally verified = {0, 0, 0};
        copy_tree(source, copy, &copied);
        verify_tree(source, copy, &verified);
        delete_tree(copy);
        /* The top directory is counted too. */
        if (copied.files != expected_files || copied.dirs != expected_dirs + 1) bench_fail("copy has the wrong number of entries");
        if (verified.files != copied.files || verified.dirs != copied.dirs) bench_fail("verification walked a different tree");
        if (verified.bytes != copied.bytes) bench_fail("verification read a different number of bytes");
        if (first_bytes >= 0 && copied.bytes != first_bytes) bench_fail("rounds copied different amounts");
        first_bytes = copied.bytes;
        struct stat gone;
        if (stat(copy, &gone) == 0 || errno != ENOENT) bench_fail("the copy still exists after deletion");
    }
    return 0;
}
