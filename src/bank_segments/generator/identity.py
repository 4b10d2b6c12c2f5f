"""Customer records and digital registrations of the persons of one chunk.

A person holds one customer record, or two (a second record opened at another branch,
linked by one identifier in another format), or three forming a transitive chain (A and B
share an email, B and C a phone, A and C nothing). Identifiers arrive in varied formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bank_segments.generator import personas
from bank_segments.generator.pieces import Draws, Piece, RowBuilder, iso, iso_date
from bank_segments.generator.population import Persons
from bank_segments.generator.reference import Reference
from bank_segments.generator.render import OFFSET_WEIGHTS, OFFSETS
from bank_segments.generator.timeline import DAY, Timeline

MARITAL = ("single", "married", "divorced", "widowed", "partnered")
GENDER = ("F", "M", "X")
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


@dataclass
class Records:
    """Customer records of the chunk (index = record number within the chunk)."""

    person: np.ndarray
    number: np.ndarray  # 0 for the main record, 1 and 2 for further records
    customer_id: list[str]
    created_ts: np.ndarray
    onboarding: list[str]
    branch: list[str | None]
    main_record: np.ndarray  # person -> main record index (-1 for prospects)
    second_record: np.ndarray  # person -> second record index (main when none)
    first_channel: list[str]  # person -> opening channel of the first account
    email: list[str | None]  # person -> canonical email when a customer record carries it
    digital_user_ids: dict[int, list[str]] = field(default_factory=dict)
    customer_ids_of: dict[int, list[str]] = field(default_factory=dict)
    mess: dict[str, int] = field(default_factory=dict)


class Identity:
    def __init__(
        self, rng: np.random.Generator, chunk: int, people: Persons, tl: Timeline, ref: Reference
    ) -> None:
        self.rng = Draws(rng)
        self.chunk = chunk
        self.people = people
        self.tl = tl
        self.ref = ref
        self.branches_by_country: dict[str, list[str]] = {}
        for branch, country in ref.branch_country.items():
            self.branches_by_country.setdefault(country, []).append(branch)

    # -- identifiers -------------------------------------------------------------------
    def _offset(self) -> int:
        return int(self.rng.choice(len(OFFSETS), p=OFFSET_WEIGHTS.tolist()))

    def _national_id(self, p: int) -> str:
        country = personas.COUNTRIES[self.people.country[p]]
        number = (self.people.base + p) * 7919 % 90_000_000 + 10_000_000
        if country == "ES":
            return f"{number}{DNI_LETTERS[number % 23]}"
        if country == "PT":
            return f"{number % 1_000_000_000:09d}"
        if country == "FR":
            return f"1{number}{number % 97:02d}"
        if country == "DE":
            return f"L{number:08d}X"
        return f"RSS{number:08d}H501Z"

    def _format_national_id(self, value: str, style: int) -> str:
        if style == 1 and len(value) > 8:
            return f"{value[:8]}-{value[8:]}"
        if style == 2 and len(value) > 8:
            return f"{value[:2]}.{value[2:5]}.{value[5:8]}-{value[8:]}"
        if style == 3 and len(value) > 8:
            return f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}"
        if style == 4:
            return value.lower()
        return value

    def _email(self, p: int, variant: int = 0) -> str:
        first = personas.FIRST_NAMES[self.people.first_name[p]].lower()
        last = personas.LAST_NAMES[self.people.last_name[p]].lower()
        number = self.people.base + p
        domain = personas.EMAIL_DOMAINS[(number + variant) % len(personas.EMAIL_DOMAINS)]
        if variant == 0:
            return f"{first}.{last}{number}@{domain}"
        return f"{first[0]}{last}.{number}{'x' * variant}@{domain}"

    def _format_email(self, value: str, style: int) -> str:
        if style == 1:
            return value.upper()
        if style == 2:
            return f"  {value.title()} "
        if style == 3:
            return f" {value}"
        return value

    def _phone_digits(self, p: int, variant: int = 0) -> str:
        number = ((self.people.base + p) * 104_729 + variant * 7_777_777) % 100_000_000
        return f"6{number:08d}" if variant == 0 else f"7{number:08d}"

    def _format_phone(self, p: int, digits: str, style: int) -> str:
        country = personas.COUNTRIES[self.people.country[p]]
        code = personas.CALLING_CODE[country]
        if country != "ES" and style in (2, 3):
            style = 0
        if style == 1:
            return f"00{code}{digits}"
        if style == 2:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if style == 3:
            return digits
        if style == 4:
            return f"+{code}{digits}"
        return f"+{code} {digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"

    def _postal_code(self, p: int) -> str:
        country = personas.COUNTRIES[self.people.country[p]]
        number = (self.people.base + p) * 31 % 50_000 + 1000
        if country == "PT":
            return f"{1000 + number % 8000}-{number % 1000:03d}"
        return f"{number:05d}"

    def _branch(self, p: int, other: bool = False) -> str:
        country = personas.COUNTRIES[self.people.country[p]]
        options = self.branches_by_country.get(country) or list(self.ref.branches)
        choice = int(self.rng.integers(0, len(options)))
        if other and len(options) > 1:
            choice = (choice + 1) % len(options)
        return options[choice]

    # -- records -----------------------------------------------------------------------
    def build(self) -> tuple[Records, Piece]:
        people, rng, tl = self.people, self.rng, self.tl
        builder = RowBuilder("customers")
        rec_person: list[int] = []
        rec_number: list[int] = []
        ids: list[str] = []
        created: list[int] = []
        onboarding_of: list[str] = []
        branch_of: list[str | None] = []
        main = np.full(people.n, -1, dtype=np.int64)
        second = np.full(people.n, -1, dtype=np.int64)
        first_channel = [""] * people.n
        emails: list[str | None] = [None] * people.n
        mess = {"stale_redelivery": 0, "identical_redelivery": 0, "update": 0, "erased": 0}
        customer_ids_of: dict[int, list[str]] = {}
        for p in range(people.n):
            if people.is_prospect[p]:
                emails[p] = self._email(p)
                continue
            onboarding, channel = self._onboarding(p)
            first_channel[p] = channel
            values = self._identifier_sets(p)
            canonical = self._email(p)
            # Only an email some record carries can link a registration to the person.
            on_record = any(v[1] and v[1].strip().lower() == canonical for v in values)
            emails[p] = canonical if on_record else None
            for k in range(int(people.n_records[p])):
                index = len(ids)
                cid = f"CU{self.chunk * 1_000_000 + index:010d}"
                ids.append(cid)
                customer_ids_of.setdefault(p, []).append(cid)
                rec_person.append(p)
                rec_number.append(k)
                since = int(people.since_ts[p])
                if k == 0:
                    ts = since
                    main[p] = index
                else:
                    span = max(tl.end_ts - 15 * DAY - since, DAY)
                    ts = since + int(rng.integers(DAY, min(span, 900 * DAY) + DAY))
                    if k == 1:
                        second[p] = index
                created.append(ts)
                ob = onboarding if onboarding == "digital" or k == 0 else "branch"
                home = None if ob == "digital" else self._branch(p, other=k > 0)
                onboarding_of.append(ob)
                branch_of.append(home)
                row = self._row(p, k, cid, values[k], ob, home, ts)
                self._versions(builder, row, p, ts, mess)
            if second[p] < 0:
                second[p] = main[p]
        records = Records(
            person=np.array(rec_person, dtype=np.int64),
            number=np.array(rec_number, dtype=np.int8),
            customer_id=ids,
            created_ts=np.array(created, dtype=np.int64),
            onboarding=onboarding_of,
            branch=branch_of,
            main_record=main,
            second_record=second,
            first_channel=first_channel,
            email=emails,
            customer_ids_of=customer_ids_of,
            mess=mess,
        )
        return records, builder.piece()

    def _onboarding(self, p: int) -> tuple[str, str]:
        """Onboarding channel of the main record and opening channel of the first account."""
        origin = int(self.people.origin[p])
        u = self.rng.random()
        if origin == 0:
            if u < 0.15:
                return "partner", "api"
            return "digital", "mobile" if u < 0.65 else "web"
        if origin == 1:
            if u < 0.15:
                return "advisor", "advisor"
            return ("partner", "branch") if u < 0.3 else ("branch", "branch")
        return ("advisor", "advisor") if u < 0.15 else ("branch", "branch")

    def _identifier_sets(self, p: int) -> list[tuple[str | None, str | None, str | None]]:
        """(national_id, email, phone) of each record of the person, already formatted."""
        rng = self.rng
        nid = self._national_id(p) if rng.random() > 0.06 else None
        email = self._email(p) if rng.random() > 0.05 else None
        phone = self._phone_digits(p) if rng.random() > 0.08 else None
        main = (
            self._format_national_id(nid, int(rng.choice(5, p=[0.7, 0.1, 0.1, 0.05, 0.05])))
            if nid
            else None,
            self._format_email(email, int(rng.choice(4, p=[0.85, 0.05, 0.05, 0.05])))
            if email
            else None,
            self._format_phone(p, phone, int(rng.integers(0, 5))) if phone else None,
        )
        sets = [main]
        n_records = int(self.people.n_records[p])
        if n_records == 2:
            link = int(rng.integers(0, 3))
            nid = nid or self._national_id(p)
            email = email or self._email(p)
            phone = phone or self._phone_digits(p)
            if main[link] is None:
                main = (
                    nid if link == 0 else main[0],
                    email if link == 1 else main[1],
                    self._format_phone(p, phone, 0) if link == 2 else main[2],
                )
                sets[0] = main
            sets.append(
                (
                    self._format_national_id(nid, int(rng.integers(1, 5))) if link == 0 else None,
                    self._format_email(email, int(rng.integers(1, 4)))
                    if link == 1
                    else self._email(p, variant=1),
                    self._format_phone(p, phone, int(rng.integers(1, 5))) if link == 2 else None,
                )
            )
        elif n_records == 3:
            email = self._email(p)
            other_phone = self._phone_digits(p, variant=1)
            phone = phone or self._phone_digits(p)
            sets[0] = (main[0], email, self._format_phone(p, phone, 0))
            sets.append((None, self._format_email(email, 1), self._format_phone(p, other_phone, 0)))
            sets.append((None, self._email(p, variant=2), self._format_phone(p, other_phone, 1)))
        return sets

    def _row(
        self, p: int, k: int, cid: str, ids: tuple, onboarding: str, home: str | None, ts: int
    ) -> dict[str, str | None]:
        people, rng = self.people, self.rng
        birth = iso_date(int(people.birth_day[p]) * DAY)
        u = rng.random()
        if u < 0.01:
            birth = "1899-01-01"
        elif u < 0.016:
            birth = iso_date(self.tl.end_ts + int(rng.integers(30, 4000)) * DAY)
        elif u < 0.04:
            birth = None
        first = personas.FIRST_NAMES[people.first_name[p]]
        last = personas.LAST_NAMES[people.last_name[p]]
        name = f"{first} {last}" if rng.random() > 0.1 else f"{last.upper()}, {first.upper()}"
        persona = personas.NAMES[people.persona[p]]
        occupation = personas.OCCUPATIONS[persona][
            int(rng.integers(0, len(personas.OCCUPATIONS[persona])))
        ]
        yearly = (people.salary_eur[p] + people.pension_eur[p]) * 14
        consent: str | None = "true"
        if people.consent_gap[p] == 1 and k == 0:
            consent = "false"
        elif people.consent_gap[p] == 2 and k == 0:
            consent = None
        country = personas.COUNTRIES[people.country[p]]
        return {
            "customer_id": cid,
            "national_id": ids[0],
            "email": ids[1],
            "phone": ids[2],
            "full_name": name,
            "birth_date": birth,
            "gender": GENDER[people.gender[p]] if people.gender[p] >= 0 else None,
            "postal_code": self._postal_code(p),
            "country_code": country if rng.random() > 0.03 else f" {country.lower()}",
            "occupation": occupation if rng.random() > 0.1 else None,
            "marital_status": MARITAL[people.marital[p]] if people.marital[p] >= 0 else None,
            "dependents": str(people.dependents[p]) if people.dependents[p] >= 0 else None,
            "declared_annual_income": f"{yearly:.2f}"
            if yearly > 0 and rng.random() > 0.2
            else None,
            "onboarding_channel": onboarding,
            "home_branch_id": home,
            "marketing_consent": consent,
            "created_at": iso(ts, self._offset()),
            "updated_at": None,
            "is_deleted": "false",
        }

    def _versions(self, builder: RowBuilder, row: dict, p: int, ts: int, mess: dict) -> None:
        """Change data capture: first version, updates, re-deliveries and erasure."""
        rng, tl, people = self.rng, self.tl, self.people
        first = dict(row, updated_at=iso(ts, self._offset()))
        first_batch = tl.batch_at(ts)
        builder.add(first, first_batch)
        last, last_batch, last_ts = first, first_batch, ts
        lo = max(ts + DAY, tl.start_ts)
        if rng.random() < 0.2 and lo < tl.end_ts - 2 * DAY:
            update_ts = int(rng.integers(lo, tl.end_ts - DAY))
            changed = dict(first, updated_at=iso(update_ts, self._offset()))
            changed["postal_code"] = f"{(int(update_ts) // 7) % 50_000 + 1000:05d}"
            if first["marketing_consent"] == "true" and rng.random() < 0.3:
                first["marketing_consent"] = "false"  # consent given later
            update_batch = tl.batch_at(update_ts)
            builder.add(changed, update_batch)
            mess["update"] += 1
            last, last_batch, last_ts = changed, update_batch, update_ts
            if rng.random() < 0.15 and update_batch < len(tl.batches) - 1:
                builder.add(dict(first), int(tl.later_batch(update_batch, rng.integers(1, 3))))
                mess["stale_redelivery"] += 1
        if rng.random() < 0.04 and last_batch < len(tl.batches) - 1:
            builder.add(dict(last), int(tl.later_batch(last_batch, rng.integers(1, 4))))
            mess["identical_redelivery"] += 1
        if people.erased[p]:
            erase_ts = max(int(people.erased_ts[p]), last_ts + DAY)
            erased = dict(last, updated_at=iso(erase_ts, self._offset()), is_deleted="true")
            builder.add(erased, tl.batch_at(erase_ts))
            mess["erased"] += 1

    # -- digital registrations ---------------------------------------------------------
    def digital_users(self, records: Records) -> Piece:
        people, rng, tl = self.people, self.rng, self.tl
        builder = RowBuilder("digital_users")
        registered: dict[int, list[str]] = {}
        mess = {"prospect_converted": 0, "email_only_link": 0}
        seq = 0
        for p in range(people.n):
            origin = int(people.origin[p])
            if origin == 2:
                continue
            duid = f"DU{self.chunk * 1_000_000 + seq:010d}"
            seq += 1
            registered.setdefault(p, []).append(duid)
            since = int(people.since_ts[p])
            email = records.email[p] or self._email(p)
            cid = records.customer_id[records.main_record[p]] if origin != 3 else None
            if origin == 0:
                reg_ts = max(since - int(rng.integers(600, 3 * DAY)), since - 3 * DAY)
                channel = "app" if rng.random() < 0.7 else "web"
            elif origin == 1:
                hi = max(since + DAY, tl.end_ts - 30 * DAY)
                reg_ts = int(rng.integers(since, hi))
                channel = str(rng.choice(["branch_assisted", "app", "web"], p=[0.4, 0.45, 0.15]))
            else:
                reg_ts = since
                channel = "app" if rng.random() < 0.6 else "web"
            row = {
                "digital_user_id": duid,
                "customer_id": cid,
                "email": self._format_email(email, int(rng.choice(4, p=[0.8, 0.1, 0.05, 0.05]))),
                "registered_at": iso(reg_ts, self._offset()),
                "registration_channel": channel,
            }
            reg_batch = tl.batch_at(reg_ts)
            if origin == 1 and records.email[p] and rng.random() < 0.12:
                # Registered with the customer's email but never linked to the record.
                row["customer_id"] = None
                row["email"] = self._format_email(email, 1)
                mess["email_only_link"] += 1
                builder.add(row, reg_batch)
            elif origin == 0 and since >= tl.start_ts:
                # Registered first as a prospect, linked once the first product was opened.
                builder.add(dict(row, customer_id=None), reg_batch)
                builder.add(row, tl.batch_at(since + DAY))
                mess["prospect_converted"] += 1
            else:
                builder.add(row, reg_batch)
        records.digital_user_ids = registered
        records.mess.update(mess)
        return builder.piece()
