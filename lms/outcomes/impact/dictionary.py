"""The figures the impact report gives, named once: the dashboard, the aggregate export and the data dictionary page.

Where a figure matches an IRIS+ metric (the catalogue funders report in), its code is given so they can map ours
to theirs. Labels and descriptions are lazy strings: they are read in the reader's language.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The fewest graduates a group, and the fewest graduates or follow-ups a figure, may rest on before the export
# withholds it (disclosure.py).
MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    description: object
    unit: object
    iris: str = ""  # IRIS+ metric code, where one matches


REPORT_METRICS: tuple[Metric, ...] = (
    Metric(
        "learners",
        _l("Learners enrolled"),
        _l(
            "People enrolled in the group's cohorts who consented to reporting: still active, graduated or withdrawn "
            "(a learner moved to another cohort counts there)."
        ),
        _l("people"),
        "PI4060",
    ),
    Metric(
        "graduates",
        _l("Graduates"),
        _l("Learners enrolled who consented to reporting and whose graduation a program lead confirmed, not undone."),
        _l("people"),
    ),
    Metric(
        "graduation_rate",
        _l("Graduation rate"),
        _l(
            "Graduates divided by learners enrolled, in the cohorts that have ended: a cohort counts from its end "
            "date, cohorts under way, not started or without an end date are left out. n: the learners it divides by."
        ),
        _l("percent"),
    ),
    Metric(
        "graduates_reported",
        _l("Graduates reported on"),
        _l("Graduates in the selection who consented to reporting: the people the outcome figures count."),
        _l("people"),
    ),
    Metric(
        "poverty_county_graduates",
        _l("Graduates in poverty-stricken counties"),
        _l(
            "Graduates reported on whose cohort is in a national-level poverty-stricken county; each stands for one "
            "poor household."
        ),
        _l("households"),
        "PI1726",
    ),
    Metric(
        "mean_household_size",
        _l("Mean household size"),
        _l("Mean number of people in graduates' households, from the intake baseline."),
        _l("people"),
        "PI4548",
    ),
    Metric(
        "follow_ups_due",
        _l("Follow-ups due"),
        _l("Follow-ups whose date has come, per wave: one per consenting graduate and wave of the program's schedule."),
        _l("follow-ups"),
    ),
    Metric(
        "follow_ups_collected",
        _l("Follow-ups collected"),
        _l("Follow-ups recorded, per wave, for the graduates whose follow-up is due."),
        _l("follow-ups"),
    ),
    Metric(
        "response_rate",
        _l("Response rate"),
        _l("Follow-ups collected divided by follow-ups due, per wave."),
        _l("percent"),
    ),
    Metric(
        "income_change_median",
        _l("Median change in monthly income"),
        _l("Median of (monthly income at the wave minus monthly income at baseline), for consenting graduates."),
        _l("currency per month"),
    ),
    Metric(
        "income_change_mean",
        _l("Mean change in monthly income"),
        _l("Mean of (monthly income at the wave minus monthly income at baseline), for consenting graduates."),
        _l("currency per month"),
    ),
    Metric(
        "income_rose_share",
        _l("Share whose income rose"),
        _l("Graduates whose monthly income at the wave is above their baseline, divided by those with both figures."),
        _l("percent"),
    ),
    Metric(
        "revenue_total",
        _l("Graduate revenue"),
        _l("Sum of the revenue graduates reported for the periods their follow-ups cover. n: the follow-ups added up."),
        _l("currency"),
    ),
    Metric(
        "quantity_sold",
        _l("Quantity sold"),
        _l("Sum of quantities sold, per product and unit. n: the follow-ups that sold it."),
        _l("as recorded (kg, jin, piece, box, bottle)"),
    ),
    Metric(
        "households_benefiting",
        _l("Households benefiting"),
        _l("Households (suppliers, neighbours) helped by graduates' businesses, at each graduate's latest follow-up."),
        _l("households"),
    ),
    Metric(
        "people_employed",
        _l("People employed"),
        _l("People graduates' businesses employ, at each graduate's latest follow-up."),
        _l("people"),
        "PI3687",
    ),
    Metric(
        "channel_graduates",
        _l("Graduates using a sales channel"),
        _l("Graduates whose latest follow-up names the channel."),
        _l("people"),
    ),
    Metric(
        "support_value",
        _l("Value of support given"),
        _l(
            "Sum of the value of support records (traffic credits, loans, equipment, introductions, training). "
            "n: the graduates given support."
        ),
        _l("currency"),
    ),
    Metric(
        "revenue_per_support_yuan",
        _l("Revenue per yuan of support"),
        _l("Graduate revenue divided by the value of support given."),
        _l("ratio"),
    ),
    Metric(
        "excluded_no_consent",
        _l("Left out: no consent"),
        _l("Graduates whose figures are left out because they have not given, or have withdrawn, consent."),
        _l("people"),
    ),
)

METRICS_BY_KEY = {metric.key: metric for metric in REPORT_METRICS}
