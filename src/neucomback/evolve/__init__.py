"""Self-evolving prompt optimization, the central method of QiMeng-NeuComBack.

The prompt's two guideline sections (correctness, performance) are learned from the
agent's own traces. Per epoch, per batch of the train split:

    rollout.py   run the batch with the current prompt (a RunStore per step: replayable)
    traces.py    keep the traces that teach something: errors fixed by self-debugging,
                 optimizations that ended faster than the first correct version
    analyze.py   the model studies each trace and states insights in a fixed format
    merge.py     the model merges a batch's insights into the matching section
    review.py    the model reviews the numbered line diff; only the lines it accepts apply
    steplog.py   every stage is logged (JSON + markdown) under RUN_DIR/log/

After each epoch select.py scores the prompt on the valid split and keeps it or rolls back
to the best; final.py compares the initial and the selected prompt on the test split.
loop.py runs it all; state.py makes a killed run resume without repeating a paid call.
"""
