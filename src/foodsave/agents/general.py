"""General agent: greetings, thanks, help, small talk, and polite refusals for out-of-scope requests, other
languages, emoji-only messages and prompt or SQL injection attempts."""

from __future__ import annotations

import re

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.text import fold

GREETING = re.compile(
    r"^(czesc|hej\w*|siema\w*|witaj\w*|dzien dobry|dobry wieczor|hello|hi|hey|yo|good (morning|evening))\b"
)
THANKS = re.compile(r"\b(dzieki|dziekuje|thanks|thank you|thx)\b")
BYE = re.compile(r"\b(do widzenia|na razie|dobranoc|bye|see you|good night)\b")
HELP_PL = (
    "Pomagam nie marnować jedzenia. Możesz napisać np.: „co mam w lodówce?”, „zjadłem jogurt”, „dodaj 2 mleka”, "
    "„co ugotować z tego, co się kończy?”, „zaplanuj posiłki na 3 dni”, „ile wydałem w tym miesiącu?”, "
    "„czy mój paragon jest gotowy?”, „co mówią moje dokumenty o …?”."
)
HELP_EN = (
    "I help you waste less food. Try e.g.: “what's in my fridge?”, “I ate the yogurt”, “add 2 milks”, "
    "“what can I cook with what expires soon?”, “plan my meals for 3 days”, “how much did I spend this month?”, "
    "“is my receipt processed?”, “what do my documents say about …?”."
)


def handle(ctx: AgentContext) -> AgentReply:
    flags = set(ctx.route.flags)
    folded = fold(ctx.message).strip()
    if "injection" in flags:
        text = ctx.say(
            "Nie mogę tego zrobić: trzymam się swoich zasad i pokazuję tylko Twoje dane. Chętnie pomogę z "
            "jedzeniem — zapytaj np. „co mam w lodówce?”.",
            "I can't do that: I keep to my rules and only ever show your own data. Happy to help with your food — "
            "ask e.g. “what's in my fridge?”.",
        )
    elif "foreign" in flags:
        text = (
            "Przepraszam, rozmawiam po polsku lub po angielsku. / Sorry, I can answer in Polish or English. "
            "Napisz np. „co mam w lodówce?” / Try e.g. “what's in my fridge?”."
        )
    elif "no_text" in flags:
        text = ctx.say(
            "Nie bardzo wiem, o co chodzi 🙂 Napisz, w czym pomóc — np. „co mam w lodówce?”.",
            "I'm not sure what you mean 🙂 Tell me how I can help — e.g. “what's in my fridge?”.",
        )
    elif THANKS.search(folded):
        text = ctx.say("Nie ma za co! W czym jeszcze pomóc?", "You're welcome! Anything else I can do?")
    elif BYE.search(folded):
        text = ctx.say(
            "Do usłyszenia! Pamiętaj o tym, co się kończy.", "See you! Keep an eye on what expires soon."
        )
    elif GREETING.search(folded):
        text = ctx.say("Cześć! ", "Hi! ") + ctx.say(HELP_PL, HELP_EN)
    elif re.search(
        r"\b(pomoc|pomoz|help|potrafisz|umiesz|can you do|how does this work|jak to dziala)\b", folded
    ):
        text = ctx.say(HELP_PL, HELP_EN)
    else:
        text = ctx.say(
            "Tym się nie zajmuję — jestem asystentem kuchni i zakupów. ",
            "That's outside what I do — I'm a kitchen and groceries assistant. ",
        ) + ctx.say(HELP_PL, HELP_EN)
    return AgentReply(text)
