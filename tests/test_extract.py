"""Assembly extraction from replies as models really write them."""

import pytest

from neucomback.agent.extract import extract_asm

ASM = """\t.text
\t.globl\tf
\t.type\tf,@function
f:
\tleal\t(%rdi,%rsi), %eax
\tretq
"""


@pytest.mark.parametrize("lang", ["asm", "assembly", "s", "gas", "x86asm", "armasm", "riscv"])
def test_fence_languages(lang: str) -> None:
    ext = extract_asm(f"Here you go:\n```{lang}\n{ASM}```\nHope this helps!", "f")
    assert ext.asm == ASM and not ext.truncated


def test_untagged_fence_and_tilde_fence() -> None:
    assert extract_asm(f"```\n{ASM}```").asm == ASM
    assert extract_asm(f"~~~asm\n{ASM}~~~").asm == ASM


def test_several_blocks_prefers_the_one_defining_the_function() -> None:
    helper = "\t.text\nhelper:\n\tret\n" * 5
    reply = f"First a helper:\n```asm\n{helper}```\nand the function:\n```asm\n{ASM}```"
    assert extract_asm(reply, "f").asm == ASM


def test_several_blocks_without_the_name_takes_the_longest() -> None:
    reply = f"```asm\nnop\n```\n```asm\n{ASM}```"
    assert extract_asm(reply).asm == ASM


def test_ignores_non_asm_fences() -> None:
    reply = f"```c\nint f(int a, int b) {{ return a + b; }}\n```\n```asm\n{ASM}```"
    assert extract_asm(reply, "f").asm == ASM


def test_missing_fence_whole_reply() -> None:
    ext = extract_asm(ASM)
    assert ext.asm is not None and "leal" in ext.asm and "no fence" in ext.how


def test_missing_fence_with_prose_around() -> None:
    reply = "Sure. The function adds its arguments.\n\n" + ASM + "\nThis uses lea to add without flags."
    ext = extract_asm(reply, "f")
    assert ext.asm is not None and "f:" in ext.asm and "Sure" not in ext.asm and "This uses" not in ext.asm


def test_truncated_reply_keeps_what_is_there_and_says_so() -> None:
    ext = extract_asm("```asm\n" + ASM[:40], "f")
    assert ext.truncated and ext.asm is not None and ext.asm.startswith("\t.text")


def test_no_assembly_at_all() -> None:
    ext = extract_asm("I'm sorry, but I cannot translate this IR.")
    assert ext.asm is None and "no assembly" in ext.how
