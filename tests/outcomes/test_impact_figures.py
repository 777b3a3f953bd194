"""The impact figures against a small program worked out by hand: every count, sum, rate, median and mean.

The program (waves 0, 3, 6 and 12 months), its three cohorts and what their graduates reported:

Each cohort ended the day its graduates graduated. Only learners who consented count anywhere, enrolment included
(a6, c2: only in the count of graduates left out).

cohort A, 横峰县, not a poverty county, graduated 200 days ago (waves 0, 3 and 6 due); 8 learners enrolled, 7 who
  consented (a7 withdrew, a8 has not graduated; a9 moved to cohort Z and is not counted here):
  learner  gender  consent  baseline  wave 0 income (change)  wave 3 income (change)  household
  a1       female  yes      1000      1500 (+500)   verified  2500 (+1500) verified   4
  a2       female  yes      2000      1800 (-200)   verified  3000 (+1000)            3
  a3       male    yes      3000      3000 (0)                3100 (+100)             5
  a4       male    yes      4000      6000 (+2000)            4300 (+300)             2
  a5       female  yes      5000      5900 (+900)             -                       6
  a6       female  none     9000      20000                   20000                   4   (left out)
cohort B, 于都县, poverty county, graduated 100 days ago (waves 0 and 3 due); 4 learners (b4 withdrew):
  b1       female  yes      500       1500 (+1000)  verified  2000 (+1500)            5
  b2       male    yes      800       700 (-100)              -                       4
  b3       female  yes      1200      1200 (0)                -                       3
cohort C, 于都县, poverty county, graduated 10 days ago (wave 0 due); 4 learners, 3 who consented (c4 has not
  graduated):
  c1       female  yes      0         600 (+600)              -                       2
  c2       male    withdrawn 1000     3000                    -                           (left out)
  c3       male    yes      1000      graduation undone: counts as a learner, never as a graduate

Wave 0 changes, sorted: -200 -100 0 0 500 600 900 1000 2000: n 9, median 500, mean 4700/9, 5 rose.
Wave 3 changes: 100 300 1000 1500 1500: n 5, median 1000, mean 880, all rose.
Cohort A, wave 3: 100 300 1000 1500: median (300 + 1000) / 2 = 650 (an even n).
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.cohorts.models import Enrollment, EnrollmentStatus
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.impact import services as impact_services
from lms.outcomes.impact.selection import Selection
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent, SupportRecord
from tests.factories import CohortFactory, ProgramFactory, UserFactory

YUAN = 100  # fen


@dataclass
class Wave:
    income: int  # yuan a month
    revenue: int = 0  # yuan
    households: int = 0
    employed: int = 0
    channels: str = ""
    verified: bool = False
    quantities: tuple = ()  # (product, quantity, unit)


@dataclass
class Person:
    key: str
    cohort: str
    gender: str | None = None  # None: no baseline
    baseline: int = 0
    household: int = 1
    consent: bool | None = True  # None: never asked
    status: str = EnrollmentStatus.ACTIVE
    graduated: bool = True
    undone: bool = False
    waves: dict[int, Wave] = field(default_factory=dict)
    support: int = 0  # yuan


PEOPLE = [
    Person(
        "a1",
        "A",
        "female",
        1000,
        4,
        waves={
            0: Wave(1500, 10000, 10, 1, "wechat", True, (("Tea", "100", "kg"),)),
            3: Wave(2500, 15000, 30, 2, "kuaishou,taobao", True, (("tea ", "150", "kg"),)),
        },
        support=5000,
    ),
    Person(
        "a2",
        "A",
        "female",
        2000,
        3,
        waves={0: Wave(1800, 5000, 2, 0, "offline", True), 3: Wave(3000, 6000, 4, 1, "kuaishou")},
    ),
    Person("a3", "A", "male", 3000, 5, waves={0: Wave(3000, 0, 0, 0, "wechat"), 3: Wave(3100, 1000, 1, 0, "wechat")}),
    Person(
        "a4",
        "A",
        "male",
        4000,
        2,
        waves={
            0: Wave(6000, 20000, 50, 3, "kuaishou", quantities=(("tea", "50.5", "kg"),)),
            3: Wave(4300, 4000, 60, 4, "kuaishou,pinduoduo,wechat", quantities=(("Arrowroot powder", "200", "jin"),)),
        },
        support=3000,
    ),
    Person("a5", "A", "female", 5000, 6, waves={0: Wave(5900, 8000, 5, 1, "offline")}),
    Person(
        "a6",
        "A",
        "female",
        9000,
        4,
        consent=None,
        waves={
            0: Wave(20000, 99999, 500, 9, "kuaishou", quantities=(("tea", "999", "kg"),)),
            3: Wave(20000, 99999, 500, 9, "kuaishou"),
        },
        support=10000,
    ),
    Person("a7", "A", status=EnrollmentStatus.WITHDRAWN, graduated=False),
    Person("a8", "A", graduated=False),
    Person("a9", "A", status=EnrollmentStatus.MOVED, graduated=False),
    Person(
        "b1",
        "B",
        "female",
        500,
        5,
        waves={
            0: Wave(1500, 3000, 20, 2, "wechat", True, (("honey", "30", "bottle"),)),
            3: Wave(2000, 5000, 200, 5, "kuaishou"),
        },
        support=2000,
    ),
    Person("b2", "B", "male", 800, 4, waves={0: Wave(700, 1000, 0, 0, "offline,wechat")}),
    Person("b3", "B", "female", 1200, 3, waves={0: Wave(1200, 2000, 1, 0, "")}),
    Person("b4", "B", status=EnrollmentStatus.WITHDRAWN, graduated=False),
    Person(
        "c1",
        "C",
        "female",
        0,
        2,
        waves={0: Wave(600, 500, 3, 0, "taobao", quantities=(("tea", "10", "kg"),))},
        support=0,
    ),
    Person("c2", "C", "male", 1000, 3, consent=False, waves={0: Wave(3000, 7777, 7, 7, "wechat")}),
    Person("c3", "C", "male", 1000, 3, undone=True, waves={0: Wave(99999, 55555, 9, 9, "wechat")}),
    Person("c4", "C", graduated=False),
]
GRADUATED_DAYS_AGO = {"A": 200, "B": 100, "C": 10}
COHORTS = {"A": ("横峰县", False), "B": ("于都县", True), "C": ("于都县", True)}


@dataclass
class ImpactWorld:
    program: object
    cohorts: dict
    learners: dict
    graduations: dict


def build_impact_world(
    today: date | None = None, people=PEOPLE, name="Impact incubator", cohorts=COHORTS
) -> ImpactWorld:
    """The program of the module's docstring, built from model rows."""
    today = today or program_today()
    program = ProgramFactory(name=name, follow_up_months="0,3,6,12")

    def ended(key: str) -> dict:
        # Each cohort ended the day its graduates graduated, after four months.
        ends_on = today - timedelta(days=GRADUATED_DAYS_AGO.get(key, 200))
        return {"starts_on": ends_on - timedelta(days=120), "ends_on": ends_on}

    cohorts = {
        key: CohortFactory(program=program, name=f"Cohort {key}", county=county, poverty_county=poverty, **ended(key))
        for key, (county, poverty) in cohorts.items()
    }
    elsewhere = CohortFactory(program=program, name="Cohort Z", county="其他县", **ended("Z"))
    learners, graduations = {}, {}
    for person in people:
        learners[person.key], graduation = add_person(person, cohorts[person.cohort], today, elsewhere)
        if graduation is not None:
            graduations[person.key] = graduation
    db.session.commit()
    return ImpactWorld(program, cohorts, learners, graduations)


def add_person(person: Person, cohort, today: date, elsewhere=None):
    """One person of the table above as model rows (enrolment, baseline, consent, support, graduation, follow-ups):
    (learner, graduation or None); the caller commits."""
    learner = UserFactory(name=f"Learner {person.key}")
    db.session.add(Enrollment(cohort=cohort, learner=learner, status=person.status))
    if person.status == EnrollmentStatus.MOVED:
        db.session.add(Enrollment(cohort=elsewhere, learner=learner))
    if person.gender:
        db.session.add(
            Baseline(
                learner_id=learner.id,
                monthly_income_fen=person.baseline * YUAN,
                household_size=person.household,
                business_status="offline",
                gender=person.gender,
            )
        )
    if person.consent is not None:
        db.session.add(ReportingConsent(learner_id=learner.id, granted=person.consent))
    if person.support:
        db.session.add(
            SupportRecord(
                learner_id=learner.id, kind="loan", given_on=today, value_fen=person.support * YUAN, given_by="x"
            )
        )
    if not person.graduated:
        return learner, None
    graduated_on = today - timedelta(days=GRADUATED_DAYS_AGO.get(person.cohort, 200))
    graduation = Graduation(
        learner_id=learner.id,
        cohort_id=cohort.id,
        graduated_on=graduated_on,
        undone_at=utcnow() if person.undone else None,
    )
    db.session.add(graduation)
    db.session.flush()
    for months, wave in person.waves.items():
        follow_up = FollowUp(
            graduation_id=graduation.id,
            learner_id=learner.id,
            wave_months=months,
            period_start=graduated_on,
            period_end=graduated_on + timedelta(days=30),
            monthly_income_fen=int(wave.income * YUAN),
            revenue_fen=wave.revenue * YUAN,
            households_benefiting=wave.households,
            people_employed=wave.employed,
            channels=wave.channels,
            verified_at=utcnow() if wave.verified else None,
        )
        follow_up.quantities = [
            FollowUpQuantity(product=product, quantity=Decimal(quantity), unit=unit)
            for product, quantity, unit in wave.quantities
        ]
        db.session.add(follow_up)
    return learner, graduation


def report_for(world: ImpactWorld, breakdown="cohort", today=None, **filters):
    selection = Selection(world.program, ReportFilters(**filters), breakdown, today or program_today())
    return impact_services.impact_report(selection)


def group(report, dimension, key):
    return report.groups[(dimension, str(key))]


@pytest.fixture
def impact_world():
    return build_impact_world()


# ---- The whole program ----


def test_enrolment_and_graduation_counts(impact_world):
    total = report_for(impact_world).total
    # 7 + 4 + 3 learners who consented, and a9 in cohort Z; a6 and c2 graduated but count in no figure but one.
    assert (total.learners, total.graduated) == (15, 9)
    assert total.graduation_rate == Decimal(9) / 15
    assert (total.graduates, total.reported, total.excluded) == (11, 9, 2)
    assert total.poverty_graduates == 4  # b1-b3, c1; not c2, who withdrew consent
    assert (total.household_people, total.households_known) == (34, 9)


def test_graduation_rate_per_cohort(impact_world):
    report = report_for(impact_world)
    cohort = impact_world.cohorts
    rates = {
        key: (group(report, "cohort", c.id).learners, group(report, "cohort", c.id).graduated)
        for key, c in cohort.items()
    }
    assert rates == {"A": (7, 5), "B": (4, 3), "C": (3, 1)}
    assert group(report, "cohort", cohort["A"].id).graduation_rate == Decimal(5) / 7
    assert group(report, "cohort", cohort["C"].id).graduation_rate == Decimal(1) / 3


def wave_figures(wave) -> tuple:
    """(n, median, mean, rose) of a wave, money in yuan."""
    return (
        wave.changes,
        None if wave.median_fen is None else wave.median_fen / YUAN,
        None if wave.mean_fen is None else wave.mean_fen / YUAN,
        wave.rose,
    )


def test_response_rate_per_wave_counts_consenting_graduates_whose_wave_has_come(impact_world):
    total = report_for(impact_world).total
    # Wave 0 is due for all 9 consenting graduates; wave 3 for cohorts A and B (8); wave 6 for A (5); wave 12: none.
    assert [(w.months, w.due, w.collected, w.verified) for w in total.waves.values()] == [
        (0, 9, 9, 3),
        (3, 8, 5, 1),
        (6, 5, 0, 0),
        (12, 0, 0, 0),
    ]
    assert total.waves[3].response_rate == Decimal("0.625")
    assert total.waves[3].self_reported == 4
    assert total.waves[12].response_rate is None


def test_a_follow_up_entered_before_its_wave_is_due_is_not_collected_yet(impact_world):
    c1 = impact_world.graduations["c1"]  # graduated 10 days ago: wave 3 is not due
    db.session.add(
        FollowUp(
            graduation_id=c1.id,
            learner_id=c1.learner_id,
            wave_months=3,
            period_start=c1.graduated_on,
            period_end=c1.graduated_on,
            monthly_income_fen=0,
        )
    )
    db.session.commit()
    wave = report_for(impact_world).total.waves[3]
    assert (wave.due, wave.collected) == (8, 5)


def test_income_change_per_wave_median_mean_and_share_rose(impact_world):
    total = report_for(impact_world).total
    # Wave 0, odd n: -200 -100 0 0 [500] 600 900 1000 2000.
    assert wave_figures(total.waves[0]) == (9, 500, Decimal(4700) / 9, 5)
    assert total.waves[0].rose_share == Decimal(5) / 9
    # Wave 3, odd n: 100 300 [1000] 1500 1500.
    assert wave_figures(total.waves[3]) == (5, 1000, 880, 5)
    assert total.waves[3].rose_share == 1
    assert wave_figures(total.waves[6]) == (0, None, None, 0)


def test_medians_of_an_even_number_average_the_two_middle_changes(impact_world):
    report = report_for(impact_world, breakdown="gender")
    cohort_a = group(report, "cohort", impact_world.cohorts["A"].id)
    # Cohort A, wave 3: 100 [300 1000] 1500; wave 0 (odd): -200 0 [500] 900 2000.
    assert wave_figures(cohort_a.waves[3]) == (4, 650, 725, 4)
    assert wave_figures(cohort_a.waves[0]) == (5, 500, 640, 3)
    # Women, wave 0: -200 0 [500 600] 900 1000.
    female = group(report, "gender", "female")
    assert wave_figures(female.waves[0]) == (6, 550, Decimal(2800) / 6, 4)


def test_a_median_between_two_fen_keeps_the_half_fen():
    people = [
        Person(f"p{index}", "A", "female", 0, 1, waves={0: Wave(income)})
        for index, income in enumerate((Decimal("10.01"), Decimal("10.02")))
    ]
    world = build_impact_world(people=people)
    wave = report_for(world).total.waves[0]
    assert wave.median_fen == Decimal("1001.5")
    assert wave.mean_fen == Decimal("1001.5")


def test_revenue_support_households_employed_and_channels(impact_world):
    total = report_for(impact_world).total
    assert total.revenue_fen == 80_500 * YUAN
    assert total.verified_revenue_fen == 33_000 * YUAN
    assert total.self_reported_revenue_fen == 47_500 * YUAN
    assert total.support_fen == 10_000 * YUAN
    assert total.revenue_per_support_yuan == Decimal("8.05")
    # Latest follow-ups: a1-a4 and b1 at 3 months, the others at graduation.
    assert (total.households_benefiting, total.people_employed, total.reporting) == (304, 13, 9)
    assert (total.follow_ups, total.verified_follow_ups) == (14, 4)
    used = {code: count for code, count in total.channels.items() if count}
    assert used == {"kuaishou": 4, "taobao": 2, "pinduoduo": 1, "wechat": 3, "offline": 2}


def test_quantities_add_up_per_product_whatever_its_spacing_or_letter_case(impact_world):
    total = report_for(impact_world).total
    assert {(q.product, q.unit): (q.quantity, q.graduates) for q in total.quantities} == {
        ("tea", "kg"): (Decimal("310.5"), 3),  # "Tea" 100 + "tea " 150 + "tea" 50.5 + "tea" 10; a6's 999 left out
        ("arrowroot powder", "jin"): (Decimal(200), 1),
        ("honey", "bottle"): (Decimal(30), 1),
    }


def test_without_consent_a_graduate_is_in_no_figure_but_the_count_left_out(impact_world):
    report = report_for(impact_world, breakdown="gender")
    male = group(report, "gender", "male")
    assert (male.graduates, male.reported, male.excluded) == (4, 3, 1)  # c2 withdrew consent
    assert male.revenue_fen == (0 + 1000 + 20000 + 4000 + 1000) * YUAN  # a3, a4, b2; not c2's 7777
    female = group(report, "gender", "female")
    assert (female.graduates, female.reported, female.excluded) == (7, 6, 1)  # a6 never consented
    assert female.support_fen == (5000 + 2000) * YUAN  # a1, b1; not a6's 10000
    # Withdrawing consent later takes a graduate out at once.
    consent = db.session.scalars(
        select(ReportingConsent).where(ReportingConsent.learner_id == impact_world.learners["a1"].id)
    ).one()
    consent.granted = False
    db.session.commit()
    total = report_for(impact_world).total
    assert (total.reported, total.excluded) == (8, 3)
    assert total.revenue_fen == (80_500 - 10_000 - 15_000) * YUAN


def test_an_undone_graduation_counts_nowhere_but_its_learner_stays_enrolled(impact_world):
    report = report_for(impact_world)
    cohort_c = group(report, "cohort", impact_world.cohorts["C"].id)
    assert (cohort_c.learners, cohort_c.graduated, cohort_c.graduates) == (3, 1, 2)  # c3 counts as a learner
    assert cohort_c.revenue_fen == 500 * YUAN  # c1 only: c3's 55555 is of an undone graduation


# ---- Breakdowns ----


def test_breakdown_by_cohort(impact_world):
    report = report_for(impact_world)
    a, b, c = (group(report, "cohort", impact_world.cohorts[key].id) for key in "ABC")
    assert [(g.graduates, g.reported, g.excluded) for g in (a, b, c)] == [(6, 5, 1), (3, 3, 0), (2, 1, 1)]
    assert [g.revenue_fen // YUAN for g in (a, b, c)] == [69_000, 11_000, 500]
    assert [g.support_fen // YUAN for g in (a, b, c)] == [8_000, 2_000, 0]
    assert [(g.households_benefiting, g.people_employed) for g in (a, b, c)] == [(100, 8), (201, 5), (3, 0)]
    assert [g.poverty_graduates for g in (a, b, c)] == [0, 3, 1]
    assert [(w.due, w.collected) for w in b.waves.values()] == [(3, 3), (3, 1), (0, 0), (0, 0)]
    assert c.revenue_per_support_yuan is None  # no support: nothing to divide by
    assert [g.small for g in (a, b, c)] == [False, True, True]


def test_breakdown_by_county_and_poverty_group_the_same_cohorts(impact_world):
    report = report_for(impact_world, breakdown="county")
    yudu = group(report, "county", "于都县")
    assert (yudu.learners, yudu.graduated, yudu.graduates, yudu.reported) == (7, 4, 5, 4)
    assert yudu.revenue_fen == 11_500 * YUAN
    poor = group(report_for(impact_world, breakdown="poverty"), "poverty", "yes")
    assert (poor.learners, poor.graduated, poor.graduates, poor.reported, poor.revenue_fen) == (
        7,
        4,
        5,
        4,
        11_500 * YUAN,
    )
    other = group(report_for(impact_world, breakdown="poverty"), "poverty", "no")
    assert (other.learners, other.graduates, other.poverty_graduates) == (8, 6, 0)  # a9 moved to cohort Z


def test_breakdown_by_gender_counts_learners_without_a_baseline_as_unspecified(impact_world):
    report = report_for(impact_world, breakdown="gender")
    learners = {
        key: (group(report, "gender", key).learners, group(report, "gender", key).graduated)
        for key in (
            "female",
            "male",
            "unspecified",
        )
    }
    assert learners == {"female": (6, 6), "male": (4, 3), "unspecified": (5, 0)}  # not a6, c2


def test_breakdown_by_channel_counts_the_follow_ups_naming_it(impact_world):
    report = report_for(impact_world, breakdown="channel")
    wechat = group(report, "channel", "wechat")
    # Follow-ups naming WeChat: a1 and a3 at graduation, a3 and a4 at 3 months, b1, b2; c2's is left out.
    assert (wechat.graduates, wechat.reported, wechat.excluded) == (6, 5, 1)
    assert wechat.revenue_fen == 19_000 * YUAN
    assert wave_figures(wechat.waves[0]) == (4, 250, 350, 2)  # -100 [0 500] 1000
    assert wave_figures(wechat.waves[3]) == (2, 200, 200, 2)
    assert wechat.learners == 0  # enrolled learners have no channel
    kuaishou = group(report, "channel", "kuaishou")
    assert kuaishou.revenue_fen == 50_000 * YUAN


@pytest.mark.parametrize("dimension", ["cohort", "county", "poverty", "gender", "channel"])
def test_each_group_of_a_breakdown_equals_the_selection_filtered_to_it(impact_world, dimension):
    report = report_for(impact_world, breakdown=dimension)
    for found in report.groups_of(dimension):
        narrowed = {
            "cohort": lambda key: {"cohort_id": int(key)},
            "county": lambda key: {"county": key},
            "poverty": lambda key: {"poverty": key == "yes"},
            "gender": lambda key: {"gender": key},
            "channel": lambda key: {"channel": key},
        }[dimension](found.key)
        alone = report_for(impact_world, **narrowed).total
        if dimension == "channel":
            # Learners enrolled and follow-ups due are not broken down by channel.
            alone.learners = alone.graduated = alone.learners_ended = alone.graduated_ended = 0
            alone.waves = {
                months: replace(wave, due=0, collected=0, verified=0) for months, wave in alone.waves.items()
            }
        assert replace(found, dimension="", key="", waves={}) == replace(alone, waves={}), found.key
        assert {m: w for m, w in found.waves.items() if w.changes or w.due} == {
            m: w for m, w in alone.waves.items() if w.changes or w.due
        }, found.key


# ---- Filters ----


def test_graduation_dates_narrow_the_graduates_not_the_enrolment(impact_world):
    today = program_today()
    total = report_for(impact_world, date_from=today - timedelta(days=150)).total
    assert (total.graduates, total.reported) == (5, 4)  # cohorts B and C
    assert total.revenue_fen == 11_500 * YUAN
    assert (total.learners, total.graduated) == (15, 9)
    total = report_for(impact_world, date_to=today - timedelta(days=150)).total
    assert (total.graduates, total.reported) == (6, 5)  # cohort A


def test_verified_only_keeps_the_verified_follow_ups_and_their_graduates(impact_world):
    total = report_for(impact_world, verified_only=True).total
    assert (total.graduates, total.reported) == (3, 3)  # a1, a2, b1
    assert total.revenue_fen == total.verified_revenue_fen == 33_000 * YUAN
    assert wave_figures(total.waves[0]) == (3, 500, Decimal(1300) / 3, 2)
    assert total.support_fen == 7_000 * YUAN


def test_filters_combine(impact_world):
    total = report_for(impact_world, county="横峰县", gender="male").total
    assert (total.graduates, total.reported, total.revenue_fen) == (2, 2, 25_000 * YUAN)
    assert (total.learners, total.graduated) == (2, 2)


def test_another_programs_figures_never_mix_in(impact_world):
    other = build_impact_world(name="Another incubator")
    assert report_for(impact_world).total.revenue_fen == 80_500 * YUAN
    assert report_for(other).total.revenue_fen == 80_500 * YUAN
    assert report_for(other).total.learners == 15


def test_a_program_without_graduates_gives_zeros_not_errors():
    world = build_impact_world(people=[])
    report = report_for(world, breakdown="channel")
    assert (report.total.learners, report.total.graduates, report.total.revenue_fen) == (0, 0, 0)
    assert report.total.graduation_rate is None
    assert report.groups_of("channel") == []


def test_a_wave_set_absurdly_far_off_is_due_for_nobody(impact_world):
    impact_world.program.follow_up_months = "0,3,999999"
    db.session.commit()
    total = report_for(impact_world).total
    assert (total.waves[0].due, total.waves[999999].due) == (9, 0)


# ---- Cohorts under way ----


def test_a_cohort_not_started_does_not_pull_the_graduation_rate_down(impact_world):
    today = program_today()
    starting = CohortFactory(
        program=impact_world.program,
        name="Cohort D",
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=97),
    )
    for index in range(5):
        add_person(Person(f"d{index}", "D", graduated=False), starting, today)
    db.session.commit()
    report = report_for(impact_world)
    total = report.total
    assert total.graduation_rate == Decimal(9) / 15  # not 9 / 20
    assert (total.learners, total.graduated) == (20, 9)
    assert (total.learners_under_way, total.graduated_under_way) == (5, 0)
    cohort_d = group(report, "cohort", starting.id)
    assert (cohort_d.learners, cohort_d.graduated, cohort_d.graduation_rate) == (5, 0, None)
    assert report.cohorts_under_way == {str(starting.id)}


def test_a_cohort_counts_in_the_graduation_rate_from_its_end_date(impact_world):
    today = program_today()
    program = impact_world.program
    ending = CohortFactory(program=program, name="Cohort E", starts_on=today - timedelta(days=90), ends_on=today)
    running = CohortFactory(
        program=program, name="Cohort F", starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=30)
    )
    undated = CohortFactory(program=program, name="Cohort G")
    add_person(Person("e0", "E"), ending, today)
    add_person(Person("e1", "E", graduated=False), ending, today)
    add_person(Person("f0", "F"), running, today)  # graduated before the cohort ends
    add_person(Person("g0", "G", graduated=False), undated, today)
    db.session.commit()
    report = report_for(impact_world)
    assert report.total.graduation_rate == Decimal(9 + 1) / (15 + 2)
    assert (report.total.learners, report.total.graduated) == (19, 11)  # F's early graduate is a graduate
    assert report.cohorts_under_way == {str(running.id), str(undated.id)}  # no end date: not ended
    # The day before, cohort E was still under way.
    yesterday = report_for(impact_world, today=today - timedelta(days=1))
    assert yesterday.total.graduation_rate == Decimal(9) / 15
    # Groups of other breakdowns count their cohorts that have ended the same way.
    county = group(report_for(impact_world, breakdown="county"), "county", "横峰县")  # A, E, F and G
    assert (county.learners, county.learners_ended, county.graduated_ended) == (11, 9, 6)
