"""Accounts of the persons of one chunk, with their status history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bank_segments.generator import personas
from bank_segments.generator.identity import Records
from bank_segments.generator.pieces import Draws, Piece, RowBuilder, iso
from bank_segments.generator.population import CURRENCIES, Persons
from bank_segments.generator.reference import Reference
from bank_segments.generator.timeline import DAY, Timeline

NEVER = np.iinfo(np.int64).max // 4
ROLES = (
    "current",
    "savings",
    "savings_goal",
    "term",
    "investment",
    "credit_card",
    "loan",
    "mortgage",
    "fx_current",
)
ROLE = {name: i for i, name in enumerate(ROLES)}


@dataclass
class Accounts:
    person: np.ndarray
    record: np.ndarray
    role: np.ndarray
    product: list[str]
    family: list[str]
    currency: np.ndarray  # index into CURRENCIES
    open_ts: np.ndarray
    close_ts: np.ndarray  # NEVER while open
    account_id: list[str]
    principal: np.ndarray  # EUR, loans and mortgages
    target_eur: np.ndarray  # planned balance at the end of the window (savings family)
    by_role: np.ndarray  # (persons, roles) -> account index or -1
    mess: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.person)


def build_accounts(
    rng: np.random.Generator,
    chunk: int,
    people: Persons,
    records: Records,
    tl: Timeline,
    ref: Reference,
) -> tuple[Accounts, Piece]:
    draws = Draws(rng)
    n_roles = len(ROLES)
    by_role = np.full((people.n, n_roles), -1, dtype=np.int64)
    rows: dict[str, list] = {
        k: []
        for k in (
            "person",
            "record",
            "role",
            "product",
            "currency",
            "open",
            "principal",
            "target",
            "channel",
        )
    }
    latest_open = tl.end_ts - 40 * DAY

    def add(
        p: int,
        role: str,
        product: str,
        record: int,
        open_ts: int,
        currency: int = 0,
        principal: float = 0.0,
        target: float = 0.0,
        channel: str | None = None,
    ) -> None:
        by_role[p, ROLE[role]] = len(rows["person"])
        rows["person"].append(p)
        rows["record"].append(record)
        rows["role"].append(ROLE[role])
        rows["product"].append(product)
        rows["currency"].append(currency)
        rows["open"].append(int(open_ts))
        rows["principal"].append(principal)
        rows["target"].append(target)
        rows["channel"].append(channel)

    for p in range(people.n):
        if people.is_prospect[p]:
            continue
        persona = personas.PERSONAS[people.persona[p]]
        main = int(records.main_record[p])
        second = int(records.second_record[p])
        since = int(people.since_ts[p])
        income = people.salary_eur[p] + people.pension_eur[p] + people.parent_eur[p] + 400
        later = since + int(draws.integers(DAY, 700 * DAY))
        later = int(min(later, max(latest_open, since + DAY)))
        premium = people.salary_eur[p] > 3500 or (
            persona.name == "investor" and draws.random() < 0.5
        )
        add(
            p,
            "current",
            "CURRENT_PREMIUM" if premium else "CURRENT_STD",
            main,
            since,
            int(people.currency[p]),
            channel=records.first_channel[p],
        )
        ready = bool(people.inv_ready[p] or people.near_miss[p])
        near = int(people.near_miss[p])
        if ready or draws.random() < persona.p_savings:
            open_ts = since + int(draws.integers(DAY, 20 * DAY)) if ready else later
            owner = second
            if ready and records.created_ts[second] > tl.start_ts - 20 * DAY:
                owner = main
            open_ts = max(open_ts, int(records.created_ts[owner]))
            salary = people.salary_eur[p]
            near = int(people.near_miss[p])
            if near == 1:
                target = salary * draws.uniform(3.8, 5.5)
            elif ready:
                target = salary * draws.uniform(7, 14)
            else:
                target = income * draws.uniform(0.3, 7)
            add(p, "savings", "SAVINGS_FLEX", owner, open_ts, target=target)
            if near == 0 and draws.random() < 0.15:
                goal = income * draws.uniform(0.2, 2)
                add(p, "savings_goal", "SAVINGS_GOAL", main, later + 30 * DAY, target=goal)
        if near == 0 and persona.name in ("pensioner", "salaried_saver") and draws.random() < 0.2:
            add(p, "term", "TERM_12M", main, later, target=draws.uniform(3000, 40000))
        if draws.random() < persona.p_invest:
            product = (
                "GREEN_FUND"
                if people.green[p]
                else str(draws.choice(["INVEST_FUND", "INVEST_ETF"]))
            )
            add(p, "investment", product, main, later, principal=draws.uniform(1000, 30000))
        if draws.random() < persona.p_credit_card:
            add(
                p,
                "credit_card",
                "CREDIT_CARD",
                main,
                later,
                principal=float(draws.choice([1500, 3000, 6000])),
            )
        loan_lo = max(since + DAY, tl.start_ts - 400 * DAY)
        if not ready and draws.random() < persona.p_loan and loan_lo < latest_open:
            loan_open = int(draws.integers(loan_lo, latest_open))
            add(
                p,
                "loan",
                "PERSONAL_LOAN",
                main,
                loan_open,
                principal=float(draws.integers(3, 25)) * 1000,
            )
        if not ready and draws.random() < persona.p_mortgage:
            add(
                p,
                "mortgage",
                "MORTGAGE",
                main,
                max(since + DAY, tl.start_ts - int(draws.integers(200, 3000)) * DAY),
                principal=float(draws.integers(80, 320)) * 1000,
            )
        if people.fx_extra[p]:
            add(
                p, "fx_current", "CURRENT_STD", main, later, int(draws.integers(1, len(CURRENCIES)))
            )

    person = np.array(rows["person"], dtype=np.int64)
    n = len(person)
    target = _cap_savings(people, person, np.array(rows["target"], dtype=float))
    open_ts = np.array(rows["open"], dtype=np.int64)
    close_ts = np.full(n, NEVER, dtype=np.int64)
    churn = people.churn_month[person] < tl.n_months
    churn_ts = tl.month_starts[np.minimum(people.churn_month[person], tl.n_months - 1)]
    churn_ts = churn_ts + rng.integers(DAY, 20 * DAY, n)
    close_ts = np.where(churn, np.maximum(churn_ts, open_ts + DAY), close_ts)
    account_ids = [f"AC{chunk * 1_000_000 + i:010d}" for i in range(n)]
    accounts = Accounts(
        person=person,
        record=np.array(rows["record"], dtype=np.int64),
        role=np.array(rows["role"], dtype=np.int8),
        product=rows["product"],
        family=[ref.product_family[p] for p in rows["product"]],
        currency=np.array(rows["currency"], dtype=np.int8),
        open_ts=open_ts,
        close_ts=close_ts,
        account_id=account_ids,
        principal=np.array(rows["principal"], dtype=float),
        target_eur=target,
        by_role=by_role,
        mess={},
    )
    piece = _account_rows(draws, accounts, people, records, tl, rows["channel"])
    return accounts, piece


def _cap_savings(people: Persons, person: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Savings of salaried persons not meant to be investment ready stay under 4 salaries.

    Only the persons flagged in the ground truth reach a savings buffer of six months, so
    the flag can be checked in both directions.
    """
    capped = people.salaried & ~people.inv_ready & (people.near_miss == 0)
    total = np.bincount(person, weights=target, minlength=people.n)
    limit = 4.0 * people.salary_eur
    scale = np.where(capped & (total > limit), limit / np.maximum(total, 1e-9), 1.0)
    return target * scale[person]


def _account_rows(
    rng: Draws,
    acc: Accounts,
    people: Persons,
    records: Records,
    tl: Timeline,
    first_channels: list[str | None],
) -> Piece:
    builder = RowBuilder("accounts")
    mess = {"status_change": 0, "identical_redelivery": 0, "closed": 0, "frozen": 0}
    opened_batch = tl.batch_of(acc.open_ts).tolist()
    for a in range(acc.n):
        p = int(acc.person[a])
        origin = int(people.origin[p])
        channel = first_channels[a]
        if channel is None:
            if origin == 2:
                channel = "branch" if rng.random() < 0.8 else "advisor"
            else:
                channel = str(rng.choice(["mobile", "web", "branch"], p=[0.6, 0.25, 0.15]))
        rec = int(acc.record[a])
        branch = records.branch[rec] if channel in ("branch", "advisor") else None
        if branch is None and channel in ("branch", "advisor"):
            branch = "BR001"
        limit = (
            f"{acc.principal[a]:.2f}"
            if acc.family[a] in ("credit_card", "personal_loan", "mortgage")
            else None
        )
        row = {
            "account_id": acc.account_id[a],
            "customer_id": records.customer_id[rec],
            "product_code": acc.product[a] if rng.random() > 0.03 else f" {acc.product[a].lower()}",
            "currency": CURRENCIES[acc.currency[a]],
            "opened_at": iso(int(acc.open_ts[a]), int(rng.choice([0, 0, 0, 1, 3, 4]))),
            "closed_at": None,
            "status": "active",
            "opening_channel": channel,
            "branch_id": branch,
            "credit_limit": limit,
        }
        batch = int(opened_batch[a])
        builder.add(row, batch)
        if acc.close_ts[a] < NEVER:
            closed = dict(row, closed_at=iso(int(acc.close_ts[a])), status="closed")
            if rng.random() < 0.2:
                closed["status"] = " Closed"
            batch = tl.batch_at(int(acc.close_ts[a]))
            builder.add(closed, batch)
            mess["closed"] += 1
            row = closed
        elif people.is_dormant[p]:
            dormant_from = int(people.stop_month[p]) + 6
            if dormant_from < tl.n_months:
                row = dict(row, status="dormant" if rng.random() > 0.2 else "DORMANT")
                batch = tl.batch_at(int(tl.month_starts[dormant_from]))
                builder.add(row, batch)
                mess["status_change"] += 1
        elif acc.role[a] == ROLE["current"] and rng.random() < 0.004:
            row = dict(row, status="frozen")
            batch = tl.batch_at(tl.end_ts - int(rng.integers(2, 200)) * DAY)
            builder.add(row, max(batch, int(opened_batch[a])))
            mess["frozen"] += 1
        if rng.random() < 0.02 and batch < len(tl.batches) - 1:
            builder.add(dict(row), int(tl.later_batch(batch, 1)))
            mess["identical_redelivery"] += 1
    acc.mess = mess
    return builder.piece()
