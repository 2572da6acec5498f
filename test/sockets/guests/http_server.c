/*
 * A small HTTP/1.0 server for the socket tests and the load benchmark. It
 * serves the listening socket at fd 3 (what --tcplisten / the `sockets`
 * option hands over), one connection at a time, and logs one line per
 * connection on stderr, so a test can check that nothing was lost.
 *
 *   http_server MAX_CONNECTIONS [IDLE_MS]
 *
 * Ends after MAX_CONNECTIONS connections, after IDLE_MS (default 10000) with
 * no connection waiting, or after GET /quit. Routes:
 *   GET /hello        "hello\n"
 *   GET /bytes/N      N bytes of 'x' (N <= 16 MiB), written in 4 KiB pieces
 *   POST /echo        "<length> <checksum>\n" of the request body
 *   GET /quit         "bye\n", then the server ends
 *
 * Natively (gcc, for the benchmark) it makes fd 3 itself: a listener on
 * 127.0.0.1:PORT given as a third argument.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifndef __wasi__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#endif

#define LISTENER 3
#define READ_PIECE 1024
#define MAX_HEAD 16384
#define MAX_BODY (1 << 20)

static char head[MAX_HEAD + 1];
static char body[MAX_BODY];
static char out[4096];

static int send_all(int fd, const char *data, size_t length) {
  while (length > 0) {
    ssize_t sent = send(fd, data, length, 0);
    if (sent < 0) return -1;
    data += sent;
    length -= (size_t)sent;
  }
  return 0;
}

static int respond(int fd, const char *status, const char *text, size_t length) {
  char header[256];
  int n = snprintf(header, sizeof header, "HTTP/1.0 %s\r\nContent-Length: %zu\r\nContent-Type: text/plain\r\n\r\n", status, length);
  if (send_all(fd, header, (size_t)n) < 0) return -1;
  return send_all(fd, text, length);
}

/* Reads the request head (up to the blank line) in pieces of READ_PIECE bytes; returns its length, with any body bytes after it in `*extra`. */
static ssize_t read_head(int fd, size_t *extra, int *reads) {
  size_t have = 0;
  for (;;) {
    size_t room = MAX_HEAD - have;
    if (room == 0) return -2;
    ssize_t got = read(fd, head + have, room < READ_PIECE ? room : READ_PIECE);
    if (got < 0) return -1;
    if (got == 0) return -3;
    (*reads)++;
    have += (size_t)got;
    head[have] = 0;
    char *end = strstr(head, "\r\n\r\n");
    if (end != NULL) {
      size_t length = (size_t)(end - head) + 4;
      *extra = have - length;
      return (ssize_t)length;
    }
  }
}

static int serve(int fd, unsigned connection, int *quit) {
  int reads = 0;
  char method[8] = {0};
  /* The method, peeked before the request is read. */
  ssize_t peeked = recv(fd, method, sizeof method - 1, MSG_PEEK);
  if (peeked < 0) {
    fprintf(stderr, "connection %u: peek failed: %s\n", connection, strerror(errno));
    return -1;
  }
  char *space = strchr(method, ' ');
  if (space != NULL) *space = 0;
  size_t extra = 0;
  ssize_t head_length = read_head(fd, &extra, &reads);
  if (head_length < 0) {
    fprintf(stderr, "connection %u: %s\n", connection,
            head_length == -3 ? "closed before the request ended" : head_length == -2 ? "request head too large" : strerror(errno));
    return -1;
  }
  char target[256] = {0};
  sscanf(head, "%*7s %255s", target);
  size_t content_length = 0;
  const char *field = strstr(head, "Content-Length:");
  if (field == NULL) field = strstr(head, "content-length:");
  if (field != NULL) content_length = strtoul(field + 15, NULL, 10);
  if (content_length > MAX_BODY) content_length = MAX_BODY;
  if (extra > content_length) extra = content_length;
  memcpy(body, head + head_length, extra);
  if (content_length > extra) {
    /* The rest of the body in one call: recv with MSG_WAITALL returns only when all of it is there. */
    ssize_t got = recv(fd, body + extra, content_length - extra, MSG_WAITALL);
    if (got < 0) {
      fprintf(stderr, "connection %u: body read failed: %s\n", connection, strerror(errno));
      return -1;
    }
    reads++;
    extra += (size_t)got;
  }

  int failed = 0;
  size_t sent = 0;
  if (strcmp(method, "GET") == 0 && strcmp(target, "/hello") == 0) {
    failed = respond(fd, "200 OK", "hello\n", 6);
    sent = 6;
  } else if (strcmp(method, "GET") == 0 && strcmp(target, "/quit") == 0) {
    failed = respond(fd, "200 OK", "bye\n", 4);
    sent = 4;
    *quit = 1;
  } else if (strcmp(method, "GET") == 0 && strncmp(target, "/bytes/", 7) == 0) {
    size_t total = strtoul(target + 7, NULL, 10);
    if (total > (16u << 20)) total = 16u << 20;
    char header[128];
    int n = snprintf(header, sizeof header, "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n", total);
    failed = send_all(fd, header, (size_t)n);
    memset(out, 'x', sizeof out);
    while (failed == 0 && sent < total) {
      size_t piece = total - sent < sizeof out ? total - sent : sizeof out;
      failed = send_all(fd, out, piece);
      if (failed == 0) sent += piece;
    }
  } else if (strcmp(method, "POST") == 0 && strcmp(target, "/echo") == 0) {
    unsigned long long checksum = 0;
    for (size_t i = 0; i < extra; i++) checksum = (checksum * 31 + (unsigned char)body[i]) % 1000000007ull;
    int n = snprintf(out, sizeof out, "%zu %llu\n", extra, checksum);
    failed = respond(fd, "200 OK", out, (size_t)n);
    sent = (size_t)n;
  } else {
    failed = respond(fd, "404 Not Found", "not found\n", 10);
    sent = 10;
  }
  if (failed) {
    fprintf(stderr, "connection %u: %s %s: send failed after %zu body bytes: %s\n", connection, method, target, sent, strerror(errno));
    return -1;
  }
  shutdown(fd, SHUT_WR);
  fprintf(stderr, "connection %u: %s %s: %zu request body bytes in %d reads, %zu response body bytes\n", connection, method, target, extra, reads, sent);
  return 0;
}

int main(int argc, char **argv) {
  unsigned max = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
  int idle_ms = argc > 2 ? atoi(argv[2]) : 10000;
#ifndef __wasi__
  signal(SIGPIPE, SIG_IGN);
  int native = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(native, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(argc > 3 ? atoi(argv[3]) : 8080)};
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (native < 0 || bind(native, (struct sockaddr *)&address, sizeof address) < 0 || listen(native, 128) < 0 || dup2(native, LISTENER) < 0) {
    perror("listen");
    return 1;
  }
#endif
  unsigned served = 0, failed = 0;
  int quit = 0;
  while (served + failed < max && !quit) {
    struct pollfd waiting = {.fd = LISTENER, .events = POLLIN};
    int ready = poll(&waiting, 1, idle_ms);
    if (ready < 0) {
      fprintf(stderr, "poll failed: %s\n", strerror(errno));
      return 1;
    }
    if (ready == 0) {
      fprintf(stderr, "idle for %d ms\n", idle_ms);
      break;
    }
    int fd = accept(LISTENER, NULL, NULL);
    if (fd < 0) {
      fprintf(stderr, "accept failed: %s\n", strerror(errno));
      return 1;
    }
    if (serve(fd, served + failed + 1, &quit) == 0) served++;
    else failed++;
    close(fd);
  }
  fprintf(stderr, "served %u, failed %u\n", served, failed);
  return 0;
}
