"""Everything one chunk of persons contributes to the raw tables and to the ground truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bank_segments.generator import badrows, engagement, personas, postings
from bank_segments.generator.accounts import build_accounts
from bank_segments.generator.identity import Identity, Records
from bank_segments.generator.ledger import Ledger
from bank_segments.generator.pieces import Piece
from bank_segments.generator.population import (
    CURRENCIES,
    NEAR_MISSES,
    ORIGINS,
    Persons,
    draw_persons,
)
from bank_segments.generator.reference import load_reference
from bank_segments.generator.timeline import Timeline

CHUNK_SIZE = 10_000
PERSON_COLUMNS = (
    "person_key",
    "customer_ids",
    "digital_user_ids",
    "persona",
    "origin",
    "is_prospect",
    "is_erased",
    "is_salaried",
    "monthly_salary_eur",
    "salary_payer",
    "salary_is_coded",
    "dependents",
    "has_consent",
    "is_investment_ready_intended",
    "investment_ready_near_miss",
    "is_green",
    "is_dormant",
    "is_churning",
    "main_currency",
    "customer_records",
    "record_link",
)


@dataclass
class ChunkResult:
    index: int
    n_persons: int
    pieces: dict[str, Piece]
    persons: list[dict[str, str]]
    salary_ids: list[str]
    bad_rows: list[badrows.BadRow]
    mess: dict[str, int] = field(default_factory=dict)


def chunk_seed(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(index,)))


def new_key(chunk: int) -> Callable[[str, int], str]:
    def make(table: str, counter: int) -> str:
        if table == "transactions":
            return f"TX{chunk:04d}9{counter:08d}"
        if table == "app_events":
            return f"EV{chunk:04d}9{counter:08d}"
        if table == "campaign_contacts":
            return f"CC{chunk:04d}9{counter:07d}"
        prefix = {"customers": "CU", "accounts": "AC", "digital_users": "DU"}[table]
        return f"{prefix}{chunk * 1_000_000 + 900_000 + counter:010d}"

    return make


def generate_chunk(
    seed: int, index: int, n_persons: int, tl: Timeline, campaign_specs: list[dict]
) -> ChunkResult:
    ref = load_reference()
    rng = chunk_seed(seed, index)
    people = draw_persons(rng, n_persons, index * CHUNK_SIZE, tl)
    identity = Identity(rng, index, people, tl, ref)
    records, customers = identity.build()
    digital_users = identity.digital_users(records)
    acc, accounts = build_accounts(rng, index, people, records, tl, ref)
    ledger = Ledger(rng, people, acc, tl, ref)
    tx = ledger.build()
    post = postings.settle(rng, index, tx, tl, ledger.codes, ref)
    transactions = postings.delivered_rows(rng, post, acc, tl)
    balances, _ = postings.balances(rng, post, acc, people, tl)
    events, event_mess = engagement.app_events(rng, index, people, records, tl)
    contacts, contact_mess = engagement.campaign_contacts(
        rng, index, people, records, campaign_specs, tl
    )
    pieces = {
        "customers": customers,
        "accounts": accounts,
        "transactions": transactions,
        "balances": balances,
        "digital_users": digital_users,
        "app_events": events,
        "campaign_contacts": contacts,
    }
    bad = badrows.inject(rng, index, pieces, len(tl.batches), new_key(index))
    salary = post.tx["salary"] & (post.status == postings.BOOKED)
    salary_ids = post.ids.filter(salary).to_pylist()
    mess = {f"customers.{k}": v for k, v in records.mess.items()}
    mess.update({f"accounts.{k}": v for k, v in acc.mess.items()})
    mess.update({f"transactions.{k}": v for k, v in post.mess.items()})
    mess.update({f"app_events.{k}": v for k, v in event_mess.items()})
    mess.update({f"campaign_contacts.{k}": v for k, v in contact_mess.items()})
    return ChunkResult(index, n_persons, pieces, _truth(people, records), salary_ids, bad, mess)


def _truth(people: Persons, records: Records) -> list[dict[str, str]]:
    rows = []
    link = {0: "none", 1: "none", 2: "duplicate", 3: "chain"}
    for p, key in enumerate(people.keys):
        salaried = bool(people.salaried[p]) and not people.is_prospect[p]
        rows.append(
            {
                "person_key": key,
                "customer_ids": ";".join(records.customer_ids_of.get(p, [])),
                "digital_user_ids": ";".join(records.digital_user_ids.get(p, [])),
                "persona": personas.NAMES[people.persona[p]],
                "origin": ORIGINS[people.origin[p]],
                "is_prospect": _b(people.is_prospect[p]),
                "is_erased": _b(people.erased[p]),
                "is_salaried": _b(salaried),
                "monthly_salary_eur": f"{people.salary_eur[p]:.2f}" if salaried else "",
                "salary_payer": personas.EMPLOYERS[people.employer[p]] if salaried else "",
                "salary_is_coded": _b(salaried and people.salary_coded[p]) if salaried else "",
                "dependents": str(people.dependents[p]) if people.dependents[p] >= 0 else "",
                "has_consent": _b(people.has_consent[p] and not people.is_prospect[p]),
                "is_investment_ready_intended": _b(people.inv_ready[p]),
                "investment_ready_near_miss": NEAR_MISSES[people.near_miss[p]],
                "is_green": _b(people.green[p]),
                "is_dormant": _b(people.is_dormant[p]),
                "is_churning": _b(people.is_churning[p]),
                "main_currency": CURRENCIES[people.currency[p]],
                "customer_records": str(int(people.n_records[p])),
                "record_link": link[int(people.n_records[p])],
            }
        )
    assert not rows or tuple(rows[0]) == PERSON_COLUMNS
    return rows


def _b(value: object) -> str:
    return "true" if bool(value) else "false"
