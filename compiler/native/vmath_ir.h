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

/* For a portable module (CG_VMATH_RUNTIME): pow on `lanes` lanes passed as parts of 2
 * lanes (<2 x double>, or a double on 1 lane) and returned as a struct of such parts,
 * which every x86-64 passes in the same registers, so that functions of different CPU
 * features may call each other: with avx2_fma, compiled for AVX2 and FMA (to be called
 * only where the CPU has them), else Dekker's products for any x86-64. The same bits
 * either way. Its type, and a call of it on x and y. */
LLVMValueRef vmir_pow_runtime_function(LLVMModuleRef mod, unsigned lanes, bool avx2_fma, LLVMAttributeRef nounwind);
LLVMTypeRef vmir_pow_runtime_type(LLVMContextRef ctx, unsigned lanes);
LLVMValueRef vmir_pow_runtime_call(LLVMBuilderRef b, LLVMValueRef fn, unsigned lanes, LLVMValueRef x, LLVMValueRef y);

#endif
