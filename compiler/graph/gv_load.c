/* gv_load.c - Graphviz loaded on first use (see gv_load.h). */
#define GV_LOAD_IMPL
#include "gv_load.h"

#include <dlfcn.h>
#include <pthread.h>

#include "util.h"

#ifndef MISSIONC_GVC_SONAME
#define MISSIONC_GVC_SONAME "libgvc.so"
#endif

GvApi gv_api;
static bool gv_loaded;
static pthread_once_t gv_once = PTHREAD_ONCE_INIT;
static char gv_error[512];

/* dlopen libgvc (it brings libcgraph) and look up every name the graph stage uses. */
static void gv_open(void) {
  void *h = dlopen(MISSIONC_GVC_SONAME, RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(gv_error, sizeof gv_error, "cannot load Graphviz (%s): %s", MISSIONC_GVC_SONAME, e ? e : "?");
    return;
  }
#define X(name)                                                                                \
  if (!(*(void **)&gv_api.name = dlsym(h, #name))) {                                           \
    snprintf(gv_error, sizeof gv_error, "Graphviz (%s) has no '%s'", MISSIONC_GVC_SONAME, #name); \
    return;                                                                                    \
  }
  GV_FUNCTION_LIST(X)
  GV_OBJECT_LIST(X)
#undef X
  gv_loaded = true;
}

bool gv_load(void) {
  pthread_once(&gv_once, gv_open);
  if (!gv_loaded) util_error("%s", gv_error);
  return gv_loaded;
}
