/* cmd_build.c - `missionc build`: scores and conditions compiled ahead of time into an
 * object file or a shared library, with a C header.
 *
 *   front end -> choose the rules -> one module (codegen.c), optimised for --cpu
 *     -> NAME.o or NAME.so (object.c) and NAME.h (codegen.c's header writer)
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codegen.h"
#include "commands.h"
#include "driver.h"
#include "check.h"
#include "options.h"
#include "eval.h"
#include "manifest.h"
#include "object.h"
#include "outfile.h"
#include "util.h"

static const char build_help[] =
    "usage: missionc build FILE -o NAME.o|NAME.so [--header NAME.h] [--prefix P]\n"
    "                      [--cpu generic|native|NAME] [--rules a,b | --on RECORD]\n"
    "                      [--manifest NAME.json] [options]\n"
    "\n"
    "Compile the scores and conditions of FILE into native code: an object file (.o)\n"
    "or a shared library (.so), and optionally a C header declaring, for each rule R,\n"
    "\n"
    "  double P_R(const double *in);                                 one row\n"
    "  void P_R_batch(size_t n, const double *const *cols, double *out);  n rows\n"
    "  extern const char *const P_R_inputs[];                        input names, NULL-terminated\n"
    "\n"
    "and, for every rule at once (each computed once per row, shared values once),\n"
    "\n"
    "  void P_all_batch(size_t n, const double *const *cols, double *const *outs);\n"
    "  extern const char *const P_all_inputs[], *const P_all_outputs[];   columns, rules\n"
    "\n"
    "Inputs are in their declared units, in the order of P_R_inputs; dates are days\n"
    "since 1970-01-01, booleans 0/1. The results equal `missionc eval`'s, bit for bit.\n"
    "\n"
    "  -o NAME.o | NAME.so           the output; its kind follows the extension\n"
    "  --header NAME.h               also write a C header for the functions\n"
    "  --manifest NAME.json          where to write the manifest: the rules, their inputs\n"
    "                                with units, the symbols, the version and SHA-256s, as\n"
    "                                JSON (default: the output's name + .json)\n"
    "  --prefix P                    name the functions P_R (default: NAME's base name,\n"
    "                                without a leading 'lib'); P is a non-empty C identifier\n"
    "  --cpu generic|native|NAME     the CPU to compile for (default: generic, which\n"
    "                                runs on any CPU of this kind; native is faster)\n"
    "  --rules a,b                   only these rules (default: every score and condition)\n"
    "  --on RECORD                   only the rules on RECORD\n"
    "  -O, --opt none|lean|O2|O3     optimisation (default: O2)\n"
    "  --emit-llvm                   print the optimised LLVM IR instead (to -o if it ends in .ll)\n"
    "\n"
    "A shared library is linked with `cc -shared` ($MISSIONC_CC to use another compiler).\n"
    "\n";

typedef struct BuildArgs {
  const char *file, *output, *header, *manifest, *prefix, *cpu, *rules, *on;
  JitOpt opt;
  bool emit_llvm;
} BuildArgs;

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool is_identifier(const char *s) {
  if (!isalpha((unsigned char)*s) && *s != '_') return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return false;
  return true;
}

/* Identifiers C reserves for the implementation: __x and _X. */
static bool is_reserved_identifier(const char *s) {
  return s[0] == '_' && (s[1] == '_' || isupper((unsigned char)s[1]));
}

/* The base name of path without its extension, as a C identifier (in the arena). */
static char *identifier_of(Arena *a, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *id = arena_alloc(a, n + 2);
  size_t k = 0;
  if (n == 0 || isdigit((unsigned char)base[0])) id[k++] = '_';
  for (size_t i = 0; i < n; i++) id[k++] = isalnum((unsigned char)base[i]) ? base[i] : '_';
  id[k] = '\0';
  return id;
}

/* The default prefix: the output's base name as an identifier, without the "lib" of
 * a library's name (-o libscores.so gives scores_R). */
static const char *default_prefix(Arena *a, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (strncmp(base, "lib", 3) == 0 && base[3] && base[3] != '.') base += 3;
  return identifier_of(a, base);
}

static int take_file(void *args, const char *arg) {
  return cli_one_file("build", &((BuildArgs *)args)->file, arg);
}

/* --prefix P: a non-empty C identifier that C does not reserve */
static int take_prefix(void *args, const char *v) {
  if (!is_identifier(v) || is_reserved_identifier(v))
    return driver_usage_error("--prefix takes a non-empty C identifier that C does not reserve "
                              "(it keeps the rules' names apart from C's: 'pow', 'int', 'main'), "
                              "not '%s'", v);
  ((BuildArgs *)args)->prefix = v;
  return EXIT_OK;
}

/* --opt LEVEL, -O LEVEL, -OLEVEL */
static int take_opt(void *args, const char *v) {
  if (jit_opt_parse(v, &((BuildArgs *)args)->opt) != 0)
    return driver_usage_error("--opt takes none, lean, O2 or O3, not '%s'", v);
  return EXIT_OK;
}

static const CliOption build_options[] = {
    {"-o", NULL, "a value", CLI_STRING, offsetof(BuildArgs, output), NULL},
    {"--header", NULL, "a value", CLI_STRING, offsetof(BuildArgs, header), NULL},
    {"--manifest", NULL, "a value", CLI_STRING, offsetof(BuildArgs, manifest), NULL},
    {"--prefix", NULL, "a value", CLI_CALL, 0, take_prefix},
    {"--cpu", NULL, "a value", CLI_STRING, offsetof(BuildArgs, cpu), NULL},
    {"--rules", NULL, "a value", CLI_STRING, offsetof(BuildArgs, rules), NULL},
    {"--on", NULL, "a value", CLI_STRING, offsetof(BuildArgs, on), NULL},
    {"--opt", "-O", "a value", CLI_CALL, 0, take_opt},
    {"--emit-llvm", NULL, NULL, CLI_FLAG, offsetof(BuildArgs, emit_llvm), NULL},
};
static const CliCommand build_command = {"build", build_help, NULL, build_options, COUNT_OF(build_options),
                                         take_file};

/* Parse the command line; returns -1 to go on, else the exit status. */
static int parse_args(Compiler *c, CommonOptions *co, BuildArgs *a, int argc, char **argv) {
  int st = cli_parse(c, co, &build_command, a, argc, argv);
  if (st >= 0) return st;
  char *why = NULL;
  if (jit_check_cpu(a->cpu, &why) != 0) {   /* before any thread: LLVM would abort() */
    st = driver_usage_error_text(why ? why : "unknown CPU");
    free(why);
    return st;
  }
  if (!a->file) return driver_usage_error("build: no mission file");
  if (a->rules && a->on) return driver_usage_error("build: --rules and --on cannot go together");
  if (!a->emit_llvm && !a->output) return driver_usage_error("build: no output (-o NAME.o or NAME.so)");
  if (a->emit_llvm && a->output && !ends_with(a->output, ".ll"))
    return driver_usage_error("build: with --emit-llvm, -o names a .ll file, not '%s'", a->output);
  if (!a->emit_llvm && !ends_with(a->output, ".o") && !ends_with(a->output, ".so"))
    return driver_usage_error("build: the output must end in .o or .so, not '%s'", a->output);
  return -1;
}

/* Two rules whose symbols would share a name ("a_batch" and "a" give P_a_batch twice). */
static bool symbols_clash(const RuleSig **sigs, int n, const CgOptions *o) {
  static const char *const what[] = {"", "batch", "inputs"};
  static const char *const fused_what[] = {"batch", "inputs", "outputs"};
  int total = 3 * n + (o->fused ? 3 : 0);
  for (int r = 0; r < n; r++)
    if (strlen(sigs[r]->rule->name) + strlen(o->prefix) > 900) {
      util_error("the name of rule '%.40s...' is too long for a C symbol",
              sigs[r]->rule->name);
      return true;
    }
  char (*names)[1024] = xmalloc(sizeof *names * (size_t)(total + 1));
  const char **owner = xmalloc(sizeof *owner * (size_t)(total + 1));
  bool clash = false;
  for (int r = 0; r < n; r++)
    for (int w = 0; w < 3; w++) {
      cg_symbol_name(o, sigs[r]->rule, what[w], names[3 * r + w], sizeof names[0]);
      owner[3 * r + w] = sigs[r]->rule->name;
    }
  for (int w = 0; o->fused && w < 3; w++) {
    cg_fused_name(o, fused_what[w], names[3 * n + w], sizeof names[0]);
    owner[3 * n + w] = "(every rule at once)";
  }
  for (int i = 0; i < total && !clash; i++)
    for (int j = i + 1; j < total && !clash; j++)
      if (strcmp(names[i], names[j]) == 0) {
        if (j >= 3 * n)
          fprintf(stderr, "missionc: error: rule '%s' gives the symbol '%s' of the function "
                  "for every rule at once; rename the rule\n", owner[i], names[i]);
        else
          fprintf(stderr, "missionc: error: rules '%s' and '%s' both give the symbol '%s'; "
                  "build them separately (--rules)\n", owner[i], owner[j], names[i]);
        clash = true;
      }
  free(names);
  free(owner);
  return clash;
}

/* Formula nodes of the functions of one build, dependencies inlined: beyond this, LLVM
 * takes minutes (1,000 chained scores: 47-90 s); LANGUAGE.md E0904. */
#define BUILD_MAX_NODES 100000

/* Refuse rules whose inlined code would be too large (E0904), before LLVM sees them. */
static bool too_large(Compiler *c, const Model *m, const RuleSig **sigs, int n) {
  long size = cg_inlined_nodes(sigs, n, m->syms.len, BUILD_MAX_NODES);
  if (size <= BUILD_MAX_NODES) return false;
  Diagnostic *g = diag_error(c->diag, NO_SPAN, E0904,
                             "the %d rules to build hold more than %d formula nodes once the rules "
                             "they use are inlined into each", n, BUILD_MAX_NODES);
  diag_note(c->diag, g, NO_SPAN, "a long chain of rules that use each other repeats the chain in "
            "every rule's function; build the rules you need with --rules a,b");
  return true;
}

/* Write the header through outfile (a temporary renamed into place). */
static int write_header(Compiler *c, const char *path, const RuleSig **sigs, int n, const CgOptions *o) {
  OutFile out;
  char *err = NULL;
  if (outfile_open(&out, path, 0, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  char *guard = identifier_of(c->arena, path);
  for (char *p = guard; *p; p++) *p = (char)toupper((unsigned char)*p);
  guard = arena_printf(c->arena, "%s_H", guard);
  cg_write_header(out.fp, guard, c->src, sigs, n, o);
  if (outfile_commit(&out, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* The object or shared library, or the IR with --emit-llvm. */
static int write_code(const BuildArgs *a, const RuleSig **sigs, int n, const CgOptions *o) {
  char *err = NULL;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = cg_optimized_module(ctx, sigs, n, o, a->cpu, a->opt, &err);
  int status = EXIT_OK;
  if (!mod) {
    util_error("cannot compile the rules: %s", err ? err : "?");
    status = EXIT_USAGE;
  } else if (a->emit_llvm && !a->output) {
    char *ir = LLVMPrintModuleToString(mod);
    fputs(ir, stdout);
    LLVMDisposeMessage(ir);
  } else if (a->emit_llvm) {
    char *ir = LLVMPrintModuleToString(mod);
    if (!driver_write_file(a->output, ir, strlen(ir))) status = EXIT_USAGE;
    LLVMDisposeMessage(ir);
  } else {
    ObjKind kind = ends_with(a->output, ".so") ? OBJ_SHARED : OBJ_OBJECT;
    if (obj_emit_file(mod, a->cpu, a->output, kind, &err) != 0) {
      util_error("%s", err ? err : "cannot write the output");
      status = EXIT_USAGE;
    }
  }
  if (mod) LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  free(err);
  return status;
}

/* Whether path exists and is not a regular file (a FIFO, a device). */
static bool output_is_special(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Open the manifest (through outfile: a temporary beside it) before anything is
 * written, so that a manifest that cannot be written leaves the old output alone. */
static bool open_manifest(Compiler *c, const BuildArgs *a, OutFile *out) {
  const char *path = a->manifest ? a->manifest : arena_printf(c->arena, "%s.json", a->output);
  char *err = NULL;
  if (outfile_open(out, path, 0, &err) == 0) return true;
  util_error("%s", err);
  free(err);
  return false;
}

/* Write the manifest of the output just written, and commit it into place. */
static int write_manifest(Compiler *c, const BuildArgs *a, const Model *m, const RuleSig **sigs,
                          int n, const CgOptions *o, OutFile *out) {
  char lib_hash[65];
  if (manifest_file_sha256(a->output, lib_hash) != 0) {
    util_error("cannot read %s: %s", a->output, strerror(errno));
    outfile_abort(out);
    return EXIT_USAGE;
  }
  const SourceFile *sf = src_file(c->src, m->main_file);
  ManifestInfo mi = {
      .source_path = a->file, .source_text = sf->text, .source_len = sf->len,
      .library_path = a->output, .library_sha256 = lib_hash,
      .library_kind = obj_kind_name(ends_with(a->output, ".so") ? OBJ_SHARED : OBJ_OBJECT),
      .header_path = a->header, .cpu = a->cpu, .opt = jit_opt_name(a->opt),
      .sigs = sigs, .n = n, .o = o};
  manifest_write(out->fp, &mi);
  char *err = NULL;
  if (outfile_commit(out, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* Compile the chosen rules of a checked model: the code, the header, the manifest. */
static int build_model(Compiler *c, CommonOptions *co, const BuildArgs *a, Model *m, CgVmath vmath,
                       const Model *twin) {
  const RuleSig **sigs = NULL;
  int n = 0;
  char *err = NULL;
  int status = eval_select_rules(m, a->rules, a->on, true, &sigs, &n, &err);
  if (status != MS_OK) return driver_report(status, err);
  CgOptions o = {.row = true, .batch = true, .inputs = true, .vmath = vmath, .cinz_twin = twin};
  o.prefix = a->prefix ? a->prefix : default_prefix(c->arena, a->output ? a->output : a->file);
  /* The fused function's columns: one per input name, as `eval` reads them. */
  EvalOptions eo;
  eval_options_init(&eo);
  eo.engine = ENGINE_INTERP;
  RuleSet *rs = ruleset_new(sigs, n, &eo, &err);
  if (!rs) {
    fprintf(stderr, "missionc: error: the rules cannot be computed together: %s; "
            "build them separately (--rules or --on)\n", err ? err : "?");
    free(err);
    return EXIT_INPUT;
  }
  CgSet set = {sigs, n, rs->col_of};
  CgFused fused = {&set, rs->cols, rs->ncols};
  o.fused = &fused;
  OutFile mf;
  bool has_manifest = false;
  if (symbols_clash(sigs, n, &o)) status = EXIT_INPUT;
  else if (too_large(c, m, sigs, n)) status = driver_finish(c, co, EXIT_INPUT);
  else if (a->output && a->header && (outfile_same_file(a->output, a->header) || strcmp(a->output, a->header) == 0))
    status = driver_usage_error("build: -o and --header name the same file '%s'", a->header);
  else if ((status = driver_check_output(c, a->output, NULL, 0)) != EXIT_OK ||
           (status = driver_check_output(c, a->header, NULL, 0)) != EXIT_OK) {
    /* reported */
  } else if (!a->emit_llvm && output_is_special(a->output)) {
    /* a FIFO or a device: nothing to hash back and no folder to put a manifest in */
    if (a->manifest) status = driver_usage_error("build: --manifest needs -o to be a file, not '%s'", a->output);
  } else if (!a->emit_llvm && !(has_manifest = open_manifest(c, a, &mf))) status = EXIT_USAGE;
  if (status == EXIT_OK) status = write_code(a, sigs, n, &o);
  if (status == EXIT_OK && a->header) status = write_header(c, a->header, sigs, n, &o);
  if (has_manifest && status == EXIT_OK) status = write_manifest(c, a, m, sigs, n, &o, &mf);
  else if (has_manifest) outfile_abort(&mf);
  ruleset_free(rs);
  return status;
}

/* A portable object whose goal constants the front end folded with exp, log or pow
 * (by the host's family): the same text checked again with them folded by cinz, for
 * the CPUs that run cinz (CgOptions.cinz_twin; *tc to free). A host without FMA and
 * AVX2 cannot fold by finz: the object then runs cinz everywhere (*vmath). NULL when
 * there is no twin: *vmath set to cinz, or left (a failure, reported). */
static const Model *cinz_twin(Compiler *c, const Model *m, Compiler **tc, CgVmath *vmath) {
  if (vm_family() != VM_FINZ) {
    *vmath = CG_VMATH_CINZ;
    return NULL;
  }
  Compiler *t = *tc = compiler_new();
  for (int k = 0; k < c->include_dirs.len; k++) vec_push(t->arena, &t->include_dirs, c->include_dirs.items[k]);
  const SourceFile *sf = src_file(c->src, m->main_file);
  uint32_t id = sf->real ? src_add_as(t->src, sf->path, sf->real, sf->text, sf->len)
                         : src_add(t->src, sf->path, sf->text, sf->len);
  vm_set_family(VM_CINZ);
  const Model *twin = check_program(t, compiler_parse_source(t, id));
  vm_set_family(VM_FINZ);
  if (!twin || diag_error_count(t->diag) > 0) {
    util_error("%s: cannot be checked again to fold its constants without FMA", sf->path);
    return NULL;
  }
  return twin;
}

int cmd_build(Compiler *c, int argc, char **argv) {
  CommonOptions co;
  driver_options_init(&co);
  co.brief_warnings = true;
  BuildArgs a = {.cpu = "generic", .opt = JIT_OPT_O2};
  int status = parse_args(c, &co, &a, argc, argv);
  if (status >= 0) return status;
  /* exp, log and pow of the target's family, constants folded by the front end too
     (a portable object's by the host's, and by cinz below when that matters) */
  CgVmath vmath = cg_vmath_for_cpu(a.cpu);
  vm_set_family(vmath == CG_VMATH_RUNTIME ? (vm_host_has_fma() ? VM_FINZ : VM_CINZ) : (VmFamily)vmath);
  unsigned long folds = vm_scalar_calls();
  driver_options_apply(c, &co);
  Model *m = driver_front_end(c, a.file, &co);
  if (!m) return driver_finish(c, &co, EXIT_USAGE);
  status = driver_finish(c, &co, EXIT_OK);
  if (status != EXIT_OK) return status;
  Compiler *twin_c = NULL;
  const Model *twin = NULL;
  if (vmath == CG_VMATH_RUNTIME && vm_scalar_calls() != folds &&
      !(twin = cinz_twin(c, m, &twin_c, &vmath)) && vmath == CG_VMATH_RUNTIME) {
    if (twin_c) compiler_free(twin_c);
    return EXIT_USAGE;
  }
  status = build_model(c, &co, &a, m, vmath, twin);
  if (twin_c) compiler_free(twin_c);
  return status;
}
