/* Calling-convention check for AAPCS64 (trusted harness code); see nb_abi_x86_64.S.
 * __wrap_F puts the real function in x16 (IP0, never an argument). Checked after the
 * call: x19-x29, d8-d15, sp and FPCR. Results (x0-x7, x8, v0-v7) are left alone. */
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
    .text
    .globl XCAT(__wrap_, NB_FUNC)
    .type XCAT(__wrap_, NB_FUNC), %function
XCAT(__wrap_, NB_FUNC):
    adrp x16, XCAT(__real_, NB_FUNC)
    add x16, x16, :lo12:XCAT(__real_, NB_FUNC)
    b nb_abi_tramp

    .p2align 4
    .type nb_abi_tramp, %function
nb_abi_tramp:
    adrp x17, nb_abi_busy
    ldrb w17, [x17, :lo12:nb_abi_busy]
    cbnz w17, nb_abi_direct
    adrp x17, nb_abi_area
    add x17, x17, :lo12:nb_abi_area
    str x30, [x17, #0]
    stp x19, x20, [x17, #8]
    stp x21, x22, [x17, #24]
    stp x23, x24, [x17, #40]
    stp x25, x26, [x17, #56]
    stp x27, x28, [x17, #72]
    str x29, [x17, #88]
    stp d8, d9, [x17, #96]
    stp d10, d11, [x17, #112]
    stp d12, d13, [x17, #128]
    stp d14, d15, [x17, #144]
    mov x9, sp
    str x9, [x17, #160]
    mrs x9, fpcr
    str x9, [x17, #168]
    adrp x9, nb_abi_canary
    add x9, x9, :lo12:nb_abi_canary
    ldp x19, x20, [x9, #0]
    ldp x21, x22, [x9, #16]
    ldp x23, x24, [x9, #32]
    ldp x25, x26, [x9, #48]
    ldp x27, x28, [x9, #64]
    ldr x29, [x9, #80]
    ldp d8, d9, [x9, #88]
    ldp d10, d11, [x9, #104]
    ldp d12, d13, [x9, #120]
    ldp d14, d15, [x9, #136]
    adrp x17, nb_abi_busy
    mov w9, #1
    strb w9, [x17, :lo12:nb_abi_busy]
    blr x16
    adrp x17, nb_abi_busy
    strb wzr, [x17, :lo12:nb_abi_busy]
    adrp x17, nb_abi_area
    add x17, x17, :lo12:nb_abi_area
    adrp x9, nb_abi_canary
    add x9, x9, :lo12:nb_abi_canary
    mov x10, #0
    .macro chk reg, off, bit
    ldr x11, [x9, #\off]
    cmp \reg, x11
    b.eq 1f
    orr x10, x10, #(1 << \bit)
1:
    .endm
    .macro chkd reg, off, bit
    fmov x12, \reg
    chk x12, \off, \bit
    .endm
    chk x19, 0, 0
    chk x20, 8, 1
    chk x21, 16, 2
    chk x22, 24, 3
    chk x23, 32, 4
    chk x24, 40, 5
    chk x25, 48, 6
    chk x26, 56, 7
    chk x27, 64, 8
    chk x28, 72, 9
    chk x29, 80, 10
    chkd d8, 88, 11
    chkd d9, 96, 12
    chkd d10, 104, 13
    chkd d11, 112, 14
    chkd d12, 120, 15
    chkd d13, 128, 16
    chkd d14, 136, 17
    chkd d15, 144, 18
    mov x12, sp
    ldr x11, [x17, #160]
    cmp x12, x11
    b.eq 1f
    orr x10, x10, #(1 << 19)
1:
    mrs x12, fpcr
    ldr x11, [x17, #168]
    cmp x12, x11
    b.eq 1f
    orr x10, x10, #(1 << 20)
1:
    adrp x11, nb_abi_fault
    ldr x12, [x11, :lo12:nb_abi_fault]
    orr x12, x12, x10
    str x12, [x11, :lo12:nb_abi_fault]
    ldr x9, [x17, #160]
    mov sp, x9
    ldr x9, [x17, #168]
    msr fpcr, x9
    ldp x19, x20, [x17, #8]
    ldp x21, x22, [x17, #24]
    ldp x23, x24, [x17, #40]
    ldp x25, x26, [x17, #56]
    ldp x27, x28, [x17, #72]
    ldr x29, [x17, #88]
    ldp d8, d9, [x17, #96]
    ldp d10, d11, [x17, #112]
    ldp d12, d13, [x17, #128]
    ldp d14, d15, [x17, #144]
    ldr x30, [x17, #0]
    ret

nb_abi_direct:                 /* a nested call: straight through */
    br x16

#include "nb_abi_data.inc"
    .section .note.GNU-stack,"",%progbits
