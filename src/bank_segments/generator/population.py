"""Natural persons of one chunk: persona, identity, income and the traits the marts should find."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from bank_segments.generator import personas
from bank_segments.generator.timeline import DAY, Timeline, to_epoch

ORIGINS = ("digital_client", "digital_user", "offline_client", "digital_prospect")
CURRENCIES = ("EUR", "USD", "GBP", "CHF")
NEAR_MISSES = ("", "savings_buffer", "deposit_months", "cashflow", "consent")
EARLIEST = to_epoch(dt.date(2009, 1, 1))
DIGITAL_ERA = to_epoch(dt.date(2016, 1, 1))


@dataclass
class Persons:
    """Per-person arrays of one chunk (index = person number within the chunk)."""

    n: int
    base: int
    persona: np.ndarray
    country: np.ndarray
    birth_day: np.ndarray  # days since epoch
    gender: np.ndarray  # 0 F, 1 M, 2 X, -1 NULL
    first_name: np.ndarray
    last_name: np.ndarray
    since_ts: np.ndarray  # start of the relationship (registration for prospects)
    origin: np.ndarray
    is_prospect: np.ndarray
    salaried: np.ndarray
    salary_eur: np.ndarray  # nominal monthly salary, 0 when not salaried
    salary_coded: np.ndarray
    salary_constant: np.ndarray
    employer: np.ndarray
    salary_day: np.ndarray
    pension_eur: np.ndarray
    benefit_eur: np.ndarray
    parent_eur: np.ndarray  # monthly allowance from a parent (students)
    rent_in_eur: np.ndarray  # monthly rent received (landlords)
    rent_out_eur: np.ndarray  # monthly rent paid by standing order
    dependents: np.ndarray  # -1 NULL
    marital: np.ndarray  # -1 NULL
    has_consent: np.ndarray
    consent_gap: np.ndarray  # 0 all true, 1 a false record, 2 a missing record
    inv_ready: np.ndarray
    near_miss: np.ndarray
    green: np.ndarray
    stop_month: np.ndarray  # first month without activity (n_months when active throughout)
    is_dormant: np.ndarray
    is_churning: np.ndarray
    churn_month: np.ndarray  # month the accounts close (n_months when never)
    erased: np.ndarray
    erased_ts: np.ndarray
    n_records: np.ndarray  # customer records of the person (0 for prospects)
    currency: np.ndarray  # currency of the main current account
    fx_extra: np.ndarray  # holds a second current account in another currency
    engagement: np.ndarray  # app logins a month
    spend_ratio: np.ndarray
    save_rate: np.ndarray

    @property
    def keys(self) -> list[str]:
        return [f"P{self.base + i:08d}" for i in range(self.n)]


def pick(
    rng: np.random.Generator, candidates: np.ndarray, share: float, minimum: int
) -> np.ndarray:
    """Indices among `candidates` (bool mask): about `share` of them, at least `minimum`."""
    pool = np.flatnonzero(candidates)
    if len(pool) == 0:
        return pool
    k = min(len(pool), max(minimum, int(rng.binomial(len(pool), share))))
    return np.sort(rng.choice(pool, size=k, replace=False))


def draw_persons(rng: np.random.Generator, n: int, base: int, tl: Timeline) -> Persons:
    persona = rng.choice(len(personas.PERSONAS), size=n, p=personas.SHARES).astype(np.int8)
    name = np.array(personas.NAMES)[persona]
    is_prospect = name == "prospect"
    country = rng.choice(len(personas.COUNTRIES), size=n, p=personas.COUNTRY_WEIGHTS).astype(
        np.int8
    )
    age_lo = np.array([p.age[0] for p in personas.PERSONAS])[persona]
    age_hi = np.array([p.age[1] for p in personas.PERSONAS])[persona]
    end_day = tl.end_ts // DAY
    birth_day = end_day - (rng.uniform(age_lo, age_hi + 1) * 365.25).astype(np.int64)
    gender = rng.choice([0, 1, 2, -1], size=n, p=[0.49, 0.47, 0.01, 0.03]).astype(np.int8)

    since = _relationship_start(rng, name, tl)
    origin = _origins(rng, persona, is_prospect, since)

    salaried = rng.random(n) < personas.column("p_salaried")[persona]
    salary = np.where(
        salaried,
        np.round(personas.column("salary_median")[persona] * rng.lognormal(0, 0.28, n), -1),
        0.0,
    )
    pension = np.where(name == "pensioner", np.round(rng.uniform(850, 2400, n), 2), 0.0)
    dependents = np.where(
        name == "family",
        rng.integers(1, 5, n),
        rng.choice([0, 0, 0, 0, 1, -1], size=n),
    )
    dependents = np.where(
        name == "pensioner", rng.choice([0, -1], size=n, p=[0.9, 0.1]), dependents
    )
    benefit = np.where(
        (name == "family") & (rng.random(n) < 0.7), 100.0 * np.maximum(dependents, 1), 0
    )
    parent = np.where(name == "student", np.round(rng.uniform(250, 650, n), -1), 0.0)
    landlord = np.isin(name, ["salaried_saver", "pensioner", "investor"]) & (rng.random(n) < 0.08)
    rent_in = np.where(landlord, np.round(rng.uniform(450, 1300, n), -1), 0.0)
    renter = np.isin(name, ["everyday", "student", "heavy_spender", "gig_worker"]) & (
        rng.random(n) < 0.35
    )
    rent_out = np.where(renter, np.round(rng.uniform(350, 900, n), -1), 0.0)
    marital = np.select(
        [name == "family", name == "student", name == "pensioner"],
        [
            rng.choice([1, 4, 2], size=n, p=[0.7, 0.2, 0.1]),
            np.zeros(n, dtype=int),
            rng.choice([1, 3, 2, 0], size=n, p=[0.45, 0.35, 0.1, 0.1]),
        ],
        rng.choice([0, 1, 2, 4, -1], size=n, p=[0.4, 0.3, 0.1, 0.1, 0.1]),
    )

    n_months = tl.n_months
    dormant = name == "dormant"
    churning = name == "churning"
    stop = np.full(n, n_months, dtype=np.int32)
    stop[dormant] = n_months - 7 - rng.integers(0, 7, int(dormant.sum()))
    churn_month = np.full(n, n_months, dtype=np.int32)
    churn_month[churning] = n_months - 1 - rng.integers(0, 4, int(churning.sum()))
    stop = np.minimum(stop, churn_month)
    # Dormant and churning persons were customers before the window.
    since = np.where((dormant | churning) & (since >= tl.start_ts), tl.start_ts - 400 * DAY, since)

    customer = ~is_prospect
    n_records = np.where(customer, 1, 0).astype(np.int8)
    n_records[pick(rng, customer, 0.04, 3)] = 2
    n_records[pick(rng, customer & (n_records == 1), 0.01, 2)] = 3

    spend_ratio = personas.column("spend_ratio")[persona] * rng.uniform(0.92, 1.08, n)
    save_rate = np.where(salaried | (pension > 0), rng.uniform(0.05, 0.15, n), 0.03)

    inv_ready, near_miss = _investment_ready(rng, name, since, salaried, n_records, tl)
    spend_ratio = np.where(inv_ready | (near_miss > 0), rng.uniform(0.5, 0.66, n), spend_ratio)
    save_rate = np.where(inv_ready | (near_miss > 0), rng.uniform(0.1, 0.2, n), save_rate)
    rent_out = np.where(inv_ready | (near_miss > 0), 0.0, rent_out)

    has_consent = rng.random(n) < 0.62
    has_consent |= inv_ready | np.isin(near_miss, [1, 2, 3])
    has_consent &= near_miss != 4
    consent_gap = np.where(has_consent, 0, rng.choice([1, 2], size=n, p=[0.75, 0.25]))

    erased = np.zeros(n, dtype=bool)
    erased[pick(rng, customer & ~inv_ready & (near_miss == 0), 0.01, 2)] = True
    erased_ts = np.where(erased, rng.integers(tl.start_ts + 60 * DAY, tl.end_ts - DAY, n), 0)

    currency = np.zeros(n, dtype=np.int8)
    foreign = pick(rng, customer & ~inv_ready & (near_miss == 0), 0.012, 1)
    currency[foreign] = rng.integers(1, 4, len(foreign))
    fx_extra = np.zeros(n, dtype=bool)
    fx_extra[pick(rng, customer & (currency == 0) & ~dormant, 0.015, 2)] = True

    engagement = np.select(
        [name == "student", name == "heavy_spender", name == "pensioner", name == "prospect"],
        [4.0, 3.5, 0.7, 1.2],
        2.2,
    ) * rng.uniform(0.4, 1.4, n)
    green = (name == "investor") & (rng.random(n) < 0.4)
    green |= (name == "salaried_saver") & (rng.random(n) < 0.1)

    return Persons(
        n=n,
        base=base,
        persona=persona,
        country=country,
        birth_day=birth_day,
        gender=gender,
        first_name=rng.integers(0, len(personas.FIRST_NAMES), n),
        last_name=rng.integers(0, len(personas.LAST_NAMES), n),
        since_ts=since,
        origin=origin,
        is_prospect=is_prospect,
        salaried=salaried,
        salary_eur=salary,
        salary_coded=rng.random(n) < 0.72,
        salary_constant=rng.random(n) < 0.5,
        employer=rng.integers(0, len(personas.EMPLOYERS), n),
        salary_day=rng.integers(24, 29, n),
        pension_eur=pension,
        benefit_eur=benefit.astype(float),
        parent_eur=parent,
        rent_in_eur=rent_in,
        rent_out_eur=rent_out,
        dependents=dependents.astype(np.int16),
        marital=marital.astype(np.int8),
        has_consent=has_consent,
        consent_gap=consent_gap.astype(np.int8),
        inv_ready=inv_ready,
        near_miss=near_miss,
        green=green,
        stop_month=stop,
        is_dormant=dormant,
        is_churning=churning,
        churn_month=churn_month,
        erased=erased,
        erased_ts=erased_ts,
        n_records=n_records,
        currency=currency,
        fx_extra=fx_extra,
        engagement=engagement,
        spend_ratio=spend_ratio,
        save_rate=save_rate,
    )


def _relationship_start(rng: np.random.Generator, name: np.ndarray, tl: Timeline) -> np.ndarray:
    n = len(name)
    before = rng.integers(EARLIEST, tl.start_ts - DAY, n)
    inside = rng.integers(tl.start_ts, tl.end_ts - 20 * DAY, n)
    since = np.where(rng.random(n) < 0.8, before, inside)
    student_lo = max(tl.start_ts - 4 * 365 * DAY, EARLIEST)
    since = np.where(name == "student", rng.integers(student_lo, tl.end_ts - 20 * DAY, n), since)
    since = np.where(name == "prospect", rng.integers(tl.start_ts, tl.end_ts - DAY, n), since)
    return since.astype(np.int64)


def _origins(
    rng: np.random.Generator, persona: np.ndarray, is_prospect: np.ndarray, since: np.ndarray
) -> np.ndarray:
    weights = np.array([p.origin_weights for p in personas.PERSONAS])[persona]
    u = rng.random(len(persona))[:, None]
    origin = (u > np.cumsum(weights, axis=1)).sum(axis=1).astype(np.int8)
    origin = np.minimum(origin, 2)
    # Digital onboarding only exists since the app launched.
    origin = np.where((origin == 0) & (since < DIGITAL_ERA), 1, origin)
    return np.where(is_prospect, 3, origin).astype(np.int8)


def _investment_ready(
    rng: np.random.Generator,
    name: np.ndarray,
    since: np.ndarray,
    salaried: np.ndarray,
    n_records: np.ndarray,
    tl: Timeline,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(name)
    eligible = np.isin(name, ["salaried_saver", "investor"]) & salaried
    eligible &= since < tl.start_ts - 30 * DAY
    ready = np.zeros(n, dtype=bool)
    ready[pick(rng, eligible, 0.35, 3)] = True
    near = np.zeros(n, dtype=np.int8)
    for kind in range(1, len(NEAR_MISSES)):
        near[pick(rng, eligible & ~ready & (near == 0), 0.06, 2)] = kind
    return ready, near
