"""Model calls of the evolve stages (analyse, merge, review), recorded for replay.

Each call is stored under a key in the step's RunStore (its meta table, one SQLite
transaction) right after the reply arrives, so a rerun of a killed step replays it even
with --no-cache. The budget is checked before and charged after every fresh call.
"""

from __future__ import annotations

from ..models.accounting import Budget
from ..models.base import BudgetExceeded, GenParams, Message, ModelError, Provider, Reply
from ..record.store import RunStore
from .settings import Stopped

PREFIX = "evolve:"


class Asker:
    """Sends stage prompts to the provider; raises Stopped when the budget or service says no."""

    def __init__(self, provider: Provider, params: GenParams, budget: Budget) -> None:
        self.provider, self.params, self.budget = provider, params, budget
        self.scripted = False  # True once any reply (fresh or replayed) came from no model

    async def ask(self, store: RunStore, key: str, messages: list[Message]) -> Reply:
        """The reply to `messages`: the one recorded under `key` in `store`, else a fresh call.

        A recorded reply is used only if it answered the same messages (a stale record, e.g.
        from a prompt template that changed, must not answer a new question).
        """
        rec = store.get_meta(PREFIX + key)
        if rec is not None and rec.get("messages") == messages:
            reply = Reply.from_json(rec["reply"])
            self.scripted = self.scripted or reply.scripted
            return reply
        try:
            self.budget.check()
            reply = await self.provider.generate(messages, self.params)
        except BudgetExceeded as e:
            raise Stopped(f"budget: {e}") from None
        except ModelError as e:
            raise Stopped(f"model error: {e}") from None
        self.budget.charge(reply)
        self.scripted = self.scripted or reply.scripted
        store.set_meta(PREFIX + key, {"messages": messages, "reply": reply.to_json()})
        return reply
