"""Rating the loaded returns by the plan's rules, beside the ratings they were published with.

A published rating that differs from the rule's is kept (it is the accountable judgment) as an
*override*, with the reason the return gives (``rating_reason``); :func:`overrides` lists them.
Risk trends are recomputed from the previous quarter's score where that history exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import Plan, plan_for
from scrutiny.judge.rag import DEFAULT_RULES, Rag, RatingRules, rate_kpi, rate_milestone, risk_trend
from scrutiny.returns.schema import read_rows, stored_quarter
from scrutiny.store.engine import Connection

RATED_KINDS = ("services", "indicators", "milestones")


@dataclass(frozen=True)
class RatedRow:
    kind: str
    quarter: str
    priority: str
    ref: str | None
    title: str
    detail: str
    published: str | None
    computed: str | None
    rule_reason: str | None
    override_reason: str | None
    source_id: int
    row_number: int
    #: A milestone's baseline and forecast quarters (None for other kinds).
    baseline: Quarter | None = None
    forecast: Quarter | None = None

    @property
    def comparable(self) -> bool:
        return self.published is not None and self.computed is not None

    @property
    def override(self) -> bool:
        return self.comparable and self.published != self.computed

    @property
    def final(self) -> str | None:
        """The rating to report: the published one where there is one, else the rule's."""
        return self.published or self.computed


def label(letter: str | None) -> str:
    """``A (Amber)``; a dash for no rating. Never a colour alone."""
    return Rag(letter).label if letter else "–"


def _rules(plans: list[Plan], quarter: Quarter) -> RatingRules:
    plan = plan_for(plans, quarter)
    return plan.rules if plan else DEFAULT_RULES


def _where(quarter: str | None) -> tuple[str, list[object]]:
    return ("WHERE quarter = ?", [quarter]) if quarter else ("", [])


def _kpis(con: Connection, plans: list[Plan], quarter: str | None) -> list[RatedRow]:
    where, params = _where(quarter)
    sql = f"""
        SELECT 'services', quarter, priority, ref, kpi, service, unit, annual_target, ytd_value,
               published_rating, rating_reason, source_id, row_number
        FROM ret_services {where}
        UNION ALL
        SELECT 'indicators', quarter, priority, ref,
               indicator || CASE WHEN "group" IS NULL THEN '' ELSE ' (' || "group" || ')' END,
               coalesce(target_text, ''), unit, target, ytd_value,
               published_rating, rating_reason, source_id, row_number
        FROM ret_indicators {where}"""
    out = []
    for kind, q, prio, ref, title, detail, unit, target, value, pub, why, sid, rn in con.execute(
        sql, params * 2
    ).fetchall():
        quarter_ = stored_quarter(q)
        rating = rate_kpi(unit, value, target, quarter_.fraction_of_year, _rules(plans, quarter_))
        out.append(
            RatedRow(
                kind,
                q,
                prio,
                ref,
                title,
                detail or "",
                pub,
                rating.letter if rating else None,
                rating.reason if rating else "no target or no figure to rate",
                why,
                sid,
                rn,
            )
        )
    return out


def _milestones(con: Connection, plans: list[Plan], quarter: str | None) -> list[RatedRow]:
    where, params = _where(quarter)
    rows = read_rows(con, "ret_milestones", where, params)
    out = []
    for r in rows:
        current, base, fc = r["quarter"], r["baseline"], r["forecast"]
        complete = Rag(r["status"]).complete
        rating = rate_milestone(base, fc, current, complete, _rules(plans, current))
        detail = f"baseline {base}" + (f", forecast {fc}" if fc else "")
        out.append(
            RatedRow(
                "milestones",
                str(current),
                r["priority"],
                r["ref"],
                r["description"],
                detail,
                r["status"],
                rating.letter,
                rating.reason,
                r["rating_reason"],
                r["source_id"],
                r["row_number"],
                baseline=base,
                forecast=fc,
            )
        )
    return out


def _order(row: RatedRow) -> tuple[object, ...]:
    ref = row.ref or ""
    return (row.quarter, RATED_KINDS.index(row.kind), row.priority, ref.zfill(8), row.row_number)


def rate_returns(con: Connection, plans: list[Plan], quarter: str | None = None) -> list[RatedRow]:
    """Every KPI and milestone row (of one quarter, or all), rated by its plan's rules."""
    rows = _kpis(con, plans, quarter) + _milestones(con, plans, quarter)
    return sorted(rows, key=_order)


def overrides(rows: list[RatedRow]) -> list[RatedRow]:
    return [r for r in rows if r.override]


@dataclass(frozen=True)
class Agreement:
    agree: int
    total: int
    not_comparable: int

    @property
    def share(self) -> float:
        return self.agree / self.total if self.total else 1.0

    def describe(self) -> str:
        return (
            f"computed ratings agree with the published on {self.agree} of {self.total} rows "
            f"({self.share:.1%}); {self.not_comparable} rows have no published or no "
            "computed rating"
        )


def agreement(rows: list[RatedRow]) -> Agreement:
    comparable = [r for r in rows if r.comparable]
    agree = sum(1 for r in comparable if r.published == r.computed)
    return Agreement(agree, len(comparable), len(rows) - len(comparable))


@dataclass(frozen=True)
class TrendRow:
    quarter: str
    priority: str
    ref: str
    description: str
    score: int
    previous: int | None
    published: str | None
    computed: str | None


def risk_trends(con: Connection, quarter: str | None = None) -> list[TrendRow]:
    """Each risk's trend from its score in the previous quarter (same priority and wording)."""
    rows = con.execute(
        "SELECT quarter, priority, ref, description, score, trend FROM ret_risks ORDER BY ALL"
    ).fetchall()
    scores = {(q, p, d.casefold()): s for q, p, _, d, s, _ in rows}
    out = []
    for q, prio, ref, desc, score, trend in rows:
        if quarter and q != quarter:
            continue
        prev = scores.get((str(stored_quarter(q).shift(-1)), prio, desc.casefold()))
        computed = risk_trend(score, prev)
        out.append(
            TrendRow(q, prio, ref, desc, score, prev, trend, computed.value if computed else None)
        )
    return out


def refresh_ratings(con: Connection, plans: list[Plan]) -> int:
    """Rewrite ``ret_ratings`` from the loaded returns (call inside a transaction)."""
    rows = rate_returns(con, plans)
    con.execute("DELETE FROM ret_ratings")
    if not rows:
        return 0
    con.executemany(
        "INSERT INTO ret_ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                r.kind,
                r.quarter,
                r.priority,
                r.ref,
                r.title,
                r.detail,
                r.published,
                r.computed,
                r.final,
                r.override,
                r.rule_reason,
                r.override_reason,
                r.source_id,
                r.row_number,
            ]
            for r in rows
        ],
    )
    return len(rows)
