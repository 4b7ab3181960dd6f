/* Calling-convention check for the System V AMD64 ABI (trusted harness code).
 *
 * The task's function is linked with `-Wl,--wrap=F`: the harness's call goes to __wrap_F,
 * which jumps here with the real function in %r11 (a scratch register that carries no
 * argument). The return address is moved to a private slot, so the callee sees its stack
 * arguments exactly where the harness put them. Callee-saved registers get random values
 * (nb_abi_canary) before the call; afterwards every one of them, %rsp, the MXCSR control
 * bits, the x87 control word, the x87 stack top and the direction flag are compared, the
 * failures or-ed into nb_abi_fault (bit order = nb_abi_names in nbh.h), and the harness's
 * own state is restored. One thread; a nested call (recursion through code outside the
 * candidate) is passed straight through (nb_abi_busy), and the outermost call is checked.
 */
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
    .text
    .globl XCAT(__wrap_, NB_FUNC)
    .type XCAT(__wrap_, NB_FUNC), @function
XCAT(__wrap_, NB_FUNC):
    leaq XCAT(__real_, NB_FUNC)(%rip), %r11
    jmp nb_abi_tramp

    .p2align 4
    .type nb_abi_tramp, @function
nb_abi_tramp:
    cmpb $0, nb_abi_busy(%rip)
    jne nb_abi_direct
    popq nb_abi_area+0(%rip)
    movq %rbx, nb_abi_area+8(%rip)
    movq %rbp, nb_abi_area+16(%rip)
    movq %r12, nb_abi_area+24(%rip)
    movq %r13, nb_abi_area+32(%rip)
    movq %r14, nb_abi_area+40(%rip)
    movq %r15, nb_abi_area+48(%rip)
    movq %rsp, nb_abi_area+56(%rip)
    stmxcsr nb_abi_area+64(%rip)
    fnstcw nb_abi_area+68(%rip)
    movq %rax, %r10
    fnstsw %ax
    movw %ax, nb_abi_area+70(%rip)
    movq %r10, %rax
    movq nb_abi_canary+0(%rip), %rbx
    movq nb_abi_canary+8(%rip), %rbp
    movq nb_abi_canary+16(%rip), %r12
    movq nb_abi_canary+24(%rip), %r13
    movq nb_abi_canary+32(%rip), %r14
    movq nb_abi_canary+40(%rip), %r15
    movb $1, nb_abi_busy(%rip)
    call *%r11
    movb $0, nb_abi_busy(%rip)       /* mov: no flag or register changes */
    /* results live in rax, rdx, xmm0, xmm1 (and st0): use only rcx, rsi, rdi, r8-r11 */
    xorl %r10d, %r10d
    .macro chk reg, off, bit
    movq nb_abi_canary+\off(%rip), %r11
    cmpq %r11, \reg
    je 1f
    orq $(1 << \bit), %r10
1:
    .endm
    chk %rbx, 0, 0
    chk %rbp, 8, 1
    chk %r12, 16, 2
    chk %r13, 24, 3
    chk %r14, 32, 4
    chk %r15, 40, 5
    cmpq nb_abi_area+56(%rip), %rsp
    je 1f
    orq $(1 << 6), %r10
1:
    stmxcsr nb_abi_area+72(%rip)
    movl nb_abi_area+72(%rip), %ecx
    xorl nb_abi_area+64(%rip), %ecx
    andl $0xffc0, %ecx               /* bits 0-5 are sticky exception flags: allowed to change */
    jz 1f
    orq $(1 << 7), %r10
1:
    fnstcw nb_abi_area+76(%rip)
    movzwl nb_abi_area+76(%rip), %ecx
    movzwl nb_abi_area+68(%rip), %esi
    cmpl %esi, %ecx
    je 1f
    orq $(1 << 8), %r10
1:
    movq nb_abi_area+56(%rip), %rsp  /* from here on, our own stack pointer */
    pushfq
    popq %rcx
    testl $0x400, %ecx
    jz 1f
    orq $(1 << 9), %r10
    cld
1:
    movq %rax, %rdi
    fnstsw %ax
    movw nb_abi_area+70(%rip), %si
    xorw %ax, %si
    andw $0x3800, %si                /* TOP: the x87 stack must be as the caller left it */
    jz 1f
    orq $(1 << 10), %r10
    fninit
1:
    movq %rdi, %rax
    orq %r10, nb_abi_fault(%rip)
    ldmxcsr nb_abi_area+64(%rip)
    fldcw nb_abi_area+68(%rip)
    movq nb_abi_area+8(%rip), %rbx
    movq nb_abi_area+16(%rip), %rbp
    movq nb_abi_area+24(%rip), %r12
    movq nb_abi_area+32(%rip), %r13
    movq nb_abi_area+40(%rip), %r14
    movq nb_abi_area+48(%rip), %r15
    pushq nb_abi_area+0(%rip)
    ret

nb_abi_direct:                       /* a nested call: the stack is as the caller made it */
    jmp *%r11

#include "nb_abi_data.inc"
    .section .note.GNU-stack,"",@progbits
