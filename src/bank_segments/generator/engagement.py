"""App events of the digital users, marketing campaigns and the contacts they made."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from bank_segments.generator import personas, render
from bank_segments.generator.identity import Records
from bank_segments.generator.pieces import Piece, RowBuilder, iso, table_from_arrays
from bank_segments.generator.population import Persons, pick
from bank_segments.generator.timeline import DAY, Timeline

EVENTS = (
    "login",
    "view_product",
    "start_application",
    "complete_application",
    "budget_view",
    "savings_goal_created",
    "carbon_footprint_view",
    "invest_view",
    "support_chat",
    "dark_mode_toggled",
    "referral_shared",
    "LOGIN",
)
KNOWN_EVENTS = 9
PLATFORMS = ("ios", "android", "web")
EVENT_PRODUCTS = (
    "SAVINGS_FLEX",
    "SAVINGS_GOAL",
    "INVEST_FUND",
    "INVEST_ETF",
    "GREEN_FUND",
    "CREDIT_CARD",
    "PERSONAL_LOAN",
    "TERM_12M",
)
CAMPAIGN_PRODUCTS = (
    "GREEN_FUND",
    "INVEST_FUND",
    "SAVINGS_GOAL",
    "CREDIT_CARD",
    "PERSONAL_LOAN",
    "TERM_12M",
    None,
    "INVEST_ETF",
)
CAMPAIGN_CHANNELS = ("email", "push", "in_app", "sms", "call")
OPEN_RATE = {"email": 0.4, "push": 0.3, "in_app": 0.5, "sms": 0.0, "call": 0.6}


def app_events(
    rng: np.random.Generator, chunk: int, people: Persons, records: Records, tl: Timeline
) -> tuple[Piece, dict[str, int]]:
    users = [(p, ids[0]) for p, ids in sorted(records.digital_user_ids.items())]
    if not users:
        return Piece(
            "app_events", table_from_arrays("app_events", _empty_events()), np.zeros(0, np.int32)
        ), {}
    person = np.array([p for p, _ in users], dtype=np.int64)
    user_ids = [u for _, u in users]
    n_m = tl.n_months
    m = np.arange(n_m)[None, :]
    reg_m = np.clip(np.searchsorted(tl.month_starts, people.since_ts[person], "right") - 1, 0, n_m)
    alive = (m >= reg_m[:, None]) & (m < people.stop_month[person][:, None])
    prospect = people.is_prospect[person]
    decay = np.where(prospect[:, None], np.where(m - reg_m[:, None] < 2, 1.0, 0.15), 1.0)
    level = people.engagement[person][:, None] * alive * decay
    name = np.array(personas.NAMES)[people.persona[person]]
    green = people.green[person]
    investor = (name == "investor") | people.inv_ready[person]
    rates = {
        0: level,
        1: 0.15 * level,
        2: 0.03 * alive,
        4: np.where(name == "family", 0.3, 0.1)[:, None] * level,
        5: 0.02 * alive,
        6: np.where(green, 0.5, 0.01)[:, None] * level,
        7: np.where(investor, 0.35, 0.01)[:, None] * level,
        8: 0.04 * alive,
    }
    parts_u, parts_m, parts_e = [], [], []
    for event, lam in rates.items():
        counts = rng.poisson(lam)
        flat = np.repeat(np.arange(counts.size), counts.ravel())
        parts_u.append(flat // n_m)
        parts_m.append(flat % n_m)
        parts_e.append(np.full(len(flat), event, dtype=np.int16))
    u = np.concatenate(parts_u)
    mm = np.concatenate(parts_m)
    event = np.concatenate(parts_e)
    lo, hi = tl.month_starts[mm], tl.month_ends[mm]
    ts = lo + (rng.random(len(u)) * (hi - lo)).astype(np.int64)
    ts = np.maximum(ts, people.since_ts[person[u]] + 60)
    keep = ts < tl.end_ts
    u, event, ts = u[keep], event[keep], ts[keep]
    # Half of the application starts are completed an hour later.
    started = np.flatnonzero((event == 2) & (rng.random(len(event)) < 0.5))
    u = np.concatenate([u, u[started]])
    ts = np.concatenate([ts, np.minimum(ts[started] + 3600, tl.end_ts - 1)])
    event = np.concatenate([event, np.full(len(started), 3, np.int16)])
    unknown = pick(rng, np.ones(len(event), bool), 0.002, 3)
    event[unknown] = KNOWN_EVENTS + rng.integers(0, len(EVENTS) - KNOWN_EVENTS, len(unknown))
    order = np.lexsort((u, ts))
    u, ts, event = u[order], ts[order], event[order]
    product = np.where(np.isin(event, [1, 2, 3]), rng.integers(0, len(EVENT_PRODUCTS), len(u)), -1)
    platform = (people.base + person[u]) % 3
    platform = np.where(rng.random(len(u)) < 0.1, rng.integers(0, 3, len(u)), platform)
    seq = np.arange(len(u))
    duplicated = pick(rng, np.ones(len(u), bool), 0.003, 2)
    rows = np.concatenate([seq, duplicated])
    batch = tl.batch_of(ts)
    batch_all = np.concatenate(
        [batch, tl.later_batch(batch[duplicated], rng.integers(0, 2, len(duplicated)))]
    )
    by_batch = np.argsort(batch_all, kind="stable")
    rows, batch_all = rows[by_batch], batch_all[by_batch]
    arrays = {
        "event_id": render.ids(f"EV{chunk:04d}", rows, 9),
        "digital_user_id": render.categorical(u[rows], user_ids),
        "event_name": render.categorical(event[rows], EVENTS),
        "event_at": render.timestamps(ts[rows], render.random_offsets(rng, len(rows))),
        "platform": render.categorical(platform[rows], PLATFORMS),
        "product_code": render.categorical(product[rows], EVENT_PRODUCTS),
    }
    mess = {"duplicate_event": len(duplicated), "unknown_event_name": len(unknown)}
    return Piece("app_events", table_from_arrays("app_events", arrays), batch_all), mess


def _empty_events() -> dict:
    return {
        c: render.constant(None, 0)
        for c in (
            "event_id",
            "digital_user_id",
            "event_name",
            "event_at",
            "platform",
            "product_code",
        )
    }


def campaigns(rng: np.random.Generator, tl: Timeline) -> tuple[list[dict], Piece]:
    """The bank's campaigns over the window (global, not per chunk)."""
    span = tl.end_ts - tl.start_ts
    n = max(6, int(span / (45 * DAY)))
    builder = RowBuilder("campaigns")
    specs = []
    for i in range(n):
        start = tl.start_ts + int(span * i / n) + int(rng.integers(0, 10 * DAY))
        end = min(start + int(rng.integers(14, 45)) * DAY, tl.end_ts - DAY)
        product = CAMPAIGN_PRODUCTS[i % len(CAMPAIGN_PRODUCTS)]
        channel = CAMPAIGN_CHANNELS[int(rng.integers(0, len(CAMPAIGN_CHANNELS)))]
        label = dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y-%m")
        cid = f"CMP{i + 1:04d}"
        spec = {
            "campaign_id": cid,
            "start": start,
            "end": end,
            "product": product,
            "channel": channel,
        }
        specs.append(spec)
        row = {
            "campaign_id": cid,
            "campaign_name": f"{(product or 'brand').replace('_', ' ').title()} {channel} {label}",
            "product_code": product,
            "channel": channel,
            "started_at": iso(start),
            "ended_at": None,
        }
        builder.add(row, tl.batch_at(start - DAY))
        if end < tl.end_ts - DAY:
            builder.add(dict(row, ended_at=iso(end)), tl.batch_at(end))
    return specs, builder.piece()


def campaign_contacts(
    rng: np.random.Generator,
    chunk: int,
    people: Persons,
    records: Records,
    specs: list[dict],
    tl: Timeline,
) -> tuple[Piece, dict[str, int]]:
    customer = records.main_record >= 0
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("p", "c", "control", "sent", "opened", "clicked", "converted")
    }
    for c, spec in enumerate(specs):
        start = spec["start"]
        eligible = customer & (people.since_ts < start) & people.has_consent
        churn_ts = tl.month_starts[np.minimum(people.churn_month, tl.n_months - 1)]
        eligible &= (people.churn_month >= tl.n_months) | (churn_ts > start)
        p = pick(rng, eligible, 0.25, 2)
        k = len(p)
        control = rng.random(k) < 0.1
        sent = start + rng.integers(0, 3 * DAY, k)
        opened = ~control & (rng.random(k) < OPEN_RATE[spec["channel"]])
        clicked = opened & (rng.random(k) < 0.3)
        converted = (clicked & (rng.random(k) < 0.15)) | (rng.random(k) < 0.02)
        open_ts = sent + rng.integers(600, 3 * DAY, k)
        click_ts = open_ts + rng.integers(5, 900, k)
        conv_ts = np.where(clicked, click_ts, sent) + rng.integers(3600, 14 * DAY, k)
        cols["p"].append(p)
        cols["c"].append(np.full(k, c))
        cols["control"].append(control)
        cols["sent"].append(np.where(control, -1, sent))
        cols["opened"].append(np.where(opened & (open_ts < tl.end_ts), open_ts, -1))
        cols["clicked"].append(np.where(clicked & (click_ts < tl.end_ts), click_ts, -1))
        cols["converted"].append(np.where(converted & (conv_ts < tl.end_ts), conv_ts, -1))
    v = {k: np.concatenate(parts) if parts else np.zeros(0, np.int64) for k, parts in cols.items()}
    n = len(v["p"])
    base_ts = np.where(
        v["sent"] >= 0, v["sent"], np.array([s["start"] for s in specs])[v["c"]] if n else 0
    )
    last_ts = (
        np.maximum.reduce([base_ts, v["opened"], v["clicked"], v["converted"]]) if n else base_ts
    )
    first_batch = tl.batch_of(base_ts)
    last_batch = tl.batch_of(last_ts)
    updated = np.flatnonzero(last_batch > first_batch)
    rows = np.concatenate([np.arange(n), updated])
    late_row = np.concatenate([np.zeros(n, bool), np.ones(len(updated), bool)])
    # The first delivery of a contact whose engagement came in a later batch carries no events.
    show_events = (
        ~np.concatenate([np.isin(np.arange(n), updated), np.zeros(len(updated), bool)]) | late_row
    )
    batch = np.concatenate(
        [np.where(np.isin(np.arange(n), updated), first_batch, last_batch), last_batch[updated]]
    )

    def stamp(values: np.ndarray) -> pa.Array:
        values = values[rows]
        mask = (values < 0) | ~show_events
        return render.timestamps(np.maximum(values, 0), render.random_offsets(rng, len(rows)), mask)

    customer_ids = [records.customer_id[records.main_record[p]] for p in v["p"][rows]]
    arrays = {
        "contact_id": render.ids(f"CC{chunk:04d}", rows, 8),
        "campaign_id": render.categorical(v["c"][rows], [s["campaign_id"] for s in specs]),
        "customer_id": render.categorical(np.arange(len(rows)), customer_ids)
        if len(rows)
        else render.constant(None, 0),
        "is_control": render.categorical(v["control"][rows].astype(np.int8), ["false", "true"]),
        "sent_at": render.timestamps(
            np.maximum(v["sent"][rows], 0),
            render.random_offsets(rng, len(rows)),
            v["sent"][rows] < 0,
        ),
        "opened_at": stamp(v["opened"]),
        "clicked_at": stamp(v["clicked"]),
        "converted_at": stamp(v["converted"]),
    }
    mess = {
        "contact_update": len(updated),
        "control": int(v["control"].sum()),
        "converted": int((v["converted"] >= 0).sum()),
    }
    return Piece("campaign_contacts", table_from_arrays("campaign_contacts", arrays), batch), mess
