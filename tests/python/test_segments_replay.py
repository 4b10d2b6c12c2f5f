"""Segment history: a backfill replay equals day-by-day runs, and a re-run is a no-op.

The segment models run on their own warehouse whose upstream marts
(fct_person_features, dim_persons, stg_run__as_of_dates) are tables written by
the test for each day: 36 days (into a second month) of synthetic persons whose features drift so
that people enter and leave segments, a prospect who becomes a customer and a
customer who is erased. The same days are then built twice: once with one dbt
run per day (what the daily schedule does) and once with
`bank_segments.backfill` (inputs per day, segments in one pass). History,
transitions and the summary must match row for row. Smaller scenarios check
that re-running a date changes nothing and that an older date is ignored.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from segment_warehouse import (
    CONVERTED_ON,
    START,
    SegmentWarehouse,
    SyntheticBank,
    parse_project,
)

from bank_segments.backfill import replay_dates, run_backfill

N_DAYS = 36
COMPARED = {
    "marts.fct_segment_membership_history": "person_id, segment_id, valid_from",
    "marts.fct_segment_transitions": "person_id, segment_id, transition_date",
    "marts.fct_segment_summary": "as_of_date, segment_id",
}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict]:
    """The parsed project (shared by the warehouses of this module) and the feature columns."""
    return parse_project(tmp_path_factory.mktemp("segments_parse"))


@pytest.mark.long_running(order=3)
def test_backfill_replay_equals_daily_runs(parsed, tmp_path_factory) -> None:
    """36 days, one dbt run per day versus `run_backfill`: identical history.

    One test on purpose: the two 36-day builds are the expensive part, and
    pytest-xdist may send the tests of a module to different workers.
    """
    manifest, columns = parsed
    bank = SyntheticBank(columns)
    days = replay_dates(START, START + timedelta(days=N_DAYS - 1), "day")

    daily = SegmentWarehouse(tmp_path_factory.mktemp("segments_daily"), bank, manifest)
    daily.build_registry()
    started = time.perf_counter()
    for day in days:
        daily.run_day(day)
    daily_seconds = time.perf_counter() - started

    replay = SegmentWarehouse(tmp_path_factory.mktemp("segments_replay"), bank, manifest)
    started = time.perf_counter()
    run_backfill(
        days,
        replay.invoke,
        inputs_selector="int_segment_inputs_snapshotted",
        segments_selector="int_segment_rules_evaluated+ dim_segments",
        load_raw_files=False,
        before_each=replay.set_day,
        log=lambda _: None,
    )
    replay_seconds = time.perf_counter() - started
    print(f"{N_DAYS} days: daily runs {daily_seconds:.0f}s, backfill {replay_seconds:.0f}s")

    for table, order_by in COMPARED.items():
        daily_rows = daily.rows(table, order_by)
        assert daily_rows, f"{table} is empty"
        assert replay.rows(table, order_by) == daily_rows, f"{table} differs"

    # the history really moved: entries and exits on many dates, one open row per pair
    transitions = daily.rows("marts.fct_segment_transitions", "transition_date")
    assert {row[4] for row in transitions} == {"entered", "exited"}
    assert len({row[3] for row in transitions if row[3] > START}) > 5
    most_open = daily.rows(
        "(select person_id, segment_id, count(*) as n from marts.fct_segment_membership_history "
        "where valid_to is null group by all)",
        "n desc",
    )
    assert most_open[0][2] == 1

    # an erased customer leaves no history; a prospect who converts changes origin
    erased = daily.rows(
        "(select * from marts.fct_segment_membership_history where person_id = 'c000')", "1"
    )
    assert erased == []
    converted = daily.rows(
        "(select segment_id, valid_from, valid_to from marts.fct_segment_membership_history "
        "where person_id = 'p001' and segment_id like 'origin_%' and status = 'in')",
        "valid_from",
    )
    assert converted == [
        ("origin_digital_prospect", START, CONVERTED_ON),
        ("origin_digital_client", CONVERTED_ON, None),
    ]

    # the replay exported every audience movement except control group and no consent
    movements = replay.rows(
        "(select m.is_control_group, i.has_marketing_consent, e.person_id is not null as exported "
        "from marts.fct_segment_transitions as t "
        "inner join marts.dim_segments as s on t.segment_id = s.segment_id and s.is_audience "
        "inner join marts.fct_segment_membership as m on m.as_of_date = t.transition_date "
        "and m.person_id = t.person_id and m.segment_id = t.segment_id "
        "inner join intermediate.int_segment_inputs_snapshotted as i "
        "on i.as_of_date = t.transition_date and i.person_id = t.person_id "
        "left join marts.fct_audience_exports as e on e.as_of_date = t.transition_date "
        "and e.person_id = t.person_id and e.segment_id = t.segment_id)",
        "1, 2, 3",
    )
    assert movements, "the synthetic bank moves people in and out of audiences"
    for is_control_group, has_consent, exported in movements:
        assert exported == (not is_control_group and bool(has_consent))
    assert any(row[2] for row in movements)
    assert not all(row[2] for row in movements)


@pytest.fixture(scope="module")
def few_days(parsed, tmp_path_factory) -> SegmentWarehouse:
    """Five daily runs, for the re-run and out-of-order checks."""
    manifest, columns = parsed
    warehouse = SegmentWarehouse(
        tmp_path_factory.mktemp("segments_few_days"), SyntheticBank(columns), manifest
    )
    for offset in range(5):
        warehouse.run_day(START + timedelta(days=5 * offset), full=offset == 0)
    return warehouse


def test_rerun_of_the_same_date_changes_nothing(few_days: SegmentWarehouse) -> None:
    last_day = START + timedelta(days=20)
    tables = {**COMPARED, "marts.fct_audience_exports": "segment_id, person_id"}
    few_days.run_day(last_day, full=True)
    before = {table: few_days.rows(table, order_by) for table, order_by in tables.items()}
    assert before["marts.fct_segment_membership_history"]
    few_days.run_day(last_day, full=True)
    after = {table: few_days.rows(table, order_by) for table, order_by in tables.items()}
    assert after == before


def test_out_of_order_date_leaves_history_untouched(few_days: SegmentWarehouse) -> None:
    order_by = COMPARED["marts.fct_segment_membership_history"]
    before = few_days.rows("marts.fct_segment_membership_history", order_by)
    few_days.run_day(START + timedelta(days=7))
    after = few_days.rows("marts.fct_segment_membership_history", order_by)
    assert after == before
