/* gv_load.h - Graphviz (cgraph and gvc), loaded when a graph is first drawn.
 *
 * libmission does not link Graphviz: `missionc check` and every command that draws
 * no graph start without loading its six libraries. The graph stage includes this
 * header after Graphviz's own: each Graphviz function and object it uses is then a
 * pointer in gv_api, which gv_load() fills from libgvc (dlopen, once).
 */
#ifndef MISSION_GV_LOAD_H
#define MISSION_GV_LOAD_H

#include <graphviz/gvc.h>
#include <stdbool.h>

#define GV_FUNCTION_LIST(X)                                                                     \
  X(agattr) X(agbindrec) X(agclose) X(agedge) X(agfstedge) X(agfstnode) X(agfstout)           \
  X(agfstsubg) X(agget) X(aggetrec) X(agmemread) X(agnameof) X(agnnodes) X(agnode)            \
  X(agnxtedge) X(agnxtnode) X(agnxtout) X(agnxtsubg) X(agopen) X(agsafeset) X(agstrdup)       \
  X(agstrdup_html) X(agstrfree) X(agsubg) X(agwrite) X(gvContext) X(gvFreeContext)            \
  X(gvFreeLayout) X(gvLayout) X(gvRender)
#define GV_OBJECT_LIST(X) X(Agdirected) X(AgMemDisc) X(AgIoDisc)

typedef struct GvApi {
#define X(name) __typeof__(name) *name;
  GV_FUNCTION_LIST(X)
  GV_OBJECT_LIST(X)
#undef X
} GvApi;

extern GvApi gv_api __attribute__((visibility("hidden")));

/* Load Graphviz once; false (with a message on stderr) when it cannot be loaded. */
bool gv_load(void) __attribute__((visibility("hidden")));

#ifndef GV_LOAD_IMPL
#define agattr gv_api.agattr
#define agbindrec gv_api.agbindrec
#define agclose gv_api.agclose
#define agedge gv_api.agedge
#define agfstedge gv_api.agfstedge
#define agfstnode gv_api.agfstnode
#define agfstout gv_api.agfstout
#define agfstsubg gv_api.agfstsubg
#define agget gv_api.agget
#define aggetrec gv_api.aggetrec
#define agmemread gv_api.agmemread
#define agnameof gv_api.agnameof
#define agnnodes gv_api.agnnodes
#define agnode gv_api.agnode
#define agnxtedge gv_api.agnxtedge
#define agnxtnode gv_api.agnxtnode
#define agnxtout gv_api.agnxtout
#define agnxtsubg gv_api.agnxtsubg
#define agopen gv_api.agopen
#define agsafeset gv_api.agsafeset
#define agstrdup gv_api.agstrdup
#define agstrdup_html gv_api.agstrdup_html
#define agstrfree gv_api.agstrfree
#define agsubg gv_api.agsubg
#define agwrite gv_api.agwrite
#define gvContext gv_api.gvContext
#define gvFreeContext gv_api.gvFreeContext
#define gvFreeLayout gv_api.gvFreeLayout
#define gvLayout gv_api.gvLayout
#define gvRender gv_api.gvRender
#define Agdirected (*gv_api.Agdirected)
#define AgMemDisc (*gv_api.AgMemDisc)
#define AgIoDisc (*gv_api.AgIoDisc)
#endif

#endif
