"""The receipt's own arithmetic as ground truth: qty x unit price = value, item nets (after discounts) add
up to the total, the VAT blocks add up to the total, the payment repeats it. Used to pick the total, to
repair a misread number, to fill unreadable amounts, and to flag the lines where nothing closes."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from itertools import product

from foodsave.receipts.money import parse_amount, q2
from foodsave.receipts.parsing.items import Loose
from foodsave.receipts.parsing.lines import AMT, DIGIT_LOOKALIKES, one_digit_apart
from foodsave.receipts.parsing.model import ZERO, ParsedReceipt, ReceiptItem
from foodsave.receipts.parsing.summary import Summary


def correct_factors(result: ParsedReceipt) -> None:
    """A quantity or unit price that contradicts qty x unit price = value by one misread digit (`8,612` for
    `0,612`) is replaced by the reading the other two numbers allow, when exactly one such reading exists."""
    for item in result.items:
        if not item.qty_explicit or item.unknown_amount or item.unit_price <= 0:
            continue
        if q2(item.quantity * item.unit_price) == item.amount:
            continue
        fixes = [
            ("quantity", q)
            for q in _one_digit_variants(item.quantity)
            if q2(q * item.unit_price) == item.amount
        ]
        fixes += [
            ("unit price", p)
            for p in _one_digit_variants(item.unit_price)
            if q2(item.quantity * p) == item.amount
        ]
        if len(fixes) != 1:
            continue
        what, value = fixes[0]
        old = item.quantity if what == "quantity" else item.unit_price
        if what == "quantity":
            item.quantity = value
        else:
            item.unit_price = value
        item.alt_amounts.clear()
        result.warnings.append(f"line {item.line_no + 1}: {what} {old} corrected to {value} by qty x price")


def _one_digit_variants(value: Decimal) -> list[Decimal]:
    """Every positive number that differs from `value` (as printed) in exactly one digit."""
    text = f"{value:f}"
    out = []
    for k, ch in enumerate(text):
        if not ch.isdigit():
            continue
        for d in "0123456789":
            if d != ch:
                candidate = Decimal(text[:k] + d + text[k + 1 :])
                if candidate > 0:
                    out.append(candidate)
    return out


def reconcile(result: ParsedReceipt, summary: Summary, loose: list[Loose]) -> None:
    """Choose the total and make the items add up to it, or flag what does not."""
    items = result.items
    for item in items:
        if item.net_printed is not None and q2(item.amount + item.discount) != item.net_printed:
            item.checked = False
    unknowns = [i for i in items if i.unknown_amount]
    computed = result.items_total
    total = choose_total(result, summary, None if unknowns else computed)
    result.total = total
    if total is None:
        for u in unknowns:
            items.remove(u)
        result.total = result.items_total if items else None
        result.flag("total_missing", "total (SUMA) not found")
        return
    if unknowns:
        fill_unknowns(result, unknowns, q2(total - computed))
        computed = result.items_total
    if computed == total:
        return
    fix = find_fix(result, total, loose)
    if fix is not None:
        result.warnings.append(fix)
        if result.items_total == total:
            return
    result.flag("items_sum", f"items sum {result.items_total} does not match total {total}")


def flag_open_lines(result: ParsedReceipt) -> None:
    """Every item whose own arithmetic still fails is flagged on its line: never stored as if it were read right."""
    for item in result.items:
        if item.qty_explicit and q2(item.quantity * item.unit_price) != item.amount:
            result.flag(
                "line_arithmetic",
                f"{item.quantity} x {item.unit_price} is not {item.amount} ({item.name_raw})",
                item.line_no,
            )
            item.confidence = min(item.confidence, 0.5)
        elif item.net_printed is not None and q2(item.amount + item.discount) != item.net_printed:
            result.flag(
                "discount_arithmetic",
                f"{item.amount} {item.discount} is not the printed {item.net_printed} ({item.name_raw})",
                item.line_no,
            )
    vat_total = sum((e.taxable for e in result.vat_summary.values() if e.taxable is not None), ZERO)
    if result.total is not None and vat_total and q2(vat_total) != result.total and not result.needs_review:
        result.warnings.append(f"VAT blocks sum {q2(vat_total)} differ from the total {result.total}")


def fill_unknowns(result: ParsedReceipt, unknowns: list[ReceiptItem], diff: Decimal) -> None:
    """Give garbled item lines the amounts the totals leave for them, checked against their own digits."""
    options: list[list[Decimal]] = []
    for u in unknowns:
        text = u.name_raw.translate(DIGIT_LOOKALIKES)
        found = {a for a in (parse_amount(m.group(0)) for m in re.finditer(AMT, text)) if a and a > 0}
        for run in re.findall(r"\d{3,6}", text):
            found.add(Decimal(f"{run[:-2]}.{run[-2:]}"))
        options.append([ZERO, *sorted(found)])
    chosen: list[Decimal] | None = None
    if len(unknowns) <= 4:
        fits = [combo for combo in product(*options) if q2(sum(combo, ZERO)) == diff]
        if len(fits) == 1:
            chosen = list(fits[0])
    verified = chosen is not None
    if chosen is None and len(unknowns) == 1 and diff > 0:
        chosen = [diff]
    for u, value in zip(unknowns, chosen or [ZERO] * len(unknowns), strict=True):
        if value == ZERO and not u.discount:
            result.items.remove(u)
            continue
        u.amount = u.unit_price = value
        u.unknown_amount = False
        u.recompute()
        message = f"unreadable amount taken as {value} from the totals"
        if verified:
            result.warnings.append(f"line {u.line_no + 1}: {message}")
        else:
            result.flag("amount_unreadable", message, u.line_no)
        # The name still carries the garbled numbers; keep the leading words only.
        u.name_raw = re.split(r"\s+(?=\S*\d[\d,.]*\S*\s*[A-Ga-g]?\W*$)|\s{2,}", u.name_raw)[0].strip()


def choose_total(result: ParsedReceipt, summary: Summary, computed: Decimal | None) -> Decimal | None:
    """The amount most witnesses agree on: SUMA (3), VAT blocks (2), card (2), cash - change (1), items (2)."""
    votes: Counter[Decimal] = Counter()
    suma = [s for s in summary.suma if s > 0]
    for s in suma:
        votes[s] += 3
    for s in summary.suma_loose:
        votes[s] += 1
    taxable = {k: v for k, v in summary.taxable.items()}
    if taxable:
        votes[q2(sum(taxable.values(), ZERO) + sum(summary.exempt, ZERO))] += 2
    for c in summary.card:
        votes[c] += 2
    if summary.cash:
        paid = summary.cash[0] - (summary.change[0] if summary.change else ZERO)
        votes[q2(paid)] += 1
    if result.items and computed is not None:
        votes[computed] += 2
    if not votes:
        return None
    best = max(votes.items(), key=lambda kv: (kv[1], kv[0] in suma))
    if suma and best[0] not in suma:
        result.warnings.append(f"SUMA {suma[0]} disagrees with the other totals; using {best[0]}")
    if not suma:
        if best[1] < 4:
            # Only one source (e.g. the items alone) vouches for this total.
            result.flag("total_unconfirmed", "SUMA line not found and no second witness of the total")
        else:
            result.warnings.append("SUMA line not found; total taken from other lines")
    return best[0]


def find_fix(result: ParsedReceipt, total: Decimal, loose: list[Loose]) -> str | None:
    """One change that makes the items add up: an alternative reading, a discount, one digit, a loose amount."""
    diff = q2(total - result.items_total)
    candidates = _fix_candidates(result, diff)
    if len(candidates) > 1:
        candidates = _prefer_by_vat(result, candidates, diff) or candidates
    if len(candidates) == 1:
        return _apply_fix(*candidates[0])
    matches = [lo for lo in loose if lo.amount == diff]
    if len(matches) == 1:
        lo = matches[0]
        name = re.sub(AMT, "", lo.text).strip(" .:-*") or "?"
        item = ReceiptItem(
            name, name, Decimal(1), "szt", lo.amount, lo.amount, line_no=lo.line_no, checked=False
        )
        item.recompute()
        result.items.append(item)
        result.items.sort(key=lambda x: x.line_no)
        return f"line {lo.line_no + 1}: recovered as an item by the totals"
    return None


def _fix_candidates(result: ParsedReceipt, diff: Decimal) -> list[tuple[ReceiptItem, str, Decimal]]:
    candidates: list[tuple[ReceiptItem, str, Decimal]] = []
    for item in result.items:
        for alt in item.alt_amounts:
            if q2(alt - item.amount) == diff:
                candidates.append((item, "amount", alt))
        if item.net_printed is not None and q2(item.net_printed - item.total) == diff:
            candidates.append((item, "discount", q2(item.net_printed - item.amount)))
        if item.discount and q2(-item.discount) == diff:
            candidates.append((item, "discount", ZERO))
    if not candidates:
        for item in result.items:
            alt = q2(item.amount + diff)
            if alt > 0 and one_digit_apart(item.amount, alt):
                candidates.append((item, "digit", alt))
    return candidates


def _apply_fix(item: ReceiptItem, what: str, value: Decimal) -> str:
    old_amount, old_discount = item.amount, item.discount
    item.checked = False
    if what == "discount":
        item.discount = value
        item.recompute()
        return f"line {item.line_no + 1}: discount {old_discount} corrected to {value} by the totals"
    item.amount = value
    if item.quantity and q2(item.quantity * item.unit_price) != value and not item.qty_explicit:
        item.unit_price = q2(value / item.quantity)
    item.recompute()
    return f"line {item.line_no + 1}: amount {old_amount} corrected to {value} by the totals"


def _prefer_by_vat(
    result: ParsedReceipt, candidates: list[tuple[ReceiptItem, str, Decimal]], diff: Decimal
) -> list[tuple[ReceiptItem, str, Decimal]]:
    bad_letters = set()
    for letter, entry in result.vat_summary.items():
        if entry.taxable is None:
            continue
        group = q2(sum((i.total for i in result.items if i.vat_letter == letter), ZERO))
        if q2(entry.taxable - group) == diff:
            bad_letters.add(letter)
    return [c for c in candidates if c[0].vat_letter in bad_letters]
