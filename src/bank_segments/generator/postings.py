"""Transactions as delivered (versions, reversals, late arrivals) and balance snapshots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_segments.generator import catalog, render
from bank_segments.generator.accounts import ROLE, Accounts
from bank_segments.generator.ledger import CHANNEL, COLUMNS
from bank_segments.generator.pieces import Piece, table_from_arrays
from bank_segments.generator.population import Persons
from bank_segments.generator.population import pick as pick_mask
from bank_segments.generator.reference import Reference
from bank_segments.generator.timeline import DAY, Timeline

BOOKED, PENDING, REVERSED = 0, 1, 2
UNKNOWN_TARGET = -2


@dataclass
class Postings:
    """Final transactions (one entry per transaction_id) in id order."""

    tx: dict[str, np.ndarray]
    status: np.ndarray
    reversal_of: np.ndarray  # index of the cancelled transaction, -1 none, -2 unknown
    pending_first: np.ndarray  # delivered as pending before its final version
    ids: pa.Array
    id_prefix: str
    mess: dict[str, int]
    code_vocab: list[str]
    name_vocab: pa.Array
    merchant_vocab: pa.Array
    mcc_vocab: list[str]


def _pick(rng: np.random.Generator, mask: np.ndarray, share: float, minimum: int) -> np.ndarray:
    return pick_mask(rng, mask, share, minimum)


def settle(
    rng: np.random.Generator,
    chunk: int,
    tx: dict[str, np.ndarray],
    tl: Timeline,
    code_index: dict[str, int],
    ref: Reference,
) -> Postings:
    """Adds reversals, decides each transaction's final status and assigns ids."""
    mess: dict[str, int] = {}
    n = len(tx["ts"])
    card = tx["code"] == code_index["CARD_PURCHASE"]
    free = card & ~tx["protected"]
    last_batch = len(tl.batches) - 1
    natural = tl.batch_of(tx["ts"])
    room = natural < last_batch
    # Month-edge instants: written with an offset that puts the local time in the other month.
    edge = _pick(rng, free & room, 0.001, 4)
    month = np.searchsorted(tl.month_starts, tx["ts"][edge], "right") - 1
    half = len(edge) // 2
    first_of_month = tl.month_starts[np.clip(month, 0, None)]
    next_month = tl.month_ends[np.clip(month, 0, None)]
    tx["ts"][edge[:half]] = first_of_month[:half] + rng.integers(600, 5400, half)
    tx["ts"][edge[half:]] = next_month[half:] - rng.integers(600, 5400, len(edge) - half)
    tx["ts"][edge] = np.clip(tx["ts"][edge], tl.start_ts, tl.end_ts - 1)
    offsets = render.random_offsets(rng, n)
    offsets[edge[:half]] = render.NEG_TWO
    offsets[edge[half:]] = render.PLUS_TWO
    tx["offset"] = offsets
    mess["month_edge_timestamp"] = len(edge)

    targets = _pick(rng, free & room, 0.002, 3)
    free[edge] = False
    free[targets] = False
    rev = _reversal_rows(rng, tx, targets, tl, code_index)
    unknown = _pick(rng, free & room, 0.0002, 1)
    free[unknown] = False
    unk = _reversal_rows(rng, tx, unknown, tl, code_index)
    pend_target = _pick(rng, free & room, 0.0003, 1)
    free[pend_target] = False
    pend = _reversal_rows(rng, tx, pend_target, tl, code_index)
    status = np.zeros(n, dtype=np.int8)
    reversal_of = np.full(n, -1, dtype=np.int64)
    pending_first = np.zeros(n, dtype=bool)
    reversed_ = _pick(rng, free & room, 0.003, 2)
    free[reversed_] = False
    status[reversed_] = REVERSED
    pending_first[reversed_] = True
    booked_later = _pick(rng, free & room, 0.02, 3)
    free[booked_later] = False
    pending_first[booked_later] = True
    recent = free & (natural == last_batch) & (rng.random(n) < 0.3)
    status[recent] = PENDING
    mess.update(
        reversal=len(targets),
        reversal_unknown_target=len(unknown),
        reversal_pending=len(pend_target),
        pending_then_reversed=len(reversed_),
        pending_then_booked=len(booked_later),
        pending_at_end=int(recent.sum()),
    )

    parts = [tx, rev, unk, pend]
    merged = {k: np.concatenate([part[k] for part in parts]) for k in [*COLUMNS, "cents", "offset"]}
    status = np.concatenate(
        [
            status,
            np.zeros(len(targets) + len(unknown), np.int8),
            np.full(len(pend_target), PENDING, np.int8),
        ]
    )
    reversal_of = np.concatenate(
        [reversal_of, targets, np.full(len(unknown), UNKNOWN_TARGET), pend_target]
    )
    pending_first = np.concatenate(
        [pending_first, np.zeros(len(rev["ts"]) + len(unk["ts"]) + len(pend["ts"]), bool)]
    )
    # Ids follow booking time; the arrays stay in generation order and carry their id number.
    order = np.lexsort((merged["acc"], merged["ts"]))
    number = np.empty_like(order)
    number[order] = np.arange(len(order))
    merged["number"] = number
    prefix = f"TX{chunk:04d}"
    ids = render.ids(prefix, number, 9)
    return Postings(
        merged,
        status,
        reversal_of,
        pending_first,
        ids,
        prefix,
        mess,
        code_vocab=list(code_index),
        name_vocab=pa.array(catalog.name_vocab()),
        merchant_vocab=pa.array(catalog.merchant_vocab(ref.mccs)[0]),
        mcc_vocab=list(ref.mccs),
    )


def _reversal_rows(
    rng: np.random.Generator,
    tx: dict[str, np.ndarray],
    idx: np.ndarray,
    tl: Timeline,
    code_index: dict[str, int],
) -> dict[str, np.ndarray]:
    rows = {k: v[idx].copy() for k, v in tx.items()}
    rows["ts"] = np.minimum(rows["ts"] + rng.integers(DAY, 5 * DAY, len(idx)), tl.end_ts - 1)
    rows["credit"] = ~rows["credit"]
    rows["code"][:] = code_index["REVERSAL"]
    rows["desc"][:] = catalog.DESC["Reversal"]
    rows["protected"][:] = True
    rows["salary"][:] = False
    return rows


def counts_in_balance(post: Postings) -> np.ndarray:
    return post.status == BOOKED


def delivered_rows(rng: np.random.Generator, post: Postings, acc: Accounts, tl: Timeline) -> Piece:
    """Every delivered version of every transaction, rendered, with its batch."""
    tx = post.tx
    n = len(tx["ts"])
    last = len(tl.batches) - 1
    natural = tl.batch_of(tx["ts"])
    final_batch = natural.copy()
    final_batch[post.pending_first] = tl.later_batch(natural[post.pending_first], 1)
    free = ~tx["protected"] & ~post.pending_first & (post.status == BOOKED) & (natural < last)
    late = _pick(rng, free, 0.004, 3)
    daily = np.array([b.first_day == b.last_day for b in tl.batches])[natural[late]]
    final_batch[late] = tl.later_batch(
        natural[late], np.where(daily, rng.integers(2, 6, len(late)), 1)
    )
    again = _pick(rng, free, 0.004, 3)
    post.mess.update(late_arrival=len(late), identical_redelivery=len(again))

    row_index = np.concatenate([np.arange(n), np.flatnonzero(post.pending_first), again])
    row_status = np.concatenate(
        [post.status, np.full(int(post.pending_first.sum()), PENDING, np.int8), post.status[again]]
    )
    batch = np.concatenate(
        [
            final_batch,
            natural[post.pending_first],
            tl.later_batch(final_batch[again], rng.integers(1, 3, len(again))),
        ]
    )
    order = np.argsort(batch, kind="stable")  # batch order lets the writer slice, not copy
    row_index, row_status, batch = row_index[order], row_status[order], batch[order]
    data = render_transactions(rng, post, acc, row_index, row_status)
    return Piece("transactions", data, batch.astype(np.int32))


def render_transactions(
    rng: np.random.Generator, post: Postings, acc: Accounts, idx: np.ndarray, status: np.ndarray
) -> pa.Table:
    tx = post.tx
    k = len(idx)
    ts = tx["ts"][idx]
    credit = tx["credit"][idx]
    code = tx["code"][idx].astype(np.int64)
    direction = np.where(credit, 0, 1) + 2 * rng.choice(4, size=k, p=[0.9, 0.05, 0.03, 0.02])
    status_variant = np.where(rng.random(k) < 0.04, 3, 0)
    code_variant = rng.choice(3, size=k, p=[0.94, 0.03, 0.03])
    codes = post.code_vocab
    code_text = [*codes, *[f" {c.lower()} " for c in codes], *[f"{c.title()}  " for c in codes]]
    value_shift = np.where(tx["channel"][idx] == CHANNEL["card"], rng.integers(0, 2, k), 0) * DAY
    rev = post.reversal_of[idx]
    rev_text = render.ids(post.id_prefix, tx["number"][np.maximum(rev, 0)], 9)
    if (rev < 0).any():
        rev_text = pc.if_else(pa.array(rev < 0), pa.scalar(None, pa.string()), rev_text)
    unknown = rev == UNKNOWN_TARGET
    if unknown.any():
        fake = render.ids("TX9999", (idx[unknown] * 7 + 12345) % 1_000_000_000, 9)
        rev_list = rev_text.to_pylist()
        for pos, value in zip(np.flatnonzero(unknown), fake.to_pylist(), strict=True):
            rev_list[pos] = value
        rev_text = pa.array(rev_list, pa.string())
    arrays = {
        "transaction_id": render.ids(post.id_prefix, tx["number"][idx], 9),
        "account_id": render.categorical(tx["acc"][idx], acc.account_id),
        "booked_at": render.timestamps(ts, tx["offset"][idx]),
        "value_date": render.dates(ts + value_shift),
        "amount": render.money(tx["cents"][idx]),
        "direction": render.categorical(direction, catalog.DIRECTIONS),
        "transaction_code": render.categorical(code + len(codes) * code_variant, code_text),
        "purpose_code": render.categorical(tx["purpose"][idx], catalog.PURPOSES),
        "counterparty_name": render.categorical(tx["cp_name"][idx], post.name_vocab),
        "counterparty_account_id": render.categorical(tx["cp_acc"][idx], acc.account_id),
        "merchant_name": render.categorical(tx["merchant"][idx], post.merchant_vocab),
        "mcc": render.categorical(tx["mcc"][idx], post.mcc_vocab),
        "channel": render.categorical(tx["channel"][idx], catalog.CHANNELS),
        "status": render.categorical(status + status_variant, catalog.STATUSES),
        "reversal_of_transaction_id": rev_text,
        "description": render.categorical(tx["desc"][idx], catalog.DESCRIPTIONS),
    }
    return table_from_arrays("transactions", arrays)


def balances(
    rng: np.random.Generator, post: Postings, acc: Accounts, people: Persons, tl: Timeline
) -> tuple[Piece, np.ndarray]:
    """End-of-day snapshots: every month-end of every open account, plus some other days."""
    tx = post.tx
    ok = counts_in_balance(post)
    a, ts = tx["acc"][ok], tx["ts"][ok]
    signed = np.where(tx["credit"][ok], tx["cents"][ok], -tx["cents"][ok])
    order = np.lexsort((ts, a))
    a, ts, signed = a[order], ts[order], signed[order]
    shift = np.int64(40)
    keys = (a << shift) + (ts - tl.start_ts)
    cum = np.cumsum(signed)
    first = np.searchsorted(a, np.arange(acc.n), "left")
    stop = np.searchsorted(a, np.arange(acc.n), "right")
    base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0)
    has_rows = stop > first
    total = np.where(has_rows, cum[np.maximum(stop - 1, 0)] - base, 0)
    running = cum - base[a] if len(a) else cum
    min_cum = np.zeros(acc.n, dtype=np.int64)
    if len(a):
        starts = first[has_rows]
        min_cum[has_rows] = np.minimum.reduceat(running, starts)
    min_cum = np.minimum(min_cum, 0)
    opening = _opening_cents(rng, acc, people, total, min_cum)

    days, account_rows = _snapshot_grid(acc, tl)
    by_batch = np.argsort(tl.batch_of(days[account_rows[1]]), kind="stable")
    account_rows = (account_rows[0][by_batch], account_rows[1][by_batch])
    day_end = days[account_rows[1]] + DAY
    aa = account_rows[0]
    query = (aa << shift) + (day_end - tl.start_ts)
    pos = np.searchsorted(keys, query, "left") - 1
    valid = (pos >= 0) & (a[np.maximum(pos, 0)] == aa) if len(a) else np.zeros(len(aa), bool)
    flow = np.where(valid, cum[np.maximum(pos, 0)] - base[aa], 0) if len(a) else np.zeros(len(aa))
    value = opening[aa] + flow
    role = acc.role[aa]
    value = np.where(
        np.isin(role, [ROLE["loan"], ROLE["mortgage"], ROLE["investment"]]),
        _static_value(acc, aa, day_end, tl),
        value,
    )
    arrays = {
        "account_id": render.categorical(aa, acc.account_id),
        "balance_date": render.dates(days[account_rows[1]]),
        "balance": render.money(value.astype(np.int64)),
    }
    batch = tl.batch_of(days[account_rows[1]])
    return Piece("balances", table_from_arrays("balances", arrays), batch), opening


def _opening_cents(
    rng: np.random.Generator, acc: Accounts, people: Persons, total: np.ndarray, min_cum: np.ndarray
) -> np.ndarray:
    income = people.salary_eur + people.pension_eur + people.parent_eur + 500
    opening = np.round(income[acc.person] * rng.uniform(0.2, 1.5, acc.n) * 100).astype(np.int64)
    saving = np.isin(acc.role, [ROLE["savings"], ROLE["savings_goal"], ROLE["term"]])
    target = np.round(acc.target_eur * 100).astype(np.int64)
    opening = np.where(saving, target - total, opening)
    opening = np.where(saving, np.maximum(opening, -min_cum + 5000), opening)
    opening = np.where(acc.role == ROLE["credit_card"], 0, opening)
    return _keep_buffer_below(acc, people, opening, total, saving)


def _keep_buffer_below(acc: Accounts, people: Persons, opening: np.ndarray, total: np.ndarray,
                       saving: np.ndarray, months: float = 4.5) -> np.ndarray:  # fmt: skip
    """Salaried persons not meant to be investment ready end under `months` salaries saved.

    An opening balance lifted to keep a savings account from going negative can push the
    savings past the cap set on the targets; the goal and term accounts, which only receive
    money, give the excess back.
    """
    capped = people.salaried & ~people.inv_ready & (people.near_miss == 0)
    end = np.where(saving, opening + total, 0)
    excess = (
        np.bincount(acc.person, weights=end, minlength=people.n) - months * 100 * people.salary_eur
    )
    excess = np.where(capped, np.maximum(excess, 0), 0)
    flexible = np.isin(acc.role, [ROLE["savings_goal"], ROLE["term"]])
    for a in np.flatnonzero(flexible & (excess[acc.person] > 0)):
        p = acc.person[a]
        cut = min(excess[p], max(opening[a] - 5000, 0))
        opening[a] -= int(cut)
        excess[p] -= cut
    return opening


def _static_value(acc: Accounts, aa: np.ndarray, day_end: np.ndarray, tl: Timeline) -> np.ndarray:
    months = np.maximum((day_end - acc.open_ts[aa]) / (30.4 * DAY), 0)
    principal = acc.principal[aa] * 100
    role = acc.role[aa]
    invest = principal * (1 + 0.004 * months)
    loan_term = np.where(role == ROLE["loan"], 48, 300)
    owed = -principal * np.clip(1 - np.floor(months) / loan_term, 0, 1)
    return np.round(np.where(role == ROLE["investment"], invest, owed)).astype(np.int64)


def _snapshot_grid(acc: Accounts, tl: Timeline) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Days (epoch seconds at 00:00 UTC) and (account, day) pairs that get a snapshot."""
    month_end_days = tl.month_ends - DAY
    complete = (tl.month_ends - tl.month_starts) > 0
    days = set(month_end_days[complete].tolist())
    fifteenth = (tl.months.astype("datetime64[s]").astype(np.int64) + 14 * DAY).tolist()
    window = [tl.end_ts - (i + 1) * DAY for i in range(tl.days)]
    days.update(d for d in fifteenth if tl.start_ts <= d < tl.end_ts)
    days.update(window)
    day_arr = np.array(sorted(days), dtype=np.int64)
    kind_month_end = np.isin(day_arr, month_end_days)
    kind_window = np.isin(day_arr, np.array(window, dtype=np.int64))
    account = np.arange(acc.n)
    wanted = np.zeros((acc.n, len(day_arr)), dtype=bool)
    wanted |= kind_month_end[None, :]
    wanted |= (account % 5 == 0)[:, None] & ~kind_window[None, :]
    wanted |= (account % 3 == 0)[:, None] & kind_window[None, :]
    day_end = day_arr + DAY
    is_open = (acc.open_ts[:, None] < day_end[None, :]) & (
        acc.close_ts[:, None] >= day_end[None, :]
    )
    wanted &= is_open
    a, d = np.nonzero(wanted)
    return day_arr, (a, d)
