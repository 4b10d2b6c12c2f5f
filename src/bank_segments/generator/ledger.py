"""Money flows of one chunk: every transaction as numeric arrays, before the mess and rendering.

Income is drawn per person and month; spending is drawn as card purchases and fixed
payments and scaled so that each month's outflow matches the persona's spend ratio of that
month's income. That keeps cash flow, savings deposits and salary under control, so the
traits written to the ground truth hold in the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bank_segments.generator import catalog, personas
from bank_segments.generator.accounts import ROLE, Accounts
from bank_segments.generator.population import CURRENCIES, Persons
from bank_segments.generator.reference import Reference
from bank_segments.generator.timeline import DAY, Timeline

CODES: tuple[str, ...] = ()  # filled from the seed by Ledger.__init__ (seed order + unknown codes)
COLUMNS = (
    "acc",
    "ts",
    "eur",
    "credit",
    "code",
    "purpose",
    "cp_name",
    "cp_acc",
    "merchant",
    "mcc",
    "channel",
    "desc",
    "salary",
    "protected",
)
DTYPES = {
    "acc": np.int64,
    "ts": np.int64,
    "eur": np.float64,
    "credit": bool,
    "code": np.int16,
    "purpose": np.int8,
    "cp_name": np.int32,
    "cp_acc": np.int64,
    "merchant": np.int32,
    "mcc": np.int16,
    "channel": np.int8,
    "desc": np.int16,
    "salary": bool,
    "protected": bool,
}
CHANNEL = {name: i for i, name in enumerate(catalog.CHANNELS)}
PURPOSE = {name: i for i, name in enumerate(catalog.PURPOSES)}


@dataclass
class TxBuffer:
    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def add(
        self,
        acc: np.ndarray,
        ts: np.ndarray,
        eur: np.ndarray,
        credit: bool | np.ndarray,
        code: int,
        **extra: object,
    ) -> None:
        n = len(acc)
        if n == 0:
            return
        defaults = {
            "purpose": -1,
            "cp_name": -1,
            "cp_acc": -1,
            "merchant": -1,
            "mcc": -1,
            "channel": CHANNEL["online"],
            "desc": 1,
            "salary": False,
            "protected": False,
        }
        values = {"acc": acc, "ts": ts, "eur": eur, "credit": credit, "code": code}
        values.update(defaults)
        values.update(extra)
        part = {}
        for column in COLUMNS:
            value = values[column]
            array = np.asarray(value, dtype=DTYPES[column])
            part[column] = np.broadcast_to(array, (n,)).copy() if array.ndim == 0 else array
        self.parts.append(part)

    def concat(self) -> dict[str, np.ndarray]:
        if not self.parts:
            return {c: np.zeros(0, dtype=DTYPES[c]) for c in COLUMNS}
        return {c: np.concatenate([part[c] for part in self.parts]) for c in COLUMNS}


class Ledger:
    def __init__(
        self, rng: np.random.Generator, people: Persons, acc: Accounts, tl: Timeline, ref: Reference
    ) -> None:
        self.rng, self.people, self.acc, self.tl, self.ref = rng, people, acc, tl, ref
        self.codes = {
            code: i for i, code in enumerate((*ref.transaction_codes, *catalog.UNKNOWN_CODES))
        }
        self.buf = TxBuffer()
        self.n_months = tl.n_months
        self.month_first = tl.months.astype("datetime64[s]").astype(np.int64)
        next_first = (tl.months + 1).astype("datetime64[s]").astype(np.int64)
        self.month_len = (next_first - self.month_first) // DAY
        since = people.since_ts
        since_m = np.searchsorted(self.month_first, since, side="right") - 1
        self.since_m = np.clip(since_m, 0, self.n_months)
        m = np.arange(self.n_months)[None, :]
        customer = ~people.is_prospect
        self.active = (
            customer[:, None] & (m >= self.since_m[:, None]) & (m < people.stop_month[:, None])
        )
        # Churning persons fade out over the five months before their accounts close.
        ramp = np.clip((people.churn_month[:, None] - m) / 5.0, 0.15, 1.0)
        ramp = np.where(people.is_churning[:, None], ramp, 1.0)
        self.activity = self.active * ramp
        self.name_idx = catalog.person_name_index(people.first_name, people.last_name)
        self.mcc_p, self.mcc_median = catalog.mcc_weights(ref.mccs)
        _, self.merchant_first, self.merchant_count = catalog.merchant_vocab(ref.mccs)
        self.mcc_index = {mcc: i for i, mcc in enumerate(ref.mccs)}
        self.income = np.zeros((people.n, self.n_months))
        self.outflow = np.zeros((people.n, self.n_months))

    # -- helpers -------------------------------------------------------------------------
    def account(self, role: str) -> np.ndarray:
        return self.acc.by_role[:, ROLE[role]]

    def cells(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, m = np.nonzero(mask)
        return p, m

    def expand(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        flat = np.repeat(np.arange(counts.size), counts.ravel())
        return flat // self.n_months, flat % self.n_months

    def at_day(self, m: np.ndarray, day: np.ndarray | int, hours: tuple[int, int]) -> np.ndarray:
        day = np.minimum(np.asarray(day), self.month_len[m])
        seconds = self.rng.integers(hours[0] * 3600, hours[1] * 3600, len(m))
        return self.month_first[m] + (day - 1) * DAY + seconds

    def in_month(self, m: np.ndarray) -> np.ndarray:
        lo, hi = self.tl.month_starts[m], self.tl.month_ends[m]
        return lo + (self.rng.random(len(m)) * (hi - lo)).astype(np.int64)

    def open_at(self, acc: np.ndarray, ts: np.ndarray) -> np.ndarray:
        ok = acc >= 0
        safe = np.where(ok, acc, 0)
        ok &= ts >= self.acc.open_ts[safe]
        ok &= ts < self.acc.close_ts[safe]
        ok &= (ts >= self.tl.start_ts) & (ts < self.tl.end_ts)
        return ok

    def emit(
        self,
        p: np.ndarray,
        m: np.ndarray,
        role: str,
        ts: np.ndarray,
        eur: np.ndarray,
        credit: bool,
        code: str,
        track: bool = True,
        **extra: object,
    ) -> np.ndarray:
        """Add one row per (p, m) on the person's `role` account; returns the kept mask."""
        acc = self.account(role)[p]
        keep = self.open_at(acc, ts)
        eur = np.broadcast_to(np.asarray(eur, dtype=float), (len(p),))
        sliced = {
            k: (v[keep] if isinstance(v, np.ndarray) and v.shape == (len(p),) else v)
            for k, v in extra.items()
        }
        self.buf.add(
            acc[keep], ts[keep], np.round(eur[keep], 2), credit, self.codes[code], **sliced
        )
        if track:
            target = self.income if credit else self.outflow
            np.add.at(target, (p[keep], m[keep]), np.round(eur[keep], 2))
        return keep

    # -- income --------------------------------------------------------------------------
    def income_streams(self) -> None:
        people, rng = self.people, self.rng
        n, n_m = people.n, self.n_months
        # A churning person's salary moves to another bank two months before closing.
        last_paid = np.where(people.is_churning, people.churn_month - 2, n_m)
        churn_cut = np.arange(n_m)[None, :] < last_paid[:, None]
        paid = self.active & churn_cut & people.salaried[:, None]
        p, m = self.cells(paid)
        noise = np.where(people.salary_constant[p], 1.0, rng.normal(1, 0.012, len(p)))
        amount = np.round(people.salary_eur[p] * noise, 2)
        ts = self.at_day(m, people.salary_day[p], (6, 11))
        coded = people.salary_coded[p]
        for flag, code in ((True, "SALARY"), (False, "TRANSFER_IN")):
            sel = coded == flag
            self.emit(
                p[sel],
                m[sel],
                "current",
                ts[sel],
                amount[sel],
                True,
                code,
                purpose=PURPOSE["SALA"] if flag else -1,
                cp_name=people.employer[p[sel]],
                desc=catalog.DESC["Salary payment"] if flag else catalog.DESC["Transfer received"],
                salary=True,
                protected=True,
            )
        self._monthly_credit(
            people.pension_eur,
            "PENSION",
            "PENS",
            catalog.NAME_INDEX["TESORERIA GENERAL SEGURIDAD SOCIAL"],
            (1, 2),
            "Pension",
        )
        fallback = (
            people.salary_eur + people.pension_eur + people.parent_eur + people.benefit_eur == 0
        )
        fallback &= np.array(personas.NAMES)[people.persona] != "gig_worker"
        benefit = np.where(fallback, np.round(rng.uniform(480, 720, n), 2), people.benefit_eur)
        self._monthly_credit(
            benefit,
            "BENEFIT",
            "SSBE",
            catalog.NAME_INDEX["Servicio Publico de Empleo"],
            (8, 12),
            "Benefit",
        )
        parent_name = catalog.person_name_index(
            rng.integers(0, len(personas.FIRST_NAMES), n), people.last_name
        )
        self._monthly_credit(
            people.parent_eur, "TRANSFER_IN", None, parent_name, (1, 4), "Transfer received"
        )
        tenant = catalog.person_name_index(
            rng.integers(0, len(personas.FIRST_NAMES), n),
            rng.integers(0, len(personas.LAST_NAMES), n),
        )
        self._monthly_credit(
            people.rent_in_eur, "TRANSFER_IN", None, tenant, (1, 6), "Transfer received"
        )
        self._gig_income()

    def _monthly_credit(
        self,
        amount: np.ndarray,
        code: str,
        purpose: str | None,
        payer: np.ndarray | int,
        days: tuple[int, int],
        desc: str,
    ) -> None:
        p, m = self.cells(self.active & (amount > 0)[:, None])
        day = self.rng.integers(days[0], days[1] + 1, len(p))
        payer_p = payer[p] if isinstance(payer, np.ndarray) else payer
        self.emit(
            p,
            m,
            "current",
            self.at_day(m, day, (5, 12)),
            amount[p],
            True,
            code,
            purpose=PURPOSE[purpose] if purpose else -1,
            cp_name=payer_p,
            desc=catalog.DESC[desc],
            protected=True,
        )

    def _gig_income(self) -> None:
        people, rng = self.people, self.rng
        gig = np.array(personas.NAMES)[people.persona] == "gig_worker"
        for slot in range(3):
            has = gig & (((people.base + np.arange(people.n)) + slot) % 4 != 0)
            payer = (people.employer + slot * 3) % len(personas.GIG_PAYERS) + len(
                personas.EMPLOYERS
            )
            counts = rng.poisson(1.7, self.active.shape) * (self.active & has[:, None])
            p, m = self.expand(counts)
            amount = np.round(rng.lognormal(np.log(170), 0.55, len(p)), 2)
            self.emit(
                p,
                m,
                "current",
                self.in_month(m),
                amount,
                True,
                "TRANSFER_IN",
                cp_name=payer[p],
                desc=catalog.DESC["Transfer received"],
            )
        cash = rng.random(self.active.shape) < np.where(gig, 0.3, 0.015)[:, None]
        p, m = self.cells(cash & self.active)
        self.emit(
            p,
            m,
            "current",
            self.in_month(m),
            np.round(rng.uniform(40, 400, len(p)), -1),
            True,
            "CASH_DEPOSIT",
            channel=CHANNEL["atm"],
            desc=catalog.DESC["Cash deposit"],
        )

    # -- fixed payments ------------------------------------------------------------------
    def fixed_payments(self) -> None:
        people, rng, acc = self.people, self.rng, self.acc
        n = people.n
        for slot, (lo, hi) in enumerate(((35, 110), (20, 60), (15, 70))):
            has = rng.random(n) < (0.9, 0.55, 0.3)[slot]
            base = rng.uniform(lo, hi, n)
            payee = (
                len(personas.EMPLOYERS)
                + len(personas.GIG_PAYERS)
                + (people.employer + slot) % len(personas.UTILITIES)
            )
            p, m = self.cells(self.active & has[:, None])
            noise = rng.normal(1, 0.08 if slot == 0 else 0.0, len(p))
            self.emit(
                p,
                m,
                "current",
                self.at_day(m, rng.integers(2, 11, len(p)), (3, 7)),
                base[p] * noise,
                False,
                "DIRECT_DEBIT",
                cp_name=payee[p],
                desc=catalog.DESC["Direct debit"],
            )
        p, m = self.cells(self.active & (people.rent_out_eur > 0)[:, None])
        landlord = catalog.person_name_index(
            people.last_name, people.first_name % len(personas.LAST_NAMES)
        )
        self.emit(
            p,
            m,
            "current",
            self.at_day(m, 1, (7, 9)),
            people.rent_out_eur[p],
            False,
            "STANDING_ORDER",
            cp_name=landlord[p],
            purpose=PURPOSE["RENT"],
            desc=catalog.DESC["Rent"],
        )
        for role, term, markup in (("loan", 48, 1.07), ("mortgage", 300, 1.35)):
            loan = self.account(role)
            has = loan >= 0
            open_m = (
                np.searchsorted(self.month_first, acc.open_ts[np.where(has, loan, 0)], "right") - 1
            )
            m_grid = np.arange(self.n_months)[None, :]
            due = self.active & has[:, None] & (m_grid > open_m[:, None])
            due &= m_grid <= (open_m + term)[:, None]
            p, m = self.cells(due)
            instalment = acc.principal[loan[p]] / term * markup
            self.emit(
                p,
                m,
                "current",
                self.at_day(m, 5, (4, 8)),
                instalment,
                False,
                "LOAN_REPAYMENT",
                cp_name=catalog.NAME_INDEX["Prestamos Banco"],
                purpose=PURPOSE["LOAN"],
                desc=catalog.DESC["Loan instalment"],
            )
            if role == "loan":
                lp = np.flatnonzero(has)
                ts = acc.open_ts[loan[lp]] + 3600
                mm = np.clip(
                    np.searchsorted(self.month_first, ts, "right") - 1, 0, self.n_months - 1
                )
                self.emit(
                    lp,
                    mm,
                    "current",
                    ts,
                    acc.principal[loan[lp]],
                    True,
                    "LOAN_DISBURSEMENT",
                    cp_name=catalog.NAME_INDEX["Prestamos Banco"],
                    desc=catalog.DESC["Loan payout"],
                    protected=True,
                )
        premium = np.array([prod == "CURRENT_PREMIUM" for prod in acc.product])
        has = np.zeros(n, dtype=bool)
        cur = self.account("current")
        has[cur >= 0] = premium[cur[cur >= 0]]
        p, m = self.cells(self.active & has[:, None])
        self.emit(
            p,
            m,
            "current",
            self.at_day(m, 1, (1, 3)),
            7.5,
            False,
            "FEE",
            desc=catalog.DESC["Account fee"],
            channel=CHANNEL["api"],
        )
        p, m = self.cells(self.active & (rng.random(self.active.shape) < 0.004))
        self.emit(
            p, m, "current", self.in_month(m), 15.0, False, "FEE", desc=catalog.DESC["Account fee"]
        )
        counts = rng.poisson(0.35, self.active.shape) * self.active
        counts[people.inv_ready] = np.minimum(counts[people.inv_ready], 1)
        p, m = self.expand(counts)
        self.emit(
            p,
            m,
            "current",
            self.in_month(m),
            rng.choice([20, 40, 50, 60, 100, 200], len(p)),
            False,
            "ATM_WITHDRAWAL",
            channel=CHANNEL["atm"],
            desc=catalog.DESC["Cash withdrawal"],
        )
        inv = self.account("investment") >= 0
        buy = self.active & inv[:, None] & (rng.random(self.active.shape) < 0.5)
        p, m = self.cells(buy)
        income = self.income[p, m] + 300
        self.emit(
            p,
            m,
            "current",
            self.in_month(m),
            np.round(income * rng.uniform(0.03, 0.08, len(p)), 0),
            False,
            "INVESTMENT_BUY",
            cp_name=catalog.NAME_INDEX["Fund subscription"],
            desc=catalog.DESC["Fund subscription"],
            channel=CHANNEL["mobile"],
        )
        sell = self.active & inv[:, None] & (rng.random(self.active.shape) < 0.02)
        sell &= ~people.inv_ready[:, None]
        p, m = self.cells(sell)
        self.emit(
            p,
            m,
            "current",
            self.in_month(m),
            np.round(rng.uniform(300, 3000, len(p)), 0),
            True,
            "INVESTMENT_SELL",
            cp_name=catalog.NAME_INDEX["Fund redemption"],
            desc=catalog.DESC["Fund redemption"],
            channel=CHANNEL["mobile"],
        )

    # -- card spending -------------------------------------------------------------------
    def card_spending(self) -> None:
        people, rng = self.people, self.rng
        smooth = self.income.copy()
        gig = np.array(personas.NAMES)[people.persona] == "gig_worker"
        mean_income = self.income.sum(axis=1) / np.maximum(self.active.sum(axis=1), 1)
        smooth[gig] = mean_income[gig, None] * self.active[gig]
        budget = smooth * people.spend_ratio[:, None] * rng.normal(1, 0.04, smooth.shape)
        card_budget = np.maximum(budget - self.outflow, 0.1 * smooth + 20) * self.active
        rate = personas.column("card_rate")[people.persona]
        counts = rng.poisson(rate[:, None] * self.activity)
        counts = np.where(card_budget > 0, np.maximum(counts, self.active.astype(int)), 0)
        p, m = self.expand(counts)
        mcc = rng.choice(len(self.mcc_p), size=len(p), p=self.mcc_p)
        raw = self.mcc_median[mcc] * rng.lognormal(0, 0.6, len(p))
        cell = p * self.n_months + m
        total = np.bincount(cell, weights=raw, minlength=people.n * self.n_months)
        scale = card_budget.ravel()[cell] / np.maximum(total[cell], 1e-9)
        amount = np.maximum(np.round(raw * np.minimum(scale, 6.0), 2), 0.5)
        ts = self.in_month(m)
        merchant = self.merchant_first[mcc] + (
            rng.random(len(p)) * self.merchant_count[mcc]
        ).astype(int)
        variant = rng.choice(3, size=len(p), p=[0.8, 0.1, 0.1])
        merchant = merchant * catalog.MERCHANT_VARIANTS + variant
        role = np.full(len(p), "current", dtype=object)
        has_cc = self.account("credit_card")[p] >= 0
        role[has_cc & (rng.random(len(p)) < 0.6)] = "credit_card"
        has_fx = self.account("fx_current")[p] >= 0
        role[has_fx & (rng.random(len(p)) < 0.5)] = "fx_current"
        for target in ("current", "credit_card", "fx_current"):
            sel = role == target
            kept = self.emit(
                p[sel],
                m[sel],
                target,
                ts[sel],
                amount[sel],
                False,
                "CARD_PURCHASE",
                merchant=merchant[sel],
                mcc=mcc[sel],
                channel=CHANNEL["card"],
                desc=catalog.DESC["Card payment"],
            )
            if target == "credit_card":
                self._card_repayments(p[sel][kept], m[sel][kept], amount[sel][kept])
        self._big_purchase()

    def _card_repayments(self, p: np.ndarray, m: np.ndarray, amount: np.ndarray) -> None:
        spent = np.zeros((self.people.n, self.n_months))
        np.add.at(spent, (p, m), amount)
        pp, mm = np.nonzero(spent[:, :-1] > 0)
        ts = self.at_day(mm + 1, 3, (2, 5))
        self.internal(pp, mm + 1, "current", "credit_card", ts, spent[pp, mm])

    def _big_purchase(self) -> None:
        """Near-miss on cash flow: one month among the last twelve ends negative."""
        people, rng = self.people, self.rng
        p = np.flatnonzero(people.near_miss == 3)
        if len(p) == 0:
            return
        m = self.n_months - 2 - rng.integers(0, 12, len(p))
        m = np.clip(m, 0, self.n_months - 1)
        amount = np.round(np.maximum(self.income[p, m], people.salary_eur[p]) * 1.6 + 50, 2)
        mcc = self.mcc_index.get("4511", 0)
        self.emit(
            p,
            m,
            "current",
            self.at_day(m, 12, (10, 18)),
            amount,
            False,
            "CARD_PURCHASE",
            merchant=self.merchant_first[mcc] * catalog.MERCHANT_VARIANTS,
            mcc=mcc,
            channel=CHANNEL["card"],
            desc=catalog.DESC["Card payment"],
            protected=True,
        )

    # -- transfers -----------------------------------------------------------------------
    def internal(
        self, p: np.ndarray, m: np.ndarray, src: str, dst: str, ts: np.ndarray, eur: np.ndarray
    ) -> None:
        """Transfer between two accounts of the same person: both legs."""
        a = self.account(src)[p]
        b = self.account(dst)[p]
        keep = self.open_at(a, ts) & self.open_at(b, ts)
        p, a, b, ts, eur = p[keep], a[keep], b[keep], ts[keep], np.round(eur[keep], 2)
        own = self.name_idx[p]
        self.buf.add(
            a,
            ts,
            eur,
            False,
            self.codes["TRANSFER_OUT"],
            cp_acc=b,
            cp_name=own,
            desc=catalog.DESC["Transfer to own account"],
            channel=CHANNEL["mobile"],
            protected=True,
        )
        self.buf.add(
            b,
            ts + 2,
            eur,
            True,
            self.codes["TRANSFER_IN"],
            cp_acc=a,
            cp_name=own,
            desc=catalog.DESC["Transfer from own account"],
            channel=CHANNEL["mobile"],
            protected=True,
        )

    def savings(self) -> None:
        people, rng, tl = self.people, self.rng, self.tl
        sav = self.account("savings") >= 0
        rate = personas.column("deposit_rate")[people.persona]
        deposit = self.active & sav[:, None] & (rng.random(self.active.shape) < rate[:, None])
        committed = people.inv_ready | np.isin(people.near_miss, [1, 2, 3, 4])
        deposit[committed] = self.active[committed]
        last12 = np.arange(self.n_months - 13, self.n_months - 1)
        last12 = last12[last12 >= 0]
        for p in np.flatnonzero(people.near_miss == 2):
            skip = rng.choice(last12, size=min(4, len(last12)), replace=False)
            deposit[p, skip] = False
        p, m = self.cells(deposit)
        # Salaried persons save a share of their salary, others of whatever came in.
        earned = np.where(people.salaried[p], people.salary_eur[p], self.income[p, m])
        base = np.maximum(earned, 300) * people.save_rate[p]
        amount = np.maximum(np.round(base * rng.uniform(0.9, 1.1, len(p)), 0), 25)
        self.internal(
            p, m, "current", "savings", self.at_day(m, people.salary_day[p] + 1, (8, 20)), amount
        )
        goal = self.account("savings_goal") >= 0
        p, m = self.cells(self.active & goal[:, None] & (rng.random(self.active.shape) < 0.5))
        self.internal(
            p,
            m,
            "current",
            "savings_goal",
            self.at_day(m, 2, (8, 20)),
            np.round(rng.uniform(20, 150, len(p)), 0),
        )
        withdraw = self.active & sav[:, None] & (rng.random(self.active.shape) < 0.05)
        withdraw[committed] = False
        p, m = self.cells(withdraw)
        self.internal(
            p,
            m,
            "savings",
            "current",
            self.in_month(m),
            np.round(rng.uniform(100, 1500, len(p)), 0),
        )
        for role, monthly in (("savings", 0.0015), ("savings_goal", 0.001), ("term", 0.0022)):
            a = self.account(role)
            has = a >= 0
            p, m = self.cells(self.active & has[:, None])
            eur = np.maximum(np.round(self.acc.target_eur[a[p]] * monthly, 2), 0.01)
            ts = np.minimum(
                self.month_first[m] + self.month_len[m] * DAY - 3 * 3600, tl.end_ts - 60
            )
            self.emit(
                p,
                m,
                role,
                ts,
                eur,
                True,
                "INTEREST",
                desc=catalog.DESC["Interest"],
                channel=CHANNEL["api"],
                protected=True,
            )

    def peer_transfers(self) -> None:
        """Transfers between different persons of the chunk (both legs, both accounts known)."""
        people, rng = self.people, self.rng
        cur = self.account("current")
        senders = (cur >= 0) & ~people.inv_ready & (rng.random(people.n) < 0.35)
        receivers = np.flatnonzero(cur >= 0)
        if len(receivers) < 2:
            return
        p, m = self.cells(self.active & senders[:, None] & (rng.random(self.active.shape) < 0.3))
        q = receivers[rng.integers(0, len(receivers), len(p))]
        ok = q != p
        p, m, q = p[ok], m[ok], q[ok]
        ts = self.in_month(m)
        keep = self.open_at(cur[p], ts) & self.open_at(cur[q], ts)
        p, m, q, ts = p[keep], m[keep], q[keep], ts[keep]
        eur = np.round(rng.uniform(5, 150, len(p)) * 2, 0) / 2
        self.buf.add(
            cur[p],
            ts,
            eur,
            False,
            self.codes["TRANSFER_OUT"],
            cp_acc=cur[q],
            cp_name=self.name_idx[q],
            channel=CHANNEL["mobile"],
            desc=catalog.DESC["Transfer sent"],
        )
        self.buf.add(
            cur[q],
            ts + 5,
            eur,
            True,
            self.codes["TRANSFER_IN"],
            cp_acc=cur[p],
            cp_name=self.name_idx[p],
            channel=CHANNEL["mobile"],
            desc=catalog.DESC["Transfer received"],
        )

    def unknown_codes(self) -> None:
        rng = self.rng
        p, m = self.cells(self.active & (rng.random(self.active.shape) < 0.002))
        if len(p) == 0:
            p, m = self.cells(self.active)
            p, m = p[:3], m[:3]
        for i, code in enumerate(catalog.UNKNOWN_CODES):
            sel = np.arange(len(p)) % len(catalog.UNKNOWN_CODES) == i
            credit = code != "CRYPTO_BUY"
            self.emit(
                p[sel],
                m[sel],
                "current",
                self.in_month(m[sel]),
                np.round(rng.uniform(10, 90, int(sel.sum())), 2),
                credit,
                code,
                channel=CHANNEL["mobile"],
                desc=catalog.DESC["Transfer received" if credit else "Transfer sent"],
            )

    def build(self) -> dict[str, np.ndarray]:
        self.income_streams()
        self.fixed_payments()
        self.card_spending()
        self.savings()
        self.peer_transfers()
        self.unknown_codes()
        tx = self.buf.concat()
        tx["cents"] = self._to_account_currency(tx)
        return tx

    def _to_account_currency(self, tx: dict[str, np.ndarray]) -> np.ndarray:
        cents = np.round(tx["eur"] * 100).astype(np.int64)
        ccy = self.acc.currency[tx["acc"]]
        months = tx["ts"].astype("datetime64[s]").astype("datetime64[M]")
        for i, currency in enumerate(CURRENCIES):
            if i == 0:
                continue
            sel = ccy == i
            if sel.any():
                rate = self.ref.rate(currency, months[sel])
                cents[sel] = np.round(cents[sel] / rate).astype(np.int64)
        return cents
