#!/usr/bin/env bash
# eval_emit_llvm.sh MISSIONC SOURCE_DIR BINARY_DIR - `--emit-llvm` prints the IR.
#
# eval --emit-llvm: the JIT's fused kernel, vectorised (<4 x double>, or <8 x double>
# on an AVX-512 host), branch-free (select), with masked loads for the last rows, exp
# called as SLEEF's deterministic function, pow missionc's own inside the module (never
# rewritten, never the C library's). build --emit-llvm: P_R, P_R_batch and P_R_inputs for each rule;
# -o NAME.ll writes the same text to a file.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-emit-llvm
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cat >rules.mission <<'MISSION'
indicator x { unit 1 }
indicator y { unit % }
score a = if x > y then x / y else 1
score b = pow(2, x) + min(x, y)
score c = exp(x)
MISSION
"$missionc" eval rules.mission --emit-llvm >eval.ll
lanes=4
if grep -qF '<8 x double>' eval.ll; then lanes=8; fi
for pat in 'define void @missionc.kernel.0' "select <$lanes x i1>" 'llvm.masked.load' 'inz_expd' '@missionc.pow.' \
           "%y = fmul <$lanes x double>"; do
  grep -qF "$pat" eval.ll || { echo "FAIL: eval --emit-llvm lacks '$pat'"; cat eval.ll; exit 1; }
done
if grep -q 'exp2' eval.ll; then echo "FAIL: pow(2, x) rewritten"; exit 1; fi
if grep -qF '@pow(' eval.ll; then echo "FAIL: the C library's pow is called"; exit 1; fi
"$missionc" build rules.mission --emit-llvm --prefix m >build.ll
for pat in 'define double @m_a\(' 'define void @m_a_batch\(' '@m_a_inputs = .*constant \[3 x' 'define double @m_b\('; do
  grep -qE "$pat" build.ll || { echo "FAIL: build --emit-llvm lacks '$pat'"; cat build.ll; exit 1; }
done
# SLEEF's family (LANGUAGE.md, "exp, log and pow"): code for the generic CPU picks it on
# the CPU that runs it, so it holds both families' 2-wide functions and the CPU test;
# and pow for AVX2 and FMA and for any x86-64, chosen by the same test
for pat in '@Sleef_cinz_expd2_u10sse2' '@Sleef_finz_expd2_u10avx2128' '@missionc.vmath.family = internal' \
           'asm sideeffect "cpuid"' 'asm sideeffect "xgetbv"' '@missionc.pow.4.avx2fma.parts' '@missionc.pow.4.parts'; do
  grep -qF "$pat" build.ll || { echo "FAIL: build for the generic CPU lacks '$pat'"; exit 1; }
done
"$missionc" build rules.mission --emit-llvm --prefix m --cpu native >native.ll
if grep -qF 'missionc.vmath' native.ll; then echo "FAIL: build --cpu native tests the CPU"; exit 1; fi
MISSIONC_VMATH=cinz "$missionc" build rules.mission --emit-llvm --prefix m >build_cinz.ll
cmp -s build.ll build_cinz.ll || { echo "FAIL: MISSIONC_VMATH changed build's code"; exit 1; }
MISSIONC_VMATH=cinz "$missionc" eval rules.mission --emit-llvm >cinz.ll
if grep -qF 'Sleef_finz' cinz.ll; then echo "FAIL: MISSIONC_VMATH=cinz eval calls finz"; exit 1; fi
"$missionc" build rules.mission --emit-llvm --prefix m -o file.ll
cmp -s build.ll file.ll || { echo "FAIL: -o file.ll differs from stdout"; exit 1; }
echo ok
