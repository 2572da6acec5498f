/*
 * The nested-preopen escape, played by a guest alone. Preopens: /sandbox (S),
 * /inner (S/inner, inside the first), /alias (a host symlink S/alias ->
 * inner, which the host resolves when it preopens it: the same directory) and,
 * for the attacks, /top (the directory holding S and outside).
 *
 *   nested.wasm rename   renames S/inner away through /sandbox, then puts a
 *                        symlink `inner -> ../outside` in its place (refused
 *                        through /sandbox, whose root it climbs above; made
 *                        through /top)
 *   nested.wasm rmdir    removes the (empty) S/inner, then plants the same link
 *   nested.wasm shared   no attack: one file through two preopens
 *
 * then reads, lists, creates and deletes through /inner and /alias. Each step
 * prints one line, "<step> <path>: ok [<detail>]" or "<step> <path>: errno N",
 * so the test can compare them with what a sandbox must answer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *step, const char *path, int ok, const char *detail) {
    if (ok) printf("%s %s: ok%s%s\n", step, path, detail[0] ? " " : "", detail);
    else printf("%s %s: errno %d\n", step, path, errno);
}

static void read_file(const char *path) {
    char buffer[256] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        report("read", path, 0, "");
        return;
    }
    ssize_t got = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (got < 0) buffer[0] = 0;
    report("read", path, got >= 0, buffer);
}

static void list_directory(const char *path) {
    char names[1024] = {0};
    DIR *dir = opendir(path);
    if (dir == NULL) {
        report("list", path, 0, "");
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        if (strlen(names) + strlen(entry->d_name) + 2 < sizeof names) {
            strcat(names, entry->d_name);
            strcat(names, ",");
        }
    }
    closedir(dir);
    report("list", path, 1, names);
}

static void create_file(const char *path, const char *content) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        report("create", path, 0, "");
        return;
    }
    ssize_t wrote = write(fd, content, strlen(content));
    close(fd);
    report("create", path, wrote == (ssize_t)strlen(content), "");
}

static void delete_file(const char *path) { report("delete", path, unlink(path) == 0, ""); }

static void make_directory(const char *path) { report("mkdir", path, mkdir(path, 0755) == 0, ""); }

static void attack(const char *how) {
    if (strcmp(how, "rename") == 0) {
        report("rename", "/sandbox/inner", rename("/sandbox/inner", "/sandbox/inner-moved") == 0, "");
    } else {
        report("rmdir", "/sandbox/inner", rmdir("/sandbox/inner") == 0, "");
    }
    // Through /sandbox the link is refused at creation (its target climbs above that root), so the
    // link is planted through /top, a preopen of the directory holding both the sandbox and outside.
    report("symlink", "/sandbox/inner", symlink("../outside", "/sandbox/inner") == 0, "");
    report("symlink", "/top/sandbox/inner", symlink("../outside", "/top/sandbox/inner") == 0, "");
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *how = argv[1];
    if (strcmp(how, "shared") == 0) {
        create_file("/inner/shared.txt", "written-through-inner");
        read_file("/sandbox/inner/shared.txt");
        read_file("/alias/shared.txt");
        create_file("/sandbox/inner/shared.txt", "written-through-sandbox");
        read_file("/inner/shared.txt");
        delete_file("/alias/shared.txt");
        read_file("/inner/shared.txt");
        return 0;
    }
    attack(how);
    const char *roots[] = {"/inner", "/alias"};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s/canary.txt", roots[i]);
        read_file(path);
        list_directory(roots[i]);
        snprintf(path, sizeof path, "%s/created-%d.txt", roots[i], i);
        create_file(path, "created");
        snprintf(path, sizeof path, "%s/victim.txt", roots[i]);
        delete_file(path);
        snprintf(path, sizeof path, "%s/made-%d", roots[i], i);
        make_directory(path);
    }
    return 0;
}
