/* Calling-convention check for the RISC-V LP64D psABI (trusted harness code); see
 * nb_abi_x86_64.S. __wrap_F puts the real function in t2. Checked after the call:
 * s0-s11, fs0-fs11, sp, gp, tp and the rounding mode (frm). No linker relaxation here:
 * a relaxed address would go through gp, which the callee may have clobbered. */
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
    .option norelax
    .text
    .globl XCAT(__wrap_, NB_FUNC)
    .type XCAT(__wrap_, NB_FUNC), @function
XCAT(__wrap_, NB_FUNC):
    lla t2, XCAT(__real_, NB_FUNC)
    j nb_abi_tramp

    .p2align 4
    .type nb_abi_tramp, @function
nb_abi_tramp:
    lla t0, nb_abi_busy
    lbu t1, 0(t0)
    bnez t1, nb_abi_direct
    lla t0, nb_abi_area
    sd ra, 0(t0)
    sd s0, 8(t0)
    sd s1, 16(t0)
    sd s2, 24(t0)
    sd s3, 32(t0)
    sd s4, 40(t0)
    sd s5, 48(t0)
    sd s6, 56(t0)
    sd s7, 64(t0)
    sd s8, 72(t0)
    sd s9, 80(t0)
    sd s10, 88(t0)
    sd s11, 96(t0)
    fsd fs0, 104(t0)
    fsd fs1, 112(t0)
    fsd fs2, 120(t0)
    fsd fs3, 128(t0)
    fsd fs4, 136(t0)
    fsd fs5, 144(t0)
    fsd fs6, 152(t0)
    fsd fs7, 160(t0)
    fsd fs8, 168(t0)
    fsd fs9, 176(t0)
    fsd fs10, 184(t0)
    fsd fs11, 192(t0)
    sd sp, 200(t0)
    sd gp, 208(t0)
    sd tp, 216(t0)
    frrm t1
    sd t1, 224(t0)
    lla t1, nb_abi_canary
    ld s0, 0(t1)
    ld s1, 8(t1)
    ld s2, 16(t1)
    ld s3, 24(t1)
    ld s4, 32(t1)
    ld s5, 40(t1)
    ld s6, 48(t1)
    ld s7, 56(t1)
    ld s8, 64(t1)
    ld s9, 72(t1)
    ld s10, 80(t1)
    ld s11, 88(t1)
    fld fs0, 96(t1)
    fld fs1, 104(t1)
    fld fs2, 112(t1)
    fld fs3, 120(t1)
    fld fs4, 128(t1)
    fld fs5, 136(t1)
    fld fs6, 144(t1)
    fld fs7, 152(t1)
    fld fs8, 160(t1)
    fld fs9, 168(t1)
    fld fs10, 176(t1)
    fld fs11, 184(t1)
    lla t0, nb_abi_busy
    li t1, 1
    sb t1, 0(t0)
    jalr t2
    /* results live in a0, a1, fa0, fa1: use only t0-t6 */
    lla t0, nb_abi_busy
    sb zero, 0(t0)
    lla t0, nb_abi_area
    lla t1, nb_abi_canary
    li t3, 0
    .macro chk reg, off, bit
    ld t4, \off(t1)
    beq \reg, t4, 1f
    li t5, (1 << \bit)
    or t3, t3, t5
1:
    .endm
    .macro chkf reg, off, bit
    fmv.x.d t6, \reg
    chk t6, \off, \bit
    .endm
    chk s0, 0, 0
    chk s1, 8, 1
    chk s2, 16, 2
    chk s3, 24, 3
    chk s4, 32, 4
    chk s5, 40, 5
    chk s6, 48, 6
    chk s7, 56, 7
    chk s8, 64, 8
    chk s9, 72, 9
    chk s10, 80, 10
    chk s11, 88, 11
    chkf fs0, 96, 12
    chkf fs1, 104, 13
    chkf fs2, 112, 14
    chkf fs3, 120, 15
    chkf fs4, 128, 16
    chkf fs5, 136, 17
    chkf fs6, 144, 18
    chkf fs7, 152, 19
    chkf fs8, 160, 20
    chkf fs9, 168, 21
    chkf fs10, 176, 22
    chkf fs11, 184, 23
    mv t6, sp
    addi t1, t0, 200
    chk t6, 0, 24
    mv t6, gp
    chk t6, 8, 25
    mv t6, tp
    chk t6, 16, 26
    frrm t6
    chk t6, 24, 27
    lla t4, nb_abi_fault
    ld t5, 0(t4)
    or t5, t5, t3
    sd t5, 0(t4)
    ld sp, 200(t0)
    ld gp, 208(t0)
    ld tp, 216(t0)
    ld t4, 224(t0)
    fsrm t4
    ld s0, 8(t0)
    ld s1, 16(t0)
    ld s2, 24(t0)
    ld s3, 32(t0)
    ld s4, 40(t0)
    ld s5, 48(t0)
    ld s6, 56(t0)
    ld s7, 64(t0)
    ld s8, 72(t0)
    ld s9, 80(t0)
    ld s10, 88(t0)
    ld s11, 96(t0)
    fld fs0, 104(t0)
    fld fs1, 112(t0)
    fld fs2, 120(t0)
    fld fs3, 128(t0)
    fld fs4, 136(t0)
    fld fs5, 144(t0)
    fld fs6, 152(t0)
    fld fs7, 160(t0)
    fld fs8, 168(t0)
    fld fs9, 176(t0)
    fld fs10, 184(t0)
    fld fs11, 192(t0)
    ld ra, 0(t0)
    ret

nb_abi_direct:                 /* a nested call: straight through */
    jr t2

#include "nb_abi_data.inc"
    .section .note.GNU-stack,"",@progbits
