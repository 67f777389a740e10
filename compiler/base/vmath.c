/* vmath.c - exp, log and pow of one SLEEF family for the whole process (vmath.h). */
#include "vmath.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double Sleef_cinz_expd1_u10purec(double x);
double Sleef_cinz_logd1_u35purec(double x);
double Sleef_cinz_powd1_u10purec(double x, double y);
double Sleef_finz_expd1_u10purecfma(double x);
double Sleef_finz_logd1_u35purecfma(double x);
double Sleef_finz_powd1_u10purecfma(double x, double y);

static atomic_int family = -1;   /* VmFamily once known */
static atomic_bool warned;

bool vm_host_has_fma(void) {
#if defined(__x86_64__)
  return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

/* The family MISSIONC_VMATH asks for, else the CPU's. */
static VmFamily initial_family(void) {
  VmFamily host = vm_host_has_fma() ? VM_FINZ : VM_CINZ;
  const char *v = getenv("MISSIONC_VMATH");
  if (!v || !*v) return host;
  if (strcmp(v, "cinz") == 0) return VM_CINZ;
  if (strcmp(v, "finz") == 0 && host == VM_FINZ) return VM_FINZ;
  if (!atomic_exchange(&warned, true))
    fprintf(stderr, "missionc: warning: MISSIONC_VMATH takes cinz%s, not '%.40s'; using %s\n",
            host == VM_FINZ ? " or finz" : " (this CPU has no FMA and AVX2 for finz)", v,
            vm_family_name(host));
  return host;
}

VmFamily vm_family(void) {
  int f = atomic_load_explicit(&family, memory_order_acquire);
  if (f < 0) {
    int expected = -1;
    f = initial_family();
    if (!atomic_compare_exchange_strong(&family, &expected, f)) f = expected;
  }
  return (VmFamily)f;
}

void vm_set_family(VmFamily f) {
  if (f == VM_FINZ && vm_family() != VM_FINZ) return;
  atomic_store(&family, f);
}

const char *vm_family_name(VmFamily f) { return f == VM_FINZ ? "finz" : "cinz"; }

double vm_exp(double x) {
  return vm_nan_canonical(vm_family() == VM_FINZ ? Sleef_finz_expd1_u10purecfma(x) : Sleef_cinz_expd1_u10purec(x));
}

double vm_log(double x) {
  return vm_nan_canonical(vm_family() == VM_FINZ ? Sleef_finz_logd1_u35purecfma(x) : Sleef_cinz_logd1_u35purec(x));
}

double vm_pow(double x, double y) {
  return vm_nan_canonical(vm_family() == VM_FINZ ? Sleef_finz_powd1_u10purecfma(x, y) : Sleef_cinz_powd1_u10purec(x, y));
}
