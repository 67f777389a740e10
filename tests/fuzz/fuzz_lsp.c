/* fuzz_lsp.c - libFuzzer entry point for `missionc lsp`.
 *
 * The first byte picks the mode:
 *   even: the rest is the raw byte stream a client sends (headers, Content-Length,
 *         JSON bodies): the message reader, the JSON reader and the dispatch;
 *   odd:  the rest is a session of random edits: a valid initialize and didOpen of a
 *         small mission, then each group of 6 bytes (16 at most) is one incremental change (where,
 *         how much to delete, what to insert) followed by a hover, a completion, a
 *         definition or a rename at some position, then shutdown and exit.
 * Nothing may crash, hang, leak or trip a sanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char seed[] =
    "unit EUR\nunit MEUR = 1e6 EUR\nmission m \"M\" { period 2021 .. 2030; owner ec; budget 5 MEUR }\n"
    "actor ec \"EC\" { sector public }\nindicator x \"X\" { unit % }\n"
    "goal g \"G\" { indicator x; baseline 1% at 2021; target 5% by 2030 }\n"
    "record r { a bool; b % }\ncondition c on r = not a and b >= 2%\n"
    "fn f(v, w: %) = v * w\nscore s = progress(g) + f(1, 2%)\n";

/* Frame one JSON body. */
static void frame(FILE *o, const char *body, size_t len) {
  fprintf(o, "Content-Length: %zu\r\n\r\n", len);
  fwrite(body, 1, len, o);
}

/* Frame the body printed by fmt-less writer fn. */
static void message(FILE *o, const char *text) { frame(o, text, strlen(text)); }

/* A session of edits and queries read off the fuzzer's bytes. */
static void session(FILE *o, const uint8_t *p, size_t n) {
  static const char alphabet[] = "ab_0 1.%\n{}()\":=,;+-*/<>\\/x\xc3\xa4 goal on if";
  message(o, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}");
  char *buf;
  size_t len;
  FILE *m = open_memstream(&buf, &len);
  fputs("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
        "{\"uri\":\"file:///nonexistent/f.mission\",\"languageId\":\"mission\",\"version\":1,\"text\":", m);
  diag_json_string(m, seed);
  fputs("}}}", m);
  fclose(m);
  frame(o, buf, len);
  free(buf);
  static const char *const queries[] = {"hover", "completion", "definition", "references",
                                        "documentSymbol", "semanticTokens/full", "codeAction", "rename"};
  for (int version = 2; n >= 6 && version < 18; version++, p += 6, n -= 6) {   /* 16 edits at most */
    int line = p[0] % 12, col = p[1] % 40, dl = p[2] % 3, dc = p[3] % 20, k = p[4] % 4;
    char ins[8];
    for (int i = 0; i < k; i++) ins[i] = alphabet[(p[5] + i * 7) % (sizeof alphabet - 1)];
    ins[k] = '\0';
    m = open_memstream(&buf, &len);
    fprintf(m, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
               "{\"uri\":\"file:///nonexistent/f.mission\",\"version\":%d},\"contentChanges\":[{\"range\":"
               "{\"start\":{\"line\":%d,\"character\":%d},\"end\":{\"line\":%d,\"character\":%d}},\"text\":",
            version, line, col, line + dl, dc);
    diag_json_string_n(m, ins, (size_t)k);
    fputs("}]}}", m);
    fclose(m);
    frame(o, buf, len);
    free(buf);
    m = open_memstream(&buf, &len);
    fprintf(m, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"textDocument/%s\",\"params\":{\"textDocument\":"
               "{\"uri\":\"file:///nonexistent/f.mission\"},\"position\":{\"line\":%d,\"character\":%d},"
               "\"newName\":\"renamed\",\"context\":{\"includeDeclaration\":true,\"diagnostics\":[]},"
               "\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":20,\"character\":0}}}}",
            version, queries[p[5] % 8], p[1] % 12, p[0] % 40);
    fclose(m);
    frame(o, buf, len);
    free(buf);
  }
  message(o, "{\"jsonrpc\":\"2.0\",\"id\":99999,\"method\":\"shutdown\"}");
  message(o, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  if (size == 0 || size > 1 << 16) return 0;
  char *stream = NULL;
  size_t len = 0;
  if (data[0] & 1) {
    FILE *o = open_memstream(&stream, &len);
    session(o, data + 1, size - 1);
    fclose(o);
  } else {
    len = size - 1;
    stream = malloc(len + 1);
    memcpy(stream, data + 1, len);
  }
  FILE *in = len ? fmemopen(stream, len, "rb") : NULL;
  if (in) {
    LspOptions opt = {0};
    lsp_serve(in, devnull, &opt);
    fclose(in);
  }
  free(stream);
  return 0;
}
