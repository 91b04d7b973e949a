"""A question in its conversation: `understand(question, history)`. Follow-ups reuse the facts of earlier
turns; corrections replace them; a new full question starts fresh.

"Mag ik als arts de politie informeren?"  ->  "En als het om een minderjarige gaat?"  (follow-up: merge)
"Mag de politie dit aan CoMensha geven?"  ->  "Nee, ik bedoelde de IND."               (correction)
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answer import Facts, Turn
from bot.understanding.facts import SlotGuesser, Understanding
from bot.understanding.reading import read_question
from bot.vocabulary import Vocabulary, load_vocabulary

_SCALARS = ("urgent", "minor", "age", "outside_eer", "country")
_FLAGS = ("covenant", "covenant_as_basis", "legitimate_interest", "anonymous", "pseudonymous")


def merge_history(earlier: Sequence[Understanding], current: Understanding) -> Understanding:
    """The facts in force after `current`, given the turns before it (oldest first)."""
    context: Understanding | None = None
    for turn in earlier:
        if context is not None and not turn.in_scope and not is_followup(turn):
            continue  # an unrelated question in between does not end the conversation
        context = turn if context is None else next_context(context, turn)
    return current if context is None else next_context(context, current)


def next_context(context: Understanding, turn: Understanding) -> Understanding:
    if turn.correction and _has_slots(turn):
        return apply_correction(context, turn)
    if is_followup(turn):
        return merge_followup(context, turn)
    return turn


def is_followup(turn: Understanding) -> bool:
    """'En als ...?', 'What if ...?', 'Verandert dat iets?', or a turn that adds facts but does not stand
    on its own (no act asked about, or no one named)."""
    if turn.followup:
        return True
    complete = bool(turn.intents) and bool(turn.sender or turn.recipients)
    lacks_recipient = turn.sharing and not turn.recipients
    return (not complete or lacks_recipient) and _has_slots(turn)


def _has_slots(turn: Understanding) -> bool:
    return bool(
        turn.mentioned_roles
        or turn.negated_roles
        or turn.data
        or turn.negated_data
        or turn.purposes
        or turn.country
        or turn.consent
        or turn.urgent is not None
        or turn.minor is not None
        or turn.intents
    )


#: signals about what one turn asks to do, not about the situation: a follow-up does not inherit them
#: ('alleen de kale melding dus' after 'mag ik in het opmerkingenveld zetten ...?')
_ACT_SIGNALS = frozenset({"content_in_registration", "asks_to_report", "refuse_request"})


def merge_followup(context: Understanding, turn: Understanding) -> Understanding:
    """Keep what the follow-up does not say; add what it does."""
    data = [d for d in dict.fromkeys([*context.data, *turn.data]) if d not in turn.negated_data]
    update: dict[str, object] = {
        "question": turn.question,
        "language": turn.language,
        "in_scope": context.in_scope or turn.in_scope,
        "intents": turn.intents if turn.sharing or not context.intents else context.intents,
        "sender": turn.sender or context.sender,
        "recipients": turn.recipients or context.recipients,
        "data": data,
        "purposes": turn.purposes or context.purposes,
        "consent": turn.consent or context.consent,
        "abroad": turn.abroad or context.abroad,
        "injection": turn.injection,
        "signals": sorted((set(context.signals) - _ACT_SIGNALS) | set(turn.signals)),
    }
    update |= {name: _first_set(getattr(turn, name), getattr(context, name)) for name in _SCALARS}
    update |= {name: getattr(turn, name) or getattr(context, name) for name in _FLAGS}
    return context.model_copy(update=update)


def apply_correction(context: Understanding, turn: Understanding) -> Understanding:
    """'Nee, het is geen politie maar de gemeente' replaces politie by gemeente wherever it stood."""
    update: dict[str, object] = {"question": turn.question, "injection": turn.injection}
    update |= _corrected_roles(context, turn)
    if turn.data:
        kept = [d for d in context.data if d not in turn.negated_data] if turn.negated_data else []
        update["data"] = list(dict.fromkeys([*kept, *turn.data]))
    for name in ("purposes", "consent", *_SCALARS):
        value = getattr(turn, name)
        if value not in ("", None, []):
            update[name] = value
    return context.model_copy(update=update)


def _corrected_roles(context: Understanding, turn: Understanding) -> dict[str, object]:
    new = [role for role in turn.mentioned_roles if role not in turn.negated_roles]
    if not new:
        return {}
    if turn.negated_roles:
        wrong = set(turn.negated_roles)
        sender = new[0] if context.sender in wrong else context.sender
        recipients = [new[0] if r in wrong else r for r in context.recipients]
        if sender == context.sender and recipients == context.recipients:
            recipients = [new[0]]
        return {"sender": sender, "recipients": list(dict.fromkeys(recipients))}
    if turn.sender_cued:
        return {"sender": turn.sender}
    return {"recipients": new}


def _first_set(value: object, fallback: object) -> object:
    return fallback if value in (None, "") else value


def with_kept_facts(turn: Understanding, facts: Facts) -> Understanding:
    """A turn's understanding with the facts the caller kept (Turn.facts) laid over it."""
    update: dict[str, object] = {"language": facts.language or turn.language}
    if facts.sender:
        update["sender"] = facts.sender
    if facts.recipient:
        update["recipients"] = [r.strip() for r in facts.recipient.split(",") if r.strip()]
    if facts.data:
        update["data"] = list(facts.data)
    if facts.purpose:
        update["purposes"] = [facts.purpose]
    update |= {
        name: getattr(facts, name)
        for name in ("minor", "outside_eer", "urgent")
        if getattr(facts, name) is not None
    }
    if facts.consent is not None:
        update["consent"] = "given" if facts.consent else "refused"
    return turn.model_copy(update=update)


_PROVENANCE = ("sender", "recipients", "data", "purposes", "consent", "age", "minor", "urgent", "outside_eer")


def understand(
    question: str,
    history: Sequence[Turn] = (),
    vocabulary: Vocabulary | None = None,
    semantic: SlotGuesser | None = None,
) -> Understanding:
    """The facts of `question`, with follow-ups and corrections merged into the earlier turns."""
    vocab = vocabulary or load_vocabulary()
    earlier = [_turn_understanding(turn, vocab) for turn in history]
    read = read_question(question, vocab)
    current = merge_history(earlier, read)
    if current is not read:
        kept = [
            name for name in _PROVENANCE if getattr(current, name) not in (getattr(read, name), None, "", [])
        ]
        current = current.model_copy(update={"words": read.words, "from_history": kept})
    return _fill_semantic(current, semantic) if semantic else current


def _turn_understanding(turn: Turn, vocab: Vocabulary) -> Understanding:
    read = read_question(turn.question, vocab)
    return with_kept_facts(read, turn.facts) if turn.facts else read


def _fill_semantic(understanding: Understanding, semantic: SlotGuesser) -> Understanding:
    """Only for in-scope questions, and only for slots the words left empty."""
    if not understanding.in_scope:
        return understanding
    update: dict[str, object] = {}
    for slot, field_name in (("data", "data"), ("purposes", "purposes")):
        if not getattr(understanding, field_name):
            best = semantic.best(slot, understanding.question)
            if best:
                update[field_name] = [best]
    if not update:
        return understanding
    return understanding.model_copy(update={**update, "semantic": sorted(update)})
