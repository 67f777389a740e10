/* vmath_ir.h - missionc's pow (base/vmath_pow.c) as LLVM IR, for compiled code. */
#ifndef MISSIONC_VMATH_IR_H
#define MISSIONC_VMATH_IR_H

#include <stdbool.h>

#include <llvm-c/Core.h>

/* The internal function `double pow(double x, double y)` on `lanes` lanes (1: scalars,
 * else <lanes x double>) in mod, defined once per module and lane count: the
 * operations of vmath_pow.c in the same order, hence the same bits. has_fma: the
 * target has fused multiply-add (llvm.fma for the exact products; else Dekker's
 * products, the same values). Its tables are internal constants of mod, read by
 * gathers; on 8 lanes with avx512 (an AVX-512 target), by permutes of registers. */
LLVMValueRef vmir_pow_function(LLVMModuleRef mod, unsigned lanes, bool has_fma, bool avx512, LLVMAttributeRef nounwind);

#endif
